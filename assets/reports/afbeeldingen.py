"""Dagster asset `rapportage/afbeeldingen`: the PNGs of the month's report, after the report.

Kaleido with Chromium takes seconds per figure; the monthly run does not wait for it. The report
lists its figures in `output/<maand>/figuren/` (`report_png.write_specs`); this asset renders
them and publishes the folder again with the PNGs (`report_png.make_pngs`). It reads no
warehouse (no `duckdb_writer` pool): the next month can run meanwhile. It has its own job
(`afbeeldingen`), started in the background by `risicoradar run` and, for monthly runs started
elsewhere (schedule, sensor, UI), by the sensor `afbeeldingen_na_maandrun` (pipelines/sensors.py).
"""
import dagster as dg

from assets.partitions import maand_partitions
from assets.reports.rapportage import MAANDRAPPORTAGE, OWNERS
from assets.resources import DataFolder

AFBEELDINGEN = dg.AssetKey(["rapportage", "afbeeldingen"])


@dg.asset(
    key=AFBEELDINGEN,
    partitions_def=maand_partitions,
    group_name="rapportage",
    owners=OWNERS,
    kinds={"plotly", "png"},
    deps=[MAANDRAPPORTAGE],
    description=(
        "PNG-afbeeldingen van de kaarten en grafieken van de maandrapportage (voor e-mail en print) in "
        "output/<maand>/figuren/, gemaakt met Chromium na de rapportage; de maandverwerking wacht er niet op. "
        "Geen adreskaart: alleen buurtcijfers en trends."
    ),
)
def afbeeldingen(context: dg.AssetExecutionContext, data_folder: DataFolder) -> dg.MaterializeResult:
    from assets.reports.report_png import make_pngs, manifest

    settings = data_folder.settings()
    maand = context.partition_key
    folder = settings.output_month(maand)
    if manifest(folder) is None:
        raise dg.Failure(description=f"Geen figuren voor {maand} in {folder / 'figuren'}: de maandrapportage "
                                     "van die maand is zonder PNG-lijst gemaakt (instellingen: rapportage: png).",
                         metadata={"maand": maand})
    made, melding = make_pngs(folder)
    (context.log.info if made else context.log.warning)("Afbeeldingen %s: %s", maand, melding)
    return dg.MaterializeResult(metadata={"maand": maand, "png": melding,
                                          "png_bestanden": dg.MetadataValue.int(len(made)),
                                          "map": dg.MetadataValue.path(str(folder / "figuren"))})


ASSETS = [afbeeldingen]

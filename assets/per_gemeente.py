"""Many gemeenten at once: the monthly step and its outputs per (maand x gemeente) partition.

Each gemeente has its own data folder (<data>/gemeenten/GMxxxx/: inbox, warehouse, outputs), so
each has its own DuckDB writer and partitions of different gemeenten run in parallel (run queue,
multiprocess executor; on Kubernetes or Celery executors likewise). Two months of the same
gemeente wait for each other on the warehouse's file lock.

Besides the warehouse (`maandverwerking_per_gemeente`, the same 16 tables as the monthly step),
every gemeente gets its outputs in its own folder: the trend tables, the monthly report and the
algorithm description (`gemeenten/rapportage/*`). The regional overview over all gemeenten is
`assets/reports/regio_overzicht.py` (`risicoradar regio-overzicht`).

The code location includes these assets only in per-gemeente mode (`<data>/gemeenten/` exists):
a single gemeente's UI does not show a second copy of every table.
"""

import warnings

import dagster as dg

from assets.maand import CHECKS, PER_GEMEENTE, SPECS, process_month
from assets.partitions import maand_gemeente_partitions
from assets.reports.rapportage import BRONNEN, MAANDRAPPORTAGE, RAPPORT_BRONNEN, TRENDTABELLEN
from assets.resources import DataFolder, warehouse_resource
from assets.scoring.specs import OWNERS

GROUP = "per_gemeente"
_OWN_KEYS = {spec.key for spec in SPECS} | {TRENDTABELLEN}


def per_gemeente_key(k: dg.AssetKey) -> dg.AssetKey:
    return dg.AssetKey([*PER_GEMEENTE, *k.path])


def _per_gemeente_deps(deps) -> list[dg.AssetDep]:
    """The deps among the monthly assets, as deps on the same gemeente's copies (a previous-month
    mapping stays a previous-month mapping, for the same gemeente). Reference data are loaded into
    each gemeente's warehouse by the step itself."""
    out = []
    for dep in deps:
        if dep.asset_key not in _OWN_KEYS:
            continue
        mapping = dep.partition_mapping
        if mapping is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", dg.BetaWarning)
                mapping = dg.MultiPartitionMapping(
                    {
                        "maand": dg.DimensionPartitionMapping("maand", mapping),
                        "gemeente": dg.DimensionPartitionMapping("gemeente", dg.IdentityPartitionMapping()),
                    }
                )
        out.append(dg.AssetDep(per_gemeente_key(dep.asset_key), partition_mapping=mapping))
    return out


def _per_gemeente_spec(spec: dg.AssetSpec) -> dg.AssetSpec:
    return spec.replace_attributes(key=per_gemeente_key(spec.key), deps=_per_gemeente_deps(spec.deps), group_name=GROUP)


def _settings(context, data_folder: DataFolder):
    keys = context.partition_key.keys_by_dimension
    settings = data_folder.settings().voor_gemeente(keys["gemeente"])
    settings.data.mkdir(parents=True, exist_ok=True)
    return settings, keys["maand"]


@dg.multi_asset(
    name="maandverwerking_per_gemeente",
    specs=[_per_gemeente_spec(s) for s in SPECS],
    check_specs=[dg.AssetCheckSpec(c.name, asset=per_gemeente_key(c.asset_key), description=c.description,
                                   blocking=c.blocking) for c in CHECKS],
    partitions_def=maand_gemeente_partitions,
    can_subset=False,
)
def maandverwerking_per_gemeente(context: dg.AssetExecutionContext, data_folder: DataFolder):
    """The same monthly step for one gemeente of many, in that gemeente's own data folder."""
    settings, maand = _settings(context, data_folder)
    yield from process_month(context, warehouse_resource(settings), settings, maand, prefix=PER_GEMEENTE, load_reference=True)


@dg.asset(
    key=per_gemeente_key(TRENDTABELLEN),
    partitions_def=maand_gemeente_partitions,
    group_name=GROUP,
    owners=OWNERS,
    kinds={"duckdb", "excel"},
    deps=_per_gemeente_deps(BRONNEN),
    description="De trendtabellen van één gemeente in <datamap>/gemeenten/GMxxxx/output/<maand>/trends/.",
)
def trendtabellen_per_gemeente(context: dg.AssetExecutionContext, data_folder: DataFolder) -> dg.MaterializeResult:
    from assets.reports.report_publish import MaandNietVerwerkt, build_trend_files
    from assets.reports.trends import trend_tables
    from assets.warehouse import connect

    settings, maand = _settings(context, data_folder)
    with connect(warehouse_resource(settings)) as con:
        tables = trend_tables(con, maand)
        try:
            paths = build_trend_files(con, settings, maand, tables)
        except MaandNietVerwerkt as exc:
            raise dg.Failure(description=str(exc), metadata={"maand": maand}) from None
    return dg.MaterializeResult(metadata={
        "maand": maand, "gemeente": f"GM{settings.gemeentecode}",
        "map": dg.MetadataValue.path(str(settings.output_month(maand) / "trends")),
        "bestanden": dg.MetadataValue.int(len(paths)),
    })


@dg.asset(
    key=per_gemeente_key(MAANDRAPPORTAGE),
    partitions_def=maand_gemeente_partitions,
    group_name=GROUP,
    owners=OWNERS,
    kinds={"duckdb", "plotly", "html"},
    deps=_per_gemeente_deps(RAPPORT_BRONNEN),
    description=("De maandrapportage en de algoritmebeschrijving van één gemeente: "
                 "<datamap>/gemeenten/GMxxxx/output/<maand>/maandrapportage.html en output/algoritmeregister.md/.json. "
                 "Zonder PNG-afbeeldingen (die kosten per gemeente seconden per figuur)."),
)
def maandrapportage_per_gemeente(context: dg.AssetExecutionContext, data_folder: DataFolder) -> dg.MaterializeResult:
    from assets.reports.report_publish import MaandNietVerwerkt, build_report
    from assets.scoring.algoritmeregister import as_json, as_markdown, beschrijving
    from assets.scoring.config import load
    from assets.warehouse import connect
    from assets.writing import write_private

    settings, maand = _settings(context, data_folder)
    with connect(warehouse_resource(settings)) as con:
        try:
            result = build_report(con, settings, maand, png=False)
        except MaandNietVerwerkt as exc:
            raise dg.Failure(description=str(exc), metadata={"maand": maand}) from None
    # The algorithm description of the configuration this gemeente runs with (its own
    # <gemeente>/config/ when it has one).
    doc = beschrijving(load(settings.indicatoren_path), settings.config)
    md = write_private(settings.output / "algoritmeregister.md", as_markdown(doc))
    write_private(settings.output / "algoritmeregister.json", as_json(doc))
    return dg.MaterializeResult(metadata={
        "maand": maand, "gemeente": f"GM{settings.gemeentecode}",
        "rapport": dg.MetadataValue.path(str(result.html)),
        "algoritmebeschrijving": dg.MetadataValue.path(str(md)),
        "adressen_op_lijst": dg.MetadataValue.int(result.controlelijst),
    })


ASSETS = [maandverwerking_per_gemeente, trendtabellen_per_gemeente, maandrapportage_per_gemeente]

"""Dagster assets of the reports layer: the trend tables and the monthly HTML report.

Both are partitioned by month, read the warehouse through `assets.warehouse.connect` (one
DuckDB process at a time: pool `duckdb_writer`) and publish their files atomically into
`<data>/output/<YYYY-MM>/` with owner-only permissions.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.lineage import asset_deps, query_names
from assets.warehouse import connect
from assets.partitions import maand_partitions
from assets.resources import DataFolder

OWNERS = ["team:aov-informatie"]
TRENDTABELLEN = dg.AssetKey(["rapportage", "trendtabellen"])
MAANDRAPPORTAGE = dg.AssetKey(["rapportage", "maandrapportage"])

# What the reports read, from their SQL files (assets.lineage): the trend tables' `trend.*`
# queries, and for the report also every `rapport.*` query and the trend tables asset.
BRONNEN = asset_deps(*query_names("trend"))
RAPPORT_BRONNEN = [*asset_deps(*query_names("rapport"), *query_names("trend")), dg.AssetDep(TRENDTABELLEN)]


@dg.asset(
    key=TRENDTABELLEN,
    partitions_def=maand_partitions,
    pool="duckdb_writer",
    group_name="rapportage",
    owners=OWNERS,
    kinds={"duckdb", "excel"},
    deps=BRONNEN,
    description=(
        "Trendtabellen tot en met de maand: slachtoffers per jaar en uitbuitingsvorm (SHOP/CoMensha), "
        "RNI-inschrijvingen, leegstand per buurt, objecten per indicator en controles met trefkans. "
        "Als CSV (puntkomma, UTF-8 met BOM, voor Excel) en één Excel-bestand in output/<maand>/trends/. "
        "Ongeschoonde aantallen voor intern gebruik. SQL: assets/reports/trend.*.sql."
    ),
)
def trendtabellen(context: dg.AssetExecutionContext, duckdb: DuckDBResource, data_folder: DataFolder) -> dg.MaterializeResult:
    """Write the month's trend tables (CSV + XLSX) into <output>/<maand>/trends/."""
    from assets.reports.report_publish import MaandNietVerwerkt, build_trend_files
    from assets.reports.trends import trend_tables

    settings = data_folder.settings()
    maand = context.partition_key
    with connect(duckdb) as con:
        tables = trend_tables(con, maand)
        try:
            paths = build_trend_files(con, settings, maand, tables)
        except MaandNietVerwerkt as exc:
            raise dg.Failure(description=str(exc), metadata={"maand": maand}) from None
    rijen = {name: len(frame) for name, frame in tables.items()}
    context.log.info("Trendtabellen %s: %d bestanden in %s", maand, len(paths), settings.output_month(maand) / "trends")
    return dg.MaterializeResult(
        metadata={
            "maand": maand,
            "map": dg.MetadataValue.path(str(settings.output_month(maand) / "trends")),
            "bestanden": dg.MetadataValue.int(len(paths)),
            "rijen_per_tabel": dg.MetadataValue.json(rijen),
        }
    )


@dg.asset(
    key=MAANDRAPPORTAGE,
    partitions_def=maand_partitions,
    pool="duckdb_writer",
    group_name="rapportage",
    owners=OWNERS,
    kinds={"duckdb", "plotly", "html"},
    deps=RAPPORT_BRONNEN,
    description=(
        "Maandrapportage voor het signaleringsoverleg (output/<maand>/maandrapportage.html): kerncijfers met "
        "verschil t.o.v. vorige maand, kaarten per buurt, de voorgestelde controlelijst met redenen (voorstel, "
        "geen besluit; neutrale volgorde op straat), trends, datakwaliteit, evaluatie en een methodeparagraaf "
        "uit de indicatorconfiguratie. Werkt zonder internet. De PNG-afbeeldingen van kaarten en grafieken "
        "(output/<maand>/figuren/, als Chromium beschikbaar is) maakt de stap rapportage/afbeeldingen erna."
    ),
)
def maandrapportage(context: dg.AssetExecutionContext, duckdb: DuckDBResource, data_folder: DataFolder) -> dg.MaterializeResult:
    """Render and publish the month's HTML report (and the list of its PNGs when Chromium is there)."""
    from assets.reports.report_publish import MaandNietVerwerkt, build_report

    settings = data_folder.settings()
    maand = context.partition_key
    # PNGs (for e-mail and print) cost ~1 s per figure (made after the report: afbeeldingen.py). instellingen.yaml, rapportage: png:
    # "laatste" (default) = only for the newest month in the inbox, so a backfill of two years
    # does not spend minutes on pictures nobody mails; true = every month; false = never.
    png_setting = settings.config.rapportage.png
    with connect(duckdb) as con:
        if png_setting == "laatste":
            from data_contracts import scan_inbox

            months = [f.maand for f in scan_inbox(settings.inbox) if f.source == "bag_verblijfsobject" and f.maand]
            png = maand == max(months, default=maand)
        else:
            png = bool(png_setting)
        try:
            result = build_report(con, settings, maand, png=png)
        except MaandNietVerwerkt as exc:
            raise dg.Failure(description=str(exc), metadata={"maand": maand}) from None
        newest = con.execute("SELECT max(maand) FROM audit.bronnen_maand").fetchall()[0][0]
        if maand == newest:  # the register text shows the decision figures of the newest month
            from assets.scoring.algoritmeregister_asset import write_description

            write_description(settings, con)
    if png and not result.figuren:
        context.log.warning("Maandrapportage %s: %s", maand, result.png_melding)
    context.log.info("Maandrapportage %s gepubliceerd: %s", maand, result.html)
    return dg.MaterializeResult(
        metadata={
            "maand": maand,
            "rapport": dg.MetadataValue.path(str(result.html)),
            "bestanden": dg.MetadataValue.int(len(result.bestanden)),
            "grootte_mb": round(result.html.stat().st_size / 1e6, 1),
            "adressen_op_lijst": dg.MetadataValue.int(result.controlelijst),
            "png": result.png_melding,
            "figuren_voor_png": dg.MetadataValue.int(result.figuren),
        }
    )


ASSETS = [trendtabellen, maandrapportage]

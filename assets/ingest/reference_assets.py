"""Dagster: the two reference assets, staging.cbs_buurten and staging.slachtoffers (not per month)."""
import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.ingest.asset_specs import OWNERS
from assets.ingest.audit import log_validations
from assets.ingest.reference import load_reference, load_slachtoffers, reference_fingerprint, slachtoffer_paths
from assets.resources import DataFolder


@dg.asset(
    key=["staging", "cbs_buurten"],
    group_name="ingest",
    owners=OWNERS,
    kinds={"duckdb", "geopandas"},
    pool="duckdb_writer",
    description="CBS-buurten van de gemeente (CBS/PDOK, CC BY 4.0): code, naam en geometrie voor kaarten. Referentie, niet per maand.",
)
def cbs_buurten(context: dg.AssetExecutionContext, duckdb: DuckDBResource, data_folder: DataFolder) -> dg.MaterializeResult:
    from assets.warehouse import connect

    settings = data_folder.settings()
    with connect(duckdb) as con:
        con.execute("BEGIN TRANSACTION")
        n = load_reference(con, settings)
        con.execute("COMMIT")
        preview = con.execute("SELECT buurtcode, buurtnaam FROM staging.cbs_buurten ORDER BY 1 LIMIT 25").df()
    return dg.MaterializeResult(
        metadata={"rijen": n, "bron": str(settings.buurten_path.name), "voorbeeld": dg.MetadataValue.md(preview.to_markdown(index=False)),
                  "vingerafdruk": reference_fingerprint(settings)}
    )


@dg.asset(
    key=["staging", "slachtoffers"],
    group_name="ingest",
    owners=OWNERS,
    kinds={"duckdb"},
    pool="duckdb_writer",
    description="Slachtofferaantallen SHOP/CoMensha per jaar en uitbuitingsvorm (lang formaat). Bevat altijd Tabel 1 van het beleid (SHOP, Hollands Midden 2018-2022) plus alle bestanden in inbox/slachtoffers/.",
)
def slachtoffers(context: dg.AssetExecutionContext, duckdb: DuckDBResource, data_folder: DataFolder) -> dg.MaterializeResult:
    from data_contracts import validate_slachtoffers

    from assets.warehouse import connect

    settings = data_folder.settings()
    paths = slachtoffer_paths(settings)
    result = validate_slachtoffers(paths)
    with connect(duckdb) as con:
        if result.geweigerd:
            log_validations(con, [result], None, context.run_id)
            raise dg.Failure(description="\n".join(result.meldingen()), metadata={"bestanden": [p.name for p in paths]})
        con.execute("BEGIN TRANSACTION")
        load_slachtoffers(con, result.frame)
        log_validations(con, [result], None, context.run_id)
        con.execute("COMMIT")
        totals = con.execute(
            "SELECT bron, regio, jaar, sum(aantal) AS totaal FROM staging.slachtoffers GROUP BY ALL ORDER BY ALL"
        ).df()
    return dg.MaterializeResult(
        metadata={
            "rijen": len(result.frame),
            "bestanden": dg.MetadataValue.json([p.name for p in paths]),
            "totalen_per_jaar": dg.MetadataValue.md(totals.to_markdown(index=False)),
            "vingerafdruk": reference_fingerprint(settings),
        }
    )

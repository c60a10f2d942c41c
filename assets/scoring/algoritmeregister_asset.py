"""The Dagster asset that writes the Algoritmeregister description (content: algoritmeregister.py)."""

import dagster as dg

from assets.resources import DataFolder
from assets.scoring.algoritmeregister import as_json, as_markdown, beschrijving
from assets.scoring.config import load
from assets.scoring.specs import OWNERS
from assets.writing import write_private

ALGORITMEBESCHRIJVING = dg.AssetKey(["rapportage", "algoritmebeschrijving"])


@dg.asset(
    key=ALGORITMEBESCHRIJVING,
    group_name="score",
    owners=OWNERS,
    kinds={"python"},
    description=(
        "Algoritmebeschrijving volgens de velden van het Algoritmeregister (Markdown en JSON), "
        "gegenereerd uit de draaiende configuratie: <datamap>/output/algoritmeregister.md/.json."
    ),
)
def algoritmebeschrijving(context: dg.AssetExecutionContext, data_folder: DataFolder) -> dg.MaterializeResult:
    # assets.ingest (shapely, great-expectations contracts) only when the asset runs, so that
    # `from assets.scoring import load` stays light.
    from assets.ingest import reference_fingerprint

    settings = data_folder.settings()
    doc = beschrijving(load(settings.indicatoren_path), settings.config, _decision_figures(settings))
    md = write_private(settings.output / "algoritmeregister.md", as_markdown(doc))
    js = write_private(settings.output / "algoritmeregister.json", as_json(doc))
    return dg.MaterializeResult(metadata={"markdown": str(md), "json": str(js), "indicatoren": len(doc["technische_werking"]["indicatoren"]),
                                          "vingerafdruk": reference_fingerprint(settings)})


def _decision_figures(settings) -> str:
    """The text of the decision figures of the newest month in the warehouse ('' without one)."""
    if not settings.warehouse.is_file():
        return ""
    import duckdb

    from assets.scoring.algoritmeregister import besluiten_cijfers
    from assets.warehouse import query

    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        present = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' "
                              "AND table_name = 'evaluatie_besluiten'").fetchall()[0][0]
        if not present:
            return ""
        frame = query(con, "rapport.register_besluiten", {}).df()
    finally:
        con.close()
    if frame.empty:
        return ""
    rows = [{k: (None if v != v else v) for k, v in r.items()} for r in frame.to_dict("records")]
    return besluiten_cijfers(rows, str(frame["maand"].iloc[0]))

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
    doc, md, js = write_description(settings)
    return dg.MaterializeResult(metadata={"markdown": str(md), "json": str(js), "indicatoren": len(doc["technische_werking"]["indicatoren"]),
                                          "vingerafdruk": reference_fingerprint(settings)})



def decision_figures(con) -> str:
    """The text of the decision figures of the newest month in the warehouse ('' without any)."""
    from assets.scoring.algoritmeregister import besluiten_cijfers
    from assets.warehouse import query

    frame = query(con, "rapport.register_besluiten", {}).df()
    if frame.empty:
        return ""
    rows = [{k: (None if v != v else v) for k, v in r.items()} for r in frame.to_dict("records")]
    return besluiten_cijfers(rows, str(frame["maand"].iloc[0]))


def write_description(settings, con=None) -> tuple[dict, object, object]:
    """Write algoritmeregister.md/.json from the running configuration and, with a warehouse
    connection (or an existing warehouse file), the figures of the overleg's decisions."""
    figures = ""
    if con is not None:
        figures = decision_figures(con)
    elif settings.warehouse.is_file():
        import duckdb

        con = duckdb.connect(str(settings.warehouse), read_only=True)
        try:
            present = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' "
                                  "AND table_name = 'evaluatie_besluiten'").fetchall()[0][0]
            figures = decision_figures(con) if present else ""
        finally:
            con.close()
    doc = beschrijving(load(settings.indicatoren_path), settings.config, figures)
    md = write_private(settings.output / "algoritmeregister.md", as_markdown(doc))
    js = write_private(settings.output / "algoritmeregister.json", as_json(doc))
    return doc, md, js

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
    doc = beschrijving(load(settings.indicatoren_path), settings.config)
    md = write_private(settings.output / "algoritmeregister.md", as_markdown(doc))
    js = write_private(settings.output / "algoritmeregister.json", as_json(doc))
    return dg.MaterializeResult(metadata={"markdown": str(md), "json": str(js), "indicatoren": len(doc["technische_werking"]["indicatoren"]),
                                          "vingerafdruk": reference_fingerprint(settings)})

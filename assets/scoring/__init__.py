"""Scoring layer: transparent rules per address and the monthly control list.

Score = sum of the points of the indicators an address meets (assets/config/indicatoren.yaml);
at most four reasons per address in plain Dutch. The control list is top-k by capacity plus a
seeded random sample outside it. Nothing here decides anything about a resident: the list is a
proposal for the signaleringsoverleg.
"""
import duckdb

from assets.scoring.config import Indicator, load, thresholds_frame
from assets.warehouse import replace_month
from data_contracts.months import maandnaam

def register_indicators(con: duckdb.DuckDBPyConnection, indicatoren: list[Indicator]) -> None:
    frame = thresholds_frame(indicatoren)
    con.register("indicator_drempels_df", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE indicator_drempels AS SELECT * FROM indicator_drempels_df")
    con.unregister("indicator_drempels_df")


def build_scores(con: duckdb.DuckDBPyConnection, params: dict, indicatoren: list[Indicator]) -> int:
    register_indicators(con, indicatoren)
    return replace_month(con, "marts.adresscores", {**params, "maandnaam": maandnaam(params["maand"])})


def build_control_list(con: duckdb.DuckDBPyConnection, params: dict, lijst: dict) -> int:
    return replace_month(
        con,
        "marts.controlelijst",
        {
            **params,
            "capaciteit": int(lijst.get("capaciteit", 25)),
            "steekproef": int(lijst.get("steekproef", 5)),
            "steekproef_seed": int(lijst.get("steekproef_seed", 638)),
            "rustperiode_maanden": int(lijst.get("rustperiode_maanden", 6)),
        },
    )


__all__ = ["build_scores", "build_control_list", "load"]


# --- Dagster ---------------------------------------------------------------------------------
import dagster as dg  # noqa: E402

from assets.resources import DataFolder  # noqa: E402

OWNERS = ["team:aov-informatie"]
ADDRESS_SCORES = dg.AssetKey(["marts", "adresscores"])
CONTROL_LIST = dg.AssetKey(["marts", "controlelijst"])
CHECK_OMVANG = "omvang_controlelijst"


def specs() -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            ADDRESS_SCORES,
            description=(
                "Risicoscore per verblijfsobject: punten per indicator (assets/config/indicatoren.yaml), "
                "totaal, rang en hoogstens vier redenen in gewone taal. Regels, geen model. "
                "SQL: assets/scoring/marts.adresscores.sql."
            ),
            group_name="score",
            owners=OWNERS,
            kinds={"duckdb"},
            deps=[dg.AssetKey(["marts", "adreskenmerken"])],
        ),
        dg.AssetSpec(
            CONTROL_LIST,
            description=(
                "Voorstel voor het signaleringsoverleg: de top-k adressen (capaciteit) met redenen, plus een "
                "willekeurige steekproef buiten de top-k als basisniveau. Een voorstel, geen besluit. "
                "SQL: assets/scoring/marts.controlelijst.sql."
            ),
            group_name="score",
            owners=OWNERS,
            kinds={"duckdb"},
            deps=[ADDRESS_SCORES],
        ),
    ]


def check_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            CHECK_OMVANG,
            asset=CONTROL_LIST,
            description="De lijst heeft de ingestelde omvang (capaciteit + steekproef) of zoveel adressen als er kandidaten zijn.",
        )
    ]


def check_results(con: duckdb.DuckDBPyConnection, maand: str, lijst: dict) -> list[dg.AssetCheckResult]:
    rows = con.execute(
        """
        SELECT count(*) FILTER (WHERE aanleiding = 'risicolijst'),
               count(*) FILTER (WHERE aanleiding = 'steekproef'),
               (SELECT count(*) FROM marts.adresscores WHERE maand = $maand AND score > 0)
        FROM marts.controlelijst WHERE maand = $maand
        """,
        {"maand": maand},
    ).fetchall()[0]
    risicolijst, steekproef, kandidaten = rows
    capaciteit = int(lijst.get("capaciteit", 25))
    verwacht_steekproef = int(lijst.get("steekproef", 5))
    return [
        dg.AssetCheckResult(
            check_name=CHECK_OMVANG,
            asset_key=CONTROL_LIST,
            passed=risicolijst == min(capaciteit, kandidaten) and steekproef == verwacht_steekproef,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "risicolijst": risicolijst,
                "steekproef": steekproef,
                "capaciteit": capaciteit,
                "kandidaten_met_score": kandidaten,
                "steekproef_seed": int(lijst.get("steekproef_seed", 638)),
            },
        )
    ]

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
    from assets.scoring.algoritmeregister import as_json, as_markdown, beschrijving
    from assets.writing import write_private

    settings = data_folder.settings()
    doc = beschrijving(load(settings.indicatoren_path), settings.instellingen)
    md = write_private(settings.output / "algoritmeregister.md", as_markdown(doc))
    js = write_private(settings.output / "algoritmeregister.json", as_json(doc))
    from assets.ingest import reference_fingerprint

    return dg.MaterializeResult(metadata={"markdown": str(md), "json": str(js), "indicatoren": len(doc["technische_werking"]["indicatoren"]),
                                          "vingerafdruk": reference_fingerprint(settings)})

"""Dagster specs of the scores and the control list; their deps are read from the SQL
(assets.lineage)."""
from __future__ import annotations

import dagster as dg

from assets.lineage import asset_deps

OWNERS = ["team:aov-informatie"]
ADDRESS_SCORES = dg.AssetKey(["marts", "adresscores"])
CONTROL_LIST = dg.AssetKey(["marts", "controlelijst"])
CHECK_OMVANG = "omvang_controlelijst"  # on CONTROL_LIST


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
            deps=asset_deps("marts.adresscores"),
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
            deps=asset_deps("marts.controlelijst"),
        ),
    ]

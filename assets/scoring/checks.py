"""Checks of the control list: their specs and their results for a month."""
from __future__ import annotations

from collections.abc import Mapping

import dagster as dg
import duckdb

from assets.scoring.specs import ADDRESS_SCORES, CHECK_OMVANG, CONTROL_LIST
from assets.settings import Controlelijst

# The keys the month's grain check guards before publication (assets/maand.py); the control list
# has its PRIMARY KEY (maand, verblijfsobject_id).
SLEUTELS = {ADDRESS_SCORES: ("verblijfsobject_id",)}


def check_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            CHECK_OMVANG,
            asset=CONTROL_LIST,
            description="De lijst heeft de ingestelde omvang (capaciteit + steekproef) of zoveel adressen als er kandidaten zijn.",
        )
    ]


def check_results(con: duckdb.DuckDBPyConnection, maand: str, lijst: Controlelijst | Mapping) -> list[dg.AssetCheckResult]:
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
    lijst = Controlelijst.of(lijst)
    capaciteit = lijst.capaciteit
    verwacht_steekproef = lijst.steekproef
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
                "steekproef_seed": lijst.steekproef_seed,
            },
        )
    ]

"""Checks of the vacancy tables: their specs and their results for a month."""
from __future__ import annotations

import dagster as dg
import duckdb

from assets.vacancy.specs import CHECK_VOORRAAD, VACANCY


def check_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            CHECK_VOORRAAD,
            asset=VACANCY,
            description="De maand heeft woningen volgens de CBS-definitie en minder dan 25 % daarvan staat leeg.",
        )
    ]


def check_results(con: duckdb.DuckDBPyConnection, maand: str) -> list[dg.AssetCheckResult]:
    woningen, leeg = con.execute(
        "SELECT count(*) FILTER (WHERE is_woning), count(*) FILTER (WHERE leegstand) FROM marts.leegstand WHERE maand = $maand",
        {"maand": maand},
    ).fetchall()[0]
    pct = round(100.0 * leeg / woningen, 2) if woningen else None
    return [
        dg.AssetCheckResult(
            check_name=CHECK_VOORRAAD,
            asset_key=VACANCY,
            passed=bool(woningen) and pct < 25,
            metadata={"woningen": woningen, "leegstaand": leeg, "leegstand_pct": pct},
        )
    ]

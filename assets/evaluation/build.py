"""Build the evaluation tables of one month from their SQL files (inside the caller's transaction)."""
from __future__ import annotations

import duckdb

from assets.warehouse import replace_month

TABLES = (
    "marts.evaluatie_aanleiding",
    "marts.evaluatie_indicator",
    "marts.evaluatie_scoreklasse",
    "marts.evaluatie_precisie",
    "marts.evaluatie_buurt",
    "marts.evaluatie_drift",
)


def build(con: duckdb.DuckDBPyConnection, params: dict, evaluatie: dict) -> dict[str, int]:
    """(Re)build every evaluation table for the month; needs indicator_drempels registered."""
    full = {
        **params,
        "selectie_ratio_grens": float(evaluatie.get("selectie_ratio_grens", 3.0)),
        "buurt_minimum": int(evaluatie.get("buurt_minimum", 5)),
        "drift_factor": float(evaluatie.get("drift_factor", 2.0)),
        "drift_minimum": int(evaluatie.get("drift_minimum", 5)),
        "drift_aanloop_maanden": int(evaluatie.get("drift_aanloop_maanden", 12)),
    }
    return {table: replace_month(con, table, full) for table in TABLES}

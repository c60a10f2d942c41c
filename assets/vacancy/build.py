"""Build the vacancy tables of one month from their SQL files (inside the caller's transaction)."""
from __future__ import annotations

import duckdb

from assets.warehouse import replace_month


def build(con: duckdb.DuckDBPyConnection, params: dict) -> dict[str, int]:
    return {
        "marts.leegstand": replace_month(con, "marts.leegstand", params),
        "marts.leegstand_buurt": replace_month(con, "marts.leegstand_buurt", params),
    }

"""Build the features table of one month from its SQL file (inside the caller's transaction)."""
from __future__ import annotations

import duckdb

from assets.warehouse import replace_month


def build(con: duckdb.DuckDBPyConnection, params: dict) -> dict[str, int]:
    return {"marts.adreskenmerken": replace_month(con, "marts.adreskenmerken", params)}

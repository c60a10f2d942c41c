"""Scoring layer: transparent rules per address and the monthly control list.

Score = sum of the points of the indicators an address meets (pipelines/config/indicatoren.yaml);
at most four reasons per address in plain Dutch. The control list is top-k by capacity plus a
seeded random sample outside it. Nothing here decides anything about a resident: the list is a
proposal for the signaleringsoverleg.
"""
from __future__ import annotations

import duckdb

from assets.scoring.config import Indicator, load, thresholds_frame
from assets.warehouse import replace_month

MAANDNAMEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


def maandnaam(maand: str) -> str:
    """'2026-10' -> 'oktober 2026'."""
    return f"{MAANDNAMEN[int(maand[5:7]) - 1]} {maand[:4]}"


def register_indicators(con: duckdb.DuckDBPyConnection, indicatoren: list[Indicator]) -> None:
    frame = thresholds_frame(indicatoren)
    con.register("indicator_drempels_df", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE indicator_drempels AS SELECT * FROM indicator_drempels_df")
    con.unregister("indicator_drempels_df")


def build_scores(con: duckdb.DuckDBPyConnection, params: dict, indicatoren: list[Indicator]) -> int:
    register_indicators(con, indicatoren)
    return replace_month(con, "marts.address_scores", {**params, "maandnaam": maandnaam(params["maand"])})


def build_control_list(con: duckdb.DuckDBPyConnection, params: dict, lijst: dict) -> int:
    return replace_month(
        con,
        "marts.control_list",
        {
            **params,
            "capaciteit": int(lijst.get("capaciteit", 25)),
            "steekproef": int(lijst.get("steekproef", 5)),
            "steekproef_seed": int(lijst.get("steekproef_seed", 638)),
            "rustperiode_maanden": int(lijst.get("rustperiode_maanden", 6)),
        },
    )


__all__ = ["build_scores", "build_control_list", "load", "maandnaam"]

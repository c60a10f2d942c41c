"""Build the scores and the control list of one month from their SQL files (inside the caller's
transaction)."""
from __future__ import annotations

import duckdb

from assets.scoring.config import Indicator, thresholds_frame
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

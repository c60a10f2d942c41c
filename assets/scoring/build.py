"""Build the scores and the control list of one month from their SQL files (inside the caller's
transaction)."""
from __future__ import annotations

from collections.abc import Mapping

import duckdb

from assets.scoring.config import Indicator, thresholds_frame
from assets.settings import Controlelijst
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


def build_control_list(con: duckdb.DuckDBPyConnection, params: dict, lijst: Controlelijst | Mapping) -> int:
    lijst = Controlelijst.of(lijst)
    return replace_month(
        con,
        "marts.controlelijst",
        {
            **params,
            "capaciteit": lijst.capaciteit,
            "steekproef": lijst.steekproef,
            "steekproef_seed": lijst.steekproef_seed,
            "rustperiode_maanden": lijst.rustperiode_maanden,
        },
    )

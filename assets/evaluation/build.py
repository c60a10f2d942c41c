"""Build the evaluation tables of one month from their SQL files (inside the caller's transaction)."""
from __future__ import annotations

from collections.abc import Mapping

import duckdb

from assets.settings import Besluiten, Evaluatie
from assets.warehouse import replace_month

# Address-level tables of the overleg's decisions: not aggregates, so they fall under retention
# (assets/exports/retention.py keeps only TABLES as aggregates).
ADDRESS_TABLES = ("marts.besluiten", "marts.controle_besluit")
# Aggregate evaluation tables.
TABLES = (
    "marts.evaluatie_aanleiding",
    "marts.evaluatie_indicator",
    "marts.evaluatie_scoreklasse",
    "marts.evaluatie_precisie",
    "marts.evaluatie_buurt",
    "marts.evaluatie_drift",
    "marts.evaluatie_besluiten",
    "marts.evaluatie_besluit_redenen",
)


DECISION_TABLES = ("marts.besluiten", "marts.controle_besluit", "marts.evaluatie_besluiten", "marts.evaluatie_besluit_redenen")


def build_decisions(con: duckdb.DuckDBPyConnection, params: dict, besluiten: Besluiten | Mapping | None = None) -> dict[str, int]:
    """(Re)build only the decision tables of the month (after a decisions file was loaded)."""
    full = {**params, "controle_termijn_maanden": Besluiten.of(besluiten or {}).controle_termijn_maanden}
    return {table: replace_month(con, table, full) for table in DECISION_TABLES}


def build(con: duckdb.DuckDBPyConnection, params: dict, evaluatie: Evaluatie | Mapping,
          besluiten: Besluiten | Mapping | None = None) -> dict[str, int]:
    """(Re)build every evaluation table for the month; needs indicator_drempels registered."""
    evaluatie = Evaluatie.of(evaluatie)
    besluiten = Besluiten.of(besluiten or {})
    full = {
        **params,
        "selectie_ratio_grens": evaluatie.selectie_ratio_grens,
        "buurt_minimum": evaluatie.buurt_minimum,
        "drift_factor": evaluatie.drift_factor,
        "drift_minimum": evaluatie.drift_minimum,
        "drift_aanloop_maanden": evaluatie.drift_aanloop_maanden,
        "controle_termijn_maanden": besluiten.controle_termijn_maanden,
    }
    return {table: replace_month(con, table, full) for table in ADDRESS_TABLES + TABLES}

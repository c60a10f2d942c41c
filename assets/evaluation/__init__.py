"""Evaluation layer: how well past lists did, and whether the score concentrates or drifts.

Hit rates (with Wilson 95 % intervals) per aanleiding, per indicator and per score band;
precision@k of past lists; selection against object share per buurt (disparity); indicator
prevalence month over month (drift). All from `controles` outcomes, in DuckDB SQL.
"""
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


# --- Dagster ---------------------------------------------------------------------------------
import dagster as dg  # noqa: E402

OWNERS = ["team:aov-informatie"]
CHECK_CONCENTRATIE = "geen_concentratie_in_buurt"
CHECK_DRIFT = "geen_sprong_in_indicatoren"
BESCHRIJVING = {
    "marts.evaluatie_aanleiding": "Trefkans van controles per aanleiding (risicolijst, signaal, steekproef) met 95 %-betrouwbaarheidsinterval (Wilson).",
    "marts.evaluatie_indicator": "Trefkans per indicator (score van de maand vóór de controle).",
    "marts.evaluatie_scoreklasse": "Trefkans per scoreklasse.",
    "marts.evaluatie_precisie": "Precisie@k van eerdere risicolijsten: aandeel gecontroleerde adressen met een bevinding.",
    "marts.evaluatie_buurt": "Selectie per buurt tegenover het aandeel objecten (dispariteit), met signaal boven de grens.",
    "marts.evaluatie_drift": "Aantal objecten per indicator tegenover de vorige maand, met signaal bij een sprong.",
}


def key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


def specs() -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            key(table),
            description=BESCHRIJVING[table] + f" SQL: assets/evaluation/{table}.sql.",
            group_name="evaluatie",
            owners=OWNERS,
            kinds={"duckdb"},
            deps=[dg.AssetKey(["marts", "adresscores"]), dg.AssetKey(["marts", "controlelijst"]), dg.AssetKey(["staging", "controles"])],
        )
        for table in TABLES
    ]


def check_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(CHECK_CONCENTRATIE, asset=key("marts.evaluatie_buurt"),
                          description="Geen buurt krijgt onevenredig veel selecties (selectieratio boven de grens)."),
        dg.AssetCheckSpec(CHECK_DRIFT, asset=key("marts.evaluatie_drift"),
                          description="Geen indicator verandert sterk ten opzichte van de vorige maand (vaak een bronwijziging)."),
    ]


def check_results(con: duckdb.DuckDBPyConnection, maand: str) -> list[dg.AssetCheckResult]:
    buurten = con.execute(
        "SELECT buurtcode, buurtnaam, round(selectie_ratio, 2) AS ratio, selecties FROM marts.evaluatie_buurt "
        "WHERE maand = $maand AND signaal ORDER BY selectie_ratio DESC", {"maand": maand}).df()
    drift = con.execute(
        "SELECT indicator, objecten, objecten_vorige_maand FROM marts.evaluatie_drift "
        "WHERE maand = $maand AND signaal ORDER BY indicator", {"maand": maand}).df()
    return [
        dg.AssetCheckResult(
            check_name=CHECK_CONCENTRATIE, asset_key=key("marts.evaluatie_buurt"), passed=buurten.empty,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"gemelde_buurten": dg.MetadataValue.md(buurten.to_markdown(index=False) if not buurten.empty else "geen")},
        ),
        dg.AssetCheckResult(
            check_name=CHECK_DRIFT, asset_key=key("marts.evaluatie_drift"), passed=drift.empty,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"gemelde_indicatoren": dg.MetadataValue.md(drift.to_markdown(index=False) if not drift.empty else "geen")},
        ),
    ]

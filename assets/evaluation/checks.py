"""Checks of the evaluation tables (concentration per buurt, drift): specs and results for a month."""
from __future__ import annotations

import dagster as dg
import duckdb

from assets.evaluation.specs import CHECK_CONCENTRATIE, CHECK_DRIFT, EVALUATIE_BUURT, EVALUATIE_DRIFT


def check_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(CHECK_CONCENTRATIE, asset=EVALUATIE_BUURT,
                          description="Geen buurt krijgt onevenredig veel selecties (selectieratio boven de grens)."),
        dg.AssetCheckSpec(CHECK_DRIFT, asset=EVALUATIE_DRIFT,
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
            check_name=CHECK_CONCENTRATIE, asset_key=EVALUATIE_BUURT, passed=buurten.empty,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"gemelde_buurten": dg.MetadataValue.md(buurten.to_markdown(index=False) if not buurten.empty else "geen")},
        ),
        dg.AssetCheckResult(
            check_name=CHECK_DRIFT, asset_key=EVALUATIE_DRIFT, passed=drift.empty,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"gemelde_indicatoren": dg.MetadataValue.md(drift.to_markdown(index=False) if not drift.empty else "geen")},
        ),
    ]

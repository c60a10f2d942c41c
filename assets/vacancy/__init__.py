"""Vacancy layer: administrative vacancy (CBS definition) per object and per buurt."""
from __future__ import annotations

import dagster as dg
import duckdb

from assets.warehouse import replace_month

OWNERS = ["team:aov-informatie"]
VACANCY = dg.AssetKey(["marts", "leegstand"])
VACANCY_BUURT = dg.AssetKey(["marts", "leegstand_buurt"])
CHECK_VOORRAAD = "woningvoorraad_aanwezig"


def build(con: duckdb.DuckDBPyConnection, params: dict) -> dict[str, int]:
    return {
        "marts.leegstand": replace_month(con, "marts.leegstand", params),
        "marts.leegstand_buurt": replace_month(con, "marts.leegstand_buurt", params),
    }


def specs() -> list[dg.AssetSpec]:
    staging = [dg.AssetKey(["staging", s]) for s in ("bag_verblijfsobject", "brp_adrestellingen", "kvk_vestigingen", "woz_gebruik")]
    return [
        dg.AssetSpec(
            VACANCY,
            description=(
                "Administratieve leegstand per verblijfsobject (CBS-definitie: woning zonder BRP-bewoner, "
                "zonder actieve vestiging en zonder WOZ-gebruik), met het aantal aaneengesloten maanden leeg. "
                "Zonder WOZ-bestand alleen BAG-BRP-HR (kolom woz_meegenomen). SQL: assets/vacancy/marts.leegstand.sql."
            ),
            group_name="leegstand",
            owners=OWNERS,
            kinds={"duckdb"},
            # leegstand_maanden continues the previous month's row: Dagster runs backfills in order.
            deps=staging + [dg.AssetDep(VACANCY, partition_mapping=dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1))],
        ),
        dg.AssetSpec(
            VACANCY_BUURT,
            description="Leegstand per CBS-buurt: woningvoorraad, leegstaand, percentage en verschil met de vorige maand.",
            group_name="leegstand",
            owners=OWNERS,
            kinds={"duckdb"},
            deps=[VACANCY, dg.AssetKey(["staging", "cbs_buurten"])],
        ),
    ]


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

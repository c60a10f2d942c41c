"""Dagster specs of the vacancy tables; their deps are read from the SQL (assets.lineage)."""
from __future__ import annotations

import dagster as dg

from assets.lineage import asset_deps

OWNERS = ["team:aov-informatie"]
VACANCY = dg.AssetKey(["marts", "leegstand"])
CHECK_VOORRAAD = "woningvoorraad_aanwezig"  # on VACANCY
VACANCY_BUURT = dg.AssetKey(["marts", "leegstand_buurt"])


def specs() -> list[dg.AssetSpec]:
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
            # leegstand_maanden continues the previous month's row (a self-dependency on the previous
            # month, read from the SQL): Dagster runs backfills in order.
            deps=asset_deps("marts.leegstand"),
        ),
        dg.AssetSpec(
            VACANCY_BUURT,
            description="Leegstand per CBS-buurt: woningvoorraad, leegstaand, percentage en verschil met de vorige maand.",
            group_name="leegstand",
            owners=OWNERS,
            kinds={"duckdb"},
            deps=asset_deps("marts.leegstand_buurt"),
        ),
    ]

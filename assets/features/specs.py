"""Dagster spec of the features table; its deps are read from the SQL (assets.lineage)."""
from __future__ import annotations

import dagster as dg

from assets.lineage import asset_deps

OWNERS = ["team:aov-informatie"]
ADDRESS_FEATURES = dg.AssetKey(["marts", "adreskenmerken"])


def specs() -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            ADDRESS_FEATURES,
            description=(
                "Kenmerken per verblijfsobject per maand: m² per ingeschrevene, bewoning zonder woonfunctie, "
                "in- en uitschrijvingen (12 mnd), VOW (24 mnd), briefadressen, vestigingen (risicosector, "
                "uitzendbureau), RNI-verblijfsadres (12 mnd), geverifieerde signalen (12 mnd), laatste controle, "
                "leegstand. Alleen feiten over het object. SQL: assets/features/marts.adreskenmerken.sql."
            ),
            group_name="kenmerken",
            owners=OWNERS,
            kinds={"duckdb"},
            deps=asset_deps("marts.adreskenmerken"),
        )
    ]

"""Features layer: one row of object-level facts per verblijfsobject per month."""
from __future__ import annotations

import dagster as dg
import duckdb

from assets.warehouse import replace_month

OWNERS = ["team:aov-informatie"]
ADDRESS_FEATURES = dg.AssetKey(["marts", "adreskenmerken"])


def build(con: duckdb.DuckDBPyConnection, params: dict) -> dict[str, int]:
    return {"marts.adreskenmerken": replace_month(con, "marts.adreskenmerken", params)}


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
            deps=[dg.AssetKey(["marts", "leegstand"])]
            + [dg.AssetKey(["staging", s]) for s in ("bag_verblijfsobject", "brp_adrestellingen", "rni_inschrijvingen", "kvk_vestigingen", "signalen", "controles")],
        )
    ]

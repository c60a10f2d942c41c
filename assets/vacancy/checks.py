"""Checks of the vacancy tables: their specs and their results for a month.

`woningvoorraad_aanwezig` is a plausibility check after publication: no housing stock at all
(ERROR: the BAG file or the gemeentecode is wrong) or a vacancy share above
`controles.leegstand_max_pct` (WARN: usually a missing or partial BRP/KvK file). `SLEUTELS`
are the keys the month's grain check guards before publication (assets/maand.py).
"""
from __future__ import annotations

import dagster as dg
import duckdb

from assets.settings import Controles
from assets.vacancy.specs import CHECK_VOORRAAD, VACANCY

SLEUTELS = {VACANCY: ("verblijfsobject_id",)}


def check_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            CHECK_VOORRAAD,
            asset=VACANCY,
            description=("De maand heeft woningen volgens de CBS-definitie (fout: geen woningen) en de leegstand blijft "
                         "onder de grens controles.leegstand_max_pct (waarschuwing)."),
        )
    ]


def check_results(con: duckdb.DuckDBPyConnection, maand: str, controles: Controles | None = None) -> list[dg.AssetCheckResult]:
    controles = Controles.of(controles if controles is not None else {})
    woningen, leeg = con.execute(
        "SELECT count(*) FILTER (WHERE is_woning), count(*) FILTER (WHERE leegstand) FROM marts.leegstand WHERE maand = $maand",
        {"maand": maand},
    ).fetchall()[0]
    pct = round(100.0 * leeg / woningen, 2) if woningen else None
    grens = controles.leegstand_max_pct
    if not woningen:
        description = "Geen woningen in de BAG van deze maand: controleer het BAG-bestand en de gemeentecode."
    elif pct > grens:
        description = (f"{str(pct).replace('.', ',')} % van de woningen staat administratief leeg, meer dan de grens van "
                       f"{grens:g} % (controles.leegstand_max_pct): ontbreekt een deel van het BRP- of KvK-bestand?")
    else:
        description = "Leegstand binnen de normale marge."
    return [
        dg.AssetCheckResult(
            check_name=CHECK_VOORRAAD,
            asset_key=VACANCY,
            passed=bool(woningen) and pct <= grens,
            severity=dg.AssetCheckSeverity.ERROR if not woningen else dg.AssetCheckSeverity.WARN,
            description=description,
            metadata={"woningen": woningen, "leegstaand": leeg, "leegstand_pct": pct, "grens_pct": grens},
        )
    ]

"""The ingest's audit tables: audit.bronnen_maand (what each source contributed to a month) and
audit.validatielog (every file checked against its contract)."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from assets.warehouse import insert, replace


def record_sources(con, maand: str, verslag: dict) -> None:
    """Replace the month's rows of audit.bronnen_maand with one row per BronVerslag."""
    rows = pd.DataFrame(
        [
            {
                "bron": v.bron,
                "bestand": v.bestand,
                "sha256": v.sha256,
                "rijen": v.rijen,
                "geaccepteerd": v.geaccepteerd,
                "quarantaine": v.quarantaine,
                "andere_gemeente": v.andere_gemeente,
                "matchpercentage": v.matchpercentage,
                "waarschuwingen": json.dumps(v.waarschuwingen, ensure_ascii=False),
                "formaat": v.formaat,
            }
            for v in verslag.values()
        ]
    )
    replace(con, "audit.bronnen_maand", {"maand": maand}, keys=("maand",), frames={"bronverslag": rows})


def log_validations(con, results: list, maand: str | None, run_id: str | None) -> None:
    """Append one row per checked file to audit.validatielog (own transaction or caller's)."""
    rows = []
    for r in results:
        if r is None:
            continue
        rows.append(
            {
                "tijdstip": dt.datetime.now(),
                "bron": r.source,
                "maand": r.maand or maand,
                "bestand": str(getattr(r, "bestand", "") or ""),
                "sha256": getattr(r, "sha256", None),
                "uitkomst": "geweigerd" if r.geweigerd else "geaccepteerd",
                "rijen": int(getattr(r, "rijen_geaccepteerd", 0) or 0),
                "quarantaine": 0 if r.quarantaine is None else len(r.quarantaine),
                "waarschuwingen": json.dumps(list(r.waarschuwingen), ensure_ascii=False),
                "bevindingen": json.dumps(r.meldingen(), ensure_ascii=False),
                "run_id": run_id,
                "formaat": getattr(r, "formaat", None),
            }
        )
    if not rows:
        return
    insert(con, "audit.validatielog", frames={"validaties": pd.DataFrame(rows)})

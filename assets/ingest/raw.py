"""What a checked file leaves in the warehouse as received: raw.<source> and the rows its
contract kept aside in staging.quarantaine (raw.*.sql, staging.quarantaine.sql)."""
from __future__ import annotations

import pandas as pd

from assets.warehouse import delete, replace

QUARANTINE_KEYS = ("maand", "bron")


def write_raw(con, source: str, frame: pd.DataFrame, maand: str, bestand: str) -> int:
    """Replace the month's rows of raw.<source> with the accepted rows, plus `maand` and `bestand`.

    The frame goes to DuckDB as an Arrow table (its Arrow-backed text columns without a copy);
    ten million rows through pandas' object path would cost half a minute.
    """
    import pyarrow as pa

    data = pa.Table.from_pandas(frame, preserve_index=False)
    return replace(con, f"raw.{source}", {"maand": maand, "bestand": bestand}, keys=("maand",),
                   frames={"ontvangen": data})


def write_quarantine(con, source: str, maand: str, quarantaine: pd.DataFrame | None) -> int:
    """Replace the month's contract quarantine of `source` in staging.quarantaine; returns its rows."""
    params = {"maand": maand, "bron": source}
    if quarantaine is None or quarantaine.empty:
        delete(con, "staging.quarantaine", params, QUARANTINE_KEYS)
        return 0
    rows = quarantaine[["bestand", "rij", "kolom", "waarde", "reden"]].astype(
        {"waarde": "string", "kolom": "string", "reden": "string", "bestand": "string"}
    )
    return replace(con, "staging.quarantaine", params, keys=QUARANTINE_KEYS, frames={"quarantaine_rijen": rows})

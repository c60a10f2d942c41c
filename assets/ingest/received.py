"""What a checked file leaves in the warehouse: its staging table, filled straight from the
contract's typed frame (`ontvangen`), and the rows the contract kept aside in staging.quarantaine
(staging.quarantaine.sql).

The file itself is not stored a second time: the inbox keeps it as delivered (until the retention
period ends) and `audit.validatielog` its SHA-256. Staging reads the frame as an Arrow table (its
Arrow-backed text columns without a copy).
"""
from __future__ import annotations

import pandas as pd

from assets.warehouse import delete, replace, replace_month

QUARANTINE_KEYS = ("maand", "bron")


# Columns the ingest adds beside a file's rows (`load_staging(columns=...)`), null when not given.
AFGELEID = {"bag_verblijfsobject": ("buurtcode",)}


def received(frame: pd.DataFrame, source: str | None = None, columns: dict | None = None):
    """The contract's accepted rows as the Arrow table the staging SQL reads as `ontvangen`, with
    the columns of the source's contract variants (BRP per verblijfsobject: verblijfsobject_id)
    empty when the file is the canonical one, so one staging SQL reads both, and the derived
    `columns` (Arrow arrays, one value per row: the BAG's buurtcode)."""
    import pyarrow as pa

    from data_contracts.formats.delivered import contract_extras

    table = pa.Table.from_pandas(frame, preserve_index=False)
    for column, values in (columns or {}).items():
        if column in table.column_names:
            table = table.set_column(table.column_names.index(column), column, values)
        else:
            table = table.append_column(column, values)
    expected = list(AFGELEID.get(source, ()))
    if source is not None:
        expected += [c for variant in contract_extras(source)["variants"].values() for c in variant.get("columns", {})]
    for column in expected:
        if column not in table.column_names:
            table = table.append_column(column, pa.nulls(len(table), pa.string()))
    return table


def load_staging(con, source: str, frame: pd.DataFrame, params: dict, bestand: str, *, frames: dict | None = None,
                 columns: dict | None = None) -> int:
    """Replace the month's rows of staging.<source> with its SQL over the accepted rows of the
    file `bestand` (with the derived `columns` beside them); returns the rows now in the month.
    `$per_object` tells the SQL whether any row names its BAG object (BRP per verblijfsobject)."""
    per_object = "verblijfsobject_id" in frame.columns and bool(frame["verblijfsobject_id"].notna().any())
    return replace_month(con, f"staging.{source}", {**params, "bestand": bestand, "per_object": per_object},
                         frames={"ontvangen": received(frame, source, columns), **(frames or {})})


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

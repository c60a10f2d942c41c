"""What a warehouse holds, read-only: for `risicoradar status` and for skipping the reference job."""
from __future__ import annotations

from pathlib import Path

import duckdb


def reference_tables_loaded(warehouse: Path) -> bool:
    """True when the warehouse holds CBS buurten and victim figures (read-only; False when the
    file is missing or another run holds the writer)."""
    if not warehouse.exists():
        return False
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return False  # e.g. another run holds the writer: let the job wait for it
    try:
        return bool(con.execute(
            "SELECT (SELECT count(*) FROM staging.cbs_buurten) > 0 AND (SELECT count(*) FROM staging.slachtoffers) > 0"
        ).fetchall()[0][0])
    except duckdb.Error:
        return False
    finally:
        con.close()


def warehouse_months(warehouse: Path) -> dict[str, dict]:
    """Per processed month: objects, list size and quarantined rows (read-only; {} when empty)."""
    if not warehouse.exists():
        return {}
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException:
        return {"?": {"fout": "warehouse in gebruik door een lopende run"}}
    try:
        tables = {r[0] for r in con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall()}
        if "marts.controlelijst" not in tables:
            return {}
        rows = con.execute(
            """
            SELECT b.maand, count(*) AS objecten,
                   (SELECT count(*) FROM marts.controlelijst c WHERE c.maand = b.maand) AS lijst,
                   (SELECT count(*) FROM staging.quarantaine q WHERE q.maand = b.maand) AS quarantaine
            FROM staging.bag_verblijfsobject b GROUP BY b.maand
            """
        ).fetchall()
        return {m: {"objecten": o, "lijst": lijst, "quarantaine": q} for m, o, lijst, q in rows}
    finally:
        con.close()


class WarehouseBusy(Exception):
    """Another process holds the warehouse's writer lock: try again later."""


def processed_files(warehouse: Path) -> set[tuple[str, str, str]]:
    """(maand, bron, sha256) of every inbox file the published months were built from (empty
    when there is no warehouse yet). Raises WarehouseBusy while a run holds the writer."""
    if not warehouse.exists():
        return set()
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as exc:
        raise WarehouseBusy(str(exc)) from None
    try:
        return {tuple(r) for r in con.execute(
            "SELECT maand, bron, sha256 FROM audit.bronnen_maand WHERE sha256 IS NOT NULL").fetchall()}
    except duckdb.CatalogException:
        return set()
    finally:
        con.close()

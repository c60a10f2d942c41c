"""Retention: address-level data older than the term (default 24 months) are removed.

    opschonen(settings)                      # term from instellingen.yaml (export.bewaartermijn_maanden)
    opschonen(settings, bewaartermijn=24, vandaag=date(2026, 11, 29))

A month M is older than the term T on day D when M lies before the month of D minus T months:
on 2026-11-29 with T = 24 the oldest month kept is 2024-11 (its peildatum 2024-11-30 plus 24
months has not passed yet); 2024-10 and earlier go.

Warehouse. Every table with a `maand` column in raw, staging and marts is address-level unless
it is named in AGGREGATE_TABLES (per-buurt vacancy and the evaluation tables: counts per buurt,
aanleiding, indicator, score band) - so a table added later is cleaned by default rather than
kept by accident. audit.* (who loaded, exported, cleaned what) is kept: it holds file names,
hashes and counts, no addresses. staging.slachtoffers and staging.cbs_buurten have no month.
After deleting, the warehouse file is rebuilt (COPY FROM DATABASE into a fresh file) because
DuckDB leaves deleted rows in freed blocks of the file until they happen to be overwritten.

Output folder. In `output/<maand>/` of a month older than the term everything is removed except
the aggregated files: `trends/` (trend tables, no addresses) and the RIEC package without its
address list (`export_riec/adressen_*.csv`). So the monthly report (it shows the control list),
its images and anything unknown are removed: the simplest rule that cannot keep an address by
mistake. The manifest of an old export still names the removed address file and its hash.

Afterwards it verifies that no table with a `maand` column (audit and aggregate tables aside)
has a row older than the term and that no removable file is left, records the run in
audit.opschoning, and returns a summary (Dutch text under 'samenvatting'). A failed
verification is recorded too and raises OpschoningMislukt. Inbox files are not touched (they
are the delivered originals; their archiving is the analyst's decision); the summary counts
the ones older than the term.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import uuid
from pathlib import Path

import duckdb

from assets.evaluation import TABLES as EVALUATIE_TABLES
from assets.exports.audit import ensure_audit, os_user
from assets.exports.riec import ADDRESS_PREFIX, FOLDER
from assets.warehouse import insert
from data_contracts.months import add_months, is_month, month_of


# Aggregates (no address level) keep their history: per-buurt vacancy and every evaluation table.
AGGREGATE_TABLES = {"marts.leegstand_buurt", *EVALUATIE_TABLES}
KEPT_SCHEMAS = {"audit"}
KEPT_OUTPUT = {"trends"}  # plus export_riec/ without its address files
INBOX_MONTH = re.compile(r"_(\d{4}-(?:0[1-9]|1[0-2]))\.[A-Za-z0-9]+$")


class OpschoningMislukt(Exception):
    """Address-level data older than the term are still there after cleaning (Dutch message)."""


def oldest_kept_month(vandaag: dt.date, bewaartermijn: int) -> str:
    return add_months(month_of(vandaag), -bewaartermijn)


def address_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table with a `maand` column that holds address-level rows (see module docstring)."""
    rows = con.execute(
        """SELECT DISTINCT t.schema_name, t.table_name
           FROM duckdb_tables() AS t
           JOIN duckdb_columns() AS c
             ON c.database_name = t.database_name AND c.schema_name = t.schema_name AND c.table_name = t.table_name
           WHERE t.database_name = current_database() AND NOT t.temporary AND c.column_name = 'maand'
           ORDER BY ALL"""
    ).fetchall()
    return [f"{s}.{t}" for s, t in rows if s not in KEPT_SCHEMAS and f"{s}.{t}" not in AGGREGATE_TABLES]


def _quoted(table: str) -> str:
    schema, name = table.split(".", 1)
    return '"' + schema.replace('"', '""') + '"."' + name.replace('"', '""') + '"'


def _old_rows(con: duckdb.DuckDBPyConnection, grens: str) -> dict[str, int]:
    counts = {}
    for table in address_tables(con):
        n = con.execute(f"SELECT count(*) FROM {_quoted(table)} WHERE CAST(maand AS VARCHAR) < $grens",
                        {"grens": grens}).fetchall()[0][0]
        counts[table] = int(n)
    return counts


def _delete_old_rows(con: duckdb.DuckDBPyConnection, grens: str) -> dict[str, int]:
    removed = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for table, n in _old_rows(con, grens).items():
            if n:
                con.execute(f"DELETE FROM {_quoted(table)} WHERE CAST(maand AS VARCHAR) < $grens", {"grens": grens})
                removed[table] = n
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return removed


def _sql_string(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def compact(warehouse: Path) -> None:
    """Rebuild the warehouse file so that deleted rows do not linger in freed blocks."""
    fresh = warehouse.with_name(f"{warehouse.name}.opschonen-{uuid.uuid4().hex[:8]}")
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_sql_string(warehouse)} AS bron (READ_ONLY)")
        con.execute(f"ATTACH {_sql_string(fresh)} AS doel")
        con.execute("COPY FROM DATABASE bron TO doel")
        con.execute("DETACH doel")
        con.execute("DETACH bron")
    except BaseException:
        con.close()
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    con.close()
    fresh.chmod(0o600)
    wal = warehouse.with_name(warehouse.name + ".wal")
    if wal.exists():
        fresh.unlink(missing_ok=True)
        raise OpschoningMislukt(f"Het warehouse heeft een onverwerkt logbestand ({wal.name}); niet gecompacteerd.")
    os.replace(fresh, warehouse)


def _removable(month_folder: Path) -> list[Path]:
    """What goes from an old month folder: all but trends/ and the aggregated RIEC files."""
    out = []
    for item in sorted(month_folder.iterdir()):
        if item.name in KEPT_OUTPUT and item.is_dir():
            continue
        if item.name == FOLDER and item.is_dir():
            out += [p for p in sorted(item.iterdir()) if p.name.startswith(ADDRESS_PREFIX) or p.name.startswith(".")
                    or p.is_dir()]
            continue
        out.append(item)
    return out


def _old_month_folders(output: Path, grens: str) -> list[Path]:
    if not output.is_dir():
        return []
    return [p for p in sorted(output.iterdir()) if p.is_dir() and is_month(p.name) and p.name < grens]


def _clean_output(output: Path, grens: str) -> tuple[int, list[str]]:
    files, folders = 0, []
    for month in _old_month_folders(output, grens):
        items = _removable(month)
        for item in items:
            if item.is_dir() and not item.is_symlink():
                files += sum(1 for p in item.rglob("*") if p.is_file())
                shutil.rmtree(item)
            else:
                files += 1
                item.unlink()
        if items:
            folders.append(month.name)
    return files, folders


def _old_inbox_files(inbox: Path, grens: str) -> int:
    if not inbox.is_dir():
        return 0
    return sum(1 for p in inbox.rglob("*") if p.is_file() and (m := INBOX_MONTH.search(p.name)) and m.group(1) < grens)


def opschonen(settings, bewaartermijn: int | None = None, vandaag: dt.date | None = None, *,
              compacteren: bool = True) -> dict:
    """Remove address-level data older than `bewaartermijn` months, verify, and audit.

    Returns {'vandaag', 'bewaartermijn', 'oudste_bewaarde_maand', 'verwijderde_rijen' {tabel: n},
    'verwijderde_bestanden', 'opgeschoonde_mappen', 'oude_inboxbestanden', 'geverifieerd',
    'samenvatting'}. Raises OpschoningMislukt when the verification finds anything left.
    """
    if bewaartermijn is None:
        bewaartermijn = settings.config.export.bewaartermijn_maanden
    bewaartermijn = int(bewaartermijn)
    if bewaartermijn < 1:
        raise ValueError(f"bewaartermijn moet minstens 1 maand zijn, niet {bewaartermijn}")
    vandaag = vandaag or dt.date.today()
    grens = oldest_kept_month(vandaag, bewaartermijn)
    started = dt.datetime.now().replace(microsecond=0)

    removed: dict[str, int] = {}
    left: dict[str, int] = {}
    warehouse = settings.warehouse
    if warehouse.exists():
        try:
            con = duckdb.connect(str(warehouse))
        except duckdb.IOException as exc:
            raise OpschoningMislukt(
                f"Het warehouse {warehouse} is in gebruik (loopt er een verwerking?); probeer het later opnieuw.\n{exc}"
            ) from exc
        try:
            removed = _delete_old_rows(con, grens)
        finally:
            con.close()
        if compacteren and removed:
            compact(warehouse)
        warehouse.chmod(0o600)

    files, folders = _clean_output(settings.output, grens)
    left_files = [str(p) for month in _old_month_folders(settings.output, grens) for p in _removable(month)]
    oude_inbox = _old_inbox_files(settings.inbox, grens)

    if warehouse.exists():
        con = duckdb.connect(str(warehouse))
        try:
            left = {t: n for t, n in _old_rows(con, grens).items() if n}
            ok = not left and not left_files
            ensure_audit(con)
            insert(
                con, "audit.opschoning",
                {"tijd": started, "gebruiker": os_user(), "vandaag": vandaag, "termijn": bewaartermijn, "grens": grens,
                 "rijen": json.dumps(removed), "bestanden": files, "mappen": json.dumps(folders),
                 "compact": bool(compacteren and removed), "ok": ok},
            )
        finally:
            con.close()
    ok = not left and not left_files

    rijen = sum(removed.values())
    regels = [
        f"Opschoning op {vandaag:%d-%m-%Y}: bewaartermijn {bewaartermijn} maanden; adresgegevens van vóór {grens} verwijderd.",
        (f"Warehouse: {rijen} rijen verwijderd uit {len(removed)} tabellen ("
         + ", ".join(f"{t} {n}" for t, n in removed.items()) + ")." if removed
         else "Warehouse: geen rijen ouder dan de bewaartermijn gevonden."),
        (f"Uitvoer: {files} bestanden verwijderd uit {len(folders)} maandmappen ({', '.join(folders)}); bewaard zijn "
         "de trendtabellen en de geaggregeerde RIEC-export." if folders
         else "Uitvoer: geen maandmappen ouder dan de bewaartermijn met adresgegevens."),
    ]
    if ok:
        regels.append(f"Controle: geen adresgegevens van vóór {grens} meer in het warehouse of de uitvoer.")
    if oude_inbox:
        regels.append(
            f"Let op: in de inbox staan nog {oude_inbox} aangeleverde bestanden van vóór {grens}; die zijn niet "
            "aangeraakt. Verwijder of archiveer ze volgens de archiefregels."
        )
    result = {
        "vandaag": vandaag.isoformat(),
        "bewaartermijn": bewaartermijn,
        "oudste_bewaarde_maand": grens,
        "verwijderde_rijen": removed,
        "verwijderde_bestanden": files,
        "opgeschoonde_mappen": folders,
        "oude_inboxbestanden": oude_inbox,
        "geverifieerd": ok,
        "samenvatting": "\n".join(regels),
    }
    if not ok:
        details = [f"  {t}: {n} rijen" for t, n in left.items()] + [f"  {p}" for p in left_files]
        raise OpschoningMislukt(
            f"Opschoning niet geslaagd: na het verwijderen zijn nog adresgegevens van vóór {grens} aanwezig:\n"
            + "\n".join(details)
        )
    return result

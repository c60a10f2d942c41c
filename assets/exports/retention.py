"""Retention: address-level data older than the term (default 24 months) are removed, everywhere.

    opschonen(settings)                      # term from instellingen.yaml (export.bewaartermijn_maanden)
    opschonen(settings, bewaartermijn=24, vandaag=date(2026, 11, 29))

A month M is older than the term T on day D when M lies before the month of D minus T months:
on 2026-11-29 with T = 24 the oldest month kept is 2024-11 (its peildatum 2024-11-30 plus 24
months has not passed yet); 2024-10 and earlier go.

Every store under the data folder (and under each gemeente's folder `gemeenten/GMxxxx/`):

- Warehouse. Every table with a `maand` column in staging, marts and audit is address-level
  unless named in AGGREGATE_TABLES (per-buurt vacancy and the evaluation tables: counts per
  buurt, aanleiding, indicator, score band) or AUDIT_TABLES - so a table added later is cleaned
  by default rather than kept by accident. The audit trail is kept, reduced to what an auditor
  needs: audit.validatielog keeps who/when (tijdstip, run_id), which file (name, sha256), the
  verdict and counts, but its findings and warnings (they quote values from the files) become a
  count; audit.bronnen_maand keeps its counts and loses its warning texts likewise; audit.exports
  (the record of what was shared: file names, hashes, counts, legal basis) and audit.opschoning
  are kept as they are - they hold no address values. After deleting, the warehouse file is
  rebuilt (COPY FROM DATABASE into a fresh file) because DuckDB leaves deleted rows in freed
  blocks of the file until they happen to be overwritten.
- Output folder. In `output/<maand>/` of a month older than the term everything is removed except
  the aggregated files: `trends/` (trend tables, no addresses) and the RIEC package without its
  address list (`export_riec/adressen_*.csv`). So the monthly report (it shows the control list),
  its images and anything unknown are removed: the simplest rule that cannot keep an address by
  mistake. The manifest of an old export still names the removed address file and its hash.
- Inbox. The delivered files of months older than the term (name ending in `_<JJJJ-MM>.<ext>`)
  are removed: they are address-level too. Victim figures (no month, no addresses) stay.
- Dagster (`dagster_home/`, root data folder only). Every finished run of a month older than the
  term is deleted (`DagsterInstance.delete_run`: the run and its event log), found by its
  partition tag (`dagster/partition`, or `dagster/partition/maand` of a maand x gemeente run, or
  the end of a partition range), with what Dagster's delete leaves: the asset check results of
  those runs, their compute logs and empty event-log shards. The SQLite files are then vacuumed
  so the deleted rows do not linger in free pages. The current code puts no address-level value
  in Dagster (assets/previews.py); this removes what earlier versions wrote.

Afterwards it verifies that no such table has a row older than the term, no audit text of an old
month is left unreduced, no removable file is left and no old run is left in Dagster, records the
run in audit.opschoning, and returns a summary (Dutch text under 'samenvatting'). A failed
verification is recorded too and raises OpschoningMislukt. Finally every file and folder under
the data folder is made owner-only (`make_private`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import uuid
from pathlib import Path

import duckdb

from assets.evaluation import TABLES as EVALUATIE_TABLES
from assets.exports.audit import os_user
from assets.exports.riec import ADDRESS_PREFIX, FOLDER
from assets.warehouse import ensure_schema, insert, open_for_writing
from assets.writing import make_private, private_process
from data_contracts.months import add_months, is_month, month_of


# Aggregates (no address level) keep their history: per-buurt vacancy and every evaluation table.
AGGREGATE_TABLES = {"marts.leegstand_buurt", *EVALUATIE_TABLES}
# Audit tables with a month: kept as they are, or kept with these text columns reduced to a count.
AUDIT_KEPT = {"audit.exports"}
AUDIT_REDUCED = {
    "audit.validatielog": {"bevindingen": "melding(en)", "waarschuwingen": "waarschuwing(en)"},
    "audit.bronnen_maand": {"waarschuwingen": "waarschuwing(en)"},
}
AUDIT_TABLES = AUDIT_KEPT | set(AUDIT_REDUCED)
REDUCED = "de teksten met waarden uit het bestand zijn na de bewaartermijn verwijderd"
KEPT_OUTPUT = {"trends"}  # plus export_riec/ without its address files
INBOX_MONTH = re.compile(r"_(\d{4}-(?:0[1-9]|1[0-2]))\.[A-Za-z0-9]+$")
GEMEENTEN = "gemeenten"


class OpschoningMislukt(Exception):
    """Address-level data older than the term are still there after cleaning (Dutch message)."""


def oldest_kept_month(vandaag: dt.date, bewaartermijn: int) -> str:
    return add_months(month_of(vandaag), -bewaartermijn)


# --- permissions ---------------------------------------------------------------------------------


# --- warehouse -----------------------------------------------------------------------------------


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
    return [f"{s}.{t}" for s, t in rows if f"{s}.{t}" not in AGGREGATE_TABLES | AUDIT_TABLES]


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


def _existing(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    schema, name = table.split(".", 1)
    return {c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = $s "
        "AND table_name = $t", {"s": schema, "t": name}).fetchall()}


def _past_term(columns: set[str]) -> str:
    """Rows of a month before $grens; rows without a month (victim figures) by their time."""
    if "tijdstip" in columns:
        return ("(CASE WHEN maand IS NULL THEN tijdstip < CAST($grens || '-01' AS TIMESTAMP) "
                "ELSE CAST(maand AS VARCHAR) < $grens END)")
    return "CAST(maand AS VARCHAR) < $grens"


def _unreduced(column: str) -> str:
    return (f'"{column}" IS NOT NULL AND trim("{column}") NOT IN (\'\', \'[]\', \'null\') '
            f'AND NOT contains("{column}", $reduced)')


def _audit_texts(con: duckdb.DuckDBPyConnection, grens: str, reduce: bool) -> dict[str, int]:
    """Audit text columns of old months that still quote values from files; reduced to a count when `reduce`."""
    counts = {}
    for table, texts in AUDIT_REDUCED.items():
        columns = _existing(con, table)
        if "maand" not in columns:
            continue
        for column, noun in texts.items():
            if column not in columns:
                continue
            where = f"{_past_term(columns)} AND {_unreduced(column)}"
            params = {"grens": grens, "reduced": REDUCED}
            n = con.execute(f"SELECT count(*) FROM {_quoted(table)} WHERE {where}", params).fetchall()[0][0]
            if n and reduce:
                con.execute(
                    f'UPDATE {_quoted(table)} SET "{column}" = to_json([CASE WHEN json_valid("{column}") '
                    f'AND json_type("{column}") = \'ARRAY\' THEN CAST(json_array_length("{column}") AS VARCHAR) '
                    f'ELSE \'?\' END || \' {noun}; \' || $reduced]) WHERE {where}', params)
            if n:
                counts[f"{table}.{column}"] = int(n)
    return counts


# Audit rows without a month of their own that carry an object id: which objects an export carried
# (by the export's month) and which object an inzage was about (by its date). After the term the
# ids go; the record that the export or the inzage took place stays.
ID_FORGOTTEN = "verwijderd na bewaartermijn"


def _audit_ids(con: duckdb.DuckDBPyConnection, grens: str, reduce: bool) -> dict[str, int]:
    tables = {f"{s}.{t}" for s, t in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}
    counts = {}
    params = {"grens": grens, "weg": ID_FORGOTTEN}
    if {"audit.export_adressen", "audit.exports"} <= tables:
        where = "export_id IN (SELECT export_id FROM audit.exports WHERE maand < $grens)"
        n = con.execute(f"SELECT count(*) FROM audit.export_adressen WHERE {where}", {"grens": grens}).fetchall()[0][0]
        if n and reduce:
            con.execute(f"DELETE FROM audit.export_adressen WHERE {where}", {"grens": grens})
        if n:
            counts["audit.export_adressen"] = int(n)
    if "audit.inzage" in tables:
        where = "strftime(tijdstip, '%Y-%m') < $grens AND verblijfsobject_id <> $weg"
        n = con.execute(f"SELECT count(*) FROM audit.inzage WHERE {where}", params).fetchall()[0][0]
        if n and reduce:
            con.execute(f"UPDATE audit.inzage SET verblijfsobject_id = $weg, map = NULL WHERE {where}", params)
        if n:
            counts["audit.inzage.verblijfsobject_id"] = int(n)
    return counts


def _clean_inzage(output: Path, grens: str) -> int:
    """Inzage documents (output/inzage/<YYYYMMDD-HHMMSS>_<id>/) made before the term."""
    folder = output / "inzage"
    old = [p for p in folder.iterdir() if p.is_dir() and p.name[:6].isdigit()
           and f"{p.name[:4]}-{p.name[4:6]}" < grens] if folder.is_dir() else []
    for path in old:
        shutil.rmtree(path)
    return len(old)


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


def _reduce_audit(con: duckdb.DuckDBPyConnection, grens: str) -> dict[str, int]:
    con.execute("BEGIN TRANSACTION")
    try:
        reduced = _audit_texts(con, grens, reduce=True)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return reduced


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


# --- output and inbox ----------------------------------------------------------------------------


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


def _old_inbox_files(inbox: Path, grens: str) -> list[Path]:
    """Delivered files of a month before `grens`: by the inbox's own reading, or by a month at the end of the name."""
    if not inbox.is_dir():
        return []
    from data_contracts import scan_inbox

    old = {f.path.resolve() for f in scan_inbox(inbox) if f.maand and f.maand < grens}
    old |= {p.resolve() for p in inbox.rglob("*") if (p.is_file() or p.is_symlink())
            and (m := INBOX_MONTH.search(p.name)) and m.group(1) < grens}
    return sorted(old)


def _clean_inbox(inbox: Path, grens: str) -> int:
    files = _old_inbox_files(inbox, grens)
    for path in files:
        path.unlink(missing_ok=True)
    return len(files)


# --- Dagster -------------------------------------------------------------------------------------


def _run_month(tags) -> str | None:
    """The month a run processed: its partition (a month, or the maand of maand x gemeente), or the
    end of its partition range."""
    for tag in ("dagster/partition/maand", "dagster/partition", "dagster/asset_partition_range_end",
                "dagster/partition_range_end"):
        value = tags.get(tag) or ""
        months = [part for part in value.split("|") if is_month(part)]
        if months:
            return max(months)
    return None


def _instance(home: Path):
    from dagster import DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    return DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))


def _old_runs(instance, grens: str) -> list:
    return [run for run in instance.get_runs() if (m := _run_month(run.tags)) and m < grens]


def _purge_leftovers(instance, run_ids: list[str]) -> None:
    """What delete_run leaves of those runs: check results and a pointer to the last materialization
    (both in the asset index), compute logs and the run's (now empty) event-log shard."""
    from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable, AssetKeyTable
    from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage

    storage = instance.event_log_storage
    if isinstance(storage, SqlEventLogStorage):
        # asked before opening the connection: the SQLite storage holds one lock per connection
        checks, status_cache = storage.has_table("asset_check_executions"), storage.can_read_asset_status_cache()
        with storage.index_connection() as conn:
            if checks:
                conn.execute(AssetCheckExecutionsTable.delete().where(AssetCheckExecutionsTable.c.run_id.in_(run_ids)))
            values = {"last_materialization": None, "last_run_id": None}
            conn.execute(AssetKeyTable.update().where(AssetKeyTable.c.last_run_id.in_(run_ids)).values(**values))
            if status_cache:  # partition status is recomputed from the events left
                conn.execute(AssetKeyTable.update().values(cached_status_data=None))
    shard = getattr(storage, "path_for_shard", None)
    for run_id in run_ids:
        try:
            instance.compute_log_manager.delete_logs(prefix=[run_id])
        except Exception:  # a compute log manager without delete: the folder below is removed anyway
            pass
        folder = Path(instance.storage_directory()) / run_id
        if folder.is_dir():
            shutil.rmtree(folder)
        if shard is not None:
            Path(shard(run_id)).unlink(missing_ok=True)


def _sqlite_files(home: Path) -> list[Path]:
    out = []
    for path in sorted(home.rglob("*.db")):
        with open(path, "rb") as fh:
            if fh.read(16) == b"SQLite format 3\x00":
                out.append(path)
    return out


def _vacuum(home: Path) -> list[str]:
    """Rewrite Dagster's SQLite files so deleted rows do not linger in free pages; the ones that failed."""
    failed = []
    for path in _sqlite_files(home):
        try:
            con = sqlite3.connect(str(path), timeout=30)
            try:
                con.execute("VACUUM")
            finally:
                con.close()
        except sqlite3.Error as exc:
            failed.append(f"{path.name}: {exc}")
    return failed


def clean_dagster(home: Path, grens: str) -> tuple[int, list[str]]:
    """Delete the finished runs of months before `grens` (see module docstring). Returns the number
    deleted and what is left (unfinished old runs, files that could not be vacuumed)."""
    if not (home / "history").is_dir():
        return 0, []
    instance = _instance(home)
    try:
        old = _old_runs(instance, grens)
        finished = [run for run in old if run.is_finished]
        for run in finished:
            instance.delete_run(run.run_id)
        if finished:
            _purge_leftovers(instance, [run.run_id for run in finished])
        left = [f"Dagster-run {run.run_id[:8]} ({_run_month(run.tags)}) is nog bezig" for run in _old_runs(instance, grens)]
    finally:
        instance.dispose()
    return len(finished), left + _vacuum(home)


# --- one data folder -----------------------------------------------------------------------------


def _clean_folder(settings, grens: str, compacteren: bool, record: dict) -> dict:
    """Warehouse, output and inbox of one data folder (the root one or a gemeente's)."""
    removed: dict[str, int] = {}
    reduced: dict[str, int] = {}
    left: dict[str, int] = {}
    warehouse = settings.warehouse
    if warehouse.exists():
        con = open_for_writing(warehouse, OpschoningMislukt)
        try:
            removed = _delete_old_rows(con, grens)
            reduced = _reduce_audit(con, grens)
            reduced.update(_audit_ids(con, grens, reduce=True))
        finally:
            con.close()
        if compacteren and (removed or reduced):
            compact(warehouse)
        warehouse.chmod(0o600)

    files, folders = _clean_output(settings.output, grens)
    files += _clean_inzage(settings.output, grens)
    inbox = _clean_inbox(settings.inbox, grens)
    left_files = [str(p) for month in _old_month_folders(settings.output, grens) for p in _removable(month)]
    left_files += [str(p) for p in _old_inbox_files(settings.inbox, grens)]
    left_files += record.get("dagster_left", [])

    if warehouse.exists():
        con = duckdb.connect(str(warehouse))
        try:
            left = {t: n for t, n in _old_rows(con, grens).items() if n}
            left.update(_audit_texts(con, grens, reduce=False))
            left.update(_audit_ids(con, grens, reduce=False))
            ok = not left and not left_files
            ensure_schema(con)
            insert(
                con, "audit.opschoning",
                {"tijd": record["started"], "gebruiker": os_user(), "vandaag": record["vandaag"],
                 "termijn": record["bewaartermijn"], "grens": grens,
                 "rijen": json.dumps({**removed, **{f"{k} (ingekort)": n for k, n in reduced.items()},
                                      **({"dagster.runs": record["dagster_runs"]} if record.get("dagster_runs") else {})}),
                 "bestanden": files + inbox, "mappen": json.dumps(folders),
                 "compact": bool(compacteren and (removed or reduced)), "ok": ok},
            )
        finally:
            con.close()
    return {"removed": removed, "reduced": reduced, "left": left, "left_files": left_files, "files": files,
            "folders": folders, "inbox": inbox}


def _gemeente_settings(settings) -> list:
    root = settings.data / GEMEENTEN
    if settings.gemeente or not root.is_dir():
        return []
    out = []
    for folder in sorted(root.iterdir()):
        try:
            out.append(settings.voor_gemeente(folder.name))
        except ValueError:
            continue
    return out


def opschonen(settings, bewaartermijn: int | None = None, vandaag: dt.date | None = None, *,
              compacteren: bool = True) -> dict:
    """Remove address-level data older than `bewaartermijn` months from every store, verify, and audit.

    Returns {'vandaag', 'bewaartermijn', 'oudste_bewaarde_maand', 'verwijderde_rijen' {tabel: n},
    'ingekorte_auditrijen' {tabel.kolom: n}, 'verwijderde_bestanden', 'opgeschoonde_mappen',
    'verwijderde_inboxbestanden', 'verwijderde_dagster_runs', 'geverifieerd', 'samenvatting'}.
    Raises OpschoningMislukt when the verification finds anything left.
    """
    if bewaartermijn is None:
        bewaartermijn = settings.config.export.bewaartermijn_maanden
    bewaartermijn = int(bewaartermijn)
    if bewaartermijn < 1:
        raise ValueError(f"bewaartermijn moet minstens 1 maand zijn, niet {bewaartermijn}")
    vandaag = vandaag or dt.date.today()
    grens = oldest_kept_month(vandaag, bewaartermijn)
    private_process()
    record = {"started": dt.datetime.now().replace(microsecond=0), "vandaag": vandaag, "bewaartermijn": bewaartermijn}

    runs, dagster_left = clean_dagster(settings.dagster_home, grens)
    record.update({"dagster_runs": runs, "dagster_left": dagster_left})
    results = [_clean_folder(settings, grens, compacteren, record)]
    record.update({"dagster_runs": 0, "dagster_left": []})
    for gemeente in _gemeente_settings(settings):
        results.append(_clean_folder(gemeente, grens, compacteren, record))
    make_private(settings.data)

    def total(key):
        out: dict[str, int] = {}
        for r in results:
            for k, n in r[key].items():
                out[k] = out.get(k, 0) + n
        return out

    removed, reduced, left = total("removed"), total("reduced"), total("left")
    left_files = [p for r in results for p in r["left_files"]]
    files = sum(r["files"] for r in results)
    folders = sorted({f for r in results for f in r["folders"]})
    inbox = sum(r["inbox"] for r in results)
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
    if reduced:
        regels.append(f"Auditlog: in {sum(reduced.values())} regels de bevindingen en waarschuwingen (met waarden uit de "
                      "bestanden) teruggebracht tot aantallen; wie, wanneer, welk bestand (hash) en de uitkomst blijven.")
    if inbox:
        regels.append(f"Inbox: {inbox} aangeleverde bestanden van vóór {grens} verwijderd.")
    if runs:
        regels.append(f"Dagster: {runs} runs van vóór {grens} met hun logboek verwijderd.")
    if ok:
        regels.append(f"Controle: geen adresgegevens van vóór {grens} meer in het warehouse, de uitvoer, de inbox of Dagster.")
    result = {
        "vandaag": vandaag.isoformat(),
        "bewaartermijn": bewaartermijn,
        "oudste_bewaarde_maand": grens,
        "verwijderde_rijen": removed,
        "ingekorte_auditrijen": reduced,
        "verwijderde_bestanden": files,
        "opgeschoonde_mappen": folders,
        "verwijderde_inboxbestanden": inbox,
        "verwijderde_dagster_runs": runs,
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

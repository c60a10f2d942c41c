"""Benchmark: the monthly run in a steady state (24 months of history) at gemeente, regio and nationaal scale.

    .venv/bin/python tests/benchmarks/bench_scale.py [--schaal gemeente regio nationaal]
        [--cache /tmp/rr-bench] [--herhaal N] [--kern-herhaal 3] [--kern-geheugen GIB]
        [--geen-pandas] [--geen-export] [--herhaalrun-alle] [--vergelijk-historie]
        [--nieuwe-basis] [--alleen-kern] [--uit /tmp/rr-bench/resultaat.json]

Per scale, with the cache folder C (default /tmp/rr-bench):
1. Demo inbox of two months F and M = F + 1 in C/<schaal>/data (`risicoradar demo --schaal S
   --maanden 2 --alleen-genereren`), made when it is not there; after that only read. The runs use
   their own data folders under C/<schaal>/bench/, whose inbox and referentie are links to it.
2. Basis, C/<schaal>/bench/basis: a data folder with the warehouse after F (and its Dagster home).
   Copied from C/<schaal>/base/warehouse.duckdb when that exists, holds only F and has exactly the
   tables and columns of the current assets/schema.sql; otherwise F is processed once
   (`risicoradar run --maand F`). Made again when assets/schema.sql changes, or with --nieuwe-basis.
3. In C/<schaal>/bench/werk the basis is copied in and the 23 months before F are synthesised from
   F's rows in one DuckDB connection (`synthesise_history`; untimed, its time is printed), so the
   warehouse holds 24 months before M. The reference data are brought up to date (untimed). Then,
   timed as an analyst runs it, as a whole process under /usr/bin/time -v with
   RISICORADAR_VOORTGANG=1: `risicoradar run --maand M` (imports, Dagster, contracts, ingest,
   vacancy, features, scoring, control list, evaluation, report, maps, trend tables). Wall time,
   peak RSS, the time of each stage (the CLI's progress lines on stderr, time-stamped as they
   arrive, plus Dagster's step times), the warehouse's file size and used blocks after CHECKPOINT
   before and after the month (= growth per month). At gemeente scale M is then run a second
   time, unchanged (`herhaalrun`). Repetitions (--herhaal, default 3, nationaal 1) restore a copy
   of the warehouse with history (kept only while the script runs, only when it is under 8 GB);
   otherwise the history is made again. --vergelijk-historie adds one timed run of M on the basis
   alone (one month of history): the table shows each stage beside it, so a stage whose time
   grows with the history stands out.
4. After the last repetition: `risicoradar export --maand M` as a whole process (stopped after
   15 minutes), and the scoring core -- marts.leegstand, marts.leegstand_buurt,
   marts.adreskenmerken, marts.adresscores and marts.controlelijst -- on M's inputs from the
   steady-state warehouse (BRP over 24 months; Parquet files, loaded untimed), once with the
   project's SQL in DuckDB and once with the idiomatic pandas version in
   tests/benchmarks/pandas_reference.py, each in its own process (stopped above --kern-geheugen);
   the median ratio, and whether both give the same control list.

One table at the end (and the figures as JSON in --uit) with each target 'gehaald' or 'gemist
met X (factor Y)'. Targets (issue 19, 2-core 24 GiB machine, default settings): nationaal month
<= 60 s, <= 6 GiB, warehouse growth <= 0.5 GB a month, export <= 30 s; regio month <= 10 s,
<= 2 GiB; gemeente month <= 6 s, unchanged re-run <= 3 s; scoring core >= 2.5x faster than pandas
at every scale. Machines here are noisy: read medians and ratios, not single figures.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SCHALEN = ("gemeente", "regio", "nationaal")
HISTORIE = 24  # months in the warehouse before the timed month
GB = 1e9
GIB = 2**30

# Targets of issue 19: seconds, GiB, GB (10^9 bytes) per month, ratio.
DOELEN = {
    "gemeente": {"maandrun": 6.0, "herhaalrun": 3.0},
    "regio": {"maandrun": 10.0, "rss": 2.0},
    "nationaal": {"maandrun": 60.0, "rss": 6.0, "groei": 0.5, "export": 30.0},
}
KERN_DOEL = 2.5
EXPORT_TIMEOUT = 15 * 60
KERN_MAX_GIB = 14.0  # a core process above this (or 70 % of the free memory) is stopped: the machine is shared
KOPIE_MAX = 8 * GB  # warehouses with history up to this size are copied for the next repetition, not made again
PROGRESS_ENV = "RISICORADAR_VOORTGANG"  # assets.maand.PROGRESS_ENV (not imported: this module runs before sys.path is set)

# What a data folder of the runs takes from the cached demo folder, as links: the inputs only. An
# allow-list: whatever else is there (a warehouse, DuckDB's spill folder warehouse.duckdb.tmp of
# another run, outputs) must never be reachable from a run of the benchmark.
INVOER = ("inbox", "referentie", "config")


# --- processes --------------------------------------------------------------------------------

class Mislukt(Exception):
    """A process of the benchmark failed; the message has the tail of its log."""


def run_process(cmd: list[str], env: dict, log: Path, timeout: float | None = None,
                max_rss_gib: float | None = None) -> dict:
    """Run cmd under /usr/bin/time -v in its own process group. Returns wall seconds, peak RSS
    (GiB, of the largest process), its output lines as (seconds since start, text), and whether
    it was stopped (timeout, or RSS above max_rss_gib, polled every half second)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    timefile = log.with_name(log.name + ".time")
    timefile.unlink(missing_ok=True)
    t0 = time.monotonic()
    proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", str(timefile), *cmd], env=env, cwd=PROJECT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                            start_new_session=True)
    lines: list[tuple[float, str]] = []

    def read() -> None:
        with open(log, "w") as fh:
            for line in proc.stdout:
                t = time.monotonic() - t0
                lines.append((t, line.rstrip("\n")))
                fh.write(f"{t:8.2f}  {line}")
                fh.flush()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    gestopt, rss_poll = None, 0.0
    while proc.poll() is None:
        try:
            proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            pass
        if max_rss_gib is not None:
            rss_poll = max(rss_poll, _group_rss_gib(proc.pid))
            if rss_poll > max_rss_gib:
                gestopt = f"gestopt boven {max_rss_gib:.1f} GiB"
        if timeout is not None and time.monotonic() - t0 > timeout:
            gestopt = f"gestopt na {timeout / 60:.0f} min"
        if gestopt and proc.poll() is None:
            _stop(proc)
    wall = time.monotonic() - t0
    reader.join(30)
    text = timefile.read_text(errors="replace") if timefile.exists() else ""
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    rss_gib = int(rss.group(1)) / 2**20 if rss else rss_poll
    if proc.returncode != 0 and not gestopt:
        tail = "\n".join(t for _, t in lines[-40:])
        raise Mislukt(f"mislukt (exit {proc.returncode}): {' '.join(cmd)}\nlog: {log}\n{tail}")
    return {"wall": wall, "rss_gib": rss_gib, "lines": lines, "gestopt": gestopt}


def _stop(proc: subprocess.Popen) -> None:
    """Stop the process group this script started for proc (its own id), TERM then KILL."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 30)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _group_rss_gib(pgid: int) -> float:
    """Largest RSS of a process in the process group pgid (the group this script started)."""
    largest = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) != pgid:  # field 5 of stat: the process group
                continue
            largest = max(largest, int(fields[21]) * os.sysconf("SC_PAGE_SIZE"))  # field 24: rss pages
        except (OSError, ValueError, IndexError):
            continue
    return largest / GIB


def _env(data: Path, voortgang: bool = True) -> dict:
    env = dict(os.environ)
    env.update({
        "RISICORADAR_DATA": str(data),
        "DAGSTER_HOME": str(data / "dagster_home"),
        "PYTHONPATH": str(PROJECT),
        "PYTHONUNBUFFERED": "1",  # stdout and stderr arrive as they are written (time stamps)
    })
    if voortgang:
        env[PROGRESS_ENV] = "1"
    else:
        env.pop(PROGRESS_ENV, None)
    env.setdefault("RISICORADAR_LOG", "WARNING")
    return env


def cli(*args: str) -> list[str]:
    """`risicoradar ARGS` from this checkout (the installed entry point may be another worktree)."""
    return [sys.executable, "-m", "pipelines.cli", *args]


# Untimed: loads the reference data when it is not current (run_months with no months), so that
# the timed run measures a month, not a first start.
_PREP = ("import sys\nfrom assets.settings import Settings\nfrom pipelines.runs import run_months\n"
         "sys.exit(0 if run_months(Settings.from_env(), []) else 1)\n")


def prepare_reference(data: Path, log: Path) -> float:
    home = data / "dagster_home"
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not (home / "dagster.yaml").exists() and (PROJECT / "dagster.yaml").exists():
        shutil.copyfile(PROJECT / "dagster.yaml", home / "dagster.yaml")
    return run_process([sys.executable, "-c", _PREP], _env(data, voortgang=False), log)["wall"]


# --- data folders -----------------------------------------------------------------------------

def _inbox_months(data: Path) -> list[str]:
    from data_contracts import scan_inbox

    return sorted({f.maand for f in scan_inbox(data / "inbox") if f.usable and f.maand and f.source != "slachtoffers"})


def ensure_demo(schaal: str, cache: Path) -> Path:
    """The demo inbox of two months; generated only when it is not there (then only read)."""
    data = cache / schaal / "data"
    if (data / "inbox").exists() and len(_inbox_months(data)) >= 2:
        return data
    if data.exists() and any(data.iterdir()):
        raise Mislukt(f"{data} bestaat maar heeft geen inbox van twee maanden; maak hem leeg of kies een andere --cache")
    data.mkdir(parents=True, exist_ok=True)
    r = run_process(cli("demo", "--data-dir", str(data), "--schaal", schaal, "--maanden", "2", "--alleen-genereren"),
                    _env(data, voortgang=False), cache / schaal / "bench" / "logs" / "demo.log")
    print(f"  demo {schaal} gemaakt: {r['wall']:.0f} s, piek {r['rss_gib']:.1f} GiB", flush=True)
    return data


def link_inputs(source: Path, folder: Path) -> None:
    """`folder` gets the inputs of the cached demo folder `source` (inbox, referentie, config, ...)
    as symlinks, made afresh: runs in `folder` read them and write nothing there. A folder is one
    link (the door refuses a file linked to a place outside the inbox, not an inbox that is a link)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in (*INVOER, "warehouse.duckdb.tmp"):  # also a link an earlier version of this script made
        if (folder / name).is_symlink():
            (folder / name).unlink()
    for entry in (source / name for name in INVOER):
        if not entry.exists():
            continue
        target = folder / entry.name
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.is_dir():
            shutil.rmtree(target)  # our own folder (rmtree removes links, it does not follow them)
        os.symlink(entry, target)


def inputs_state(data: Path) -> list[tuple]:
    """Name, size and mtime of every file of the cached demo inputs, to check they stayed as they were."""
    return sorted((str(p.relative_to(data)), p.stat().st_size, p.stat().st_mtime_ns)
                  for name in INVOER if (data / name).exists()
                  for p in ([data / name] if (data / name).is_file() else (data / name).rglob("*")) if p.is_file())


def _warehouse_files(folder: Path) -> list[Path]:
    return [folder / "warehouse.duckdb", folder / "warehouse.duckdb.wal"]


def schema_fingerprint() -> str:
    return hashlib.sha256((PROJECT / "assets" / "schema.sql").read_bytes()).hexdigest()[:16]


def _columns(con) -> set[tuple]:
    return set(con.execute(
        "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name IN ('raw', 'staging', 'marts', 'audit')").fetchall())


def schema_matches(warehouse: Path) -> bool:
    """True when `warehouse` has exactly the tables and columns the current schema.sql creates."""
    import duckdb

    from assets.warehouse import ensure_schema

    fresh = duckdb.connect()
    ensure_schema(fresh)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return _columns(con) == _columns(fresh)
    finally:
        con.close()
        fresh.close()


def _months_in(warehouse: Path) -> set[str]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {m for (m,) in con.execute("SELECT DISTINCT maand FROM staging.bag_verblijfsobject").fetchall()}
    finally:
        con.close()


def ensure_basis(schaal: str, data: Path, cache: Path, first: str, maand: str, nieuw: bool) -> Path:
    """The data folder with the warehouse after the first month (and its Dagster home)."""
    bench = cache / schaal / "bench"
    basis, meta = bench / "basis", bench / "basis" / "basis.json"
    fingerprint = schema_fingerprint()
    if not nieuw and meta.exists() and (basis / "warehouse.duckdb").exists():
        info = json.loads(meta.read_text())
        if info.get("schema") == fingerprint and info.get("eerste_maand") == first:
            link_inputs(data, basis)
            print(f"  basis: {basis} ({info['herkomst']})", flush=True)
            return basis
        print(f"  basis {basis} is verouderd (schema.sql of eerste maand veranderd): opnieuw", flush=True)
    shutil.rmtree(basis, ignore_errors=True)
    link_inputs(data, basis)
    lead = cache / schaal / "base" / "warehouse.duckdb"
    herkomst = None
    if lead.exists():
        for f in _warehouse_files(lead.parent):  # a copy: the cached base itself is never opened for writing
            if f.exists():
                shutil.copy2(f, basis / f.name)
        why = None
        if not schema_matches(basis / "warehouse.duckdb"):
            why = "andere tabellen of kolommen dan assets/schema.sql"
        elif _months_in(basis / "warehouse.duckdb") != {first}:
            why = f"niet precies de maand {first}"
        if why:
            print(f"  {lead} niet gebruikt: {why}", flush=True)
            for f in _warehouse_files(basis):
                f.unlink(missing_ok=True)
        else:
            t = prepare_reference(basis, bench / "logs" / "basis-referentie.log")
            herkomst = f"kopie van {lead}, referentie {t:.0f} s"
    if herkomst is None:
        r = run_process(cli("run", "--maand", first), _env(basis), bench / "logs" / "basis-eerste-maand.log")
        herkomst = f"eerste maand {first} verwerkt: {r['wall']:.0f} s, piek {r['rss_gib']:.1f} GiB"
    meta.write_text(json.dumps({"schema": fingerprint, "eerste_maand": first, "herkomst": herkomst,
                                "gemaakt": dt.datetime.now().isoformat(timespec="seconds")}, indent=1))
    print(f"  basis: {basis} ({herkomst})", flush=True)
    return basis


def restore(basis: Path, data: Path, werk: Path) -> None:
    """werk = `basis` again (the basis, or the kept copy with history): its warehouse, Dagster
    home and outputs, the inputs as symlinks."""
    link_inputs(data, werk)
    for f in _warehouse_files(werk):
        f.unlink(missing_ok=True)
    for name in ("dagster_home", "output", "logs"):
        shutil.rmtree(werk / name, ignore_errors=True)
    _copy_state(basis, werk)


def _copy_state(source: Path, target: Path) -> None:
    """The warehouse files, Dagster home and outputs of `source` into `target` (which has none)."""
    for f in _warehouse_files(source):
        if f.exists():
            shutil.copy2(f, target / f.name)
    for name in ("dagster_home", "output"):
        if (source / name).exists():
            shutil.copytree(source / name, target / name, symlinks=True)


# --- history ----------------------------------------------------------------------------------

SCHEMAS = ("staging", "marts", "audit")
# Address keys stay as they are in every month; other VARCHAR key columns named *_id are event
# ids (a signal, a control, an export) and get the month when their values do not carry it.
ADRESSLEUTELS = {"verblijfsobject_id", "nummeraanduiding_id", "bag_verblijfsobject_id", "identificatie",
                 "nummeraanduiding_hoofdadres_identificatie"}
# BRP counts per address: the month's churn is shifted among the addresses per (address, month),
# deterministically, so that 12- and 24-month sums differ from 12x or 24x one month while each
# month keeps F's distribution.
BRP = "staging.brp_adrestellingen"
BRP_SCHUIVEN = ("inschrijvingen", "uitschrijvingen", "vertrokken_onbekend")
BRP_SLEUTEL = "nummeraanduiding_id"
RIJEN_PER_INSERT = 20_000_000
SYNTHESE_GEHEUGEN = "8GB"
_MAAND = r"\d{4}-\d{2}"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column_exprs(con, table: str, first: str, columns: list[tuple[str, str]], keys: list[list[str]]) -> tuple[dict, list]:
    """SQL expression per column for a copy of F's row `d` as the month of offset h.rr_o
    (h.rr_m 'YYYY-MM', h.rr_mc 'YYYYMM'), and notes on what changed."""
    compact = first.replace("-", "")
    grens = f"(^|[^0-9]){compact}([^0-9]|$)"
    text = [c for c, t in columns if t == "VARCHAR" and c != "maand"]
    flags = {}
    if text:
        aggs = ", ".join(
            f"bool_or(regexp_full_match({_q(c)}, '{_MAAND}')), bool_or(contains({_q(c)}, '{first}')), "
            f"bool_or(regexp_matches({_q(c)}, '{grens}'))" for c in text)
        row = con.execute(f"SELECT {aggs} FROM {table} WHERE maand = ?", [first]).fetchone()
        flags = {c: row[3 * i:3 * i + 3] for i, c in enumerate(text)}
    key_cols = {c for key in keys for c in key if c != "maand"}
    exprs, notes = {}, []
    for c, t in columns:
        col = f"d.{_q(c)}"
        if c == "maand":
            exprs[c] = "h.rr_m"
        elif t == "DATE" or t.startswith("TIMESTAMP"):
            exprs[c] = f"CAST({col} - to_months(h.rr_o) AS {t})"
            notes.append(f"{c}: datum verschoven")
        elif t == "VARCHAR":
            is_month, has_first, has_compact = flags[c]
            e = col
            if has_compact:
                e = f"regexp_replace({e}, '{grens}', '\\1' || h.rr_mc || '\\2', 'g')"
            if has_first:
                e = f"replace({e}, '{first}', h.rr_m)"
            if is_month:
                e = (f"CASE WHEN regexp_full_match({col}, '{_MAAND}') THEN strftime(strptime({col} || '-01', '%Y-%m-%d') "
                     f"- to_months(h.rr_o), '%Y-%m') ELSE {e} END")
            if e != col:
                notes.append(f"{c}: maand verschoven")
            elif c in key_cols and c.endswith("_id") and c not in ADRESSLEUTELS:
                e = f"{col} || '-' || h.rr_m"
                notes.append(f"{c}: + maand")
            exprs[c] = e
        else:
            exprs[c] = col
    for key in keys:  # a key without maand must get a column that differs per month
        if "maand" in key or any(exprs[c] != f"d.{_q(c)}" for c in key):
            continue
        text_keys = [c for c in key if dict(columns)[c] == "VARCHAR"]
        if not text_keys:
            raise Mislukt(f"{table}: sleutel ({', '.join(key)}) zonder maand of tekstkolom; kan geen historie maken")
        for c in text_keys:
            exprs[c] = f"d.{_q(c)} || '-' || h.rr_m"
            notes.append(f"{c}: + maand (sleutel)")
    return exprs, notes


def _months_values(first: str, offsets: list[int]) -> str:
    from data_contracts.months import add_months

    rows = []
    for o in offsets:
        m = add_months(first, -o)
        rows.append(f"({o}, '{m}', '{m.replace('-', '')}')")
    return f"(VALUES {', '.join(rows)}) AS h(rr_o, rr_m, rr_mc)"


def synthesise_history(warehouse: Path, first: str, months: int = HISTORIE) -> dict:
    """Give the warehouse `months` months up to and including `first` (F): every table of the
    schemas staging, marts and audit with a VARCHAR `maand` column and rows for F gets copies of
    F's rows as F-1 .. F-(months-1), in the months it has no rows for. In a copy month-valued text
    is shifted (maand, lijst_maand, ids and file names that carry F), DATE and TIMESTAMP columns
    move by the same number of months, event ids without the month get it, and BRP churn is
    shifted among addresses. Tables, columns and keys are read from the warehouse (duckdb_columns,
    duckdb_constraints), not listed here. Ends with CHECKPOINT."""
    import duckdb

    from data_contracts.months import add_months

    t0 = time.perf_counter()
    con = duckdb.connect(str(warehouse))
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET memory_limit = '{SYNTHESE_GEHEUGEN}'")  # the machine is shared; DuckDB spills beyond this
    wanted = [add_months(first, -o) for o in range(1, months)]
    tables = [f"{s}.{t}" for s, t in con.execute(
        "SELECT c.schema_name, c.table_name FROM duckdb_columns() AS c "
        "JOIN duckdb_tables() AS t USING (database_name, schema_name, table_name) "
        "WHERE c.database_name = current_database() AND c.schema_name IN ? "
        "AND c.column_name = 'maand' AND c.data_type = 'VARCHAR' ORDER BY 1, 2", [list(SCHEMAS)]).fetchall()]
    report = {"tabellen": {}, "overgeslagen": [], "rijen": 0}
    for table in tables:
        schema, name = table.split(".")
        n = con.execute(f"SELECT count(*) FROM {table} WHERE maand = ?", [first]).fetchone()[0]
        if not n:
            report["overgeslagen"].append(table)
            continue
        present = {m for (m,) in con.execute(f"SELECT DISTINCT maand FROM {table} WHERE maand IN ?", [wanted]).fetchall()}
        offsets = [o for o in range(1, months) if add_months(first, -o) not in present]
        if not offsets:
            continue
        columns = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ? ORDER BY column_index", [schema, name]).fetchall()
        keys = [list(k) for (k,) in con.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ? AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')",
            [schema, name]).fetchall()]
        exprs, notes = _column_exprs(con, table, first, columns, keys)
        names = [c for c, _ in columns]
        shift = [c for c in BRP_SCHUIVEN if c in names] if table == BRP and BRP_SLEUTEL in names else []
        t_table = time.perf_counter()
        # F's rows once in memory (the copies do not read the table they grow); for BRP with each
        # address's place in the id order among the occupied or the unoccupied addresses.
        con.execute(f"CREATE OR REPLACE TEMP TABLE rr_f AS SELECT * FROM {table} WHERE maand = ?", [first])
        if shift:
            con.execute(f"CREATE OR REPLACE TEMP TABLE rr_f AS SELECT *, coalesce(ingeschrevenen, 0) > 0 AS rr_bewoond, "
                        f"row_number() OVER w - 1 AS rr_rn, count(*) OVER w AS rr_n FROM rr_f "
                        f"WINDOW w AS (PARTITION BY coalesce(ingeschrevenen, 0) > 0 ORDER BY {BRP_SLEUTEL} "
                        f"ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)")
            notes.append(f"{', '.join(shift)}: per maand geschoven tussen adressen")
        per_insert = max(1, RIJEN_PER_INSERT // n)
        for i in range(0, len(offsets), per_insert):
            batch = _months_values(first, offsets[i:i + per_insert])
            if shift:
                # The address at place r gets, in the month of offset o, the churn of the address at
                # place r + k(o) (a rotation of the id order by a hash of the month): each month has
                # F's distribution, and a 12- or 24-month sum adds up different addresses' months.
                select = ", ".join(f"s.{_q(c)} AS {_q(c)}" if c in shift else f"{exprs[c]} AS {_q(c)}" for c in names)
                con.execute(
                    f"INSERT INTO {table} BY NAME SELECT {select} FROM rr_f AS d CROSS JOIN {batch} "
                    f"JOIN rr_f AS s ON s.rr_bewoond = d.rr_bewoond AND s.rr_rn = "
                    f"(d.rr_rn + 1 + CAST(hash(h.rr_o) % CAST(greatest(d.rr_n - 1, 1) AS UBIGINT) AS BIGINT)) % d.rr_n")
            else:
                select = ", ".join(f"{exprs[c]} AS {_q(c)}" for c in names)
                con.execute(f"INSERT INTO {table} BY NAME SELECT {select} FROM rr_f AS d CROSS JOIN {batch}")
        con.execute("DROP TABLE rr_f")
        report["tabellen"][table] = {"rijen_per_maand": n, "maanden": len(offsets), "wijzigingen": notes,
                                     "seconden": round(time.perf_counter() - t_table, 2)}
        report["rijen"] += n * len(offsets)
    con.execute("CHECKPOINT")
    con.close()
    report["seconden"] = time.perf_counter() - t0
    return report


# --- measuring --------------------------------------------------------------------------------

def warehouse_size(warehouse: Path) -> dict:
    """File size after CHECKPOINT, and the blocks DuckDB uses (pragma_database_size)."""
    import duckdb

    con = duckdb.connect(str(warehouse))
    try:
        con.execute("CHECKPOINT")
        cur = con.execute("SELECT * FROM pragma_database_size()")
        row = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    finally:
        con.close()
    return {"bestand": warehouse.stat().st_size, "gebruikt": int(row["used_blocks"]) * int(row["block_size"]),
            "vrij": int(row["free_blocks"]) * int(row["block_size"])}


_KLAAR = re.compile(r"^\s+\d{4}-\d{2}(?: GM\d+)?\s+(?P<stap>.+?): klaar(?: \((?P<detail>.*)\))?(?:, (?P<s>\d+(?:,\d+)?) s)?\s*$")
_GEPUBLICEERD = re.compile(r"gepubliceerd in het warehouse na (?P<s>\d+(?:,\d+)?) s")
_START = re.compile(r"^\d{4}-\d{2}.*: verwerken \(")


def stage_times(lines: list[tuple[float, str]], wall: float) -> dict[str, float]:
    """Seconds per stage of the monthly step from the CLI's progress lines (each stage prints its
    own time); 'opstart' is the time until the first line (imports, Dagster, reference check),
    'afsluiten' the time after the last output line. The later Dagster steps (trend tables,
    report) print no time of their own: their times come from Dagster (`dagster_step_times`)."""
    stages: dict[str, float] = {}
    for t, text in lines:
        if _START.match(text):
            stages["opstart (imports, Dagster, referentiecheck)"] = t
        elif (m := _KLAAR.match(text)) and m.group("s"):
            stages[m.group("stap")] = stages.get(m.group("stap"), 0.0) + float(m.group("s").replace(",", "."))
        elif g := _GEPUBLICEERD.search(text):
            stages["maandverwerking tot publicatie"] = float(g.group("s").replace(",", "."))
    if lines:
        stages["afsluiten (na de laatste regel)"] = wall - lines[-1][0]
    return stages


def _derived(stappen: dict, dagster: dict, wall: float) -> dict:
    """What the two sources give together: the monthly step after publication (metadata, checks)
    and what is in no step (run start, events between steps)."""
    out = {}
    if "maandverwerking" in dagster and "maandverwerking tot publicatie" in stappen:
        out["maandverwerking na publicatie (metadata, controles)"] = dagster["maandverwerking"] - stappen["maandverwerking tot publicatie"]
    known = sum(dagster.values()) + stappen.get("opstart (imports, Dagster, referentiecheck)", 0.0) + \
        stappen.get("afsluiten (na de laatste regel)", 0.0)
    if dagster:
        out["overig (Dagster-run, tussen de stappen)"] = wall - known
    return out


def dagster_step_times(data: Path, since: float) -> dict[str, float]:
    """Durations of the Dagster steps of the runs that started after `since` (epoch seconds)."""
    code = (
        "import json, os, sys\n"
        "from dagster import DagsterInstance, RunsFilter\n"
        "out = {}\n"
        "with DagsterInstance.get() as instance:\n"
        "    for record in instance.get_run_records(filters=RunsFilter(), limit=5):\n"
        f"        if (record.start_time or 0) < {since}:\n"
        "            continue\n"
        "        for s in instance.get_run_step_stats(record.dagster_run.run_id):\n"
        "            if s.start_time and s.end_time:\n"
        "                out.setdefault(s.step_key, s.end_time - s.start_time)\n"
        "print(json.dumps(out))\n")
    proc = subprocess.run([sys.executable, "-c", code], env=_env(data, voortgang=False), cwd=PROJECT,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return {}
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {}


def timed_month(werk: Path, maand: str, log: Path) -> dict:
    started = time.time()
    r = run_process(cli("run", "--maand", maand), _env(werk), log)
    stappen = stage_times(r["lines"], r["wall"])
    dagster = dagster_step_times(werk, started - 1)
    stappen.update(_derived(stappen, dagster, r["wall"]))
    return {"wall": r["wall"], "rss_gib": r["rss_gib"], "stappen": stappen, "dagster": dagster,
            "afbeeldingen_s": wait_for_pngs(werk / "output" / maand, r["wall"])}


def wait_for_pngs(month: Path, wall: float, limit: float = 300) -> float | None:
    """Untimed: the report's PNGs are made by a background process after the run returns
    (pipelines/runs.py: start_pngs); wait for it so that it does not share the cores with what
    is measured next. Returns when they were there, counted from the run's start (None: never)."""
    from assets.reports.report_png import pending

    waited = time.monotonic()
    while pending(month) and time.monotonic() - waited < limit:
        time.sleep(0.5)
    return None if pending(month) else round(wall + time.monotonic() - waited, 1)


def _warehouse_facts(warehouse: Path, maand: str) -> dict:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        objecten = con.execute("SELECT count(*) FROM staging.bag_verblijfsobject WHERE maand = ?", [maand]).fetchone()[0]
        historie = con.execute("SELECT count(DISTINCT maand) FROM staging.bag_verblijfsobject WHERE maand < ?", [maand]).fetchone()[0]
        brp = con.execute("SELECT count(DISTINCT maand) FROM staging.brp_adrestellingen WHERE maand < ?", [maand]).fetchone()[0]
    finally:
        con.close()
    return {"objecten": objecten, "historie": historie, "historie_brp": brp}


# --- scoring core: DuckDB SQL against pandas --------------------------------------------------

def export_inputs(warehouse: Path, params: dict, folder: Path) -> int:
    """The core's inputs (pandas_reference.INPUT_QUERIES) as Parquet files, read once from the
    processed warehouse (untimed). Both engines start from these same files. Returns the rows."""
    import duckdb
    import pyarrow.parquet as pq

    from assets.warehouse import bind
    from tests.benchmarks.pandas_reference import INPUT_QUERIES

    con = duckdb.connect(str(warehouse), read_only=True)
    rows = 0
    try:
        for name, sql in INPUT_QUERIES.items():
            table = con.sql(sql, params=bind(sql, params)).to_arrow_table()
            rows += table.num_rows
            pq.write_table(table, folder / f"{name}.parquet")
    finally:
        con.close()
    return rows


def _settings():
    import yaml

    from assets.scoring.config import load

    indicatoren = load(PROJECT / "assets" / "config" / "indicatoren.yaml")
    lijst = yaml.safe_load((PROJECT / "assets" / "config" / "instellingen.yaml").read_text(encoding="utf-8"))["controlelijst"]
    return indicatoren, lijst


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def kern_child(engine: str, inputs: Path, maand: str, herhaal: int, out: Path) -> None:
    """In a child process: load the Parquet inputs, run the core `herhaal` times, write times + list."""
    from assets.warehouse import month_params
    from tests.benchmarks.pandas_reference import INPUT_TABLES

    params = month_params(maand)
    indicatoren, lijst = _settings()
    t0 = time.perf_counter()
    times = []
    if engine == "duckdb":
        import duckdb

        from assets import features, scoring, vacancy
        from assets.warehouse import ensure_schema

        # A database file, as the pipeline's warehouse (compressed; an in-memory database holds a
        # national 24-month BRP window uncompressed, ~13 GiB).
        path = inputs / "kern.duckdb"
        for f in (path, path.with_name(path.name + ".wal")):
            f.unlink(missing_ok=True)
        con = duckdb.connect(str(path))
        ensure_schema(con)
        for name, table in INPUT_TABLES.items():
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet('{inputs / (name + '.parquet')}')")
        laden, rss_invoer = time.perf_counter() - t0, _rss_gib()
        for _ in range(herhaal):
            t = time.perf_counter()
            con.begin()  # one transaction, as the month's step (assets/maand.py): one commit, not one per table
            vacancy.build(con, params)
            features.build(con, params)
            scoring.build_scores(con, params, indicatoren)
            scoring.build_control_list(con, params, lijst)
            con.commit()
            times.append(time.perf_counter() - t)
        lijstframe = con.execute("SELECT * FROM marts.controlelijst WHERE maand = $maand ORDER BY rang", {"maand": maand}).df()
    else:
        import pandas as pd

        from tests.benchmarks.pandas_reference import arrow_strings, run

        frames = arrow_strings({name: pd.read_parquet(inputs / f"{name}.parquet") for name in INPUT_TABLES})
        laden, rss_invoer = time.perf_counter() - t0, _rss_gib()
        for _ in range(herhaal):
            t = time.perf_counter()
            result = run(frames, params, indicatoren, lijst)
            times.append(time.perf_counter() - t)
        lijstframe = result["controlelijst"].sort_values("rang")
    cols = ["verblijfsobject_id", "rang", "score", "aanleiding", "redenen"]
    lijstframe[cols].to_json(out.with_suffix(".lijst.json"), orient="records")
    out.write_text(json.dumps({"engine": engine, "laden": laden, "times": times,
                               "rss_invoer": rss_invoer, "rss_gib": _rss_gib()}))


def _mem_available_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 16.0


def bench_core(schaal: str, warehouse: Path, maand: str, herhaal: int, logs: Path, max_gib: float | None) -> dict:
    import pandas as pd

    from assets.warehouse import month_params

    res = {}
    limit = max_gib or max(2.0, min(KERN_MAX_GIB, 0.7 * _mem_available_gib()))
    with tempfile.TemporaryDirectory(prefix="rr-bench-kern-") as tmp:
        rijen = export_inputs(warehouse, month_params(maand), Path(tmp))
        print(f"  kern: invoer {rijen:,} rijen (BRP over 24 maanden)", flush=True)
        for engine in ("duckdb", "pandas"):
            out = Path(tmp) / f"{engine}.json"
            cmd = [sys.executable, str(Path(__file__).resolve()), "--kern", engine, tmp, maand, str(herhaal), str(out)]
            r = run_process(cmd, {**os.environ, "PYTHONPATH": str(PROJECT)}, logs / f"kern-{engine}.log", max_rss_gib=limit)
            if r["gestopt"]:
                print(f"  kern {engine}: {r['gestopt']} (geheugen van de machine)", flush=True)
                res[engine] = {"gestopt": r["gestopt"]}
                continue
            res[engine] = json.loads(out.read_text())
            res[engine]["lijst"] = pd.read_json(out.with_suffix(".lijst.json"), orient="records", dtype=False)
            t = res[engine]["times"]
            print(f"  kern {engine}: mediaan {statistics.median(t):.2f} s ({', '.join(f'{x:.2f}' for x in t)}), "
                  f"piek {res[engine]['rss_gib']:.2f} GiB, waarvan invoer {res[engine]['rss_invoer']:.2f} GiB "
                  f"(invoer laden {res[engine]['laden']:.1f} s)", flush=True)
    out = {"invoer_rijen": rijen}
    for engine in ("duckdb", "pandas"):
        if "gestopt" in res[engine]:
            out[engine] = None
            out[f"{engine}_gestopt"] = res[engine]["gestopt"]
        else:
            out[engine] = statistics.median(res[engine]["times"])
            out[f"{engine}_rss"] = res[engine]["rss_gib"]
    if out["duckdb"] is not None and out["pandas"] is not None:
        a = res["duckdb"]["lijst"].astype(str).reset_index(drop=True)
        b = res["pandas"]["lijst"].astype(str).reset_index(drop=True)
        out["lijst_gelijk"] = bool(a.equals(b))
        out["lijst_rijen"] = len(a)
        out["verhouding"] = out["pandas"] / out["duckdb"]
        if not out["lijst_gelijk"]:
            diff = a.merge(b, how="outer", indicator=True, on=list(a.columns))
            print("  VERSCHIL in de controlelijst:\n" + diff[diff["_merge"] != "both"].head(10).to_string(), flush=True)
    return out


# --- one scale ----------------------------------------------------------------------------------

def _disk_check(werk: Path, basis: Path) -> None:
    need = (HISTORIE - 1) * (basis / "warehouse.duckdb").stat().st_size * 1.1
    werk.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(werk).free + sum(f.stat().st_size for f in _warehouse_files(werk) if f.exists())
    if free < need:
        raise Mislukt(f"te weinig schijfruimte voor {HISTORIE} maanden in {werk}: ongeveer {need / GB:.0f} GB nodig, "
                      f"{free / GB:.0f} GB vrij")


def bench_scale(schaal: str, args) -> dict:
    data = ensure_demo(schaal, args.cache)
    first, maand = _inbox_months(data)[-2:]
    before = inputs_state(data)
    try:
        return _bench_scale(schaal, args, data, first, maand)
    finally:
        if inputs_state(data) != before:
            print(f"  LET OP: de invoer in {data} is tijdens de benchmark veranderd", flush=True)


def _bench_scale(schaal: str, args, data: Path, first: str, maand: str) -> dict:
    cache = args.cache
    bench = cache / schaal / "bench"
    logs, werk = bench / "logs", bench / "werk"
    row: dict = {"schaal": schaal, "eerste_maand": first, "maand": maand}
    if args.alleen_kern:
        if not (werk / "warehouse.duckdb").exists():
            raise Mislukt(f"geen werkwarehouse in {werk}: draai eerst de benchmark zonder --alleen-kern")
        row["kern"] = bench_core(schaal, werk / "warehouse.duckdb", maand, args.kern_herhaal, logs, args.kern_geheugen)
        return row
    basis = ensure_basis(schaal, data, cache, first, maand, args.nieuwe_basis)
    herhaal = args.herhaal or (1 if schaal == "nationaal" else 3)
    herhaalrun = schaal == "gemeente" or args.herhaalrun_alle
    if args.vergelijk_historie:
        restore(basis, data, werk)
        prepare_reference(werk, logs / "referentie-zonder-historie.log")
        kaal = timed_month(werk, maand, logs / "maand-zonder-historie.log")
        row["zonder_historie"] = kaal
        print(f"  {maand} met 1 maand historie (ter vergelijking): {kaal['wall']:.1f} s, piek {kaal['rss_gib']:.2f} GiB", flush=True)
    kopie = bench / "historie"  # the warehouse with history, kept for the next repetitions of this call
    shutil.rmtree(kopie, ignore_errors=True)
    runs, reruns, synths, sizes = [], [], [], []
    reuse = args.historie_hergebruiken and reusable_history(werk, maand)
    if args.historie_hergebruiken and not reuse:
        print(f"  geen bruikbaar werkwarehouse met historie in {werk}: de historie wordt gemaakt", flush=True)
    for i in range(1 if reuse else herhaal):
        if reuse:
            removed = remove_month(werk, maand)
            prepare_reference(werk, logs / f"referentie-{i}.log")
            print(f"  historie van de vorige aanroep hergebruikt; {removed:,} rijen van {maand} verwijderd (niet getimed)",
                  flush=True)
        elif kopie.exists():
            restore(kopie, data, werk)
        else:
            _disk_check(werk, basis)
            restore(basis, data, werk)
            synth = synthesise_history(werk / "warehouse.duckdb", first)
            synths.append(synth)
            prepare_reference(werk, logs / f"referentie-{i}.log")
            print(f"  historie gemaakt: {synth['rijen']:,} rijen in {len(synth['tabellen'])} tabellen, "
                  f"{synth['seconden']:.1f} s (niet getimed)", flush=True)
            if i + 1 < herhaal and _keep_copy(werk):
                kopie.mkdir(parents=True)
                _copy_state(werk, kopie)
        voor = warehouse_size(werk / "warehouse.duckdb")
        r = timed_month(werk, maand, logs / f"maand-{i}.log")
        na = warehouse_size(werk / "warehouse.duckdb")
        runs.append(r)
        sizes.append({"voor": voor, "na": na})
        print(f"  {maand} run {i + 1}: {r['wall']:.1f} s, piek {r['rss_gib']:.2f} GiB, warehouse "
              f"{voor['bestand'] / GB:.3f} -> {na['bestand'] / GB:.3f} GB", flush=True)
        if herhaalrun:
            r2 = timed_month(werk, maand, logs / f"herhaal-{i}.log")
            reruns.append(r2)
            print(f"  {maand} nogmaals, ongewijzigd: {r2['wall']:.1f} s, piek {r2['rss_gib']:.2f} GiB", flush=True)
    shutil.rmtree(kopie, ignore_errors=True)
    last = runs[-1]
    print("  stappen (laatste run): " + ", ".join(f"{k} {v:.1f} s" for k, v in last["stappen"].items()), flush=True)
    print("  Dagster-stappen (laatste run): " + ", ".join(
        f"{k} {v:.1f} s" for k, v in sorted(last["dagster"].items(), key=lambda kv: -kv[1])[:8]), flush=True)
    row.update(_warehouse_facts(werk / "warehouse.duckdb", maand))
    row.update({
        "herhaal": herhaal,
        "maandrun": statistics.median(r["wall"] for r in runs),
        "maandruns": [r["wall"] for r in runs],
        "rss_gib": max(r["rss_gib"] for r in runs),
        "afbeeldingen_s": runs[-1].get("afbeeldingen_s"),
        "stappen": _median_dict([r["stappen"] for r in runs]),
        "dagster": _median_dict([r["dagster"] for r in runs]),
        "synthese_s": [s["seconden"] for s in synths],
        "synthese": {k: v for k, v in synths[-1].items() if k != "seconden"} if synths else "hergebruikt",
        "warehouse_voor": sizes[-1]["voor"],
        "warehouse_na": sizes[-1]["na"],
        "groei": statistics.median(s["na"]["bestand"] - s["voor"]["bestand"] for s in sizes),
        "groei_gebruikt": statistics.median(s["na"]["gebruikt"] - s["voor"]["gebruikt"] for s in sizes),
    })
    if reruns:
        row["herhaalrun"] = statistics.median(r["wall"] for r in reruns)
        row["herhaalruns"] = [r["wall"] for r in reruns]
        row["herhaalrun_rss_gib"] = max(r["rss_gib"] for r in reruns)
        row["herhaalrun_stappen"] = _median_dict([r["stappen"] for r in reruns])
    if not args.geen_export:
        e = run_process(cli("export", "--maand", maand), _env(werk), logs / "export.log", timeout=EXPORT_TIMEOUT)
        row["export"] = None if e["gestopt"] else e["wall"]
        row["export_rss_gib"] = e["rss_gib"]
        print(f"  export {maand}: " + ("meer dan 15 min" if e["gestopt"] else f"{e['wall']:.1f} s, piek {e['rss_gib']:.2f} GiB"),
              flush=True)
    if not args.geen_pandas:
        row["kern"] = bench_core(schaal, werk / "warehouse.duckdb", maand,
                                 1 if schaal == "nationaal" else args.kern_herhaal, logs, args.kern_geheugen)
    return row


def reusable_history(werk: Path, maand: str) -> bool:
    """The work warehouse of an earlier call holds the history (HISTORIE - 1 months before M) on
    the current schema: then M can be measured again without making the history anew."""
    import duckdb

    if not (werk / "warehouse.duckdb").exists() or not (werk / "dagster_home").exists():
        return False
    try:
        con = duckdb.connect(str(werk / "warehouse.duckdb"), read_only=True)
    except duckdb.Error:
        return False
    try:
        months = con.execute("SELECT count(DISTINCT maand) FROM staging.bag_verblijfsobject WHERE maand < ?",
                             [maand]).fetchone()[0]
        columns = set(con.execute("SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
                                  "WHERE schema_name IN ('staging', 'marts', 'audit')").fetchall())
    finally:
        con.close()
    return months >= HISTORIE - 1 and columns == schema_columns()


def schema_columns() -> set:
    import duckdb

    from assets.warehouse import ensure_schema

    con = duckdb.connect()
    try:
        ensure_schema(con)
        return set(con.execute("SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
                               "WHERE schema_name IN ('staging', 'marts', 'audit')").fetchall())
    finally:
        con.close()


def remove_month(werk: Path, maand: str) -> int:
    """Untimed: the rows of month M (every table with a maand column) and its outputs out of the
    work warehouse, so that M is processed again on the history alone. Returns the rows removed."""
    import duckdb

    con = duckdb.connect(str(werk / "warehouse.duckdb"))
    removed = 0
    try:
        tables = con.execute("SELECT DISTINCT schema_name, table_name FROM duckdb_columns() WHERE column_name = 'maand' "
                             "AND schema_name IN ('staging', 'marts', 'audit') ORDER BY ALL").fetchall()
        con.execute("BEGIN")
        for schema, table in tables:
            removed += con.execute(f"DELETE FROM {_q(schema)}.{_q(table)} WHERE maand = ?", [maand]).fetchone()[0]
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    shutil.rmtree(werk / "output" / maand, ignore_errors=True)
    return removed


def _keep_copy(werk: Path) -> bool:
    """A second copy of the warehouse with history only when it is small (never the national one)."""
    size = (werk / "warehouse.duckdb").stat().st_size
    return size < KOPIE_MAX and shutil.disk_usage(werk).free > 3 * size


def _median_dict(dicts: list[dict]) -> dict:
    keys = list(dict.fromkeys(k for d in dicts for k in d))
    return {k: statistics.median(d[k] for d in dicts if k in d) for k in keys}


# --- the table --------------------------------------------------------------------------------

def _doel(waarde: float | None, grens: float | None, eenheid: str, hoger_beter: bool = False) -> str:
    if grens is None:
        return ""
    sep = "" if eenheid == "x" else " "
    doel = f"{'>=' if hoger_beter else '<='} {grens:g}{sep}{eenheid}"
    if waarde is None:
        return f"{doel}: niet gemeten"
    if (waarde >= grens) if hoger_beter else (waarde <= grens):
        return f"{doel}: gehaald"
    mis, factor = (grens - waarde, grens / waarde) if hoger_beter else (waarde - grens, waarde / grens)
    return f"{doel}: gemist met {mis:.2f}{sep}{eenheid} (factor {factor:.1f})" if eenheid == "x" else \
        f"{doel}: gemist met {mis:.1f}{sep}{eenheid} (factor {factor:.1f})"


def table_rows(rows: list[dict]) -> list[tuple[str, list[str]]]:
    """(label, one cell per scale) for every line of the summary table."""
    def cell(r, f):
        try:
            return f(r)
        except (KeyError, TypeError, ZeroDivisionError, ValueError):
            return ""

    def kern(r, key):
        return r["kern"][key]

    lines = [
        ("objecten", lambda r: f"{r['objecten']:,}"),
        ("historie (maanden vóór de maand)", lambda r: f"{r['historie']} (BRP {r['historie_brp']})"),
        ("historie maken (niet getimed)", lambda r: (", ".join(f"{s:.1f}" for s in r["synthese_s"]) + " s")
         if r["synthese_s"] else "hergebruikt van een vorige aanroep (groei: zie blokken)"),
        ("maandrun, heel proces (mediaan)", lambda r: f"{r['maandrun']:.1f} s" + (
            f" ({', '.join(f'{w:.1f}' for w in r['maandruns'])})" if len(r["maandruns"]) > 1 else " (1 run)")),
        ("  met 1 maand historie (ter vergelijking)", lambda r: f"{r['zonder_historie']['wall']:.1f} s, "
                                                            f"piek {r['zonder_historie']['rss_gib']:.2f} GiB"),
        ("  doel", lambda r: _doel(r["maandrun"], DOELEN[r["schaal"]].get("maandrun"), "s")),
        ("herhaalrun ongewijzigd (mediaan)", lambda r: f"{r['herhaalrun']:.1f} s"),
        ("  doel", lambda r: _doel(r["herhaalrun"], DOELEN[r["schaal"]].get("herhaalrun"), "s")),
        ("piek RSS", lambda r: f"{r['rss_gib']:.2f} GiB"),
        ("  doel", lambda r: _doel(r["rss_gib"], DOELEN[r["schaal"]].get("rss"), "GiB")),
        ("warehouse vóór -> na (bestand)", lambda r: f"{r['warehouse_voor']['bestand'] / GB:.2f} -> {r['warehouse_na']['bestand'] / GB:.2f} GB"),
        ("groei per maand (bestand; blokken)", lambda r: f"{r['groei'] / GB:.3f} GB; {r['groei_gebruikt'] / GB:.3f} GB"),
        # A reused history had month M's rows removed: their blocks are free again and M reuses
        # them, so the file does not grow; the used blocks say what the month adds.
        ("  doel", lambda r: _doel((r["groei"] if r["synthese_s"] else r["groei_gebruikt"]) / GB,
                                   DOELEN[r["schaal"]].get("groei"), "GB")),
        ("PNG's van het rapport klaar (achtergrond, na de start)", lambda r: f"{r['afbeeldingen_s']:.1f} s"),
    ]
    stages = list(dict.fromkeys(k for r in rows for k in r.get("stappen", {})))
    def kaal(r, key, s):
        z = r.get("zonder_historie", {}).get(key, {})
        return f" (1 mnd: {z[s]:.1f} s)" if s in z else ""

    for s in stages:
        lines.append((f"stap: {s}", lambda r, s=s: f"{r['stappen'][s]:.1f} s" + kaal(r, "stappen", s)))
    steps = list(dict.fromkeys(k for r in rows for k in r.get("dagster", {}) if r["dagster"][k] >= 0.5 or k == "maandverwerking"))
    for s in steps:
        lines.append((f"Dagster-stap: {s}", lambda r, s=s: f"{r['dagster'][s]:.1f} s" + kaal(r, "dagster", s)))
    lines += [
        ("kern DuckDB / pandas (mediaan)", lambda r: " / ".join(
            f"{kern(r, e):.2f} s" if kern(r, e) is not None else kern(r, f"{e}_gestopt") for e in ("duckdb", "pandas"))),
        ("kern piek DuckDB / pandas", lambda r: f"{kern(r, 'duckdb_rss'):.2f} / {kern(r, 'pandas_rss'):.2f} GiB"),
        ("kern verhouding", lambda r: f"{kern(r, 'verhouding'):.2f}x, zelfde lijst: "
                                      f"{'ja' if kern(r, 'lijst_gelijk') else 'NEE'} ({kern(r, 'lijst_rijen')})"),
        ("  doel", lambda r: _doel(r["kern"].get("verhouding"), KERN_DOEL, "x", hoger_beter=True) if "kern" in r else ""),
        ("export --maand, heel proces", lambda r: "meer dan 15 min" if r["export"] is None else f"{r['export']:.1f} s"),
        ("  doel", lambda r: ("<= 30 s: gemist (meer dan 15 min)" if r.get("export", 0) is None and "export" in DOELEN[r["schaal"]]
                              else _doel(r["export"], DOELEN[r["schaal"]].get("export"), "s"))),
    ]
    return [(label, [cell(r, f) for r in rows]) for label, f in lines]


def print_table(rows: list[dict]) -> None:
    body = [(label, cells) for label, cells in table_rows(rows) if any(cells)]
    width = max(len(label) for label, _ in body) + 2
    cols = [max([len(r["schaal"])] + [len(cells[i]) for _, cells in body]) + 2 for i, r in enumerate(rows)]
    print("".ljust(width) + "".join(r["schaal"].ljust(c) for r, c in zip(rows, cols)))
    for label, cells in body:
        print(label.ljust(width) + "".join(v.ljust(c) for v, c in zip(cells, cols)))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--kern":
        sys.path.insert(0, str(PROJECT))
        engine, inputs, maand, herhaal, out = sys.argv[2:7]
        kern_child(engine, Path(inputs), maand, int(herhaal), Path(out))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schaal", nargs="+", choices=SCHALEN, default=list(SCHALEN))
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "rr-bench")
    parser.add_argument("--herhaal", type=int, default=None, help="herhalingen van de maandrun (standaard 3, nationaal 1)")
    parser.add_argument("--kern-herhaal", type=int, default=3)
    parser.add_argument("--kern-geheugen", type=float, default=None,
                        help="GiB waarboven een kernproces wordt gestopt (standaard 14, of 70%% van het vrije geheugen als dat minder is)")
    parser.add_argument("--geen-pandas", action="store_true", help="sla de vergelijking met pandas over")
    parser.add_argument("--geen-export", action="store_true", help="sla `risicoradar export` over")
    parser.add_argument("--herhaalrun-alle", action="store_true", help="ongewijzigde herhaalrun op elke schaal (standaard alleen gemeente)")
    parser.add_argument("--vergelijk-historie", action="store_true",
                        help="ook één maandrun zonder de gemaakte historie (alleen de eerste maand): welke stap groeit met de historie")
    parser.add_argument("--nieuwe-basis", action="store_true", help="maak de basis (warehouse na de eerste maand) opnieuw")
    parser.add_argument("--historie-hergebruiken", action="store_true",
                        help="gebruik het werkwarehouse van een vorige aanroep met zijn historie opnieuw (de rijen van "
                             "maand M eruit) in plaats van de historie opnieuw te maken; één herhaling")
    parser.add_argument("--alleen-kern", action="store_true", help="alleen DuckDB tegen pandas, op het werkwarehouse zoals het is")
    parser.add_argument("--uit", type=Path, default=None, help="cijfers als JSON (standaard <cache>/resultaat.json)")
    args = parser.parse_args()
    sys.path.insert(0, str(PROJECT))
    uit = args.uit or args.cache / "resultaat.json"

    rows = []
    for schaal in args.schaal:
        print(f"\n== {schaal}", flush=True)
        try:
            rows.append(bench_scale(schaal, args))
        except Mislukt as exc:
            print(f"  {schaal}: {exc}", flush=True)
            rows.append({"schaal": schaal, "fout": str(exc)})
    measured = [r for r in rows if "fout" not in r]
    print(f"\n== samenvatting ({os.cpu_count()} kernen, {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / GIB:.0f} GiB, "
          f"{dt.datetime.now():%Y-%m-%d %H:%M})")
    if measured:
        print_table(measured)
    for r in rows:
        if "fout" in r:
            print(f"{r['schaal']}: NIET GEMETEN: {r['fout'].splitlines()[0]}")
    uit.parent.mkdir(parents=True, exist_ok=True)
    uit.write_text(json.dumps({"gemeten": dt.datetime.now().isoformat(timespec="seconds"), "kernen": os.cpu_count(),
                               "doelen": DOELEN, "kern_doel": KERN_DOEL, "schalen": rows}, indent=1, default=str))
    print(f"\nCijfers: {uit}")
    return 0 if len(measured) == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())

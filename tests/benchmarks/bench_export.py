"""Benchmark: `risicoradar export --maand M` (the RIEC package) on a warehouse with months of history.

    .venv/bin/python tests/benchmarks/bench_export.py [--warehouse W] [--maanden 24] [--factor 1]
        [--herhaal 3] [--werkmap /tmp/rr-bench-export] [--alle-tabellen] [--opnieuw]

1. Takes a warehouse with one processed month (default: the regio benchmark's
   /tmp/rr-bench/regio/base/warehouse.duckdb, ~1 M verblijfsobjecten; `--warehouse` for another,
   e.g. the national one). The source is never changed: it is copied into `--werkmap`.
2. Gives the copy history: for every table with a `maand` column that the export reads (its
   export.*.sql and the trend.*.sql files, found with assets.lineage; `--alle-tabellen`: every
   table with a `maand` column), the rows of the processed month are copied as the
   `--maanden - 1` months before it. leegstaand per buurt is varied a little per month (so each
   month's suppression has its own pattern of small cells). `--factor K` first multiplies the
   rows of those tables K times with the ids and buurtcodes made unique per copy: K = 10 on the
   regio warehouse gives a national-like one (~10 M objects per month, ~13 thousand buurten).
   The result is kept in the werkmap and reused (`--opnieuw` builds it again).
3. Times the export as an analyst starts it, as a whole process, `--herhaal` times:
   `/usr/bin/time -v risicoradar export --maand M --data-dir D` (imports, reading the warehouse,
   suppression, CSV/XLSX, manifest, audit row). Prints wall time and peak RSS per run and the median.

Target (this task): <= 30 s for a national warehouse with 24 months of history on 2 cores.
Machines here are noisy: read medians, not single figures.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

DEFAULT_WAREHOUSE = Path("/tmp/rr-bench/regio/base/warehouse.duckdb")
DOEL_S = 30.0
LANDELIJK = 5_000_000  # objects per month from which the warehouse counts as national


def _months_before(maand: str, n: int) -> list[str]:
    from data_contracts.months import add_months

    return [add_months(maand, -k) for k in range(1, n)]


def export_reads() -> set[str]:
    """The warehouse tables the export's SQL files read (export.*.sql, trend.*.sql)."""
    from assets.lineage import parse_reads

    files = sorted((PROJECT / "assets" / "exports").glob("export.*.sql")) + sorted(
        (PROJECT / "assets" / "reports").glob("trend.*.sql"))
    tables: set[str] = set()
    for path in files:
        tables |= {name for name in parse_reads(path.read_text(encoding="utf-8")) if "." in name}
    return tables


def _month_tables(con) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() ORDER BY table_schema, table_name, ordinal_position").fetchall()
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        columns.setdefault(table, []).append((column, kind))
    return {t: cols for t, cols in columns.items() if any(c == "maand" for c, _ in cols)}


def _unique_per_copy(column: str, kind: str) -> bool:
    """Columns that identify an object, a buurt or a row: made unique for each copy (--factor)."""
    return kind == "VARCHAR" and (column.endswith("_id") or column in ("buurtcode", "wijkcode"))


def build(source: Path, target: Path, maanden: int, factor: int, alle: bool) -> dict:
    import duckdb

    tmp = target.with_suffix(".bouw")
    shutil.copyfile(source, tmp)
    t0 = time.perf_counter()
    con = duckdb.connect(str(tmp))
    try:
        base = con.execute("SELECT max(maand) FROM marts.leegstand_buurt").fetchone()[0]
        tables = _month_tables(con)
        wanted = sorted(tables) if alle else sorted(set(tables) & export_reads())
        for table in wanted:
            cols = tables[table]
            n = con.execute(f"SELECT count(*) FROM {table} WHERE maand <> ?", [base]).fetchone()[0]
            if n:
                raise SystemExit(f"{source} heeft in {table} al andere maanden dan {base}: geef een warehouse met één maand")
            ids = [c for c, kind in cols if _unique_per_copy(c, kind)]
            if factor > 1 and ids:  # tables without ids (per-month totals, audit rows) stay as they are
                select = ", ".join(f"{c} || '-' || k AS {c}" if c in ids else c for c, _ in cols)
                con.execute(f"INSERT INTO {table} SELECT {select} FROM {table}, range(1, {int(factor)}) AS r(k) "
                            "WHERE maand = ?", [base])
        # history: the base month's rows relabelled as earlier months
        months = _months_before(base, maanden)
        for table in wanted:
            names = [c for c, _ in tables[table]]
            for m in months:
                if table == "marts.leegstand_buurt":
                    jitter = ("greatest(0, least(woningen, leegstaand + CAST(hash(buurtcode, $m) % 7 AS INTEGER) - 3))")
                    select = ", ".join(
                        "$m AS maand" if c == "maand" else
                        f"{jitter} AS leegstaand" if c == "leegstaand" else
                        f"round(100.0 * {jitter} / nullif(woningen, 0), 1) AS leegstand_pct" if c == "leegstand_pct" else c
                        for c in names)
                else:
                    select = ", ".join("$m AS maand" if c == "maand" else c for c in names)
                con.execute(f"INSERT INTO {table} SELECT {select} FROM {table} WHERE maand = $base",
                            {"m": m, "base": base})
        con.execute("CHECKPOINT")
        objecten = con.execute("SELECT count(*) FROM marts.adresscores WHERE maand = ?", [base]).fetchone()[0]
        buurten = con.execute("SELECT count(*) FROM marts.leegstand_buurt WHERE maand = ?", [base]).fetchone()[0]
    finally:
        con.close()
    os.replace(tmp, target)
    info = {"bron": str(source), "maand": base, "maanden": maanden, "factor": factor, "tabellen": wanted,
            "objecten": objecten, "buurten": buurten, "bouwtijd_s": round(time.perf_counter() - t0, 1)}
    target.with_suffix(".json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info


def _time_v(cmd: list[str], env: dict, log: Path) -> dict:
    t0 = time.perf_counter()
    with open(log, "w") as fh:
        proc = subprocess.run(["/usr/bin/time", "-v", *cmd], env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=PROJECT)
    wall = time.perf_counter() - t0
    text = log.read_text(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"mislukt ({proc.returncode}): {' '.join(cmd)}\n{text[-3000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return {"wall": wall, "rss_gib": int(rss.group(1)) / 2**20 if rss else float("nan")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE,
                        help="warehouse met één verwerkte maand (wordt niet gewijzigd)")
    parser.add_argument("--maanden", type=int, default=24, help="maanden geschiedenis, de exportmaand meegeteld")
    parser.add_argument("--factor", type=int, default=1, help="rijen van de gelezen tabellen K keer (10: landelijk)")
    parser.add_argument("--herhaal", type=int, default=3)
    parser.add_argument("--werkmap", type=Path, default=Path("/tmp/rr-bench-export"))
    parser.add_argument("--alle-tabellen", action="store_true", help="geschiedenis voor elke tabel met een maand")
    parser.add_argument("--opnieuw", action="store_true", help="het warehouse met geschiedenis opnieuw bouwen")
    args = parser.parse_args()

    if not args.warehouse.exists():
        raise SystemExit(f"geen warehouse: {args.warehouse} (draai eerst bench_scale.py, of geef --warehouse)")
    stat = args.warehouse.stat()
    key = hashlib.sha256(json.dumps([str(args.warehouse.resolve()), stat.st_size, stat.st_mtime_ns, args.maanden,
                                     args.factor, args.alle_tabellen]).encode()).hexdigest()[:12]
    args.werkmap.mkdir(parents=True, exist_ok=True)
    built = args.werkmap / f"warehouse-{key}.duckdb"
    if args.opnieuw or not built.exists():
        print(f"warehouse met {args.maanden} maanden bouwen (factor {args.factor}) uit {args.warehouse} ...", flush=True)
        info = build(args.warehouse, built, args.maanden, args.factor, args.alle_tabellen)
    else:
        info = json.loads(built.with_suffix(".json").read_text(encoding="utf-8"))
    print(f"warehouse: {built} ({built.stat().st_size / 2**30:.1f} GiB): {info['objecten']:,} objecten, "
          f"{info['buurten']:,} buurten per maand, {info['maanden']} maanden tot en met {info['maand']}; "
          f"geschiedenis in {len(info['tabellen'])} tabellen (gebouwd in {info['bouwtijd_s']} s)")

    data = args.werkmap / f"data-{key}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(mode=0o700)
    shutil.copyfile(built, data / "warehouse.duckdb")
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    cmd = [sys.executable, "-m", "pipelines.cli", "export", "--maand", info["maand"], "--data-dir", str(data)]
    runs = []
    for i in range(args.herhaal):
        run = _time_v(cmd, env, args.werkmap / f"export-{key}-{i}.log")
        runs.append(run)
        print(f"  run {i + 1}: {run['wall']:.1f} s, piek {run['rss_gib']:.2f} GiB", flush=True)
    if not runs:  # --herhaal 0: only build
        shutil.rmtree(data, ignore_errors=True)
        return 0
    wall = statistics.median(r["wall"] for r in runs)
    rss = max(r["rss_gib"] for r in runs)
    if info["objecten"] >= LANDELIJK:
        verdict = "gehaald" if wall <= DOEL_S else f"niet gehaald ({wall / DOEL_S:.1f}x de grens)"
    else:
        verdict = "geldt voor een landelijk warehouse"
    print(f"export {info['maand']}: mediaan {wall:.1f} s over {len(runs)} runs, piek {rss:.2f} GiB "
          f"(doel <= {DOEL_S:.0f} s landelijk: {verdict})")
    shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

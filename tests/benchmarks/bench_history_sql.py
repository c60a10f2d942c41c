"""Benchmark: the monthly SQL statements that read the warehouse's history, old text against new.

    .venv/bin/python tests/benchmarks/bench_history_sql.py [--warehouse W] [--maand 2026-11]
        [--basis main] [--herhaal 3] [--alleen NAAM ...] [--explain]

Runs each statement below twice against the same warehouse, with the parameters the pipeline
binds for `--maand` (assets.warehouse.month_params, plus the evaluation's settings for the
evaluation tables and the indicator thresholds as a temp table, as assets/maand.py does): the
text of `--basis` (`git show main:<path>`) and the text in this worktree. Each is materialised
as a temp table (`CREATE TEMP TABLE ... AS`), `--herhaal` times; prints the median wall time
and the median CPU time of the process (all DuckDB threads: steadier than wall time on a
machine shared with other work) of both, and
checks the result sets are equal (EXCEPT ALL both ways, and row order for statements with an
ORDER BY). `--explain` prints EXPLAIN ANALYZE of the new text.

The warehouse is opened read-only, so a copy is never changed; default: a copy of the regio
benchmark's warehouse with 24 months of history (/tmp/hist/warehouse.duckdb; make it with
`cp /tmp/rr-bench/regio/bench/werk/warehouse.duckdb /tmp/hist/`).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

DEFAULT_WAREHOUSE = Path("/tmp/hist/warehouse.duckdb")

STATEMENTS = (
    "assets/features/marts.adreskenmerken.sql",
    "assets/evaluation/marts.evaluatie_scoreklasse.sql",
    "assets/evaluation/marts.evaluatie_indicator.sql",
    "assets/evaluation/marts.evaluatie_buurt.sql",
    "assets/evaluation/marts.evaluatie_drift.sql",
    "assets/reports/rapport.kerncijfers.sql",
    "assets/reports/trend.objecten_per_indicator_per_maand.sql",
    "assets/reports/trend.controles_per_maand.sql",
    "assets/reports/trend.rni_per_maand.sql",
    "assets/reports/trend.leegstand_per_buurt_per_maand.sql",
)


def params_for(maand: str) -> dict:
    from assets.settings import Besluiten, Evaluatie
    from assets.warehouse import month_params

    evaluatie, besluiten = Evaluatie.of({}), Besluiten.of({})
    return month_params(
        maand,
        selectie_ratio_grens=evaluatie.selectie_ratio_grens,
        buurt_minimum=evaluatie.buurt_minimum,
        drift_factor=evaluatie.drift_factor,
        drift_minimum=evaluatie.drift_minimum,
        drift_aanloop_maanden=evaluatie.drift_aanloop_maanden,
        controle_termijn_maanden=besluiten.controle_termijn_maanden,
    )


def old_text(basis: str, path: str) -> str:
    return subprocess.run(["git", "-C", str(PROJECT), "show", f"{basis}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def materialise(con, name: str, sql: str, params: dict) -> tuple[float, float]:
    """Wall and CPU seconds (all of DuckDB's threads) of materialising the statement."""
    from assets.warehouse import bind

    wall, cpu = time.perf_counter(), time.process_time()
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS ({sql})", bind(sql, params))
    return time.perf_counter() - wall, time.process_time() - cpu


def timed(con, name: str, sql: str, params: dict, n: int) -> tuple[float, float]:
    runs = [materialise(con, name, sql, params) for _ in range(n)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def same(con, sql_old: str, sql_new: str, params: dict) -> str:
    """'gelijk', or what differs (counts of rows only in one side, or the row order)."""
    from assets.warehouse import bind

    a = con.execute("SELECT count(*) FROM (SELECT * FROM oud EXCEPT ALL SELECT * FROM nieuw)").fetchone()[0]
    b = con.execute("SELECT count(*) FROM (SELECT * FROM nieuw EXCEPT ALL SELECT * FROM oud)").fetchone()[0]
    if a or b:
        return f"VERSCHIL: {a} rijen alleen oud, {b} alleen nieuw"
    if "ORDER BY" in sql_new.upper().rsplit(")", 1)[-1]:
        ro = con.execute(sql_old, bind(sql_old, params)).df()
        rn = con.execute(sql_new, bind(sql_new, params)).df()
        if not ro.equals(rn):
            return "VERSCHIL: andere volgorde of waarden in het frame"
    n = con.execute("SELECT count(*) FROM nieuw").fetchone()[0]
    return f"gelijk ({n} rijen)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    ap.add_argument("--maand", default="2026-11")
    ap.add_argument("--basis", default="main")
    ap.add_argument("--herhaal", type=int, default=3)
    ap.add_argument("--alleen", nargs="*", default=None, help="only statements whose path contains one of these")
    ap.add_argument("--explain", action="store_true")
    args = ap.parse_args()

    import duckdb

    from assets import scoring

    con = duckdb.connect(str(args.warehouse), read_only=True)
    scoring.register_indicators(con, scoring.load(PROJECT / "assets" / "config" / "indicatoren.yaml"))
    params = params_for(args.maand)
    maanden = con.execute("SELECT count(DISTINCT maand) FROM marts.adresscores").fetchone()[0]
    objecten = con.execute("SELECT count(*) FROM marts.adreskenmerken WHERE maand = $m", {"m": args.maand}).fetchone()[0]
    print(f"warehouse {args.warehouse}: {maanden} maanden in marts.adresscores, {objecten} objecten in {args.maand}; "
          f"{args.herhaal}x, mediaan")
    print(f"{'statement':44} {'oud s':>7} {'nieuw s':>7} {'oud cpu':>7} {'nw cpu':>7}  resultaat")
    totaal = [0.0, 0.0, 0.0, 0.0]
    for path in STATEMENTS:
        if args.alleen and not any(a in path for a in args.alleen):
            continue
        sql_old, sql_new = old_text(args.basis, path), (PROJECT / path).read_text(encoding="utf-8")
        t_old = timed(con, "oud", sql_old, params, args.herhaal)
        t_new = timed(con, "nieuw", sql_new, params, args.herhaal)
        cijfers = (t_old[0], t_new[0], t_old[1], t_new[1])
        totaal = [a + b for a, b in zip(totaal, cijfers)]
        print(f"{Path(path).stem:44} " + " ".join(f"{c:7.3f}" for c in cijfers)
              + f"  {same(con, sql_old, sql_new, params)}", flush=True)
        if args.explain:
            from assets.warehouse import bind

            plan = con.execute("EXPLAIN ANALYZE " + sql_new, bind(sql_new, params)).fetchall()
            print(plan[0][1])
    print(f"{'totaal':44} " + " ".join(f"{c:7.3f}" for c in totaal))


if __name__ == "__main__":
    main()

"""Benchmark: one full monthly run at gemeente, regio and nationaal scale, plus DuckDB against pandas.

    .venv/bin/python tests/benchmarks/bench_scale.py [--schaal gemeente regio nationaal]
        [--cache /tmp/rr-bench] [--herhaal 3] [--kern-herhaal 3] [--geen-pandas]

Per scale:
1. Demo inbox of two months (`risicoradar demo --schaal S --maanden 2 --alleen-genereren`),
   kept in the cache folder; generation time and peak memory are printed the first time.
2. The first month is processed once (schema, reference data, history) and the warehouse is kept
   as a starting point. The second month is then timed as an analyst runs it, as a whole process:
   `/usr/bin/time -v risicoradar run --maand M` — imports, Dagster, contracts, ingest, vacancy,
   features, scoring, control list, evaluation, per-buurt outputs, report, maps, trend tables.
   Wall time and peak RSS per repetition; the warehouse is put back between repetitions.
   Dagster's step timings of the last repetition show where the time goes.
3. The scoring core — marts.leegstand, marts.leegstand_buurt, marts.adreskenmerken,
   marts.adresscores and marts.controlelijst — on the same inputs (Parquet files exported once
   from the warehouse, loaded into memory untimed), once with the project's SQL in DuckDB and once
   with the idiomatic pandas version in
   tests/benchmarks/pandas_reference.py, each in its own process (own peak memory). Prints the
   median ratio and checks that both give the same control list.

Targets (issue 9, 2-core 24 GiB machine): nationaal month < 120 s and < 8 GiB; gemeente month
< 10 s; scoring core >= 2.5x faster than pandas. A missed target is printed with its margin.
Machines here are noisy: read medians and ratios, not single figures.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCHALEN = ("gemeente", "regio", "nationaal")
DOELEN = {"gemeente": (10.0, None), "nationaal": (120.0, 8.0)}  # seconds, GiB
KERN_DOEL = 2.5


# --- whole process ---------------------------------------------------------------------------

def _time_v(cmd: list[str], env: dict, log: Path) -> dict:
    """Run cmd under /usr/bin/time -v; wall seconds and peak RSS (GiB) of the largest process."""
    t0 = time.perf_counter()
    with open(log, "w") as fh:
        proc = subprocess.run(["/usr/bin/time", "-v", *cmd], env=env, stdout=fh, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t0
    text = log.read_text(errors="replace")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if proc.returncode != 0:
        raise SystemExit(f"mislukt ({proc.returncode}): {' '.join(cmd)}\n{text[-3000:]}")
    return {"wall": wall, "rss_gib": int(rss.group(1)) / 2**20 if rss else float("nan")}


def _env(data: Path) -> dict:
    env = dict(os.environ)
    env["RISICORADAR_DATA"] = str(data)
    env["DAGSTER_HOME"] = str(data / "dagster_home")
    env.setdefault("RISICORADAR_LOG", "WARNING")
    return env


def _inbox_months(data: Path) -> list[str]:
    from data_contracts import scan_inbox

    return sorted({f.maand for f in scan_inbox(data / "inbox") if f.usable and f.maand and f.source != "slachtoffers"})


def ensure_demo(schaal: str, cache: Path) -> Path:
    data = cache / schaal / "data"
    if (data / "inbox").exists() and len(_inbox_months(data)) >= 2:
        return data
    data.mkdir(parents=True, exist_ok=True)
    r = _time_v([str(BIN / "risicoradar"), "demo", "--data-dir", str(data), "--schaal", schaal,
                 "--maanden", "2", "--alleen-genereren"], _env(data), cache / f"{schaal}-demo.log")
    print(f"  demo {schaal} gemaakt: {r['wall']:.0f} s, piek {r['rss_gib']:.1f} GiB", flush=True)
    return data


def _warehouse_files(data: Path) -> list[Path]:
    return [data / "warehouse.duckdb", data / "warehouse.duckdb.wal"]


def ensure_base(schaal: str, data: Path, cache: Path, first: str) -> Path:
    """Warehouse with the first month processed, kept beside the data folder."""
    base = cache / schaal / "na-eerste-maand"
    if (base / "warehouse.duckdb").exists():
        return base
    for f in _warehouse_files(data):
        f.unlink(missing_ok=True)
    shutil.rmtree(data / "dagster_home", ignore_errors=True)
    r = _time_v([str(BIN / "risicoradar"), "run", "--maand", first], _env(data), cache / f"{schaal}-eerste.log")
    print(f"  eerste maand {first} (schema, referentie, historie): {r['wall']:.0f} s, piek {r['rss_gib']:.1f} GiB", flush=True)
    base.mkdir(parents=True, exist_ok=True)
    for f in _warehouse_files(data):
        if f.exists():
            shutil.copy2(f, base / f.name)
    return base


def restore(base: Path, data: Path, maand: str) -> None:
    for f in _warehouse_files(data):
        f.unlink(missing_ok=True)
        if (base / f.name).exists():
            shutil.copy2(base / f.name, f)
    shutil.rmtree(data / "output" / maand, ignore_errors=True)


def step_times(data: Path, since: float) -> dict[str, float]:
    """Durations of the steps of the runs that started after `since` (epoch seconds), from Dagster's log."""
    os.environ["DAGSTER_HOME"] = str(data / "dagster_home")
    from dagster import DagsterInstance, RunsFilter

    with DagsterInstance.get() as instance:
        out: dict[str, float] = {}
        for record in instance.get_run_records(filters=RunsFilter(), limit=5):
            if (record.start_time or 0) < since:
                continue
            for s in instance.get_run_step_stats(record.dagster_run.run_id):
                if s.start_time and s.end_time:
                    out.setdefault(s.step_key, s.end_time - s.start_time)  # newest run first
        return out


def bench_month(schaal: str, data: Path, base: Path, maand: str, herhaal: int, cache: Path) -> dict:
    runs = []
    for i in range(herhaal):
        restore(base, data, maand)
        started = time.time()
        r = _time_v([str(BIN / "risicoradar"), "run", "--maand", maand], _env(data), cache / f"{schaal}-maand-{i}.log")
        runs.append(r)
        print(f"  {maand} run {i + 1}: {r['wall']:.1f} s, piek {r['rss_gib']:.2f} GiB", flush=True)
    stappen = step_times(data, started)
    big = sorted(stappen.items(), key=lambda kv: -kv[1])[:6]
    print("  Dagster-stappen (laatste run): " + ", ".join(f"{k} {v:.1f} s" for k, v in big), flush=True)
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "walls": [r["wall"] for r in runs],
        "rss_gib": max(r["rss_gib"] for r in runs),
        "stappen": stappen,
    }


# --- scoring core: DuckDB SQL against pandas --------------------------------------------------

def export_inputs(warehouse: Path, params: dict, folder: Path) -> None:
    """The core's inputs (pandas_reference.INPUT_QUERIES) as Parquet files, read once from the
    processed warehouse (untimed). Both engines start from these same files."""
    import duckdb
    import pyarrow.parquet as pq

    from assets.warehouse import bind
    from tests.benchmarks.pandas_reference import INPUT_QUERIES

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for name, sql in INPUT_QUERIES.items():
            pq.write_table(con.sql(sql, params=bind(sql, params)).to_arrow_table(), folder / f"{name}.parquet")
    finally:
        con.close()


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

        con = duckdb.connect()
        ensure_schema(con)
        for name, table in INPUT_TABLES.items():
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet('{inputs / (name + '.parquet')}')")
        laden, rss_invoer = time.perf_counter() - t0, _rss_gib()
        for _ in range(herhaal):
            t = time.perf_counter()
            vacancy.build(con, params)
            features.build(con, params)
            scoring.build_scores(con, params, indicatoren)
            scoring.build_control_list(con, params, lijst)
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


def bench_core(schaal: str, data: Path, maand: str, herhaal: int) -> dict:
    import pandas as pd

    from assets.warehouse import month_params

    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        export_inputs(data / "warehouse.duckdb", month_params(maand), Path(tmp))
        for engine in ("duckdb", "pandas"):
            out = Path(tmp) / f"{engine}.json"
            cmd = [sys.executable, __file__, "--kern", engine, tmp, maand, str(herhaal), str(out)]
            proc = subprocess.run(cmd, cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)})
            if proc.returncode != 0:
                raise SystemExit(f"kern {engine} mislukt ({proc.returncode})")
            res[engine] = json.loads(out.read_text())
            res[engine]["lijst"] = pd.read_json(out.with_suffix(".lijst.json"), orient="records", dtype=False)
            t = res[engine]["times"]
            print(f"  kern {engine}: mediaan {statistics.median(t):.2f} s ({', '.join(f'{x:.2f}' for x in t)}), "
                  f"piek {res[engine]['rss_gib']:.2f} GiB, waarvan invoer {res[engine]['rss_invoer']:.2f} GiB "
                  f"(invoer laden {res[engine]['laden']:.1f} s)", flush=True)
    a, b = res["duckdb"]["lijst"], res["pandas"]["lijst"]
    a = a.astype(str).reset_index(drop=True)
    b = b.astype(str).reset_index(drop=True)
    gelijk = a.equals(b)
    if not gelijk:
        diff = a.merge(b, how="outer", indicator=True, on=list(a.columns))
        print("  VERSCHIL in de controlelijst:\n" + diff[diff["_merge"] != "both"].head(10).to_string(), flush=True)
    return {
        "duckdb": statistics.median(res["duckdb"]["times"]),
        "pandas": statistics.median(res["pandas"]["times"]),
        "duckdb_rss": res["duckdb"]["rss_gib"],
        "pandas_rss": res["pandas"]["rss_gib"],
        "lijst_gelijk": gelijk,
        "lijst_rijen": len(a),
    }


# --- report ----------------------------------------------------------------------------------

def _objecten(data: Path, maand: str) -> int:
    import duckdb

    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM staging.bag_verblijfsobject WHERE maand = $m", {"m": maand}).fetchone()[0]
    finally:
        con.close()


def _doel(waarde: float, grens: float | None, eenheid: str) -> str:
    if grens is None:
        return "-"
    if waarde <= grens:
        return f"gehaald (< {grens:g} {eenheid})"
    return f"GEMIST met {waarde - grens:.1f} {eenheid} ({waarde / grens:.1f}x de grens {grens:g})"


def print_table(rows: list[dict]) -> None:
    print("\nschaal     objecten    maandrun (mediaan)  piek RSS   doel tijd / geheugen")
    for r in (r for r in rows if "wall" in r):
        tijd_grens, mem_grens = DOELEN.get(r["schaal"], (None, None))
        print(f"{r['schaal']:<10} {r['objecten']:>10,}  {r['wall']:>8.1f} s         {r['rss_gib']:>5.2f} GiB  "
              f"{_doel(r['wall'], tijd_grens, 's')} / {_doel(r['rss_gib'], mem_grens, 'GiB')}")
    if any("kern" in r for r in rows):
        print("\nschaal     kern DuckDB  kern pandas  verhouding  piek DuckDB/pandas*  zelfde controlelijst  doel >= 2.5x")
        for r in rows:
            k = r.get("kern")
            if not k:
                continue
            ratio = k["pandas"] / k["duckdb"]
            doel = "gehaald" if ratio >= KERN_DOEL else f"GEMIST: {ratio:.2f}x, {KERN_DOEL / ratio:.1f}x te langzaam"
            print(f"{r['schaal']:<10} {k['duckdb']:>9.2f} s  {k['pandas']:>9.2f} s  {ratio:>8.2f}x  "
                  f"{k['duckdb_rss']:>6.2f} / {k['pandas_rss']:.2f} GiB     "
                  f"{'ja' if k['lijst_gelijk'] else 'NEE'} ({k['lijst_rijen']} adressen)     {doel}")
        print("* piek van het kindproces: de invoer (uit dezelfde Parquet-bestanden) plus het rekenwerk")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--kern":
        engine, inputs, maand, herhaal, out = sys.argv[2:7]
        kern_child(engine, Path(inputs), maand, int(herhaal), Path(out))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schaal", nargs="+", choices=SCHALEN, default=list(SCHALEN))
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "rr-bench")
    parser.add_argument("--herhaal", type=int, default=None, help="herhalingen van de maandrun (standaard 3, nationaal 1)")
    parser.add_argument("--kern-herhaal", type=int, default=3)
    parser.add_argument("--geen-pandas", action="store_true", help="sla de vergelijking met pandas over")
    parser.add_argument("--alleen-kern", action="store_true", help="alleen DuckDB tegen pandas, op het warehouse zoals het is")
    args = parser.parse_args()
    sys.path.insert(0, str(PROJECT))

    rows = []
    for schaal in args.schaal:
        print(f"\n== {schaal}", flush=True)
        data = ensure_demo(schaal, args.cache)
        first, maand = _inbox_months(data)[-2:]
        if args.alleen_kern:
            row = {"schaal": schaal, "kern": bench_core(schaal, data, maand, args.kern_herhaal)}
            rows.append(row)
            continue
        base = ensure_base(schaal, data, args.cache, first)
        herhaal = args.herhaal or (1 if schaal == "nationaal" else 3)
        row = {"schaal": schaal, **bench_month(schaal, data, base, maand, herhaal, args.cache)}
        row["objecten"] = _objecten(data, maand)
        if not args.geen_pandas:
            row["kern"] = bench_core(schaal, data, maand, 1 if schaal == "nationaal" else args.kern_herhaal)
        rows.append(row)
        print_table(rows[-1:])
    print("\n== samenvatting (machine: %d kernen)" % os.cpu_count())
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: what Dagster itself costs a month run (the floor under `risicoradar run` at gemeente scale).

    .venv/bin/python tests/benchmarks/bench_dagster.py [--herhaal 5]

Each repetition is a fresh process (as `risicoradar run` is) on one DAGSTER_HOME (the project's
dagster.yaml, sqlite storage, as the CLI uses; a first run, not counted, creates the storages), a
month per run. It runs the month job's exact shape with no data work: the multi-asset `maandverwerking` with the same asset specs and check specs
(assets/maand.py: SPECS, CHECKS), yielding a MaterializeResult per table with the same kind of
metadata (counts, file name, a markdown preview of ~1 KB) and a passed result per check, and the
report assets (assets/reports: same specs, empty bodies), executed in process with the month as
partition key. It prints per stage the median over the repetitions:

- `import dagster` and the project's modules that define the job (assets.maand, assets.reports);
- DagsterInstance.get() (the sqlite storages, their schema check), or `pipelines.storage.open_instance()`
  as `risicoradar run` opens it (the event log's connections kept open): both are measured, taking turns;
- `execute_in_process`: creating the run (planned events), the steps, every event written;
- the whole process, start to exit.

The difference between this floor and the gemeente month run (bench_scale.py) is the data work:
checks, SQL, report. Nothing here touches a warehouse.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def child(out: Path) -> None:
    t0 = time.perf_counter()
    import dagster as dg

    t_dagster = time.perf_counter()
    from assets import reports
    from assets.maand import CHECKS, SPECS
    from assets.partitions import maand_partitions

    t_project = time.perf_counter()
    preview = "| " + " | ".join(f"kolom_{i}" for i in range(8)) + " |\n" + "\n".join(
        "| " + " | ".join(f"waarde {r}.{i}" for i in range(8)) + " |" for r in range(10))

    @dg.multi_asset(name="maandverwerking", specs=SPECS, check_specs=CHECKS, partitions_def=maand_partitions,
                    pool="duckdb_writer", can_subset=False)
    def maandverwerking(context):
        for spec in SPECS:
            yield dg.MaterializeResult(asset_key=spec.key, metadata={
                "maand": context.partition_key, "rijen": dg.MetadataValue.int(4365),
                "dagster/partition_row_count": dg.MetadataValue.int(4365),
                "dagster/row_count": dg.MetadataValue.int(104760), "bestand": "bestand_2026-11.csv",
                "voorbeeld": dg.MetadataValue.md(preview)})
        for check in CHECKS:
            yield dg.AssetCheckResult(check_name=check.name, asset_key=check.asset_key, passed=True,
                                      metadata={"afwijkingen": dg.MetadataValue.int(0)})

    def empty(definition):
        @dg.multi_asset(name=definition.node_def.name, specs=list(definition.specs),
                        partitions_def=maand_partitions, can_subset=False)
        def _body(context):
            for spec in definition.specs:
                yield dg.MaterializeResult(asset_key=spec.key, metadata={"maand": context.partition_key})
        return _body

    report_assets = [empty(a) for a in reports.ASSETS]
    job = dg.define_asset_job("maandelijkse_verversing", executor_def=dg.in_process_executor)
    defs = dg.Definitions(assets=[maandverwerking, *report_assets], jobs=[job])
    resolved = defs.resolve_job_def("maandelijkse_verversing")
    t_defs = time.perf_counter()
    if os.environ["BENCH_OPSLAG"] == "dagster":
        instance = dg.DagsterInstance.get()
    else:  # as `risicoradar run` (pipelines/runs.py)
        from pipelines.storage import open_instance

        instance = open_instance()
    t_instance = time.perf_counter()
    quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    result = resolved.execute_in_process(partition_key=os.environ["BENCH_MAAND"], instance=instance,
                                         raise_on_error=True, run_config=quiet)
    t_run = time.perf_counter()
    events = len(instance.all_logs(result.run_id))
    instance.dispose()
    out.write_text(json.dumps({
        "import dagster": t_dagster - t0, "import project (job)": t_project - t_dagster,
        "definitions": t_defs - t_project, "DagsterInstance.get": t_instance - t_defs,
        "execute_in_process": t_run - t_instance, "events": events,
        "assets": len(SPECS) + sum(len(list(a.specs)) for a in reports.ASSETS), "checks": len(CHECKS)}))
    sys.stdout.flush()
    os._exit(0)  # as the CLI's entry(): no interpreter teardown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--herhaal", type=int, default=5)
    args = parser.parse_args()
    storages = ("dagster", "risicoradar")
    figures = {name: [] for name in storages}
    with tempfile.TemporaryDirectory(prefix="rr-bench-dagster-") as tmp:
        for name in storages:
            data = Path(tmp) / name
            (data / "dagster_home").mkdir(parents=True)
            shutil.copyfile(PROJECT / "dagster.yaml", data / "dagster_home" / "dagster.yaml")
            (data / "inbox").mkdir()
        out = Path(tmp) / "uit.json"
        # One home per storage, as the CLI's <data>/dagster_home: the first run (not counted) creates
        # the sqlite storages; each later run is one more month in an existing run history. The two
        # storages take turns, so that both see the same moments of a noisy machine.
        for i, maand in enumerate(["2026-01"] + [f"2026-{m:02d}" for m in range(2, 2 + args.herhaal)]):
            for name in storages:
                data = Path(tmp) / name
                env = {**os.environ, "DAGSTER_HOME": str(data / "dagster_home"), "RISICORADAR_DATA": str(data),
                       "BENCH_MAAND": maand, "BENCH_OPSLAG": name, "PYTHONPATH": str(PROJECT)}
                start = time.perf_counter()
                subprocess.run([sys.executable, str(Path(__file__).resolve()), "--kind", str(out)], env=env, check=True)
                wall = time.perf_counter() - start
                if i:
                    figures[name].append({**json.loads(out.read_text()), "heel proces": wall})
    first = figures["dagster"][0]
    print(f"Dagster zonder datawerk, {args.herhaal} processen per opslag, mediaan (min-max); "
          f"{first['assets']} assets, {first['checks']} checks, {first['events']} events per run:")
    print(f"  {'':<24} {'Dagsters sqlite-opslag':>24} {'pipelines/storage.py':>24}")
    for key in ("import dagster", "import project (job)", "definitions", "DagsterInstance.get", "execute_in_process",
                "heel proces"):
        cells = []
        for name in storages:
            values = [f[key] for f in figures[name]]
            cells.append(f"{statistics.median(values):6.2f} s ({min(values):.2f}-{max(values):.2f})")
        print(f"  {key:<24} {cells[0]:>24} {cells[1]:>24}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--kind":
        sys.path.insert(0, str(PROJECT))
        child(Path(sys.argv[2]))
    else:
        main()

"""Shared fixtures: one small demo run per test session, copied for tests that change it."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

PROJECT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "pipelines.cli"]
DEMO_MONTHS = 4


# The CLI makes the report's PNGs in a background process (pipelines/runs.py: start_pngs); in the
# tests they are made before the command returns, so that no process still writes into a data
# folder a test copies or removes. test_report_browser checks the background path.
os.environ.setdefault("RISICORADAR_AFBEELDINGEN", "voorgrond")


def synthetic_bsns(n: int, seed: int = 20261115) -> list[str]:
    """Numbers that pass the BSN 11-test, made at test time from a seed: no such number is ever
    stored in the repository (test_contracts checks the corpus and the test sources)."""
    import random

    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        head = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum(d * w for d, w in zip(head, [9, 8, 7, 6, 5, 4, 3, 2])) % 11
        if check < 10:
            out.append("".join(map(str, head)) + str(check))
    return out


def run_cli(*args, data: Path, check: bool = True, timeout: int = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in (os.environ if env is None else env).items() if k not in ("DAGSTER_HOME",)}
    env["RISICORADAR_DATA"] = str(data)
    result = subprocess.run([*CLI, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"risicoradar {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """A demo data folder with DEMO_MONTHS months generated and processed (read-only for tests)."""
    data = tmp_path_factory.mktemp("demo") / "data"
    run_cli("demo", "--maanden", str(DEMO_MONTHS), data=data)
    return data


@pytest.fixture
def demo_copy(demo_data, tmp_path) -> Path:
    """A private copy of the demo folder for tests that change the warehouse or the inbox."""
    target = tmp_path / "data"
    shutil.copytree(demo_data, target)
    return target


@pytest.fixture(scope="session")
def truth(demo_data) -> dict:
    return json.loads((demo_data / "demo_waarheid" / "waarheid.json").read_text(encoding="utf-8"))


def connect_ro(data: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)


def table_fingerprints(data: Path) -> dict[str, tuple[int, str]]:
    """Row count and content hash of every data table (raw, staging, marts)."""
    con = connect_ro(data)
    try:
        tables = [f"{s}.{t}" for s, t in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('raw', 'staging', 'marts') ORDER BY ALL"
        ).fetchall()]
        result = {}
        for table in tables:
            n, digest = con.execute(
                f"SELECT count(*), md5(coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)), '')) FROM {table} AS t"
            ).fetchall()[0]
            result[table] = (n, digest)
        return result
    finally:
        con.close()

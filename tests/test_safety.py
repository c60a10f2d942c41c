"""A killed run and two runs at once: the warehouse is never left half-written."""
import os
import signal
import subprocess
import time

import duckdb
import pytest

from tests.conftest import CLI, PROJECT, connect_ro, run_cli, table_fingerprints

pytestmark = pytest.mark.slow

MONTH_TABLES = ("staging.bag_verblijfsobject", "staging.brp_adrestellingen", "staging.kvk_vestigingen", "marts.leegstand",
                "marts.adreskenmerken", "marts.adresscores", "marts.controlelijst", "marts.evaluatie_aanleiding")


def _month_rows(data, maand) -> dict[str, int]:
    con = connect_ro(data)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t} WHERE maand = $m", {"m": maand}).fetchall()[0][0] for t in MONTH_TABLES}
    finally:
        con.close()


def _start(data, *args):
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env["RISICORADAR_DATA"] = str(data)
    return subprocess.Popen([*CLI, *args], cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _month_runs(data) -> int:
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(data / "dagster_home"))) as instance:
        return len(instance.get_run_records(filters=dg.RunsFilter(job_name="maandelijkse_verversing")))


def _run_started(data, before: int, proc, timeout: float = 300) -> bool:
    """Wait until the process has created its month run (True), or has ended (False)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if _month_runs(data) > before:
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.2)
    raise AssertionError("the month's run did not start")


def test_sigkill_mid_month_leaves_before_or_after_never_between(demo_copy, truth):
    months = truth["maanden"]
    target = months[-1]
    complete = _month_rows(demo_copy, target)
    original = table_fingerprints(demo_copy)
    assert all(complete.values())
    # Remove the month so that "before" (nothing) and "after" (complete) are easy to tell apart.
    con = duckdb.connect(str(demo_copy / "warehouse.duckdb"))
    for table in [t for (t,) in con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_columns() WHERE column_name = 'maand' "
            "AND schema_name IN ('raw', 'staging', 'marts') GROUP BY ALL").fetchall()]:
        con.execute(f"DELETE FROM {table} WHERE maand = $m", {"m": target})
    con.close()

    seen_killed = 0
    # Delays count from the moment the month's Dagster run has started (not from the process start,
    # which on a busy machine may still be importing): each kill lands inside the run.
    for delay in (0.5, 1.5, 2.5, 4.0, 6.0):
        runs = _month_runs(demo_copy)
        proc = _start(demo_copy, "run", "--opnieuw", "--maand", target)
        if not _run_started(demo_copy, runs, proc):
            break
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            seen_killed += 1
            state = _month_rows(demo_copy, target)
            assert state == dict.fromkeys(MONTH_TABLES, 0) or state == complete, f"half-written month after kill at {delay}s: {state}"
            if state == complete:
                break
        else:
            break
    assert seen_killed, "the run finished before it could be killed; raise the delays"
    # The month runs again (the killed run's pool slot is released, not waited for forever) to
    # exactly the result of an undisturbed run.
    rerun = run_cli("run", "--opnieuw", "--maand", target, data=demo_copy)
    assert "opgeruimd" in rerun.stderr
    assert table_fingerprints(demo_copy) == original


def test_two_runs_at_once_both_complete_with_correct_data(demo_copy, truth):
    months = truth["maanden"]
    a, b = months[-2], months[-1]   # their previous months are loaded, so the order does not matter
    expected = table_fingerprints(demo_copy)
    first = _start(demo_copy, "run", "--opnieuw", "--maand", a)
    second = _start(demo_copy, "run", "--opnieuw", "--maand", b)
    out_a = first.communicate(timeout=600)
    out_b = second.communicate(timeout=600)
    assert first.returncode == 0, out_a
    assert second.returncode == 0, out_b
    assert table_fingerprints(demo_copy) == expected

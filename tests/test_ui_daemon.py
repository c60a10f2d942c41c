"""The real Dagster webserver and daemon (`risicoradar ui` = `dg dev`) on a small demo inbox.

What an analyst does month after month, through the UI's own GraphQL API: a month run by the
CLI is in the job's run list; a month launched in the UI succeeds; switching the inbox sensor on
over a processed inbox starts nothing; a changed file then gives exactly one run of its month.
Loopback only, every wait bounded, and the whole process group is ended afterwards.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "pipelines.cli"]
JOB = "maandelijkse_verversing"
LOCATION = "pipelines.definitions"
REPOSITORY = "__repository__"

pytestmark = pytest.mark.slow


def _env(data: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "RISICORADAR_VOORTGANG", "RISICORADAR_PER_GEMEENTE")}
    env["RISICORADAR_DATA"] = str(data)
    env["PYTHONPATH"] = str(PROJECT)  # this checkout's code, also in the code server and the run workers
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class UI:
    def __init__(self, port: int):
        self.url = f"http://127.0.0.1:{port}/graphql"

    def query(self, text: str, variables: dict | None = None, timeout: float = 60) -> dict:
        body = json.dumps({"query": text, "variables": variables or {}}).encode()
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
        assert "errors" not in answer, answer["errors"]
        return answer["data"]


def _wait(what: str, probe, timeout: float, every: float = 2.0):
    """probe() until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


SELECTOR = {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY}

JOB_RUNS = """
query($sel: PipelineSelector!) {
  pipelineOrError(params: $sel) {
    __typename
    ... on Pipeline { runs { runId status tags { key value } } }
    ... on PythonError { message }
  }
}"""

RUN_STATUS = """
query($id: ID!) { runOrError(runId: $id) { __typename ... on Run { status } } }"""

SENSOR = """
query($sel: SensorSelector!) {
  sensorOrError(sensorSelector: $sel) {
    __typename
    ... on Sensor { sensorState { status ticks(limit: 20) { id status runIds skipReason timestamp } } }
  }
}"""


PAGE_RUNS = """
query($filter: RunsFilter!) {
  runsOrError(filter: $filter) {
    __typename
    ... on Runs { results { runId status tags { key value } } }
  }
}"""


def _job_runs(ui: UI) -> list[dict]:
    """The runs the UI's job page lists: it filters on the job name and the tag
    `.dagster/repository=<repository>@<location>` (the webapp's job runs root); the job's own
    `runs` resolver (RemoteJob origin label) must agree."""
    page = ui.query(PAGE_RUNS, {"filter": {"pipelineName": JOB, "tags": [
        {"key": ".dagster/repository", "value": f"{REPOSITORY}@{LOCATION}"}]}})["runsOrError"]
    assert page["__typename"] == "Runs", page
    job = ui.query(JOB_RUNS, {"sel": {**SELECTOR, "pipelineName": JOB}})["pipelineOrError"]
    assert job["__typename"] == "Pipeline", job
    assert sorted(r["runId"] for r in job["runs"]) == sorted(r["runId"] for r in page["results"])
    return [{"runId": r["runId"], "status": r["status"], "tags": {t["key"]: t["value"] for t in r["tags"]}}
            for r in page["results"]]


def _finished(ui: UI, run_id: str, timeout: float) -> str:
    def done():
        status = ui.query(RUN_STATUS, {"id": run_id})["runOrError"]["status"]
        return status if status in ("SUCCESS", "FAILURE", "CANCELED") else None

    return _wait(f"run {run_id[:8]} to finish", done, timeout, every=3)


def _ticks(ui: UI) -> list[dict]:
    sensor = ui.query(SENSOR, {"sel": {**SELECTOR, "sensorName": "inbox_sensor"}})["sensorOrError"]
    assert sensor["__typename"] == "Sensor", sensor
    return [t for t in sensor["sensorState"]["ticks"] if t["status"] != "STARTED"]


def test_ui_and_daemon_run_months_and_the_sensor_without_a_backlog(tmp_path):
    data = tmp_path / "data"
    env = _env(data)
    subprocess.run([*CLI, "demo", "--maanden", "2", "--alleen-genereren", "--data-dir", str(data)],
                   cwd=PROJECT, env=env, check=True, capture_output=True, timeout=300)
    months = sorted({p.name.rsplit("_", 1)[1].split(".")[0] for p in (data / "inbox" / "bag").iterdir()})
    assert len(months) == 2
    first, second = months

    # The analyst runs the first month from the command line (quiet: no terminal here).
    cli = subprocess.run([*CLI, "run", "--maand", first, "--data-dir", str(data)],
                         cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "bestanden controleren" not in cli.stderr  # progress lines only on a terminal

    port = _free_port()
    log = open(tmp_path / "ui.log", "wb")
    ui_process = subprocess.Popen([*CLI, "ui", "--data-dir", str(data), "--port", str(port)], cwd=PROJECT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    ui = UI(port)
    try:
        # The webserver answers and the code location is loaded (6-60 s on a loaded machine).
        _wait("the code location to load", lambda: ui.query(JOB_RUNS, {"sel": {**SELECTOR, "pipelineName": JOB}})
              ["pipelineOrError"]["__typename"] == "Pipeline", timeout=240)

        # The CLI's run is in the job's run list, as a UI run would be.
        runs = _job_runs(ui)
        assert [r["tags"].get("dagster/partition") for r in runs] == [first], runs
        assert runs[0]["status"] == "SUCCESS" and runs[0]["tags"]["risicoradar/gestart_door"] == "cli"

        # Launch the second month in the UI (what "Materialize" of one partition sends).
        launched = ui.query("""
            mutation($p: ExecutionParams!) {
              launchRun(executionParams: $p) {
                __typename
                ... on LaunchRunSuccess { run { runId } }
                ... on PythonError { message }
                ... on RunConfigValidationInvalid { errors { message } }
              }
            }""", {"p": {"selector": {**SELECTOR, "jobName": JOB}, "runConfigData": {},
                         "executionMetadata": {"tags": [{"key": "dagster/partition", "value": second}]}}})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        ui_run = launched["run"]["runId"]
        assert _finished(ui, ui_run, timeout=600) == "SUCCESS", (tmp_path / "ui.log").read_text(errors="replace")[-3000:]
        assert (data / "output" / second / "maandrapportage.html").is_file()

        # Switch the sensor on: the inbox is processed, so its first tick starts nothing.
        started = ui.query("""
            mutation($sel: SensorSelector!) {
              startSensor(sensorSelector: $sel) { __typename ... on Sensor { sensorState { status } } ... on PythonError { message } }
            }""", {"sel": {**SELECTOR, "sensorName": "inbox_sensor"}})["startSensor"]
        assert started["__typename"] == "Sensor" and started["sensorState"]["status"] == "RUNNING", started
        first_tick = _wait("the sensor's first tick", lambda: _ticks(ui), timeout=240)[0]
        assert first_tick["status"] == "SKIPPED" and first_tick["runIds"] == [], first_tick
        assert len(_job_runs(ui)) == 2

        # A changed file (same name, other content) gives exactly one run, of its month.
        brp = data / "inbox" / "brp" / f"brp_adrestellingen_{first}.csv"
        with open(brp, "a", encoding="utf-8") as fh:
            fh.write("\n")  # an empty line: still a valid file, another SHA-256
        with_run = _wait("a tick that starts a run", lambda: [t for t in _ticks(ui) if t["runIds"]], timeout=300)
        assert len(with_run) == 1 and len(with_run[0]["runIds"]) == 1, with_run
        sensor_run = with_run[0]["runIds"][0]
        assert _finished(ui, sensor_run, timeout=600) == "SUCCESS"
        runs = _job_runs(ui)
        by_id = {r["runId"]: r for r in runs}
        assert len(runs) == 3 and by_id[sensor_run]["tags"]["dagster/partition"] == first
        assert by_id[sensor_run]["tags"].get("dagster/sensor_name") == "inbox_sensor"
    finally:
        _stop(ui_process)
        log.close()


def _stop(process: subprocess.Popen) -> None:
    """End `dg dev` and everything it started (webserver, daemon, code server, run workers)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # whatever of the group is left
    except ProcessLookupError:
        pass
    process.wait(timeout=10)

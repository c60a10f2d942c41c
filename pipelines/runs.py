"""Running jobs from the CLI: the reference job when it is out of date, then month after month.

Runs go through the Dagster instance of the data folder (so the UI shows them) with tags that
name this process; a run whose process is gone (killed, power cut) is marked failed and its
slot in the `duckdb_writer` pool released before the next one starts.
"""
from __future__ import annotations

import os
from pathlib import Path

import click

from assets.settings import Settings


def inbox_months(settings: Settings) -> list[str]:
    from assets.ingest import MONTHLY_SOURCES
    from data_contracts import scan_inbox

    return sorted({f.maand for f in scan_inbox(settings.inbox) if f.usable and f.source in MONTHLY_SOURCES and f.maand})


# The step that publishes the month in the warehouse (one transaction): when it failed, nothing
# of the month changed; when a later step failed, the month is in the warehouse without outputs.
WAREHOUSE_STEPS = {"maandverwerking", "maandverwerking_per_gemeente"}
STEP_NAMES = {
    "gemeenten__rapportage__trendtabellen": "de trendtabellen",
    "gemeenten__rapportage__maandrapportage": "de maandrapportage en de algoritmebeschrijving",
    "rapportage__trendtabellen": "de trendtabellen",
    "rapportage__maandrapportage": "de maandrapportage",
    "staging__cbs_buurten": "de CBS-buurten",
    "staging__slachtoffers": "de slachtofferaantallen",
    "rapportage__algoritmebeschrijving": "de algoritmebeschrijving",
}


def _failures(result) -> list[tuple[str, str]]:
    """(step, Dutch message) per failed step: the step's own message for an expected refusal
    (dg.Failure), else a short line that points to the run log."""
    failures = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.user_failure_data
            if error is not None and error.description:
                failures.append((event.step_key, error.description))
            else:
                cause = event.step_failure_data.error
                failures.append((event.step_key, f"Onverwachte fout in stap {event.step_key}: {cause.message.strip()}"))
    return failures


def write_run_log(instance, settings: Settings, run_id: str, label: str) -> Path:
    """The run's Dagster log, with stack traces, as a text file the analyst can send on
    (<data>/logs/, owner-only)."""
    import datetime as dt
    import logging

    from assets.writing import write_private

    lines = []
    for record in instance.all_logs(run_id):
        when = dt.datetime.fromtimestamp(record.timestamp).strftime("%Y-%m-%d %H:%M:%S")
        event = record.dagster_event
        text = record.user_message or (event.message if event is not None and event.message else "")
        level = logging.getLevelName(record.level) if isinstance(record.level, int) else record.level
        lines.append(f"{when} {level} {record.step_key or '-'} {event.event_type_value if event is not None else 'LOG'}: {text}")
        if event is not None and event.event_type_value in ("STEP_FAILURE", "RUN_FAILURE") and event.event_specific_data is not None:
            error = getattr(event.event_specific_data, "error", None)
            if error is not None:
                lines.append(error.to_string())
    return write_private(settings.data / "logs" / f"run_{label}_{run_id[:8]}.log", "\n".join(lines) + "\n")


def outcome(label: str, failures: list[tuple[str, str]]) -> list[str]:
    """The Dutch lines for a failed run, worded as it is: a failed warehouse step left the month
    unchanged; a failed report or trend step came after the month was published."""
    failed_steps = {step for step, _ in failures}
    if failed_steps & WAREHOUSE_STEPS or not failed_steps:
        head = f"{label}: NIET verwerkt; het warehouse is voor deze maand ongewijzigd."
    else:
        missing = " en ".join(STEP_NAMES.get(s, s) for s in sorted(failed_steps))
        head = f"{label}: gegevens verwerkt en gepubliceerd in het warehouse, maar {missing} niet gemaakt."
    return [head, *(message for _, message in failures)]


def _report(result, instance, settings: Settings, label: str, echo, warehouse: Path) -> None:
    from assets.previews import refusal_details

    log = write_run_log(instance, settings, result.run_id, label)
    failures = _failures(result)
    # Dagster's event log has a refusal's findings without file values; the analyst gets them in
    # full from the warehouse's validation log.
    details = refusal_details(warehouse, result.run_id)
    if details:
        step = next((s for s, _ in failures if s in WAREHOUSE_STEPS), "maandverwerking")
        failures = [(s, m) for s, m in failures if s not in WAREHOUSE_STEPS] + [(step, d) for d in details]
    for line in outcome(label, failures):
        echo(line, err=True)
    echo(f"Details: {log}", err=True)


RUN_PID_TAG = "risicoradar/pid"
RUN_HOST_TAG = "risicoradar/host"
RUN_SOURCE_TAG = "risicoradar/gestart_door"

# The UI's run list of a job filters on the job name and the tag `.dagster/repository` =
# "<repository>@<code location>"; Dagster sets that tag only on runs launched from a workspace.
# `risicoradar ui` loads the location as module `pipelines.definitions` (location name = module
# name) with its one Definitions (repository `__repository__`): the CLI's runs carry the same
# label, so they appear in the job's run list next to the runs started in the UI.
UI_LOCATION = "pipelines.definitions"
UI_REPOSITORY = "__repository__"


def ui_repository_label() -> str:
    return f"{UI_REPOSITORY}@{UI_LOCATION}"


def cli_run_tags() -> dict[str, str]:
    import socket

    from dagster._core.storage.tags import REPOSITORY_LABEL_TAG

    return {RUN_PID_TAG: str(os.getpid()), RUN_HOST_TAG: socket.gethostname(), RUN_SOURCE_TAG: "cli",
            REPOSITORY_LABEL_TAG: ui_repository_label()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    return b"pipelines" in cmdline or b"risicoradar" in cmdline


def release_abandoned_runs(instance, echo=click.echo) -> int:
    """Mark runs of this machine whose process is gone (killed, power cut) as failed and free
    their slot in the duckdb_writer pool; otherwise the next run would wait for it forever.
    The warehouse itself needs no repair: a killed month was never committed."""
    import socket

    from dagster import DagsterRunStatus, RunsFilter

    released = 0
    open_statuses = [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]
    for run in instance.get_runs(filters=RunsFilter(statuses=open_statuses, tags={RUN_HOST_TAG: socket.gethostname()})):
        pid = int(run.tags.get(RUN_PID_TAG, "0") or 0)
        if pid and not _alive(pid):
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            instance.report_run_failed(run, message="Run afgebroken: het proces bestaat niet meer. Het warehouse is voor die maand ongewijzigd gebleven.")
            maand = run.tags.get("dagster/partition", "")
            echo(f"Afgebroken run {run.run_id[:8]} {maand} opgeruimd (proces {pid} bestaat niet meer).", err=True)
            released += 1
    return released


def reference_current(instance, settings: Settings) -> bool:
    """True when every reference asset was last materialized from the same files and code
    (its `vingerafdruk`) and the warehouse still holds the reference tables: then the reference
    job is skipped (it validates the SHOP files with great-expectations: seconds per run)."""
    from dagster import AssetKey

    from assets.contents import reference_tables_loaded
    from assets.ingest import reference_fingerprint
    from pipelines.jobs import REFERENTIE

    fingerprint = reference_fingerprint(settings)
    for key in REFERENTIE:
        event = instance.get_latest_materialization_event(AssetKey(key))
        stored = event.asset_materialization.metadata.get("vingerafdruk") if event and event.asset_materialization else None
        if stored is None or stored.value != fingerprint:
            return False
    if not (settings.output / "algoritmeregister.md").exists():
        return False
    return reference_tables_loaded(settings.warehouse)


def run_months(settings: Settings, months: list[str], echo=click.echo, gemeente: str | None = None) -> bool:
    """Load the reference data, then process each month in order. True when all succeeded."""
    from pipelines.definitions import build_definitions, defs
    from pipelines.storage import open_instance

    if gemeente:  # per-gemeente mode, whether or not <data>/gemeenten/ existed when defs was built
        defs = build_definitions(settings, per_gemeente=True)
    with open_instance() as instance:  # Dagster's sqlite storage, connections kept open (pipelines/storage.py)
        release_abandoned_runs(instance, echo)
        tags = cli_run_tags()
        ok = True
        # The analyst reads the Dutch summary below; Dagster's own log (with stack traces) is in the
        # instance and, for a failed run, in <data>/logs/. RISICORADAR_LOG=INFO shows it live.
        quiet = {"loggers": {"console": {"config": {"log_level": os.environ.get("RISICORADAR_LOG", "CRITICAL")}}}}
        if not reference_current(instance, settings):
            ref = defs.resolve_job_def("referentiegegevens").execute_in_process(
                instance=instance, raise_on_error=False, run_config=quiet, tags=tags
            )
            if not ref.success:
                ok = False
                log = write_run_log(instance, settings, ref.run_id, "referentie")
                for _, message in _failures(ref):
                    echo(f"Referentiegegevens niet geladen:\n{message}", err=True)
                echo(f"Details: {log}", err=True)
        job = defs.resolve_job_def("maandelijkse_verversing")
        if gemeente:
            from dagster import MultiPartitionKey

            job = defs.resolve_job_def("verversing_per_gemeente")
            instance.add_dynamic_partitions("gemeente", [gemeente])
        from assets.maand import PROGRESS_ENV

        progress = os.environ.get(PROGRESS_ENV) == "1"
        done = []
        for number, maand in enumerate(months, 1):
            if progress:
                echo(f"{maand}{' ' + gemeente if gemeente else ''}: verwerken ({number} van {len(months)}) ...", err=True)
            key = MultiPartitionKey({"maand": maand, "gemeente": gemeente}) if gemeente else maand
            result = job.execute_in_process(
                partition_key=key, instance=instance, raise_on_error=False, run_config=quiet, tags=tags
            )
            if result.success:
                echo(f"{maand}: verwerkt.")
                done.append(maand)
            else:
                ok = False
                warehouse = (settings.voor_gemeente(gemeente) if gemeente else settings).warehouse
                _report(result, instance, settings, maand, echo, warehouse)
        if not gemeente:
            start_pngs(settings, done, echo)
        return ok


# `risicoradar run` does not wait for the report's PNGs (kaleido: seconds per figure): one
# background process makes them (`risicoradar afbeeldingen`). RISICORADAR_AFBEELDINGEN=voorgrond
# makes them in this process after the months instead (scripts that need the PNGs on exit).
PNG_ENV = "RISICORADAR_AFBEELDINGEN"


def start_pngs(settings: Settings, months: list[str], echo=click.echo) -> None:
    """Have the PNGs made of the months whose report listed figures that are not there yet."""
    import datetime as dt
    import subprocess
    import sys

    from assets.reports.report_png import PNG_FOLDER, pending

    todo = [m for m in months if pending(settings.output_month(m))]
    if not todo:
        return
    if os.environ.get(PNG_ENV) == "voorgrond":
        run_pngs(settings, todo, echo)
        return
    logs = settings.data / "logs"
    logs.mkdir(mode=0o700, exist_ok=True)
    log = logs / f"afbeeldingen_{dt.datetime.now():%Y%m%d-%H%M%S}_{os.getpid()}.log"
    args = [sys.executable, "-m", "pipelines.cli", "afbeeldingen", "--data-dir", str(settings.data)]
    for maand in todo:
        args += ["--maand", maand]
    env = {**os.environ, "DAGSTER_HOME": str(settings.dagster_home)}
    env.pop(PNG_ENV, None)
    with open(log, "w", encoding="utf-8") as out:
        subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                         cwd=os.getcwd(), start_new_session=True, close_fds=True)
    folders = ", ".join(str(settings.output_month(m) / PNG_FOLDER) for m in todo)
    echo(f"PNG-afbeeldingen worden op de achtergrond gemaakt in {folders} (voortgang: {log}).")


def run_pngs(settings: Settings, months: list[str], echo=click.echo) -> bool:
    """Make the PNGs of each month's report (job `afbeeldingen`, in this process). True when all succeeded."""
    from pipelines.definitions import defs
    from pipelines.storage import open_instance

    with open_instance() as instance:  # Dagster's sqlite storage, connections kept open (pipelines/storage.py)
        job = defs.resolve_job_def("afbeeldingen")
        quiet = {"loggers": {"console": {"config": {"log_level": os.environ.get("RISICORADAR_LOG", "CRITICAL")}}}}
        ok = True
        for maand in months:
            result = job.execute_in_process(partition_key=maand, instance=instance, raise_on_error=False,
                                            run_config=quiet, tags=cli_run_tags())
            if result.success:
                meta = result.asset_materializations_for_node("rapportage__afbeeldingen")[0].metadata
                echo(f"{maand}: {meta['png'].value} ({meta['map'].value}).")
                ok = ok and meta["png_bestanden"].value > 0
            else:
                ok = False
                for _, message in _failures(result):
                    echo(f"{maand}: afbeeldingen niet gemaakt: {message}", err=True)
                echo(f"Details: {write_run_log(instance, settings, result.run_id, f'afbeeldingen_{maand}')}", err=True)
        return ok

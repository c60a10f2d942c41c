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


def _failure_messages(result) -> list[str]:
    messages = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.user_failure_data
            if error is not None and error.description:
                messages.append(error.description)
            else:
                messages.append(event.step_failure_data.error.message.strip())
    return messages


RUN_PID_TAG = "risicoradar/pid"
RUN_HOST_TAG = "risicoradar/host"


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
    import socket

    from dagster import DagsterInstance

    from assets.previews import refusal_details
    from pipelines.definitions import defs

    instance = DagsterInstance.get()
    release_abandoned_runs(instance, echo)
    tags = {RUN_PID_TAG: str(os.getpid()), RUN_HOST_TAG: socket.gethostname()}
    ok = True
    quiet = {"loggers": {"console": {"config": {"log_level": os.environ.get("RISICORADAR_LOG", "WARNING")}}}}
    if not reference_current(instance, settings):
        ref = defs.resolve_job_def("referentiegegevens").execute_in_process(
            instance=instance, raise_on_error=False, run_config=quiet, tags=tags
        )
        if not ref.success:
            ok = False
            for message in _failure_messages(ref):
                echo(f"Referentiegegevens niet geladen:\n{message}", err=True)
    job = defs.resolve_job_def("maandelijkse_verversing")
    if gemeente:
        from dagster import MultiPartitionKey

        job = defs.resolve_job_def("verversing_per_gemeente")
        instance.add_dynamic_partitions("gemeente", [gemeente])
    for maand in months:
        key = MultiPartitionKey({"maand": maand, "gemeente": gemeente}) if gemeente else maand
        result = job.execute_in_process(
            partition_key=key, instance=instance, raise_on_error=False, run_config=quiet, tags=tags
        )
        if result.success:
            echo(f"{maand}: verwerkt.")
        else:
            ok = False
            echo(f"{maand}: NIET verwerkt; het warehouse is voor deze maand ongewijzigd.", err=True)
            # Dagster's event log has the findings without file values; the analyst gets them in full.
            warehouse = (settings.voor_gemeente(gemeente) if gemeente else settings).warehouse
            for message in refusal_details(warehouse, result.run_id) or _failure_messages(result):
                echo(message, err=True)
    return ok

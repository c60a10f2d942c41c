"""The CLI's Dagster storage (pipelines/storage.py): the same run history for the UI, written
with the event log's sqlite connections kept open."""
import shutil
import threading
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.instance.ref import InstanceRef
from sqlalchemy import event
from sqlalchemy.pool import Pool

from pipelines.storage import ProcessSqliteEventLogStorage, open_instance

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def home(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(PROJECT / "dagster.yaml", home / "dagster.yaml")  # as the CLI's data folder has it
    return home


def _viewer(home):
    """The instance as the webserver and the daemon open it: Dagster's own storage classes."""
    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))


@dg.asset(partitions_def=dg.StaticPartitionsDefinition(["2026-10", "2026-11"]))
def eerste(context):
    return dg.MaterializeResult(metadata={"rijen": 3})


def _job(*extra):
    return dg.Definitions(assets=[eerste, *extra], jobs=[dg.define_asset_job("j", executor_def=dg.in_process_executor)]).resolve_job_def("j")


def test_the_runs_of_the_cli_read_back_the_same_in_the_ui(home):
    with open_instance(home) as instance:
        assert isinstance(instance.event_log_storage, ProcessSqliteEventLogStorage)
        results = [_job().execute_in_process(partition_key=m, instance=instance) for m in ("2026-10", "2026-11")]
        written = [len(instance.all_logs(r.run_id)) for r in results]
    with _viewer(home) as viewer:
        assert type(viewer.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert [len(viewer.all_logs(r.run_id)) for r in results] == written
        assert all(viewer.get_run_by_id(r.run_id).is_success for r in results)
        record = viewer.get_latest_materialization_event(dg.AssetKey("eerste"))
        assert record.run_id == results[1].run_id and record.dagster_event.partition == "2026-11"
        assert viewer.get_materialized_partitions(dg.AssetKey("eerste")) == {"2026-10", "2026-11"}


def test_a_run_opens_a_few_sqlite_connections_not_one_per_event(home):
    opened = []

    def count(dbapi_connection, record):
        database = dbapi_connection.execute("PRAGMA database_list").fetchall()[0][2]
        if Path(database).parent == home / "history" / "runs":  # the event log: index and run databases
            opened.append(Path(database).name)

    @dg.asset(partitions_def=eerste.partitions_def, deps=[eerste],
              check_specs=[dg.AssetCheckSpec(f"c{i}", asset="tweede") for i in range(10)])
    def tweede(context):
        yield dg.MaterializeResult(metadata={"rijen": 3})
        for i in range(10):
            yield dg.AssetCheckResult(check_name=f"c{i}", passed=True)

    with open_instance(home) as instance:
        _job(tweede).execute_in_process(partition_key="2026-10", instance=instance)  # creates the databases
        event.listen(Pool, "connect", count)
        try:
            result = _job(tweede).execute_in_process(partition_key="2026-11", instance=instance)
        finally:
            event.remove(Pool, "connect", count)
        events = len(instance.all_logs(result.run_id))
    assert events > 30
    # Dagster's own storage opens one per event, two for an asset event, and more to ask whether
    # its tables exist: ~170 here
    assert len(opened) <= 5, f"{len(opened)} sqlite connections for {events} events: {sorted(set(opened))}"


def test_the_ui_sees_a_running_runs_events_while_it_runs(home):
    """The webserver follows a run by watching its database file: the events must reach that
    file during the run, not only when the CLI's process ends."""
    seen = []
    arrived = threading.Event()

    with _viewer(home) as viewer:

        def callback(entry, cursor):
            seen.append(entry)
            if entry.dagster_event and entry.dagster_event.is_step_materialization:
                arrived.set()

        @dg.asset(partitions_def=eerste.partitions_def, deps=[eerste])
        def tweede(context):
            viewer.watch_event_logs(context.run_id, None, callback)  # as the UI's run page
            context.log.info("een regel voor het logboek")  # one more write after the watch started
            return dg.MaterializeResult(metadata={"live": arrived.wait(timeout=20)})

        with open_instance(home) as instance:
            _job(tweede).execute_in_process(partition_key="2026-10", instance=instance)
            result = _job(tweede).execute_in_process(partition_key="2026-11", instance=instance)
            live = result.asset_materializations_for_node("tweede")[0].metadata["live"].value
        viewer.end_watch_event_logs(result.run_id, callback)
    assert live, "the UI saw none of the run's events while it ran"
    assert any(e.dagster_event and e.dagster_event.is_step_materialization
               and e.dagster_event.asset_key == dg.AssetKey("eerste") for e in seen)


def test_a_home_whose_sqlite_storage_is_elsewhere_keeps_its_folder(home):
    (home / "dagster.yaml").write_text(
        (home / "dagster.yaml").read_text() + f"\nstorage:\n  sqlite:\n    base_dir: {home / 'elders'}\n")
    with open_instance(home) as instance:
        assert isinstance(instance.event_log_storage, ProcessSqliteEventLogStorage)
        result = _job().execute_in_process(partition_key="2026-10", instance=instance)
    assert (home / "elders" / "history" / "runs" / f"{result.run_id}.db").exists()
    assert not (home / "history").exists()

"""Monthly operation: schedule, inbox sensor (content hash + run_key), definitions."""
import json
import os
import time

import dagster as dg
import pytest


@pytest.fixture
def inbox(tmp_path, monkeypatch):
    monkeypatch.setenv("RISICORADAR_DATA", str(tmp_path))
    root = tmp_path / "inbox"
    for folder in ("bag", "brp", "kvk", "slachtoffers"):
        (root / folder).mkdir(parents=True)
    return root


def _evaluate(cursor=None):
    from pipelines.definitions import defs
    from pipelines.sensors import inbox_sensor

    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
        result = inbox_sensor.evaluate_tick(context)
    return result.run_requests, result.cursor


def test_definitions_load_with_jobs_schedule_and_sensor():
    from pipelines.definitions import defs

    assert defs.resolve_job_def("maandelijkse_verversing").partitions_def is not None
    assert defs.resolve_job_def("referentiegegevens")
    graph = defs.resolve_asset_graph()
    for table in ("staging/bag_verblijfsobject", "marts/leegstand", "marts/adreskenmerken", "marts/adresscores",
                  "marts/controlelijst", "marts/evaluatie_buurt", "staging/slachtoffers"):
        node = graph.get(dg.AssetKey(table.split("/")))
        assert node.description, f"{table} has a description for the UI"
        assert node.owners and node.group_name


def test_many_gemeenten_run_as_month_x_gemeente_partitions_on_the_multiprocess_executor():
    from assets.settings import Settings
    from pipelines.definitions import build_definitions

    defs = build_definitions(Settings.from_env(), per_gemeente=True)

    job = defs.resolve_job_def("verversing_per_gemeente")
    assert job.executor_def.name == "multiprocess"
    assert set(job.partitions_def.partitions_defs[i].name for i in range(2)) == {"maand", "gemeente"}
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey(["gemeenten", "marts", "controlelijst"])).group_name == "per_gemeente"
    assert dg.AssetKey(["gemeenten", "marts", "leegstand"]) in graph.get(dg.AssetKey(["gemeenten", "marts", "leegstand"])).parent_keys


def test_schedule_requests_the_previous_month_on_day_two_at_six_amsterdam():
    from pipelines.schedules import maandelijks_schema

    assert maandelijks_schema.cron_schedule == "0 6 2 * *"
    assert maandelijks_schema.execution_timezone == "Europe/Amsterdam"
    assert maandelijks_schema.default_status == dg.DefaultScheduleStatus.STOPPED
    import datetime as dt
    from zoneinfo import ZoneInfo

    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=dt.datetime(2026, 11, 2, 6, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
        )
        requests = maandelijks_schema.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2026-10"]


def test_sensor_requests_the_files_month_once_per_content(inbox):
    brp = inbox / "brp" / "brp_adrestellingen_2026-09.csv"
    brp.write_text("a;b\n1;2\n", encoding="utf-8")
    (inbox / "bag" / "bag_verblijfsobject_2026-10.csv").write_text("x\n", encoding="utf-8")
    requests, cursor = _evaluate()
    assert sorted(r.partition_key for r in requests) == ["2026-09", "2026-10"]
    assert all(r.job_name == "maandelijkse_verversing" for r in requests)

    # same content again (even with a new mtime): nothing requested
    os.utime(brp, (time.time() + 5, time.time() + 5))
    requests, cursor2 = _evaluate(cursor)
    assert requests == []

    # changed content: the month is requested again, with a new run_key
    first_key = json.loads(cursor)["brp/brp_adrestellingen_2026-09.csv"]["sha256"]
    brp.write_text("a;b\n1;3\n", encoding="utf-8")
    requests, cursor3 = _evaluate(cursor2)
    assert [r.partition_key for r in requests] == ["2026-09"]
    assert json.loads(cursor3)["brp/brp_adrestellingen_2026-09.csv"]["sha256"] != first_key


def test_switching_the_sensor_on_over_a_processed_inbox_requests_only_what_is_new(inbox):
    """First tick (empty cursor, or a reset in the UI): files the warehouse already published
    with exactly this content are not replayed; a changed file then gives exactly one run."""
    import duckdb

    from assets.warehouse import ensure_schema
    from data_contracts.reading import sha256_of

    files = {}
    for maand in ("2026-08", "2026-09", "2026-10"):
        for folder, source in (("bag", "bag_verblijfsobject"), ("brp", "brp_adrestellingen")):
            path = inbox / folder / f"{source}_{maand}.csv"
            path.write_text(f"{source};{maand}\n1;2\n", encoding="utf-8")
            files[(maand, source)] = path
    con = duckdb.connect(str(inbox.parent / "warehouse.duckdb"))
    ensure_schema(con)
    for (maand, source), path in files.items():
        con.execute("INSERT INTO audit.bronnen_maand (maand, bron, bestand, sha256) VALUES (?, ?, ?, ?)",
                    [maand, source, path.name, sha256_of(path)])
    con.close()
    new = inbox / "brp" / "brp_adrestellingen_2026-11.csv"  # not processed yet
    new.write_text("x;y\n1;2\n", encoding="utf-8")

    requests, cursor = _evaluate()
    assert [r.partition_key for r in requests] == ["2026-11"]

    files[("2026-09", "brp_adrestellingen")].write_text("a;b\n9;9\n", encoding="utf-8")
    requests, cursor = _evaluate(cursor)
    assert [r.partition_key for r in requests] == ["2026-09"]
    requests, _ = _evaluate(cursor)
    assert requests == []


def test_sensor_sends_victim_figures_to_the_reference_job_and_skips_unknown_files(inbox):
    (inbox / "slachtoffers" / "slachtoffers_comensha_zoeterwoude_2021.csv").write_text("x\n", encoding="utf-8")
    (inbox / "brp" / "notities.txt").write_text("x\n", encoding="utf-8")
    requests, _ = _evaluate()
    assert [r.job_name for r in requests] == ["referentiegegevens"]
    assert requests[0].partition_key is None


def test_cli_backfill_range_and_month_checks(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipelines.cli import main, month_range

    assert month_range("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    monkeypatch.setenv("RISICORADAR_DATA", str(tmp_path))
    runner = CliRunner()
    wrong_order = runner.invoke(main, ["run", "--van", "2026-03", "--tot", "2026-01"])
    assert wrong_order.exit_code != 0 and "ligt na --tot" in wrong_order.output
    future = runner.invoke(main, ["run", "--maand", "2099-01"])
    assert future.exit_code != 0 and "nog niet afgesloten" in future.output
    not_a_month = runner.invoke(main, ["run", "--maand", "2025-13"])
    assert not_a_month.exit_code != 0 and "geen maand" in not_a_month.output


def test_warehouse_memory_limit_comes_from_the_settings(tmp_path):
    import duckdb

    from assets.resources import warehouse_resource
    from assets.settings import Settings

    data = tmp_path / "data"
    (data / "config").mkdir(parents=True)
    with warehouse_resource(Settings(data)).get_connection() as con:
        default = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    (data / "config" / "instellingen.yaml").write_text('warehouse:\n  geheugenlimiet: "1GiB"\n', encoding="utf-8")
    with warehouse_resource(Settings(data)).get_connection() as con:
        limited = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    expected = duckdb.connect(config={"memory_limit": "1GiB"}).execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limited == expected != default


def test_partitions_start_at_the_first_month_with_data(inbox):
    """The UI shows months from the first inbox month on, not years of 'missing' partitions; a
    month before the data is refused by the CLI in Dutch."""
    import subprocess
    import sys

    from click.testing import CliRunner

    from pipelines.cli import main

    (inbox / "bag" / "bag_verblijfsobject_2025-06.csv").write_text("x\n", encoding="utf-8")
    (inbox / "brp" / "brp_adrestellingen_2025-07.csv").write_text("x\n", encoding="utf-8")
    env = {**os.environ, "RISICORADAR_DATA": str(inbox.parent)}
    first = subprocess.run([sys.executable, "-c", "from assets.partitions import maand_partitions as p; print(p.get_first_partition_key())"],
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert first == "2025-06"
    before = CliRunner().invoke(main, ["run", "--maand", "2025-01"])
    assert before.exit_code != 0 and "vóór de eerste maand met bestanden" in before.output and "2025-06" in before.output


def test_a_failed_run_is_worded_as_it_is():
    from pipelines.runs import outcome

    refused = outcome("2026-10", [("maandverwerking", "brp_adrestellingen_2026-10.csv geweigerd — …")])
    assert refused[0] == "2026-10: NIET verwerkt; het warehouse is voor deze maand ongewijzigd."
    assert refused[1].startswith("brp_adrestellingen_2026-10.csv geweigerd")
    report = outcome("2026-10", [("rapportage__maandrapportage", "Onverwachte fout in stap rapportage__maandrapportage: schijf vol")])
    assert "gepubliceerd in het warehouse, maar de maandrapportage niet gemaakt" in report[0]
    assert "ongewijzigd" not in report[0]

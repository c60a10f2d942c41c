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
    def setting(limit):
        return duckdb.connect(config={"memory_limit": limit}).execute("SELECT current_setting('memory_limit')").fetchone()[0]

    assert limited == setting("1GiB") != default
    # unset: a tenth of this machine's RAM, not DuckDB's 80 % (the contract checks need the rest)
    assert default == setting("10%") != setting("80%")


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


def test_status_names_unusable_files_and_two_files_for_one_month(inbox, monkeypatch):
    from assets.settings import Settings
    from pipelines.status import month_status

    (inbox / "brp" / "brp_adrestellingen_2026-09.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    later = inbox / "brp" / "brp_adrestellingen_2026-09_correctie.csv"
    later.write_text("a;b\n1;3\n", encoding="utf-8")
    os.utime(later, (time.time() + 10, time.time() + 10))
    (inbox / "brp" / "export_burgerzaken.csv").write_text("x\n", encoding="utf-8")
    home = inbox.parent / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    text = "\n".join(month_status(Settings(inbox.parent)))
    assert "Let op in de inbox:" in text
    assert "brp_adrestellingen_2026-09_correctie.csv" in text and "verschillende inhoud" in text
    assert "niet gebruikt: brp/export_burgerzaken.csv" in text


# --- checks: "within normal" and "look at this" ---------------------------------------------------


def _verslag(**sources):
    from assets.ingest import BronVerslag

    return {name: BronVerslag(bron=name, bestand=f"{name}_2026-10.csv", rijen=rijen, geaccepteerd=rijen - q, quarantaine=q)
            for name, (rijen, q) in sources.items()}


def test_contract_check_warns_only_above_the_configured_quarantine_share():
    from assets.ingest.checks import contract_results
    from assets.settings import Controles

    verslag = _verslag(bag_verblijfsobject=(5000, 0), brp_adrestellingen=(3400, 4), rni_inschrijvingen=(19, 1),
                       kvk_vestigingen=(1000, 80))
    results = {r.asset_key.path[-1]: r for r in contract_results(verslag, "2026-10", Controles())}
    # a few quarantined rows, a small file with one, a missing optional WOZ file: within normal
    assert results["brp_adrestellingen"].passed and results["rni_inschrijvingen"].passed
    assert results["woz_gebruik"].passed and results["woz_gebruik"].metadata["uitkomst"].value == "geen bestand (optioneel)"
    # 8 % of the KvK file in quarantine: look at this, with the counts
    kvk = results["kvk_vestigingen"]
    assert not kvk.passed and kvk.severity.name == "WARN"
    assert kvk.metadata["quarantaine"].value == 80 and kvk.metadata["quarantaine_pct"].value == 8.0
    assert "meer dan de grens van 5,0 %" in kvk.description
    # the limit is the analyst's: at 10 % the same file is within normal
    assert all(r.passed for r in contract_results(verslag, "2026-10", Controles(quarantaine_max_pct=10.0)))


def test_the_controles_section_is_validated_with_a_dutch_message():
    from assets.settings import Instellingen, InstellingenFout

    assert Instellingen.from_dict({}).controles.quarantaine_max_pct == 5.0
    with pytest.raises(InstellingenFout, match=r"controles\.quarantaine_max_pct moet een getal van 0 tot en met 100 zijn"):
        Instellingen.from_dict({"controles": {"quarantaine_max_pct": 150}})


def test_the_grain_check_blocks_publication_and_names_counts_not_ids():
    import duckdb

    from assets.maand import CHECK_SLEUTEL, CHECKS, SLEUTELS, grain_results
    from assets.warehouse import ensure_schema

    blocking = {c.asset_key for c in CHECKS if c.name == CHECK_SLEUTEL and c.blocking}
    assert blocking == set(SLEUTELS) and dg.AssetKey(["marts", "adresscores"]) in blocking
    con = duckdb.connect()
    ensure_schema(con)
    con.execute("INSERT INTO marts.leegstand (maand, verblijfsobject_id, leegstand, leegstand_maanden) "
                "VALUES ('2026-10', 'v1', false, 0), ('2026-10', 'v2', false, 0), ('2026-10', 'v2', true, 1), "
                "('2026-09', 'v1', false, 0)")
    results = {r.asset_key: r for r in grain_results(con, "2026-10")}
    leegstand = results[dg.AssetKey(["marts", "leegstand"])]
    assert not leegstand.passed and leegstand.severity.name == "ERROR"
    assert leegstand.metadata["dubbele_sleutels"].value == 1
    assert "v2" not in str(leegstand.metadata) + leegstand.description  # no ids in Dagster's event log
    assert "niet gepubliceerd" in leegstand.description
    assert results[dg.AssetKey(["staging", "bag_verblijfsobject"])].passed  # empty month, no duplicates
    # empty keys are counted too (the schema's NOT NULL refuses them already; the count stays a guard)
    assert leegstand.metadata["lege_sleutels"].value == 0


def test_vacancy_check_uses_the_configured_limit_and_an_explicit_severity():
    import duckdb

    from assets.settings import Controles
    from assets.vacancy import check_results
    from assets.warehouse import ensure_schema

    con = duckdb.connect()
    ensure_schema(con)
    con.execute("INSERT INTO marts.leegstand (maand, verblijfsobject_id, is_woning, leegstand, leegstand_maanden) "
                "SELECT '2026-10', 'v' || i, true, i < 30, 0 FROM range(100) t(i)")
    [too_much] = check_results(con, "2026-10", Controles())
    assert not too_much.passed and too_much.severity.name == "WARN" and "30,0 %" in too_much.description
    [fine] = check_results(con, "2026-10", Controles(leegstand_max_pct=40))
    assert fine.passed
    [nothing] = check_results(con, "2026-11", Controles())
    assert not nothing.passed and nothing.severity.name == "ERROR"


# --- per-gemeente mode, progress, CLI runs in the UI ----------------------------------------------


def test_per_gemeente_assets_only_in_per_gemeente_mode(tmp_path, monkeypatch):
    from assets.settings import Settings
    from pipelines.definitions import build_definitions

    monkeypatch.delenv("RISICORADAR_PER_GEMEENTE", raising=False)
    data = tmp_path / "data"
    single = build_definitions(Settings(data)).resolve_asset_graph().get_all_asset_keys()
    assert not [k for k in single if k.path[0] == "gemeenten"]
    (data / "gemeenten" / "GM0638").mkdir(parents=True)
    defs = build_definitions(Settings(data))
    keys = defs.resolve_asset_graph().get_all_asset_keys()
    for table in ("marts/controlelijst", "rapportage/maandrapportage", "rapportage/trendtabellen"):
        assert dg.AssetKey(["gemeenten", *table.split("/")]) in keys
    assert defs.resolve_job_def("verversing_per_gemeente")


def test_per_gemeente_report_depends_on_its_own_gemeentes_tables():
    from assets.settings import Settings
    from pipelines.definitions import build_definitions

    graph = build_definitions(Settings.from_env(), per_gemeente=True).resolve_asset_graph()
    parents = graph.get(dg.AssetKey(["gemeenten", "rapportage", "maandrapportage"])).parent_keys
    assert dg.AssetKey(["gemeenten", "rapportage", "trendtabellen"]) in parents
    assert dg.AssetKey(["gemeenten", "marts", "controlelijst"]) in parents
    assert all(k.path[0] == "gemeenten" for k in parents)


def test_progress_lines_only_when_asked(monkeypatch, capsys):
    from assets.maand import PROGRESS_ENV, Voortgang

    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    quiet = Voortgang("2026-10")
    quiet.begin("leegstand")
    quiet.klaar("4.365 objecten")
    assert capsys.readouterr().err == ""
    monkeypatch.setenv(PROGRESS_ENV, "1")
    loud = Voortgang("2026-10")
    loud.begin("leegstand")
    loud.klaar("4.365 objecten")
    loud.einde("gepubliceerd in het warehouse")
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("  2026-10  leegstand: klaar (4.365 objecten), ") and err[0].endswith(" s")
    assert "gepubliceerd in het warehouse na" in err[1]


def test_cli_runs_carry_the_repository_label_of_the_ui_job_page():
    """The job page lists runs with `.dagster/repository` = RemoteRepositoryOrigin.get_label() of
    the location `risicoradar ui` loads (tests/test_ui_daemon.py checks it in the real UI)."""
    from dagster._core.remote_origin import RegisteredCodeLocationOrigin, RemoteRepositoryOrigin

    from pipelines.runs import UI_LOCATION, UI_REPOSITORY, cli_run_tags

    label = RemoteRepositoryOrigin(RegisteredCodeLocationOrigin(UI_LOCATION), UI_REPOSITORY).get_label()
    tags = cli_run_tags()
    assert tags[".dagster/repository"] == label == "__repository__@pipelines.definitions"
    assert tags["risicoradar/gestart_door"] == "cli"


# --- the regional overview --------------------------------------------------------------------------


def _gemeente_warehouse(data, code, maand, woningen, leeg, lijst):
    import duckdb

    from assets.warehouse import ensure_schema

    folder = data / "gemeenten" / f"GM{code}"
    folder.mkdir(parents=True)
    con = duckdb.connect(str(folder / "warehouse.duckdb"))
    ensure_schema(con)
    if maand:
        con.execute("INSERT INTO audit.bronnen_maand (maand, bron) VALUES ($maand, 'bag_verblijfsobject')", {"maand": maand})
        con.execute("INSERT INTO marts.leegstand (maand, verblijfsobject_id, is_woning, leegstand, leegstand_maanden) "
                    "SELECT $maand, 'v' || i, true, i < $leeg, 0 FROM range($n) t(i)", {"maand": maand, "leeg": leeg, "n": woningen})
        con.execute("INSERT INTO marts.controlelijst (maand, verblijfsobject_id, rang, score, aanleiding, adres, postcode) "
                    "SELECT $maand, 'v' || i, i + 1, 5, 'risicolijst', 'Dorpsstraat ' || (i + 1), '2381AB' FROM range($n) t(i)",
                    {"maand": maand, "n": lijst})
    con.close()


def test_regional_overview_shows_every_gemeente_with_small_counts_suppressed(tmp_path):
    from click.testing import CliRunner

    from pipelines.cli import main

    data = tmp_path / "data"
    _gemeente_warehouse(data, "0638", "2026-10", woningen=3600, leeg=127, lijst=25)
    _gemeente_warehouse(data, "0626", "2026-10", woningen=900, leeg=3, lijst=12)
    _gemeente_warehouse(data, "0599", None, 0, 0, 0)  # has not processed the month
    result = CliRunner().invoke(main, ["regio-overzicht", "--maand", "2026-10", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "2 gemeenten" in result.output and "Nog niet verwerkt voor 2026-10: GM0599" in result.output
    page = (data / "output" / "2026-10" / "regio_overzicht.html").read_text(encoding="utf-8")
    assert "GM0638" in page and "GM0626" in page and "Regio totaal" in page
    assert "3.600" in page and "4.500" in page  # woningen per gemeente and for the region
    assert "Dorpsstraat" not in page and "2381" not in page  # counts only
    from assets.reports.regio_overzicht import kerncijfers_tabel
    from assets.settings import Settings

    tabel, _, _ = kerncijfers_tabel(Settings(data), "2026-10")
    row = tabel.loc["GM0626"]
    assert row["Administratief leeg"] == "x" and row["Leegstand (% van woningen)"] == "x"
    # 3 hidden and the regional total 130 published: GM0638's 127 must be hidden too (secondary)
    assert "x" in {tabel.loc["GM0638", "Administratief leeg"], tabel.loc["Regio totaal", "Administratief leeg"]}
    assert tabel.loc["GM0638", "Adressen op de risicolijst"] == 25


def test_regional_overview_without_gemeenten_says_what_to_do(tmp_path):
    from click.testing import CliRunner

    from pipelines.cli import main

    result = CliRunner().invoke(main, ["regio-overzicht", "--maand", "2026-10", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 1 and "risicoradar run --gemeente GMxxxx --maand 2026-10" in result.output


@pytest.mark.slow
def test_a_failing_grain_check_refuses_the_month_and_leaves_the_warehouse_unchanged(tmp_path, monkeypatch):
    """The blocking check runs before COMMIT: the month is not published, the reports do not
    run, and the check shows as failed with its counts."""
    import duckdb

    from assets import maand
    from assets.reports import ASSETS as REPORTS
    from assets.resources import DataFolder, warehouse_resource
    from assets.settings import Settings
    from pipelines.demo import generate_demo

    data = tmp_path / "data"
    generate_demo(data, months=1)
    settings = Settings(data)
    [month] = sorted({p.stem.rsplit("_", 1)[1] for p in (data / "inbox" / "bag").iterdir()})
    real = maand.grain_results

    def with_a_duplicate(con, m):
        results = real(con, m)
        con.execute("INSERT INTO marts.adresscores SELECT * FROM marts.adresscores WHERE maand = $m LIMIT 2", {"m": m})
        return real(con, m)

    monkeypatch.setattr(maand, "grain_results", with_a_duplicate)
    with dg.instance_for_test() as instance:
        result = dg.materialize([maand.maandverwerking, *REPORTS], partition_key=month, instance=instance, raise_on_error=False,
                                resources={"duckdb": warehouse_resource(settings), "data_folder": DataFolder(data_dir=str(data))})
        assert not result.success
        [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        assert failure.step_key == "maandverwerking"
        assert "niet gepubliceerd" in failure.step_failure_data.user_failure_data.description
        evaluations = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
        failed = [c for c in evaluations if not c.passed]
        assert [(c.asset_key.to_user_string(), c.check_name) for c in failed] == [("marts/adresscores", maand.CHECK_SLEUTEL)]
        assert failed[0].metadata["dubbele_sleutels"].value == 2
        assert not any(e.event_type_value == "ASSET_MATERIALIZATION" for e in result.all_events)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM marts.adresscores WHERE maand = $m", {"m": month}).fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM audit.bronnen_maand WHERE maand = $m", {"m": month}).fetchone()[0] == 0
    assert not (data / "output" / month / "maandrapportage.html").exists()


@pytest.mark.slow
def test_each_gemeente_gets_its_outputs_and_the_riec_a_regional_overview(demo_data, tmp_path):
    import shutil

    from conftest import connect_ro, run_cli

    data = tmp_path / "regio"
    shutil.copytree(demo_data / "inbox", data / "gemeenten" / "GM0638" / "inbox")
    maand = sorted(p.stem.rsplit("_", 1)[1] for p in (demo_data / "inbox" / "bag").iterdir())[-1]
    run_cli("run", "--gemeente", "GM0638", "--maand", maand, data=data)
    own = data / "gemeenten" / "GM0638" / "output"
    report = (own / maand / "maandrapportage.html").read_text(encoding="utf-8")
    assert "gemeente GM0638" in report  # its own name, not the package's gemeentenaam
    assert (own / maand / "trends" / f"trends_{maand}.xlsx").is_file()
    assert (own / maand / "trends" / "leegstand_per_buurt_per_maand.csv").is_file()
    assert (own / "algoritmeregister.md").is_file() and (own / "algoritmeregister.json").is_file()
    assert not (data / "output" / maand / "maandrapportage.html").exists()  # nothing in the region's own folder

    overview = run_cli("regio-overzicht", "--maand", maand, data=data)
    assert "1 gemeenten" in overview.stdout
    page = (data / "output" / maand / "regio_overzicht.html").read_text(encoding="utf-8")
    woningen = connect_ro(data / "gemeenten" / "GM0638").execute(
        "SELECT count(*) FILTER (WHERE is_woning) FROM marts.leegstand WHERE maand = $m", {"m": maand}).fetchone()[0]
    assert f"{woningen:,}".replace(",", ".") in page and "GM0638" in page

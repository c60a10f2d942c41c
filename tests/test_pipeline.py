"""End to end on the demo: what a municipal analyst would notice after `risicoradar demo`."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import DEMO_MONTHS, connect_ro, run_cli, table_fingerprints

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).parent / "contract_corpus"

SOURCES = ("bag_verblijfsobject", "brp_adrestellingen", "rni_inschrijvingen", "kvk_vestigingen", "signalen", "controles")


def test_demo_loads_every_source_for_every_month(demo_data, truth):
    con = connect_ro(demo_data)
    months = truth["maanden"]
    assert len(months) == DEMO_MONTHS
    for source in SOURCES:
        got = [r[0] for r in con.execute(f"SELECT DISTINCT maand FROM staging.{source} ORDER BY 1").fetchall()]
        assert got == months, source
    assert con.execute("SELECT count(DISTINCT maand) FROM marts.controlelijst").fetchall()[0][0] == DEMO_MONTHS
    assert (demo_data / "warehouse.duckdb").stat().st_mode & 0o077 == 0, "warehouse readable by owner only"


def test_other_gemeente_rows_are_counted_and_left_out(demo_data, truth):
    con = connect_ro(demo_data)
    for maand, t in truth["per_maand"].items():
        n, other = con.execute("SELECT count(*), max(andere_gemeente) FROM audit.bronnen_maand b "
                               "JOIN staging.bag_verblijfsobject v USING (maand) WHERE maand = $m AND b.bron = 'bag_verblijfsobject'",
                               {"m": maand}).fetchall()[0]
        assert (n, other) == (t["bag_objecten"], t["bag_andere_gemeente"])


def test_vacancy_per_month_equals_the_generators_truth(demo_data, truth):
    con = connect_ro(demo_data)
    got = dict(con.execute("SELECT maand, count(*) FILTER (WHERE leegstand) FROM marts.leegstand GROUP BY 1").fetchall())
    assert got == {m: t["leegstand"] for m, t in truth["per_maand"].items()}
    stock = dict(con.execute("SELECT maand, sum(woningen) FROM marts.leegstand_buurt GROUP BY 1").fetchall())
    assert stock == {m: t["woningvoorraad"] for m, t in truth["per_maand"].items()}


def test_establishment_counts_and_match_rate_equal_truth(demo_data, truth):
    con = connect_ro(demo_data)
    for maand, t in truth["per_maand"].items():
        risk, temp, bemiddeling = con.execute(
            """SELECT count(*) FILTER (WHERE risicosoort = 'risicosector'), count(*) FILTER (WHERE risicosoort = 'uitzendbureau'),
                      count(*) FILTER (WHERE risicosoort = 'arbeidsbemiddeling')
               FROM staging.kvk_vestigingen WHERE maand = $m AND actief""", {"m": maand}).fetchall()[0]
        assert (risk, temp, bemiddeling) == (t["risicosector_vestigingen"], t["uitzendbureaus"], t["arbeidsbemiddeling"]), maand
        rate, quarantaine = con.execute(
            "SELECT matchpercentage, quarantaine FROM audit.bronnen_maand WHERE maand = $m AND bron = 'kvk_vestigingen'",
            {"m": maand}).fetchall()[0]
        assert rate == round(100 * t["kvk_adresmatch_zonder_bag_id"] / t["kvk_rijen_zonder_bag_id"], 2)
        assert quarantaine == t["kvk_ongematcht"]


def test_register_mismatches_are_quarantined_with_reason(demo_data, truth):
    con = connect_ro(demo_data)
    for maand, t in truth["per_maand"].items():
        per_bron = dict(con.execute("SELECT bron, count(*) FROM staging.quarantaine WHERE maand = $m GROUP BY 1", {"m": maand}).fetchall())
        assert per_bron.get("brp_adrestellingen", 0) == t["brp_quarantaine"]
        assert per_bron.get("rni_inschrijvingen", 0) == t["rni_quarantaine"]
        sums = con.execute("SELECT sum(ingeschrevenen) FROM staging.brp_adrestellingen WHERE maand = $m", {"m": maand}).fetchall()[0][0]
        assert sums == t["ingeschrevenen"]
    reasons = con.execute("SELECT DISTINCT bestand, reden FROM staging.quarantaine WHERE bron = 'brp_adrestellingen'").fetchall()
    assert reasons and all(r[0].startswith("brp_adrestellingen_") and "BAG" in r[1] for r in reasons)


def test_shop_reference_totals_per_year(demo_data):
    con = connect_ro(demo_data)
    totals = con.execute(
        "SELECT jaar, sum(aantal) FROM staging.slachtoffers WHERE bron = 'SHOP' AND regio = 'Hollands Midden' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert totals == [(2018, 0), (2019, 7), (2020, 10), (2021, 10), (2022, 7)]


def test_planted_cases_rank_in_the_top_k_with_matching_reasons(demo_data, truth):
    con = connect_ro(demo_data)
    last = truth["maanden"][-1]
    planted = pd.read_csv(demo_data / "demo_waarheid" / "geplante_gevallen.csv", sep=";", dtype=str)
    planted = planted[(planted.eerste_maand <= last) & (planted.laatste_maand >= last)]
    scores = con.execute("SELECT verblijfsobject_id, rang, indicatoren FROM marts.adresscores WHERE maand = $m", {"m": last}).df()
    merged = planted.merge(scores, on="verblijfsobject_id", how="left")
    assert merged.rang.notna().all()
    capacity = 25
    in_top = merged[merged.rang <= capacity]
    assert len(in_top) >= min(len(merged), capacity) * 0.9, merged[["soort", "rang"]].to_string()
    for case in merged.itertuples():
        expected = set(case.verwachte_indicatoren.split("|"))
        assert expected <= set(case.indicatoren), (case.soort, expected, case.indicatoren)


def test_control_list_has_capacity_plus_sample_outside_the_top(demo_data, truth):
    con = connect_ro(demo_data)
    for maand in truth["maanden"]:
        lijst = con.execute("SELECT * FROM marts.controlelijst WHERE maand = $m ORDER BY rang", {"m": maand}).df()
        top = lijst[lijst.aanleiding == "risicolijst"]
        sample = lijst[lijst.aanleiding == "steekproef"]
        assert len(top) == 25 and len(sample) == 5
        assert top.redenen.notna().all() and (top.redenen.str.split("; ").str.len() <= 4).all()
        assert set(sample.verblijfsobject_id).isdisjoint(set(top.verblijfsobject_id))


def test_disparity_and_drift_flags_stay_quiet_on_the_demo(demo_data):
    con = connect_ro(demo_data)
    assert con.execute("SELECT count(*) FROM marts.evaluatie_buurt WHERE signaal").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM marts.evaluatie_drift WHERE signaal").fetchall()[0][0] == 0


PER_OBJECT_KEYS = {
    "staging.bag_verblijfsobject": "identificatie",
    "staging.brp_adrestellingen": "nummeraanduiding_id",
    "staging.kvk_vestigingen": "vestigingsnummer",
    "staging.woz_gebruik": "verblijfsobject_id",
    "marts.leegstand": "verblijfsobject_id",
    "marts.adreskenmerken": "verblijfsobject_id",
    "marts.adresscores": "verblijfsobject_id",
}


def test_per_object_tables_have_one_row_per_key(demo_data):
    # These tables carry no PRIMARY KEY (too costly at national scale, see assets/schema.sql):
    # one row per object per month must follow from the contracts and the SQL.
    con = connect_ro(demo_data)
    for table, key in PER_OBJECT_KEYS.items():
        rows, keys, months = con.execute(
            f"SELECT count(*), count(DISTINCT (maand, {key})), count(DISTINCT maand) FROM {table}"
        ).fetchall()[0]
        assert rows > 0 and months >= 1, table
        assert rows == keys, f"{table}: {rows - keys} dubbele rijen"


def test_rerunning_a_month_leaves_identical_tables(demo_copy, truth):
    before = table_fingerprints(demo_copy)
    run_cli("run", "--opnieuw", "--maand", truth["maanden"][-1], data=demo_copy)  # processed again, not skipped
    assert table_fingerprints(demo_copy) == before


def _month_runs(data) -> int:
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(data / "dagster_home"))) as instance:
        return len(instance.get_run_records(filters=dg.RunsFilter(job_name="maandelijkse_verversing")))


def test_an_unchanged_month_is_not_processed_again_until_something_changes(demo_copy, truth):
    months = truth["maanden"]
    maand = months[-1]
    runs = _month_runs(demo_copy)
    again = run_cli("run", "--maand", maand, data=demo_copy)
    assert f"{maand}: ongewijzigd sinds de verwerking van" in again.stdout and "--opnieuw" in again.stdout
    assert _month_runs(demo_copy) == runs  # no Dagster run: same files, settings, reference data and code

    # a changed setting: processed again
    settings = demo_copy / "config" / "instellingen.yaml"
    settings.parent.mkdir(exist_ok=True)
    settings.write_text("controlelijst:\n  capaciteit: 26\n", encoding="utf-8")
    changed = run_cli("run", "--maand", maand, data=demo_copy)
    assert "ongewijzigd" not in changed.stdout and f"{maand}: verwerkt." in changed.stdout
    assert _month_runs(demo_copy) == runs + 1
    assert "ongewijzigd" in run_cli("run", "--maand", maand, data=demo_copy).stdout

    # a file of the month with other contents: processed again
    rni = demo_copy / "inbox" / "rni" / f"rni_inschrijvingen_{maand}.csv"
    content = rni.read_bytes()  # same rows, other bytes: the other line ends
    rni.write_bytes(content.replace(b"\r\n", b"\n") if b"\r\n" in content else content.replace(b"\n", b"\r\n"))
    assert f"{maand}: verwerkt." in run_cli("run", "--maand", maand, data=demo_copy).stdout

    # an earlier month published again after it (its windows read that month): processed again
    run_cli("run", "--opnieuw", "--maand", months[-2], data=demo_copy)
    assert f"{maand}: verwerkt." in run_cli("run", "--maand", maand, data=demo_copy).stdout
    assert _month_runs(demo_copy) == runs + 4


def _reference_runs(data) -> int:
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(data / "dagster_home"))) as instance:
        return len(instance.get_run_records(filters=dg.RunsFilter(job_name="referentiegegevens")))


def test_unchanged_reference_data_is_not_reloaded_but_a_new_victims_file_is(demo_copy, truth):
    maand = truth["maanden"][-1]
    before = _reference_runs(demo_copy)
    assert before >= 1
    run_cli("run", "--maand", maand, data=demo_copy)
    assert _reference_runs(demo_copy) == before  # nothing changed: no reload (saves seconds per run)

    (demo_copy / "inbox" / "slachtoffers").mkdir(exist_ok=True)
    shutil.copy(CORPUS / "goed" / "slachtoffers_lang" / "slachtoffers_comensha_zoeterwoude.csv",
                demo_copy / "inbox" / "slachtoffers" / "slachtoffers_comensha_zoeterwoude.csv")
    run_cli("run", "--maand", maand, data=demo_copy)
    assert _reference_runs(demo_copy) == before + 1
    con = connect_ro(demo_copy)
    assert con.execute("SELECT sum(aantal) FROM staging.slachtoffers WHERE bron = 'CoMensha'").fetchall()[0][0] >= 1


def test_refused_file_leaves_the_warehouse_untouched_and_is_logged(demo_copy, truth):
    maand = truth["maanden"][-1]
    brp = demo_copy / "inbox" / "brp" / f"brp_adrestellingen_{maand}.csv"
    lines = brp.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    fields = lines[5].split(";")
    fields[header.index("ingeschrevenen")] = "-3"
    lines[5] = ";".join(fields)
    brp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = table_fingerprints(demo_copy)
    result = run_cli("run", "--maand", maand, data=demo_copy, check=False)
    assert result.returncode == 1
    assert "ingeschrevenen" in result.stderr and "-3" in result.stderr and "ongewijzigd" in result.stderr
    assert table_fingerprints(demo_copy) == before
    con = connect_ro(demo_copy)
    log = con.execute("SELECT bron, uitkomst, bevindingen FROM audit.validatielog WHERE maand = $m ORDER BY tijdstip DESC LIMIT 20",
                      {"m": maand}).df()
    refused = log[log.uitkomst == "geweigerd"]
    assert list(refused.bron) == ["brp_adrestellingen"] and "ingeschrevenen" in refused.bevindingen.iloc[0]


def test_run_works_on_a_hand_made_inbox_with_register_habits(tmp_path):
    """Not the generator's output: comma separator, BOM, Windows-1252, postcode with a space."""
    data = tmp_path / "data"
    inbox = data / "inbox"
    for folder in ("bag", "brp", "kvk"):
        (inbox / folder).mkdir(parents=True)
    bag_header = ("identificatie,nummeraanduiding_hoofdadres_identificatie,openbare_ruimte_naam,woonplaats_naam,huisnummer,"
                  "huisletter,toevoeging,postcode,gebruiksdoel,oppervlakte,status,pand_identificatie,bouwjaar,"
                  "bronhouder_identificatie,x,y")
    rows = [
        "0638010000000001,0638200000000001,Dorpsstraat,Zoeterwoude,1,,,2381 AA,woonfunctie,45,Verblijfsobject in gebruik,0638100000000001,1930,0638,94000,461000",
        "0638010000000002,0638200000000002,Dorpsstraat,Zoeterwoude,2,A,,2381 AA,woonfunctie,90,Verblijfsobject in gebruik,0638100000000001,1930,0638,94010,461000",
        '0638010000000003,0638200000000003,Industrieweg,Zoeterwoude,3,,,2381AB,"winkelfunctie,woonfunctie",200,Verblijfsobject in gebruik,0638100000000002,1990,0638,94500,460500',
    ]
    (inbox / "bag" / "bag_verblijfsobject_2026-10.csv").write_text(bag_header + "\n" + "\n".join(rows) + "\n", encoding="utf-8-sig")
    (inbox / "brp" / "brp_adrestellingen_2026-10.csv").write_text(
        "nummeraanduiding_id;peildatum;ingeschrevenen;briefadressen;inschrijvingen;uitschrijvingen;vertrokken_onbekend\n"
        "0638200000000001;31-10-2026;6;0;2;1;1\n0638200000000002;2026-10-31;2;0;0;0;0\n"
        "0638200000000003;2026-10-31;2;0;0;0;0\n", encoding="utf-8")
    kvk_header = ("vestigingsnummer;kvk_nummer;sbi_code;sbi_codes_neven;straatnaam;huisnummer;huisletter;huisnummer_toevoeging;"
                  "postcode;plaats;verblijfsobject_id;werkzame_personen;datum_aanvang;datum_einde;ind_hoofdvestiging")
    kvk = kvk_header + "\n000012345678;01234567;41201;;Dorpsstraat;2;a;;2381aa;Zoeterwoude;;3;2019-05-01;;J\n" \
        "000012345679;01234568;5610;;Dorpsstraat;2;;;2381AA;Zoeterwoude;;1;2018-01-01;;J\n"
    (inbox / "kvk" / "kvk_vestigingen_2026-10.csv").write_bytes(kvk.replace("41201;;Dorpsstraat", "41201;;Coöperatieweg").encode("cp1252"))
    run_cli("run", "--maand", "2026-10", data=data)
    con = connect_ro(data)
    assert con.execute("SELECT count(*) FROM staging.bag_verblijfsobject").fetchall()[0][0] == 3
    assert con.execute("SELECT bag_verblijfsobject_id, straatnaam FROM staging.kvk_vestigingen").fetchall() == [
        ("0638010000000002", "Coöperatieweg")
    ]
    assert con.execute("SELECT count(*) FROM staging.quarantaine WHERE bron = 'kvk_vestigingen'").fetchall()[0][0] == 1
    top = con.execute("SELECT verblijfsobject_id, redenen FROM marts.controlelijst WHERE rang = 1").fetchall()[0]
    assert top[0] == "0638010000000001" and top[1].startswith("8 m² per ingeschrevene (norm 12 m²), oktober 2026")
    vacancy = con.execute("SELECT verblijfsobject_id, leegstand, woz_meegenomen FROM marts.leegstand ORDER BY 1").fetchall()
    assert vacancy == [("0638010000000001", False, False), ("0638010000000002", False, False), ("0638010000000003", False, False)]


def test_one_gemeente_of_many_runs_as_a_month_x_gemeente_partition_in_its_own_folder(demo_data, tmp_path, truth):
    import shutil

    data = tmp_path / "landelijk"
    shutil.copytree(demo_data / "inbox", data / "gemeenten" / "GM0638" / "inbox")
    maand = truth["maanden"][0]
    result = run_cli("run", "--gemeente", "GM0638", "--maand", maand, data=data)
    assert "gemeenten/GM0638/warehouse.duckdb" in result.stdout
    assert not (data / "warehouse.duckdb").exists() or connect_ro(data).execute(
        "SELECT count(*) FROM staging.bag_verblijfsobject").fetchall()[0][0] == 0
    own, reference = connect_ro(data / "gemeenten" / "GM0638"), connect_ro(demo_data)
    query = "SELECT count(*), sum(leegstand::INT) FROM marts.leegstand WHERE maand = $m"
    assert own.execute(query, {"m": maand}).fetchall() == reference.execute(query, {"m": maand}).fetchall()
    query = "SELECT verblijfsobject_id FROM marts.controlelijst WHERE maand = $m ORDER BY rang"
    assert own.execute(query, {"m": maand}).fetchall() == reference.execute(query, {"m": maand}).fetchall()


def test_valideer_checks_one_file_without_touching_the_warehouse(demo_copy, truth):
    maand = truth["maanden"][-1]
    before = table_fingerprints(demo_copy)
    brp = demo_copy / "inbox" / "brp" / f"brp_adrestellingen_{maand}.csv"
    ok = run_cli("valideer", str(brp), data=demo_copy, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith(f"GEACCEPTEERD: {brp.name}")
    assert f"{truth['per_maand'][maand]['brp_quarantaine']} in quarantaine" in ok.stdout
    assert f"Adressen gecontroleerd tegen bag_verblijfsobject_{maand}" in ok.stdout
    kvk = run_cli("valideer", str(demo_copy / "inbox" / "kvk" / f"kvk_vestigingen_{maand}.csv"), data=demo_copy)
    assert f"{truth['per_maand'][maand]['kvk_ongematcht']} niet (quarantaine)" in kvk.stdout

    bad = demo_copy / "inbox" / "brp" / f"brp_adrestellingen_{maand}.csv"
    lines = bad.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([lines[0] + ";bsn"] + [line + ";" for line in lines[1:]]) + "\n", encoding="utf-8")
    refused = run_cli("valideer", str(bad), data=demo_copy, check=False)
    assert refused.returncode == 1
    assert refused.stdout.startswith("GEWEIGERD") and "bsn" in refused.stdout
    assert table_fingerprints(demo_copy) == before


def test_status_lists_sources_loaded_months_and_last_run(demo_data, truth):
    out = run_cli("status", data=demo_data).stdout
    for maand in truth["maanden"]:
        line = next(l for l in out.splitlines() if l.startswith(maand))
        assert "BAG BRP RNI KvK" in line and "lijst 30" in line and "geslaagd" in line


def test_a_refused_month_shows_only_the_dutch_summary_and_the_run_log(demo_copy):
    """No Dagster log lines or stack trace on the terminal; the details are in the run log."""
    brp = sorted((demo_copy / "inbox" / "brp").glob("brp_adrestellingen_*.csv"))[-1]
    maand = brp.stem.rsplit("_", 1)[-1]
    lines = brp.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(";")
    cells[2] = "-5"
    brp.write_text("\n".join([lines[0], ";".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    result = run_cli("run", "--maand", maand, data=demo_copy, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Stack Trace" not in result.stderr and "dagster" not in result.stderr
    assert f"{maand}: NIET verwerkt; het warehouse is voor deze maand ongewijzigd." in result.stderr
    assert "geweigerd" in result.stderr and "'ingeschrevenen'" in result.stderr
    log = Path(result.stderr.split("Details: ")[1].split()[0])
    assert log.parent == demo_copy / "logs"
    details = log.read_text(encoding="utf-8")
    assert "STEP_FAILURE" in details and "Stack Trace" in details and "'ingeschrevenen'" in details
    assert oct(log.stat().st_mode & 0o777) == "0o600"

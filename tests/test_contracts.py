"""Data contracts: every bad file is refused with its own Dutch message; good files are accepted.

The corpus (tests/contract_corpus/, made by generate.py) holds concrete files and what the
contract must say about each. BSN-like values are generated here at test time and never
committed.
"""
from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.conftest import synthetic_bsns
from data_contracts import ContractError, parse_inbox_path, scan_inbox, validate_file, validate_slachtoffers

TODAY = date(2026, 11, 15)
ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "contract_corpus"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
BAD = [c for c in CASES if c["soort"] == "fout"]
GOOD = [c for c in CASES if c["soort"] == "goed"]
REFERENCE_SHOP = ROOT / "assets" / "reference" / "slachtoffers_shop_hollands-midden_2018-2022.csv"
GOOD_BAG = CORPUS / "goed" / "bag_utf8_bom" / "bag_verblijfsobject_2026-10.csv"
GOOD_BRP = CORPUS / "goed" / "brp_komma" / "brp_adrestellingen_2026-10.csv"
WONING_STATUS = {"Verblijfsobject in gebruik", "Verblijfsobject in gebruik (niet ingemeten)", "Verblijfsobject buiten gebruik"}


@pytest.fixture(scope="module")
def bag_frame() -> pd.DataFrame:
    result = validate_file(GOOD_BAG, today=TODAY)
    assert not result.geweigerd, result.meldingen()
    return result.frame


@pytest.fixture(scope="module")
def bag_hoofdadressen(bag_frame) -> pd.DataFrame:
    """The gemeente's hoofdadressen with the CBS dwelling definition (as staging computes it)."""
    woning = bag_frame["gebruiksdoel"].str.contains("woonfunctie") & bag_frame["status"].isin(WONING_STATUS)
    return pd.DataFrame({
        "nummeraanduiding_id": bag_frame["nummeraanduiding_hoofdadres_identificatie"],
        "is_woning": woning.astype(bool),
    })


def run_case(case: dict, bag_hoofdadressen: pd.DataFrame):
    paths = [CORPUS / p for p in case["bestanden"]]
    if len(paths) > 1:
        return validate_slachtoffers(paths, today=TODAY)
    context = {"bag_hoofdadressen": bag_hoofdadressen} if case.get("context") == "bag" else {}
    return validate_file(paths[0], today=TODAY, **context)


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


# --------------------------------------------------------------------------- corpus


@pytest.mark.parametrize("case", BAD, ids=[c["id"] for c in BAD])
def test_bad_file_is_refused_with_its_own_message(case, bag_hoofdadressen):
    result = run_case(case, bag_hoofdadressen)
    text = "\n".join(result.meldingen())
    assert result.geweigerd, text
    assert result.frame is None
    for fragment in case["bevat"]:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    for fragment in case.get("niet", []):
        assert fragment not in text, f"{fragment!r} must not be shown:\n{text}"
    for finding in result.bevindingen:
        line = finding.melding()
        assert "\n" not in line
        assert line.startswith(finding.bestand + " geweigerd — ")
        assert "Wat te doen: " in line


@pytest.mark.parametrize("case", GOOD, ids=[c["id"] for c in GOOD])
def test_good_file_is_accepted(case, bag_hoofdadressen):
    result = run_case(case, bag_hoofdadressen)
    assert not result.geweigerd, result.meldingen()
    assert len(result.frame) == case["rijen"]
    for column, values in case.get("waarden", {}).items():
        got = result.frame[column]
        if pd.api.types.is_datetime64_any_dtype(got):
            got = got.dt.strftime("%Y-%m-%d")
        for value in values:
            assert value in set(got.dropna()), f"{value!r} not in {column}: {list(got)}"
    warnings = "\n".join(result.waarschuwingen)
    for fragment in as_list(case.get("waarschuwing", [])):
        assert fragment in warnings, warnings
    assert len(result.quarantaine) == case.get("quarantaine", 0)
    if "quarantaine_reden" in case:
        assert result.quarantaine["reden"].str.contains(case["quarantaine_reden"]).all()


def test_corpus_has_enough_distinct_bad_files():
    assert len(BAD) >= 25
    assert len({tuple(c["bestanden"]) for c in BAD}) == len(BAD)
    for case in BAD:
        for p in case["bestanden"]:
            assert (CORPUS / p).is_file()


def test_committed_corpus_matches_its_generator(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("contract_corpus_generate", CORPUS / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.write(tmp_path)
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(
        p.relative_to(CORPUS) for p in CORPUS.rglob("*")
        if p.is_file() and p.parts[len(CORPUS.parts)] in ("goed", "fout", "cases.yaml")
    )
    assert fresh == committed
    for rel in fresh:
        assert (tmp_path / rel).read_bytes() == (CORPUS / rel).read_bytes(), f"{rel} is stale: run generate.py"


def elfproef(number: str) -> bool:
    digits = [int(d) for d in number]
    return sum(d * w for d, w in zip(digits, [9, 8, 7, 6, 5, 4, 3, 2, -1])) % 11 == 0 and any(digits)


def test_committed_corpus_contains_no_bsn_like_number():
    for path in [*CORPUS.rglob("*"), *Path(__file__).parent.glob("*.py")]:
        if path.is_file():
            text = path.read_bytes().decode("latin-1")
            for number in re.findall(r"(?<![0-9])[0-9]{9}(?![0-9])", text):
                assert not elfproef(number), f"{path.name} contains a number passing the 11-test"


# --------------------------------------------------------------------------- person data generated at test time


@pytest.fixture
def bsns() -> list[str]:
    """Synthetic numbers that pass the BSN 11-test (made here, never stored in the repository)."""
    out = synthetic_bsns(40)
    assert all(elfproef(b) for b in out)
    return out


def _with_column(path: Path, target: Path, column: str, values: list[str]) -> Path:
    frame = pd.read_csv(path, sep=None, engine="python", dtype=str, keep_default_na=False)
    frame[column] = values[: len(frame)]
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, sep=";", index=False)
    return target


@pytest.mark.parametrize("column", ["kenmerk_persoon", "bsn"])
def test_extra_column_with_bsns_is_refused_without_showing_them(tmp_path, bsns, column):
    path = _with_column(GOOD_BRP, tmp_path / "brp" / "brp_adrestellingen_2026-10.csv", column, bsns)
    result = validate_file(path, today=TODAY)
    text = "\n".join(result.meldingen())
    assert result.geweigerd
    assert f"kolom '{column}', regel 'geen BSN's (AVG)'" in text
    assert "elfproef" in text and "dataminimalisatie" in text
    assert not any(b in text for b in bsns)


def test_bsns_in_a_contract_column_are_refused(tmp_path, bsns):
    src = CORPUS / "goed" / "signalen" / "signalen_2026-10.csv"
    frame = pd.read_csv(src, sep=";", dtype=str, keep_default_na=False)
    frame["signaal_id"] = bsns[: len(frame)]
    path = tmp_path / "signalen_2026-10.csv"
    frame.to_csv(path, sep=";", index=False)
    result = validate_file(path, today=TODAY)
    assert result.geweigerd
    assert "kolom 'signaal_id', regel 'geen BSN's (AVG)'" in result.meldingen()[0]


def test_random_nine_digit_numbers_are_not_taken_for_bsns(tmp_path):
    """About one in eleven random numbers passes the 11-test: that alone must not refuse a file."""
    rng = random.Random(7)
    ids = []
    while len(ids) < 17:
        n = f"{rng.randint(100000000, 999999999)}"
        if not elfproef(n):
            ids.append(n)
    src = CORPUS / "goed" / "signalen" / "signalen_2026-10.csv"
    frame = pd.read_csv(src, sep=";", dtype=str, keep_default_na=False)
    frame["signaal_id"] = ids[: len(frame)]
    path = tmp_path / "signalen_2026-10.csv"
    frame.to_csv(path, sep=";", index=False)
    assert not validate_file(path, today=TODAY).geweigerd


# --------------------------------------------------------------------------- typed output


def test_typed_frames_keep_identifiers_and_types(bag_frame):
    kvk = validate_file(CORPUS / "goed" / "kvk_postcode_spatie_ddmmjjjj" / "kvk_vestigingen_2026-10.csv", today=TODAY).frame
    assert kvk["vestigingsnummer"].iloc[0] == "000031245786"
    assert "0113" in set(kvk["sbi_code"])
    assert str(kvk["huisnummer"].dtype) == "Int64"
    assert kvk["werkzame_personen"].isna().sum() == 1
    assert pd.api.types.is_datetime64_any_dtype(kvk["datum_aanvang"])
    assert kvk["datum_einde"].notna().sum() == 1
    assert list(kvk["rij"]) == [1, 2, 3, 4, 5]
    assert bag_frame["identificatie"].iloc[0] == "0638010000100001"
    assert bag_frame["postcode"].iloc[0] == "2382AA"
    assert str(bag_frame["oppervlakte"].dtype) == "Int64"
    assert bag_frame["x"].dtype == "float64"
    assert bag_frame["huisletter"].isna().sum() == 19
    brp = validate_file(GOOD_BRP, today=TODAY).frame
    assert (brp["peildatum"] == pd.Timestamp("2026-10-31")).all()
    assert list(brp.columns) == ["nummeraanduiding_id", "peildatum", "ingeschrevenen", "briefadressen",
                                 "inschrijvingen", "uitschrijvingen", "vertrokken_onbekend", "rij"]


def test_quarantined_rows_are_kept_aside_with_file_row_and_reason(bag_hoofdadressen):
    path = CORPUS / "goed" / "brp_quarantaine" / "brp_adrestellingen_2026-10.csv"
    result = validate_file(path, today=TODAY, bag_hoofdadressen=bag_hoofdadressen)
    q = result.quarantaine
    assert list(q.columns) == ["bestand", "rij", "kolom", "waarde", "reden"]
    assert list(q["rij"]) == [18, 19]
    assert set(q["waarde"]) == {"0638200000199991", "0638200000199992"}
    assert (q["bestand"] == path.name).all() and (q["kolom"] == "nummeraanduiding_id").all()
    assert not result.frame["nummeraanduiding_id"].isin(q["waarde"]).any()
    assert "2 rijen in quarantaine" in result.meldingen()[0]


def test_referential_rules_are_reported_unchecked_without_bag():
    result = validate_file(GOOD_BRP, today=TODAY)
    assert not result.geweigerd
    warnings = " ".join(result.waarschuwingen)
    assert "niet vergeleken met de BAG-hoofdadressen" in warnings
    assert "Niet gecontroleerd of het bestand volledig is" in warnings


def test_brp_plausibility_against_previous_month_only_warns(bag_hoofdadressen):
    result = validate_file(GOOD_BRP, today=TODAY, bag_hoofdadressen=bag_hoofdadressen,
                           vorige={"ingeschrevenen": 100, "rijen": 30})
    assert not result.geweigerd
    warnings = " ".join(result.waarschuwingen)
    assert "Totaal ingeschrevenen" in warnings and "meer dan 15 %" in warnings
    assert "Aantal adressen (rijen) 17" in warnings and "meer dan 20 %" in warnings
    assert result.kengetallen["rijen"] == 17
    quiet = validate_file(GOOD_BRP, today=TODAY, bag_hoofdadressen=bag_hoofdadressen,
                          vorige={"ingeschrevenen": result.kengetallen["ingeschrevenen"], "rijen": 17})
    assert not any("vorige maand" in w for w in quiet.waarschuwingen)


def test_bag_of_another_gemeente_is_refused():
    result = validate_file(GOOD_BAG, today=TODAY, gemeente="0599")
    assert result.geweigerd
    assert "geen enkele rij heeft bronhouder_identificatie 0599" in result.meldingen()[0]
    assert not validate_file(GOOD_BAG, today=TODAY, gemeente="*").geweigerd


def test_result_messages_and_metadata_are_plain():
    result = validate_file(CORPUS / "goed" / "bag_andere_gemeente_en_vlaggen" / "bag_verblijfsobject_2026-10.csv", today=TODAY)
    meta = result.as_metadata()
    assert meta["rijen_geaccepteerd"] == 21 and meta["geweigerd"] is False and meta["maand"] == "2026-10"
    assert meta["kengetal_andere_gemeente"] == 1
    assert all(isinstance(v, (str, int, float, bool)) for v in meta.values())
    assert all("\n" not in line for line in result.meldingen())
    refused = validate_file(CORPUS / "fout" / "negatief_aantal" / "brp_adrestellingen_2026-10.csv", today=TODAY)
    finding = refused.bevindingen[0]
    assert (finding.kolom, finding.rijen, finding.aantal, finding.voorbeeld) == ("ingeschrevenen", [14, 15], 2, "-3")
    assert refused.as_metadata()["bevindingen"] == 1


def test_real_excel_file_is_refused_by_extension(tmp_path):
    path = tmp_path / "kvk_vestigingen_2026-10.xlsx"
    path.write_bytes((CORPUS / "fout" / "xlsx_als_csv" / "kvk_vestigingen_2026-10.csv").read_bytes())
    result = validate_file(path, today=TODAY)
    assert result.geweigerd
    assert "bestandsformaat '.xlsx'" in result.meldingen()[0] and "CSV UTF-8" in result.meldingen()[0]


# --------------------------------------------------------------------------- BAG as Parquet and GeoPackage


def test_bag_parquet_is_read_like_the_csv(tmp_path, bag_frame):
    raw = pd.read_csv(GOOD_BAG, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    typed = raw.mask(raw == "").astype({"huisnummer": "Int64", "oppervlakte": "Int64", "bouwjaar": "Int64",
                                          "x": "float64", "y": "float64"})
    path = tmp_path / "bag_verblijfsobject_2026-10.parquet"
    typed.to_parquet(path, index=False)
    result = validate_file(path, today=TODAY)
    assert not result.geweigerd, result.meldingen()
    pd.testing.assert_frame_equal(result.frame, bag_frame)


def test_bag_parquet_with_numeric_ids_gets_its_leading_zeros_back(tmp_path, bag_frame):
    raw = pd.read_csv(GOOD_BAG, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw = raw.mask(raw == "")
    raw["bronhouder_identificatie"] = raw["bronhouder_identificatie"].astype("int64")
    path = tmp_path / "bag_verblijfsobject_2026-10.parquet"
    raw.to_parquet(path, index=False)
    result = validate_file(path, today=TODAY)
    assert not result.geweigerd, result.meldingen()
    assert (result.frame["bronhouder_identificatie"] == "0638").all()
    assert any("voorloopnullen" in w for w in result.waarschuwingen)


def test_bag_geopackage_geometry_becomes_rd_x_y(tmp_path, bag_frame):
    import geopandas as gpd

    raw = pd.read_csv(GOOD_BAG, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    gdf = gpd.GeoDataFrame(
        raw.drop(columns=["x", "y"]).astype({"huisnummer": "int64", "oppervlakte": "int64", "bouwjaar": "int64"}),
        geometry=gpd.points_from_xy(raw["x"].astype(float), raw["y"].astype(float)), crs=28992,
    )
    gdf["rdf_seealso"] = "https://bag.basisregistraties.overheid.nl/bag/id/verblijfsobject/" + raw["identificatie"]
    path = tmp_path / "bag_verblijfsobject_2026-10.gpkg"
    gdf.to_file(path, layer="verblijfsobject", driver="GPKG")
    result = validate_file(path, today=TODAY)
    assert not result.geweigerd, result.meldingen()
    assert result.frame["x"].round(1).tolist() == bag_frame["x"].round(1).tolist()
    assert any("rdf_seealso" in w for w in result.waarschuwingen)

    wgs = gdf.drop(columns=["rdf_seealso"]).to_crs(4326)
    path84 = tmp_path / "wgs84" / "bag_verblijfsobject_2026-10.gpkg"
    path84.parent.mkdir()
    wgs.to_file(path84, layer="verblijfsobject", driver="GPKG")
    result84 = validate_file(path84, today=TODAY)
    assert not result84.geweigerd, result84.meldingen()
    assert (result84.frame["y"] - bag_frame["y"]).abs().max() < 1.0
    assert any("EPSG:28992" in w for w in result84.waarschuwingen)


# --------------------------------------------------------------------------- slachtoffers


def test_shipped_shop_table_is_accepted_as_long_figures():
    result = validate_slachtoffers([REFERENCE_SHOP], today=TODAY)
    assert not result.geweigerd, result.meldingen()
    frame = result.frame
    assert len(frame) == 25 and int(frame["aantal"].sum()) == 34
    assert set(frame["bron"]) == {"SHOP"} and set(frame["regio"]) == {"Hollands Midden"}
    assert set(frame["uitbuitingsvorm"]) == {"arbeidsuitbuiting", "seksuele uitbuiting", "criminele uitbuiting",
                                             "criminele/seksuele uitbuiting", "onbekend"}
    row = frame[(frame["jaar"] == 2022) & (frame["uitbuitingsvorm"] == "seksuele uitbuiting")]
    assert row["aantal"].tolist() == [6]
    assert {"bron", "regio", "jaar", "uitbuitingsvorm", "aantal", "rij", "bestand"} <= set(frame.columns)


def test_slachtoffers_files_are_combined_and_identical_figures_count_once(tmp_path):
    same = tmp_path / "slachtoffers_jaarverslag_shop_2022.csv"
    same.write_text("bron;regio;jaar;uitbuitingsvorm;aantal\nshop;Hollands Midden;2022;Seksuele uitbuiting;6\n", encoding="utf-8")
    long = CORPUS / "goed" / "slachtoffers_lang" / "slachtoffers_comensha_zoeterwoude.csv"
    result = validate_slachtoffers([REFERENCE_SHOP, long, same, REFERENCE_SHOP], today=TODAY)
    assert not result.geweigerd, result.meldingen()
    assert len(result.frame) == 26  # 25 SHOP figures + 1 CoMensha; the 2022 figure and the 2021 SHOP one count once
    assert result.frame.duplicated(["bron", "regio", "jaar", "uitbuitingsvorm"]).sum() == 0
    assert any("één keer" in w for w in result.waarschuwingen)
    assert validate_file(long, today=TODAY).frame["bron"].tolist() == ["CoMensha", "SHOP"]


# --------------------------------------------------------------------------- inbox


def test_parse_inbox_path_from_name_or_folder(tmp_path):
    assert parse_inbox_path(Path("inbox/brp/brp_adrestellingen_2026-10.csv")) == ("brp_adrestellingen", "2026-10")
    assert parse_inbox_path(Path("inbox/signalen/controles_2026-09.csv")) == ("controles", "2026-09")
    assert parse_inbox_path(Path("inbox/bag/bag_verblijfsobject_2026-10.gpkg")) == ("bag_verblijfsobject", "2026-10")
    assert parse_inbox_path(Path("inbox/brp/export_2026-10.csv")) == ("brp_adrestellingen", "2026-10")
    assert parse_inbox_path(Path("slachtoffers_shop_hollands-midden_2018-2022.csv")) == ("slachtoffers", None)
    assert parse_inbox_path(Path("x/brp_adrestellingen_2025-13.csv")) == ("brp_adrestellingen", "2025-13")
    with pytest.raises(ContractError, match="hoort bij geen enkel datacontract"):
        parse_inbox_path(Path("inbox/overig/lijst.csv"))
    with pytest.raises(ContractError, match="staat in de map 'kvk'"):
        parse_inbox_path(Path("inbox/kvk/brp_adrestellingen_2026-10.csv"))
    with pytest.raises(ContractError, match="noemt geen maand"):
        parse_inbox_path(Path("inbox/brp/brp_adrestellingen_oktober.csv"))


def test_scan_inbox_latest_file_of_a_month_wins(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "brp").mkdir(parents=True)
    (inbox / "bag").mkdir()
    old = inbox / "brp" / "brp_adrestellingen_2026-10.csv"
    new = inbox / "brp" / "brp_adrestellingen_2026-10_correctie.csv"
    old.write_text("oud\n", encoding="utf-8")
    new.write_text("nieuw\n", encoding="utf-8")
    os.utime(old, (1_790_000_000, 1_790_000_000))
    os.utime(new, (1_790_000_500, 1_790_000_500))
    (inbox / "brp" / "brp_adrestellingen_2026-09.csv").write_text("sep\n", encoding="utf-8")
    (inbox / "bag" / "bag_verblijfsobject_2026-10.parquet").write_bytes(b"PAR1")
    (inbox / "brp" / "~$lock.csv").write_text("", encoding="utf-8")
    (inbox / "notities.txt").write_text("x", encoding="utf-8")

    files = scan_inbox(inbox)
    by_path = {f.path.name: f for f in files}
    assert "~$lock.csv" not in by_path
    assert by_path["brp_adrestellingen_2026-10.csv"].superseded_by == new
    assert by_path["brp_adrestellingen_2026-10_correctie.csv"].usable
    assert by_path["notities.txt"].source is None and "datacontract" in by_path["notities.txt"].error
    latest = {(f.source, f.maand): f for f in files if f.source}
    assert latest[("brp_adrestellingen", "2026-10")].path == new
    import hashlib
    assert by_path["brp_adrestellingen_2026-09.csv"].sha256 == hashlib.sha256(b"sep\n").hexdigest()
    assert scan_inbox(tmp_path / "missing") == []


def test_importing_the_package_does_not_load_great_expectations():
    code = (
        "import sys, data_contracts; "
        "from data_contracts import scan_inbox, parse_inbox_path; "
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_bag_contract_lists_the_reference_domain_values():
    from data_contracts import load_contract

    ref = pd.read_csv(ROOT / "assets" / "reference" / "bag_domeinwaarden.csv", dtype=str)
    bag = load_contract("bag_verblijfsobject")
    assert set(bag.columns["status"].allowed) == set(ref.loc[ref["domein"] == "StatusVerblijfsobject", "waarde"])
    assert set(bag.columns["gebruiksdoel"].allowed) == set(ref.loc[ref["domein"] == "Gebruiksdoel", "waarde"])


# --------------------------------------------------------------------------- great-expectations in a second process

_IN_A_WORKER = """
import json, os, signal, sys
from datetime import date
from pathlib import Path
from data_contracts import gx_worker, validate_file
gx_worker.start()
gx_worker.MAX_ROWS = 3  # every pass over more than 3 values goes to the worker in parts of 3 rows
out = {}
for ident, path in json.loads(sys.argv[1]).items():
    r = validate_file(Path(path), today=date(2026, 11, 15))
    out[ident] = [r.geweigerd, r.meldingen()]
out["__gx_in_main__"] = "great_expectations" in sys.modules
out["__worker__"] = gx_worker.active()
os.kill(gx_worker._worker[0].pid, signal.SIGKILL)  # a worker that dies: the checks go on here
gx_worker._worker[0].wait()
r = validate_file(Path(sys.argv[2]), today=date(2026, 11, 15))
out["__na_dood__"] = [r.geweigerd, r.meldingen(), gx_worker.active()]
print(json.dumps(out))
"""


def test_great_expectations_in_a_second_process_gives_the_same_verdicts_and_messages():
    """`risicoradar run` runs great-expectations in a worker process (its import beside the
    run's start): every file of the corpus gets the same verdict and the same Dutch messages as
    in-process, also when every pass is sent in parts of 3 rows (as a national file's passes go in
    parts), the main process never imports great-expectations, and a worker that dies only means
    the checks run in the main process again."""
    cases = [c for c in CASES if len(c["bestanden"]) == 1 and c.get("context") != "bag"]
    assert len(cases) > 20
    paths = {c["id"]: str(CORPUS / c["bestanden"][0]) for c in cases}
    here = {c["id"]: [r.geweigerd, r.meldingen()] for c in cases for r in [validate_file(CORPUS / c["bestanden"][0], today=TODAY)]}
    assert any(v[0] for v in here.values()) and not all(v[0] for v in here.values())
    import json

    last = next(c for c in cases if here[c["id"]][0])
    proc = subprocess.run([sys.executable, "-c", _IN_A_WORKER, json.dumps(paths), paths[last["id"]]], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out.pop("__gx_in_main__") is False and out.pop("__worker__") is True
    assert out.pop("__na_dood__") == [*here[last["id"]], False]
    assert out == here


# --------------------------------------------------------------------------- the BAG reference of the other registers


@pytest.mark.parametrize("numeric", [True, False])
def test_share_of_woningen_without_ingeschrevenen_counts_each_woning_once(numeric):
    """The truncated-BRP rule counts woningen (objects), an object with a hoofdadres and
    nevenadressen once, and as inhabited when any of its addresses has ingeschrevenen: the same
    counts as a plain pandas computation, with identifiers that are numbers (BAG's 16 digits) and
    with identifiers of mixed length (factorised)."""
    import numpy as np

    from data_contracts.validate import Reference

    rng = np.random.default_rng(7)
    n_objects = 5_000
    width = 16 if numeric else None

    def ident(i: int, kind: str) -> str:
        return f"{kind}{i:015d}" if numeric else f"{kind}{i}"

    objects = rng.permutation(n_objects)
    is_woning = rng.random(n_objects) < 0.7
    rows = [(ident(o, "1"), ident(o, "2"), bool(w)) for o, w in zip(objects, is_woning)]  # hoofdadressen
    extra = rng.choice(n_objects, 1_500)  # nevenadressen: never a woning of their own
    rows += [(ident(n_objects + i, "1"), ident(int(o), "2"), False) for i, o in enumerate(extra)]
    frame = pd.DataFrame(rows, columns=["nummeraanduiding_id", "verblijfsobject_id", "is_woning"])
    if width:
        assert frame["nummeraanduiding_id"].str.len().eq(width).all()
    file_ids = frame["nummeraanduiding_id"].sample(frac=0.55, random_state=3).tolist() + [ident(10**6, "1"), None]
    file_ids = pd.Series(file_ids, dtype="string")

    reference = Reference(frame)
    file_codes, bag_codes = reference.codes_with(file_ids)
    assert reference.numeric is numeric
    n_woningen, n_bewoond = reference.n_woningen_among(bag_codes, file_codes)

    woningen = set(frame.loc[frame["is_woning"], "verblijfsobject_id"])
    bewoond = set(frame.loc[frame["nummeraanduiding_id"].isin(set(file_ids.dropna())), "verblijfsobject_id"])
    assert (n_woningen, n_bewoond) == (len(woningen), len(woningen & bewoond))
    assert 0 < n_bewoond < n_woningen

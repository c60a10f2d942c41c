"""Tests of the demo data generator (pipelines/demo/).

The demo is what a new user sees first and what the end-to-end tests run on, so these tests
check what such a user would notice: the files look exactly like the contracts in
the input contracts, the figures resemble Zoeterwoude, the planted cases are there and stand out, and
the ground truth agrees with an independent recount of the written files.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely

from pipelines.demo import generate as demo
from pipelines.demo import world as demo_world
from pipelines.demo.registers import BEOOGDE_INDICATOREN, SOORTEN

END = "2026-01"  # fixed, so the tests do not depend on today's date
MONTHS = 12
LABELS = demo.month_labels(END, MONTHS)  # 2025-02 .. 2026-01

COLUMNS = {
    "bag": ["identificatie", "nummeraanduiding_hoofdadres_identificatie", "openbare_ruimte_naam",
            "woonplaats_naam", "huisnummer", "huisletter", "toevoeging", "postcode", "gebruiksdoel",
            "oppervlakte", "status", "pand_identificatie", "bouwjaar", "bronhouder_identificatie", "x", "y"],
    "brp": ["nummeraanduiding_id", "peildatum", "ingeschrevenen", "briefadressen", "inschrijvingen",
            "uitschrijvingen", "vertrokken_onbekend"],
    "rni": ["maand", "nummeraanduiding_id", "inschrijvingen"],
    "kvk": ["vestigingsnummer", "kvk_nummer", "sbi_code", "sbi_codes_neven", "straatnaam", "plaats", "huisnummer",
            "huisletter", "huisnummer_toevoeging", "postcode", "verblijfsobject_id", "werkzame_personen",
            "datum_aanvang", "datum_einde", "ind_hoofdvestiging"],
    "woz": ["verblijfsobject_id", "gebruik"],
    "signalen": ["signaal_id", "datum", "nummeraanduiding_id", "bron", "soort", "geverifieerd"],
    "controles": ["controle_id", "datum", "nummeraanduiding_id", "aanleiding", "uitkomst"],
    "besluiten": ["nummeraanduiding_id", "soort_voorstel", "besluit", "reden", "notitie", "datum"],
}
GEBRUIKSDOELEN = {"woonfunctie", "bijeenkomstfunctie", "celfunctie", "gezondheidszorgfunctie", "industriefunctie",
                  "kantoorfunctie", "logiesfunctie", "onderwijsfunctie", "sportfunctie", "winkelfunctie",
                  "overige gebruiksfunctie"}
STATUSES = set(demo_world.STATUSES)
WONING_STATUSES = {"Verblijfsobject in gebruik", "Verblijfsobject in gebruik (niet ingemeten)",
                   "Verblijfsobject buiten gebruik"}
NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")


def path_of(root: Path, bron: str, label: str) -> Path:
    return {
        "bag": root / "inbox" / "bag" / f"bag_verblijfsobject_{label}.csv",
        "brp": root / "inbox" / "brp" / f"brp_adrestellingen_{label}.csv",
        "rni": root / "inbox" / "rni" / f"rni_inschrijvingen_{label}.csv",
        "kvk": root / "inbox" / "kvk" / f"kvk_vestigingen_{label}.csv",
        "woz": root / "inbox" / "woz" / f"woz_gebruik_{label}.csv",
        "signalen": root / "inbox" / "signalen" / f"signalen_{label}.csv",
        "controles": root / "inbox" / "signalen" / f"controles_{label}.csv",
        "besluiten": root / "inbox" / "besluiten" / f"besluiten_{label}.csv",
    }[bron]


def read(root: Path, bron: str, label: str) -> pd.DataFrame:
    return pd.read_csv(path_of(root, bron, label), sep=";", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    summary = demo.generate_demo(root, months=MONTHS, end_month=END)
    assert summary["maanden"] == [LABELS[0], LABELS[-1]]
    return root


@pytest.fixture(scope="module")
def truth(demo_dir) -> dict:
    return json.loads((demo_dir / "demo_waarheid" / "waarheid.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def planted(demo_dir) -> pd.DataFrame:
    return pd.read_csv(demo_dir / "demo_waarheid" / "geplante_gevallen.csv", sep=";", dtype=str,
                       keep_default_na=False)


# ------------------------------------------------------------------------- months, API


def test_default_end_month_is_last_completed_month():
    assert demo.default_end_month(dt.date(2026, 11, 29)) == "2026-10"
    assert demo.default_end_month(dt.date(2026, 1, 1)) == "2025-12"
    assert demo.month_labels("2026-10", 24)[0] == "2024-11"
    assert demo.month_labels("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]


def test_refuses_bad_months(tmp_path):
    with pytest.raises(ValueError):
        demo.generate_demo(tmp_path, months=2, end_month="2026-13")
    future = dt.date.today() + dt.timedelta(days=70)
    with pytest.raises(ValueError):
        demo.generate_demo(tmp_path, months=2, end_month=f"{future.year:04d}-{future.month:02d}")
    with pytest.raises(ValueError):
        demo.generate_demo(tmp_path, months=2, end_month=END, schaal="provincie")


# ------------------------------------------------------------------------- files


def test_writes_exactly_the_inbox_files_of_sources_md(demo_dir, truth):
    expected = set()
    for i, lab in enumerate(LABELS):
        for bron in ["bag", "brp", "rni", "kvk", "signalen", "controles"]:
            expected.add(path_of(demo_dir, bron, lab))
        if i == 0 or lab.endswith("-01"):  # WOZ: first month and every January
            expected.add(path_of(demo_dir, "woz", lab))
        if i < len(LABELS) - 1:  # decisions on a list are taken the month after it
            expected.add(path_of(demo_dir, "besluiten", lab))
    found = {p for p in (demo_dir / "inbox").rglob("*") if p.is_file()}
    assert found == expected
    assert not (demo_dir / "inbox" / "slachtoffers").exists()
    assert not (demo_dir / "referentie").exists()
    assert sorted(truth["bestanden"]) == sorted(p.relative_to(demo_dir).as_posix() for p in expected)


def test_columns_exactly_per_contract_and_csv_conventions(demo_dir):
    for p in (demo_dir / "inbox").rglob("*.csv"):
        raw = p.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8")
        assert '"' not in text and "\r" not in text
        bron = next(k for k in COLUMNS if p.name.startswith({"bag": "bag_", "brp": "brp_", "rni": "rni_",
                                                              "kvk": "kvk_", "woz": "woz_", "signalen": "signalen_",
                                                              "controles": "controles_", "besluiten": "besluiten_"}[k]))
        header = text.split("\n", 1)[0].split(";")
        assert header == COLUMNS[bron], p.name
        lines = text.rstrip("\n").split("\n")
        assert len(lines) > 1, p.name
        assert all(line.count(";") == len(header) - 1 for line in lines), p.name


def test_deterministic_and_seed_dependent(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    demo.generate_demo(a, months=3, end_month=END)
    demo.generate_demo(b, months=3, end_month=END)
    demo.generate_demo(c, months=3, end_month=END, seed=1)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert (a / "inbox/brp/brp_adrestellingen_2026-01.csv").read_bytes() != \
        (c / "inbox/brp/brp_adrestellingen_2026-01.csv").read_bytes()


def test_rerun_replaces_an_earlier_demo_but_never_other_data(tmp_path):
    demo.generate_demo(tmp_path, months=3, end_month=END)
    demo.generate_demo(tmp_path, months=2, end_month=END)
    assert len(list((tmp_path / "inbox" / "brp").iterdir())) == 2
    other = tmp_path / "echt"
    (other / "inbox" / "brp").mkdir(parents=True)
    (other / "inbox" / "brp" / "brp_adrestellingen_2025-01.csv").write_text("x\n")
    with pytest.raises(FileExistsError):
        demo.generate_demo(other, months=2, end_month=END)
    assert (other / "inbox" / "brp" / "brp_adrestellingen_2025-01.csv").read_text() == "x\n"


def test_no_nine_digit_number_anywhere(demo_dir):
    for p in demo_dir.rglob("*"):
        if p.is_file():
            hit = NINE_DIGITS.search(p.read_text(encoding="utf-8"))
            assert hit is None, (p.name, hit and hit.group())


# ------------------------------------------------------------------------- values


def test_bag_values_follow_the_contract(demo_dir):
    for lab in [LABELS[0], LABELS[-1]]:
        bag = read(demo_dir, "bag", lab)
        assert bag["identificatie"].is_unique
        assert bag["nummeraanduiding_hoofdadres_identificatie"].is_unique
        for col, code in [("identificatie", "01"), ("nummeraanduiding_hoofdadres_identificatie", "20"),
                          ("pand_identificatie", "10")]:
            assert bag[col].str.fullmatch(r"\d{16}").all()
            assert (bag[col].str[4:6] == code).all()
        assert bag["postcode"].str.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}").all()
        assert (bag["openbare_ruimte_naam"] != "").all() and (bag["woonplaats_naam"] != "").all()
        hn = bag["huisnummer"].astype(int)
        assert hn.between(1, 99999).all()
        assert bag["huisletter"].str.fullmatch(r"[A-Z]?").all()
        assert (bag["toevoeging"].str.len() <= 4).all()
        assert bag["status"].isin(STATUSES).all()
        assert bag["gebruiksdoel"].str.split(",").apply(lambda xs: set(xs) <= GEBRUIKSDOELEN).all()
        assert bag["gebruiksdoel"].str.contains(",").any()
        assert bag["oppervlakte"].astype(int).between(1, 999999).all()
        by = bag["bouwjaar"].astype(int)
        assert ((by >= 1000) & (by <= dt.date.today().year + 5)).all()
        assert bag["bronhouder_identificatie"].str.fullmatch(r"\d{4}").all()
        assert (bag["x"].astype(float).between(0, 300_000) & bag["y"].astype(float).between(300_000, 625_000)).all()
        key = bag["postcode"] + "|" + bag["huisnummer"] + "|" + bag["huisletter"] + "|" + bag["toevoeging"]
        assert key.is_unique
        own = bag[bag["bronhouder_identificatie"] == "0638"]
        woning = own["gebruiksdoel"].str.contains("woonfunctie") & own["status"].isin(WONING_STATUSES)
        opp = own.loc[woning, "oppervlakte"].astype(int)
        assert opp.quantile(0.01) >= 38 and opp.max() <= 200
        assert (own["status"] == "Verblijfsobject in gebruik").mean() > 0.9
        assert (own["woonplaats_naam"] == "Zoeterwoude").all()


def test_brp_rni_counts_and_dates(demo_dir):
    for lab in LABELS:
        peil = demo.dr.last_day(lab).isoformat()
        brp = read(demo_dir, "brp", lab)
        assert brp["nummeraanduiding_id"].is_unique
        assert (brp["peildatum"] == peil).all()
        counts = brp[COLUMNS["brp"][2:]].astype(int)
        assert (counts >= 0).all().all()
        assert (counts.sum(axis=1) > 0).all()  # only addresses with a non-zero count
        assert (counts["vertrokken_onbekend"] <= counts["uitschrijvingen"]).all()
        rni = read(demo_dir, "rni", lab)
        assert (rni["maand"] == lab).all()
        assert (rni["inschrijvingen"].astype(int) >= 0).all()
        ids = rni.loc[rni["nummeraanduiding_id"] != "", "nummeraanduiding_id"]
        assert ids.is_unique and ids.str.fullmatch(r"\d{16}").all()
        assert (rni["nummeraanduiding_id"] == "").sum() >= 1
        for bron in ["signalen", "controles"]:
            df = read(demo_dir, bron, lab)
            assert df.iloc[:, 0].is_unique
            assert (df["datum"].str[:7] == lab).all() and (df["datum"] <= peil).all()


def test_kvk_values_and_active_rule(demo_dir):
    for lab in [LABELS[0], LABELS[-1]]:
        peil = demo.dr.last_day(lab).isoformat()
        kvk = read(demo_dir, "kvk", lab)
        assert kvk["vestigingsnummer"].str.fullmatch(r"\d{12}").all() and kvk["vestigingsnummer"].is_unique
        assert kvk["kvk_nummer"].str.fullmatch(r"\d{8}").all()
        assert kvk["sbi_code"].str.fullmatch(r"\d{2,5}").all()
        assert kvk["sbi_code"].str.startswith("0").any()  # leading zeros kept (landbouw)
        neven = kvk.loc[kvk["sbi_codes_neven"] != "", "sbi_codes_neven"]
        assert len(neven) and neven.str.fullmatch(r"\d{2,5}(\|\d{2,5})*").all()
        assert kvk["ind_hoofdvestiging"].isin(["J", "N"]).all()
        assert (kvk["datum_aanvang"] <= peil).all()
        ended = kvk[kvk["datum_einde"] != ""]
        assert len(ended) > 0
        assert (ended["datum_einde"] <= peil).all() and (ended["datum_einde"] >= ended["datum_aanvang"]).all()
        wp = kvk.loc[kvk["werkzame_personen"] != "", "werkzame_personen"].astype(int)
        assert (wp >= 0).all() and (kvk["werkzame_personen"] == "").any()


def test_kvk_rows_without_bag_id_have_real_world_address_variants(demo_dir, truth):
    kvk = pd.concat([read(demo_dir, "kvk", lab) for lab in LABELS])
    kvk = kvk.drop_duplicates("vestigingsnummer")
    no = kvk[kvk["verblijfsobject_id"] == ""]
    assert 0.05 <= len(no) / len(kvk) <= 0.15
    assert no["postcode"].str.fullmatch(r"\d{4} [A-Za-z]{2}").any()  # with a space
    assert no["postcode"].str.fullmatch(r"\d{4}[a-z]{2}").any()  # lower case
    assert no["huisletter"].str.fullmatch(r"[a-z]").any()
    assert ((no["huisletter"] == "") & no["huisnummer_toevoeging"].str.fullmatch(r"[A-Z]")).any()
    assert no["huisnummer_toevoeging"].str.startswith("-").any()
    for lab in LABELS:
        f = truth["per_maand"][lab]
        assert f["kvk_ongematcht"] >= 1  # a few addresses that do not exist in the BAG
        assert f["kvk_adresmatch_zonder_bag_id"] + f["kvk_ongematcht"] == f["kvk_rijen_zonder_bag_id"]


def test_signalen_and_controles_domains(demo_dir):
    sig = pd.concat([read(demo_dir, "signalen", lab) for lab in LABELS])
    ctl = pd.concat([read(demo_dir, "controles", lab) for lab in LABELS])
    assert sig["bron"].isin(["wijkagent", "boa", "melding", "RIEC", "partner"]).all()
    assert sig["soort"].isin(["arbeidsuitbuiting", "seksuele uitbuiting", "criminele uitbuiting", "overig"]).all()
    assert sig["geverifieerd"].isin(["J", "N"]).all() and (sig["geverifieerd"] == "J").any()
    assert ctl["aanleiding"].isin(["risicolijst", "signaal", "steekproef"]).all()
    assert set(ctl["uitkomst"]) == {"geen bijzonderheden", "overbewoning", "signalen uitbuiting",
                                    "andere overtreding", "geen toegang"}
    per_month = ctl.groupby(ctl["controle_id"].str[4:10]).size()
    assert per_month.between(7, 16).all()


# ------------------------------------------------------------------------- geography


def test_objects_lie_inside_their_buurten(demo_dir):
    buurten = gpd.read_file(demo_world.ZOETERWOUDE_BUURTEN)
    bag = read(demo_dir, "bag", LABELS[-1])
    own = bag[bag["bronhouder_identificatie"] == "0638"]
    x, y = own["x"].astype(float).to_numpy(), own["y"].astype(float).to_numpy()
    inside = np.zeros((len(buurten), len(own)), dtype=bool)
    for i, geom in enumerate(buurten.geometry):
        inside[i] = shapely.contains_xy(geom, x, y)
    assert inside.any(axis=0).all()
    naam = buurten["statnaam"].to_numpy()[inside.argmax(axis=0)]
    industrial = pd.Series(naam).str.contains("Industriegebied").to_numpy()
    woonfunctie = own["gebruiksdoel"].str.contains("woonfunctie").to_numpy()
    industrie = (own["gebruiksdoel"] == "industriefunctie").to_numpy()
    assert industrial[industrie].mean() > 0.6
    assert industrial[woonfunctie].mean() < 0.02
    assert len(set(naam)) == 20  # every buurt has objects
    # the rows of another bronhouder lie outside the gemeente
    other = bag[bag["bronhouder_identificatie"] != "0638"]
    assert len(other) == 6
    assert not shapely.contains_xy(buurten.union_all(), other["x"].astype(float), other["y"].astype(float)).any()


# ------------------------------------------------------------------------- calibration


def test_calibrated_to_zoeterwoude(truth):
    pm = truth["per_maand"]
    for lab in LABELS:
        f = pm[lab]
        assert 7_500 <= f["ingeschrevenen"] <= 9_500
        assert 3_400 <= f["woningvoorraad"] <= 3_800
        assert 3.0 <= 100 * f["leegstand"] / f["woningvoorraad"] <= 5.0
        assert 250 <= f["risicosector_vestigingen"] <= 350
        cats = f["risicosector_per_categorie"]
        assert max(cats, key=cats.get) == "bouw"
        assert f["uitzendbureaus"] == 10
        assert 1 <= f["arbeidsbemiddeling"] <= 3
        assert f["bag_andere_gemeente"] == 6
        assert 3 <= f["brp_quarantaine"] <= 8
        assert 0.05 <= f["kvk_rijen_zonder_bag_id"] / f["kvk_rijen"] <= 0.15
    rni = [pm[lab]["rni_inschrijvingen"] for lab in LABELS]
    assert 17 <= np.mean(rni) <= 25
    assert sum(pm[lab]["rni_quarantaine"] for lab in LABELS) >= 1


def test_months_evolve(demo_dir, truth):
    first, last = read(demo_dir, "brp", LABELS[0]), read(demo_dir, "brp", LABELS[-1])
    assert first["nummeraanduiding_id"].tolist() != last["nummeraanduiding_id"].tolist()
    for lab in LABELS[1:]:
        brp = read(demo_dir, "brp", lab)
        assert brp["inschrijvingen"].astype(int).sum() > 20
        assert brp["uitschrijvingen"].astype(int).sum() > 20
        assert brp["vertrokken_onbekend"].astype(int).sum() >= 1
    ing = [truth["per_maand"][lab]["ingeschrevenen"] for lab in LABELS]
    assert max(abs(b / a - 1) for a, b in zip(ing, ing[1:])) < 0.02  # plausible month-on-month
    kvk0, kvk1 = read(demo_dir, "kvk", LABELS[0]), read(demo_dir, "kvk", LABELS[-1])
    assert set(kvk1["vestigingsnummer"]) - set(kvk0["vestigingsnummer"])  # new establishments
    assert (kvk1["datum_einde"] > LABELS[0]).any()  # ended during the series, still listed


# ------------------------------------------------------------------------- truth


def _recount(root: Path, lab: str, woz_label: str) -> dict:
    """An independent, plain-pandas recount of the key truth figures from the files."""
    bag = read(root, "bag", lab)
    own = bag[bag["bronhouder_identificatie"] == "0638"]
    woning = own["gebruiksdoel"].str.split(",").apply(lambda xs: "woonfunctie" in xs) & own["status"].isin(WONING_STATUSES)
    brp = read(root, "brp", lab)
    hoofd = set(own["nummeraanduiding_hoofdadres_identificatie"])
    ok = brp["nummeraanduiding_id"].isin(hoofd)
    bewoond = set(brp.loc[ok & (brp["ingeschrevenen"].astype(int) > 0), "nummeraanduiding_id"])
    kvk = read(root, "kvk", lab)
    peil = demo.dr.last_day(lab).isoformat()

    def key(postcode, nr, letter, toev):
        postcode = postcode.str.upper().str.replace(" ", "")
        single = (letter == "") & toev.str.fullmatch(r"[A-Za-z]")
        letter = letter.where(~single, toev).str.upper()
        toev = toev.where(~single, "").str.upper().str.replace(" ", "").str.lstrip("-")
        return postcode + "|" + nr + "|" + letter + "|" + toev

    bag_key = dict(zip(key(own["postcode"], own["huisnummer"], own["huisletter"], own["toevoeging"]),
                       own["identificatie"]))
    vbo = kvk["verblijfsobject_id"].where(kvk["verblijfsobject_id"] != "",
                                          key(kvk["postcode"], kvk["huisnummer"], kvk["huisletter"],
                                              kvk["huisnummer_toevoeging"]).map(bag_key).fillna(""))
    matched = vbo.isin(set(own["identificatie"]))
    active = (kvk["datum_aanvang"] <= peil) & ((kvk["datum_einde"] == "") | (kvk["datum_einde"] > peil))
    met_vestiging = set(vbo[matched & active])
    woz = read(root, "woz", woz_label)
    gebruikt = set(woz.loc[woz["gebruik"].isin(["eigenaar", "huurder"]), "verblijfsobject_id"])
    leeg = woning & ~own["nummeraanduiding_hoofdadres_identificatie"].isin(bewoond) \
        & ~own["identificatie"].isin(met_vestiging) & ~own["identificatie"].isin(gebruikt)
    sbi = kvk["sbi_code"]
    uitzend = matched & active & sbi.str.startswith("782")
    bouw = matched & active & sbi.str[:2].isin(["41", "42", "43"])
    rni = read(root, "rni", lab)
    return {
        "woningvoorraad": int(woning.sum()), "leegstand": int(leeg.sum()),
        "ingeschrevenen": int(brp.loc[ok, "ingeschrevenen"].astype(int).sum()),
        "brp_quarantaine": int((~ok).sum()), "bag_andere_gemeente": len(bag) - len(own),
        "kvk_rijen_zonder_bag_id": int((kvk["verblijfsobject_id"] == "").sum()),
        "kvk_ongematcht": int((~matched).sum()), "uitzendbureaus": int(uitzend.sum()), "bouw": int(bouw.sum()),
        "rni_inschrijvingen": int(rni["inschrijvingen"].astype(int).sum()),
        "rni_quarantaine": int(((rni["nummeraanduiding_id"] != "") & ~rni["nummeraanduiding_id"].isin(hoofd)).sum()),
    }


@pytest.mark.parametrize("i", [0, MONTHS - 2, MONTHS - 1])
def test_truth_equals_an_independent_recount(demo_dir, truth, i):
    lab = LABELS[i]
    woz_label = max(lb for lb in truth["woz_maanden"] if lb <= lab)
    assert truth["per_maand"][lab]["woz_bestand"] == f"woz_gebruik_{woz_label}.csv"
    mine = _recount(demo_dir, lab, woz_label)
    f = dict(truth["per_maand"][lab])
    f["bouw"] = f["risicosector_per_categorie"]["bouw"]
    for k, v in mine.items():
        assert f[k] == v, k


# ------------------------------------------------------------------------- planted cases


def test_planted_cases_are_present_and_trigger_their_indicators(demo_dir, planted):
    assert list(planted.columns) == demo.GEPLANTE_KOLOMMEN
    assert set(planted["soort"]) == set(SOORTEN)
    assert planted["geval_id"].is_unique and planted["verblijfsobject_id"].is_unique
    bag = read(demo_dir, "bag", LABELS[-1])
    assert set(planted["verblijfsobject_id"]) <= set(bag["identificatie"])
    hoofd = dict(zip(bag["identificatie"], bag["nummeraanduiding_hoofdadres_identificatie"]))
    assert (planted["verblijfsobject_id"].map(hoofd) == planted["nummeraanduiding_id"]).all()
    for _, case in planted.iterrows():
        got = set(case["verwachte_indicatoren"].split("|"))
        assert set(BEOOGDE_INDICATOREN[case["soort"]]) <= got, case["geval_id"]
        assert LABELS[0] <= case["eerste_maand"] <= case["laatste_maand"] <= LABELS[-1]
    assert (planted["eerste_maand"] > LABELS[0]).any()  # one case starts during the series
    assert (planted["laatste_maand"] < LABELS[-1]).any()  # and one ends after a control


def test_planted_cases_stand_out(truth):
    s = truth["samenvatting"]["indicatoren_laatste_maand"]
    assert s["geplant_min"] >= 3
    assert s["gewoon_max"] <= 2
    assert s["gewoon_met_2_of_meer"] <= 20


def test_hidden_occupation_looks_vacant_in_the_registers(demo_dir, planted):
    vb = planted[planted["soort"] == "verborgen_bewoning"]
    for lab in LABELS:
        brp = read(demo_dir, "brp", lab)
        assert not brp["nummeraanduiding_id"].isin(vb["nummeraanduiding_id"]).any()
        kvk = read(demo_dir, "kvk", lab)
        assert not kvk["verblijfsobject_id"].isin(vb["verblijfsobject_id"]).any()
    woz = read(demo_dir, "woz", LABELS[0])
    assert (woz.loc[woz["verblijfsobject_id"].isin(vb["verblijfsobject_id"]), "gebruik"] == "geen").all()
    rni = pd.concat([read(demo_dir, "rni", lab) for lab in LABELS])
    assert (rni[rni["nummeraanduiding_id"].isin(vb["nummeraanduiding_id"])]
            .groupby("nummeraanduiding_id")["inschrijvingen"].apply(lambda s: s.astype(int).sum()) >= 2).all()


def test_control_findings_concentrate_at_planted_addresses(demo_dir, planted):
    ctl = pd.concat([read(demo_dir, "controles", lab) for lab in LABELS])
    bevinding = ~ctl["uitkomst"].isin(["geen bijzonderheden", "geen toegang"])
    at_planted = ctl["nummeraanduiding_id"].isin(planted["nummeraanduiding_id"])
    assert at_planted.sum() >= 5
    assert bevinding[at_planted].mean() > 0.5
    assert bevinding[~at_planted].mean() < 0.25
    sig = pd.concat([read(demo_dir, "signalen", lab) for lab in LABELS])
    verified = sig[sig["geverifieerd"] == "J"]
    assert verified["nummeraanduiding_id"].isin(planted["nummeraanduiding_id"]).mean() > 0.5


def test_gemeente_selection_edge_cases(demo_dir):
    bag = read(demo_dir, "bag", LABELS[-1])
    other = bag[bag["bronhouder_identificatie"] != "0638"]
    assert (other["bronhouder_identificatie"] == "0546").all()
    odd = bag[(bag["bronhouder_identificatie"] == "0638") & ~bag["identificatie"].str.startswith("0638")]
    assert len(odd) == 1
    brp = read(demo_dir, "brp", LABELS[-1])
    assert odd["nummeraanduiding_hoofdadres_identificatie"].isin(brp["nummeraanduiding_id"]).all()


# ------------------------------------------------------------------------- larger scales


def test_multi_gemeente_scale_writes_parquet_and_reference(tmp_path, monkeypatch):
    """The regio/nationaal code path on a small grid (the real scales are too slow for tests)."""
    small = dict(objects=30_000, gemeenten=4, buurten=60, box=(80_000, 440_000, 100_000, 460_000))
    monkeypatch.setitem(demo_world.SCHALEN, "regio", small)
    summary = demo.generate_demo(tmp_path, months=2, end_month=END, schaal="regio")
    assert summary["objecten"] > 25_000
    assert (tmp_path / "referentie" / "gemeente.txt").read_text().strip() == "*"
    buurten = gpd.read_file(tmp_path / "referentie" / "buurten.geojson")
    assert {"statcode", "statnaam"} <= set(buurten.columns) and buurten.crs.to_epsg() == 28992
    assert buurten["statcode"].str.fullmatch(r"BU\d{8}").all() and buurten["statcode"].is_unique
    bag = pq.read_table(tmp_path / "inbox" / "bag" / f"bag_verblijfsobject_{END}.parquet").to_pandas()
    assert list(bag.columns) == COLUMNS["bag"]
    assert bag["bronhouder_identificatie"].nunique() == 4
    assert (bag["identificatie"].str[:4] == bag["bronhouder_identificatie"]).mean() > 0.99
    inside = np.zeros(len(bag), dtype=bool)
    for geom in buurten.geometry:
        inside |= shapely.contains_xy(geom, bag["x"].to_numpy(), bag["y"].to_numpy())
    assert inside.all()
    truth = json.loads((tmp_path / "demo_waarheid" / "waarheid.json").read_text())
    assert truth["gemeente"] == "*" and truth["per_maand"][END]["bag_andere_gemeente"] == 0
    planted = pd.read_csv(tmp_path / "demo_waarheid" / "geplante_gevallen.csv", sep=";", dtype=str)
    assert planted["gemeentecode"].nunique() == 4
    assert not (tmp_path / "inbox" / "bag" / f"bag_verblijfsobject_{END}.csv").exists()
    # back to gemeente scale in the same folder: the large-scale reference files are removed
    demo.generate_demo(tmp_path, months=2, end_month=END)
    assert not (tmp_path / "referentie" / "buurten.geojson").exists()

"""One month delivered canonically and in the registers' own formats gives the same marts.

The demo's month (`risicoradar demo --maanden 1 --alleen-genereren`) is converted by this test's
own builders (tests/real_bag_fixtures.py for the BAG, the functions below for KvK and BRP; the
registers' schemas of /work/shared/REAL_FORMATS.md, never the project's contract code) into:

- `gpkg_naam`:  PDOK's GeoPackage as bag_verblijfsobject_<M>.gpkg, KvK Vestigingsprofiel JSON,
                BRP counts per verblijfsobject;
- `bag_light`:  PDOK's GeoPackage as downloaded (bag-light.gpkg, its date in the next month, so
                the month comes from `run --maand`), KvK CSV with the API's values, and a CBS
                wijk- en buurtkaart GeoPackage as <data>/referentie/buurten.gpkg;
- `lvbag`:      the Kadaster's LV BAG 2.0 extract (lvbag-extract-nl.zip), KvK JSON lines.

Each inbox is run with `risicoradar run --maand M`; marts.leegstand, marts.adresscores and
marts.controlelijst must be identical, row for row, to the canonical inbox's.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import real_bag_fixtures as fx  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MARTS = ("marts.leegstand", "marts.adresscores", "marts.controlelijst")
SHIPPED_BUURTEN = ROOT / "assets" / "reference" / "zoeterwoude_buurten_2025_rd.geojson"


def _cli(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RISICORADAR_DATA": str(data)}
    env.pop("RISICORADAR_RUN_MAAND", None)
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args, "--data-dir", str(data)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _api_date(text: str) -> str:
    return text.replace("-", "") if text else ""


# --------------------------------------------------------------------------- KvK and BRP in the registers' terms


def kvk_profiles(canonical: Path) -> list[dict]:
    """The establishments as Vestigingsprofiel API responses (camelCase, nested, Ja/Nee, JJJJMMDD,
    a correspondentieadres and trade name besides the bezoekadres)."""
    out = []
    for i, r in enumerate(_rows(canonical)):
        bezoek = {"type": "bezoekadres", "indAfgeschermd": "Nee", "straatnaam": r["straatnaam"],
                  "huisnummer": int(r["huisnummer"]), "postcode": r["postcode"], "plaats": r["plaats"], "land": "Nederland"}
        if r["huisletter"]:
            bezoek["huisletter"] = r["huisletter"]
        if r["huisnummer_toevoeging"]:
            bezoek["huisnummerToevoeging"] = r["huisnummer_toevoeging"]
        if r["verblijfsobject_id"]:
            bezoek["geoData"] = {"addresseerbaarObjectId": r["verblijfsobject_id"], "rijksdriehoekX": 97000.0}
        registratie = {"datumAanvang": _api_date(r["datum_aanvang"])}
        if r["datum_einde"]:
            registratie["datumEinde"] = _api_date(r["datum_einde"])
        profiel = {
            "vestigingsnummer": r["vestigingsnummer"], "kvkNummer": r["kvk_nummer"],
            "eersteHandelsnaam": f"Onderneming {i}", "indHoofdvestiging": {"J": "Ja", "N": "Nee"}[r["ind_hoofdvestiging"]],
            "materieleRegistratie": registratie,
            "adressen": [{"type": "correspondentieadres", "postbusnummer": 100 + i, "postcode": "2380AA",
                          "plaats": r["plaats"]}, bezoek],
            "sbiActiviteiten": [{"sbiCode": r["sbi_code"], "sbiOmschrijving": "hoofdactiviteit", "indHoofdactiviteit": "Ja"}]
            + [{"sbiCode": c, "indHoofdactiviteit": "Nee"} for c in r["sbi_codes_neven"].split("|") if c],
        }
        if r["werkzame_personen"]:
            profiel["totaalWerkzamePersonen"] = int(r["werkzame_personen"])
        out.append(profiel)
    return out


def kvk_csv_with_api_values(canonical: Path, path: Path) -> Path:
    """The canonical KvK CSV with the API's spellings: dates JJJJMMDD, Ja/Nee."""
    rows = _rows(canonical)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "datum_aanvang": _api_date(r["datum_aanvang"]), "datum_einde": _api_date(r["datum_einde"]),
                             "ind_hoofdvestiging": {"J": "Ja", "N": "Nee"}[r["ind_hoofdvestiging"]]})
    return path


def brp_per_object(canonical: Path, bag: Path, path: Path) -> Path:
    """The BRP counts keyed on the verblijfsobject (rubriek 11.80) instead of the nummeraanduiding; an
    address that is no hoofdadres of the BAG keeps an object id that is not in the BAG either."""
    hoofdadres = {r["nummeraanduiding_hoofdadres_identificatie"]: r["identificatie"] for r in _rows(bag)}
    rows = _rows(canonical)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        columns = ["verblijfsobject_id"] + [c for c in rows[0] if c != "nummeraanduiding_id"]
        writer = csv.DictWriter(fh, fieldnames=columns, delimiter=";")
        writer.writeheader()
        for r in rows:
            nid = r.pop("nummeraanduiding_id")
            writer.writerow({"verblijfsobject_id": hoofdadres.get(nid, f"{nid[:4]}01{nid[6:]}"), **r,
                             "peildatum": _api_date(r["peildatum"])})
    return path


def cbs_buurtkaart(path: Path) -> Path:
    """The shipped buurten as a CBS wijk- en buurtkaart GeoPackage (layers gemeenten and buurten, newer names)."""
    import geopandas as gpd

    shipped = gpd.read_file(SHIPPED_BUURTEN)
    buurten = gpd.GeoDataFrame({"buurtcode": shipped["statcode"], "buurtnaam": shipped["statnaam"],
                                "gemeentecode": shipped["gmCode"], "water": "NEE", "aantalInwoners": -99997},
                               geometry=shipped.geometry, crs=shipped.crs)
    gemeenten = gpd.GeoDataFrame({"gemeentecode": ["GM0638"], "gemeentenaam": ["Zoeterwoude"]},
                                 geometry=[shipped.geometry.union_all()], crs=shipped.crs)
    gemeenten.to_file(path, layer="gemeenten", driver="GPKG", engine="pyogrio")
    buurten.to_file(path, layer="buurten", driver="GPKG", engine="pyogrio")
    return path


# --------------------------------------------------------------------------- the inboxes


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    base = tmp_path_factory.mktemp("real_e2e")
    demo = base / "demo"
    out = _cli("demo", "--maanden", "1", "--alleen-genereren", data=demo)
    assert out.returncode == 0, out.stdout + out.stderr
    (maand,) = sorted({p.stem.rsplit("_", 1)[1] for p in (demo / "inbox" / "bag").glob("*.csv")})
    return base, demo, maand


def _variant(base: Path, demo: Path, name: str) -> Path:
    data = base / name
    shutil.copytree(demo / "inbox", data / "inbox")
    return data


@pytest.fixture(scope="module")
def runs(month):
    base, demo, maand = month
    inbox = demo / "inbox"
    bag_csv, kvk_csv, brp_csv = (inbox / "bag" / f"bag_verblijfsobject_{maand}.csv",
                                 inbox / "kvk" / f"kvk_vestigingen_{maand}.csv",
                                 inbox / "brp" / f"brp_adrestellingen_{maand}.csv")
    year, mon = map(int, maand.split("-"))
    facts = fx.facts_from_canonical_csv(bag_csv, stand=f"{maand}-08")
    volgende = f"{year + mon // 12}-{mon % 12 + 1:02d}"  # PDOK's file is downloaded in the next month

    data = {"canoniek": _variant(base, demo, "canoniek")}

    d = data["gpkg_naam"] = _variant(base, demo, "gpkg_naam")
    (d / "inbox" / "bag" / bag_csv.name).unlink()
    fx.write_pdok_gpkg(d / "inbox" / "bag" / f"bag_verblijfsobject_{maand}.gpkg", facts=facts,
                       last_change=f"{maand}-08T04:12:00.000Z")
    (d / "inbox" / "kvk" / kvk_csv.name).unlink()
    (d / "inbox" / "kvk" / f"kvk_vestigingen_{maand}.json").write_text(json.dumps(kvk_profiles(kvk_csv)), encoding="utf-8")
    (d / "inbox" / "brp" / brp_csv.name).unlink()
    brp_per_object(brp_csv, bag_csv, d / "inbox" / "brp" / brp_csv.name)

    d = data["bag_light"] = _variant(base, demo, "bag_light")
    (d / "inbox" / "bag" / bag_csv.name).unlink()
    fx.write_pdok_gpkg(d / "inbox" / "bag" / "bag-light.gpkg", facts=facts, last_change=f"{volgende}-03T04:12:00.000Z")
    kvk_csv_with_api_values(kvk_csv, d / "inbox" / "kvk" / kvk_csv.name)
    (d / "referentie").mkdir()
    cbs_buurtkaart(d / "referentie" / "buurten.gpkg")

    d = data["lvbag"] = _variant(base, demo, "lvbag")
    (d / "inbox" / "bag" / bag_csv.name).unlink()
    fx.write_lvbag_zip(d / "inbox" / "bag" / "lvbag-extract-nl.zip", facts=facts)
    (d / "inbox" / "kvk" / kvk_csv.name).unlink()
    (d / "inbox" / "kvk" / f"kvk_vestigingen_{maand}.jsonl").write_text(
        "\n".join(json.dumps(p) for p in kvk_profiles(kvk_csv)) + "\n", encoding="utf-8")

    outputs = {}
    for name, folder in data.items():
        out = _cli("run", "--maand", maand, data=folder)
        assert out.returncode == 0, f"{name}:\n{out.stdout}\n{out.stderr}"
        outputs[name] = out.stdout
    return maand, data, outputs


def _table(folder: Path, sql: str, maand: str) -> pd.DataFrame:
    con = duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, {"maand": maand}).df()
    finally:
        con.close()


def test_every_format_gives_the_canonical_marts_row_for_row(runs):
    maand, data, _ = runs
    for mart in MARTS:
        expected = _table(data["canoniek"], f"SELECT * FROM {mart} WHERE maand = $maand ORDER BY ALL", maand)
        assert len(expected) > 0, mart
        for name in ("gpkg_naam", "bag_light", "lvbag"):
            got = _table(data[name], f"SELECT * FROM {mart} WHERE maand = $maand ORDER BY ALL", maand)
            pd.testing.assert_frame_equal(got, expected, obj=f"{mart} ({name})")


def test_the_recognised_formats_are_recorded_and_shown(runs):
    maand, data, _ = runs
    sql = "SELECT bron, formaat FROM audit.bronnen_maand WHERE maand = $maand AND formaat IS NOT NULL ORDER BY bron"
    assert _table(data["canoniek"], sql, maand).empty
    assert _table(data["gpkg_naam"], sql, maand).values.tolist() == [
        ["bag_verblijfsobject", "PDOK BAG GeoPackage"], ["brp_adrestellingen", "BRP-aantallen per verblijfsobject"],
        ["kvk_vestigingen", "KvK Vestigingsprofiel-API (JSON)"]]
    assert _table(data["bag_light"], sql, maand).values.tolist() == [
        ["bag_verblijfsobject", "PDOK BAG GeoPackage"], ["kvk_vestigingen", "KvK-CSV met API-waarden"]]
    assert _table(data["lvbag"], sql, maand).values.tolist() == [
        ["bag_verblijfsobject", "LV BAG 2.0-extract"], ["kvk_vestigingen", "KvK Vestigingsprofiel-API (JSON lines)"]]
    log = _table(data["lvbag"], "SELECT bestand, formaat, waarschuwingen FROM audit.validatielog WHERE maand = $maand "
                                "AND bron = 'bag_verblijfsobject'", maand)
    assert log["formaat"].tolist() == ["LV BAG 2.0-extract"]
    # the extract's own date lies in the month, so that is the reason given (bag-light's lies in the next one)
    assert json.loads(log["waarschuwingen"].iloc[0])[0].startswith(
        f"lvbag-extract-nl.zip herkend als LV BAG 2.0-extract; maand {maand}: datum van het extract zelf (StandTechnischeDatum")
    log = _table(data["bag_light"], "SELECT formaat, waarschuwingen FROM audit.validatielog WHERE maand = $maand "
                                    "AND bron = 'bag_verblijfsobject'", maand)
    assert json.loads(log["waarschuwingen"].iloc[0])[0] == (
        f"bag-light.gpkg herkend als PDOK BAG GeoPackage; maand {maand}: maand van de run (--maand).")

    # the footprints are kept; the canonical CSV has none
    panden = "SELECT count(*) AS n FROM staging.bag_pand WHERE maand = $maand"
    assert int(_table(data["canoniek"], panden, maand)["n"].iloc[0]) == 0
    n_objects = int(_table(data["canoniek"], "SELECT count(DISTINCT pand_identificatie) AS n FROM staging.bag_verblijfsobject "
                                             "WHERE maand = $maand", maand)["n"].iloc[0])
    for name in ("gpkg_naam", "bag_light", "lvbag"):
        assert int(_table(data[name], panden, maand)["n"].iloc[0]) == n_objects, name

    # the report's data-quality section names the format
    report = data["bag_light"] / "output" / maand / "maandrapportage.html"
    if report.exists():
        html = report.read_text(encoding="utf-8")
        assert "herkend als PDOK BAG GeoPackage" in html and "herkend als KvK-CSV met API-waarden" in html


def test_status_and_valideer_say_which_month_a_month_less_file_is_filed_under(runs):
    maand, data, _ = runs
    folder = data["bag_light"]
    year, mon = map(int, maand.split("-"))
    volgende = f"{year + mon // 12}-{mon % 12 + 1:02d}"
    status = _cli("status", data=folder)
    assert status.returncode == 0, status.stderr
    assert ("bag/bag-light.gpkg: herkend als PDOK BAG GeoPackage; maand "
            f"{volgende}: datum van de GeoPackage zelf (gpkg_contents.last_change = {volgende}-03T04:12:00.000Z)") in status.stdout
    assert f"{maand} BAG verwerkt als PDOK BAG GeoPackage" in status.stdout
    assert f"{maand} KvK verwerkt als KvK-CSV met API-waarden" in status.stdout

    check = _cli("valideer", str(folder / "inbox" / "bag" / "bag-light.gpkg"), data=folder)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"Formaat: herkend als PDOK BAG GeoPackage; maand {volgende}: datum van de GeoPackage zelf" in check.stdout
    check = _cli("valideer", str(data["gpkg_naam"] / "inbox" / "brp" / f"brp_adrestellingen_{maand}.csv"), data=data["gpkg_naam"])
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Formaat: herkend als BRP-aantallen per verblijfsobject." in check.stdout
    assert "Adressen gecontroleerd tegen" in check.stdout


def test_a_person_column_in_a_real_format_is_still_refused(runs, tmp_path):
    maand, data, _ = runs
    folder = tmp_path / "persoon"
    shutil.copytree(data["gpkg_naam"] / "inbox", folder / "inbox")
    profielen = json.loads((folder / "inbox" / "kvk" / f"kvk_vestigingen_{maand}.json").read_text(encoding="utf-8"))
    profielen[0]["eigenaar"] = {"voornaam": "Jan", "geboortedatum": "19800101"}
    (folder / "inbox" / "kvk" / f"kvk_vestigingen_{maand}.json").write_text(json.dumps(profielen), encoding="utf-8")
    out = _cli("valideer", str(folder / "inbox" / "kvk" / f"kvk_vestigingen_{maand}.json"), data=folder)
    assert out.returncode == 1
    assert "regel 'geen persoonsgegevens (AVG)'" in out.stdout and "Jan" not in out.stdout and "19800101" not in out.stdout

"""The registers' real deliveries at the door: PDOK's BAG GeoPackage, the Kadaster's LV BAG 2.0
extract and the CBS wijk- en buurtkaart give the same canonical rows as the canonical files.

Fixtures are written in the registers' own schemas (tests/real_bag_fixtures.py), small, in the
test's tmp folder.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pandas.testing as pdt
import pytest
import shapely

sys.path.insert(0, str(Path(__file__).parent))
import real_bag_fixtures as fx  # noqa: E402

from data_contracts import validate_file  # noqa: E402
from tests.conftest import synthetic_bsns  # noqa: E402
from data_contracts.formats import (  # noqa: E402
    inbox_entry,
    month_of_delivery,
    recognise,
    validate_delivery,
)
from data_contracts.formats import cbs_buurten  # noqa: E402
from data_contracts.privacy import classify_column_name  # noqa: E402
from data_contracts.reading import Refused  # noqa: E402

TODAY = date(2026, 11, 15)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("real_bag")
    inbox = d / "inbox" / "bag"
    inbox.mkdir(parents=True)
    return {
        "gpkg": fx.write_pdok_gpkg(inbox / "bag-light.gpkg"),
        "lvbag": fx.write_lvbag_zip(d / "lvbag-extract-nl.zip"),
        "csv": fx.write_canonical_csv(d / "bag_verblijfsobject_2026-10.csv"),
        "dir": d,
    }


@pytest.fixture(scope="module")
def canonical(files):
    result = validate_file(files["csv"], "bag_verblijfsobject", gemeente="0638", today=TODAY)
    assert not result.geweigerd, result.meldingen()
    frame = result.frame
    return _comparable(frame[frame["bronhouder_identificatie"] == "0638"])


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="rij").sort_values("identificatie").reset_index(drop=True)


@pytest.mark.parametrize("kind,label", [("gpkg", "herkend als PDOK BAG GeoPackage"), ("lvbag", "herkend als LV BAG 2.0-extract")])
def test_real_delivery_gives_the_canonical_rows(files, canonical, kind, label):
    result, delivery = validate_delivery(files[kind], gemeente="0638", today=TODAY)
    assert not result.geweigerd, result.meldingen()
    pdt.assert_frame_equal(_comparable(result.frame), canonical)
    assert recognise(files[kind]).herkend == label
    assert any(label in w for w in result.waarschuwingen)
    frame = result.frame.set_index("identificatie")
    # the object in two panden is one object, at the lowest pand with that pand's bouwjaar
    assert frame.loc["0638010000000002", "pand_identificatie"] == "0638100000000002"
    assert frame.loc["0638010000000002", "bouwjaar"] == 1965
    assert frame.loc["0638010000000002", "gebruiksdoel"] == "winkelfunctie,woonfunctie"
    assert delivery.kengetallen["meerdere_panden"] == 1
    warning = next(w for w in result.waarschuwingen if "meer dan één pand" in w)
    assert "0638100000000003" in warning and "laagste pandnummer" in warning
    # an address without a postcode is accepted
    assert pd.isna(frame.loc["0638010000000003", "postcode"])
    # the gemeente follows the bronhouder, not the gemeentecode inside the identifier
    assert "0546010000000004" in frame.index and "0638010000000006" not in frame.index
    assert delivery.kengetallen["andere_gemeente"] == 2


def test_lvbag_keeps_the_current_voorkomen(files):
    result, _ = validate_delivery(files["lvbag"], gemeente="0638", today=TODAY)
    frame = result.frame.set_index("identificatie")
    assert frame.loc["0638010000000001", "oppervlakte"] == 85  # not the ended voorkomen's 80


def test_lvbag_selects_the_other_gemeente_by_gem_wpl_relatie(files):
    result, _ = validate_delivery(files["lvbag"], gemeente="0546", today=TODAY)
    assert not result.geweigerd, result.meldingen()
    assert sorted(result.frame["identificatie"]) == ["0546010000000005", "0638010000000006"]


def test_lvbag_without_gem_wpl_relatie_is_refused(tmp_path):
    path = fx.write_lvbag_zip(tmp_path / "lvbag-extract-nl.zip", with_gwr=False)
    result, delivery = validate_delivery(path, gemeente="0638", today=TODAY)
    assert result.geweigerd and delivery is None
    assert "GEM-WPL-RELATIE" in "\n".join(result.meldingen())


def test_month_of_delivery(files):
    assert month_of_delivery(files["gpkg"], "2026-09") == ("2026-09", "maand van de run (--maand)")
    maand, reden = month_of_delivery(files["gpkg"])
    assert maand == "2026-10" and "gpkg_contents.last_change" in reden
    maand, reden = month_of_delivery(files["lvbag"])
    assert maand == "2026-10" and "StandTechnischeDatum" in reden
    source, maand, _, fmt = inbox_entry(files["gpkg"])
    assert (source, maand, fmt.name) == ("bag_verblijfsobject", "2026-10", "pdok_bag_gpkg")
    assert recognise(files["csv"]) is None


def test_pand_footprints_are_kept(files, tmp_path):
    import duckdb

    result, delivery = validate_delivery(files["gpkg"], gemeente="0638", today=TODAY)
    assert sorted(delivery.panden.column("identificatie").to_pylist()) == [
        "0638100000000001", "0638100000000002", "0638100000000003", "0638100000000004"]
    _, from_xml = validate_delivery(files["lvbag"], gemeente="0638", today=TODAY)
    assert from_xml.panden.column("identificatie").to_pylist() == sorted(delivery.panden.column("identificatie").to_pylist())
    from assets.ingest.month import store_bag_extras
    from assets.warehouse import ensure_schema, month_params

    con = duckdb.connect()
    ensure_schema(con)
    tabellen = store_bag_extras(con, month_params("2026-10"), delivery)
    assert tabellen == {"staging.bag_pand": 4, "staging.bag_nevenadres": 0}  # PDOK's bag-light has no nevenadressen
    # the LV BAG lists nevenadressen (stored per object of the month's staging BAG, tests/test_real_formats_e2e.py)
    assert from_xml.nevenadressen.to_pylist() == [
        {"verblijfsobject_id": "0638010000000002", "nummeraanduiding_id": "0638200000000022"}]
    area = con.sql("SELECT geometrie_wkb FROM staging.bag_pand WHERE identificatie = '0638100000000002'").fetchall()[0][0]
    assert shapely.from_wkb(bytes(area)).area == pytest.approx(100.0)


def test_person_columns_are_refused_and_register_columns_are_not(tmp_path):
    for name in ("openbare_ruimte_naam_kort", "openbare_ruimte_identificatie", "woonplaats_identificatie",
                 "BU_NAAM", "statnaam", "buurtnaam"):
        assert classify_column_name(name) is None, name
    for name in ("voornaam", "achternaam", "geslachtsnaam", "bsn", "geboortedatum", "nationaliteit"):
        assert classify_column_name(name) == "persoon", name
    n = sum(len(v[10]) for v in fx.VBO)
    path = fx.write_pdok_gpkg(tmp_path / "bag-light.gpkg", extra_columns={"voornaam": ["Jan"] * n})
    result, delivery = validate_delivery(path, gemeente="0638", today=TODAY)
    assert result.geweigerd and delivery is None
    text = "\n".join(result.meldingen())
    assert "voornaam" in text and "persoonsgegevens" in text and "Jan" not in text


def test_bsn_values_in_a_published_column_are_refused(tmp_path):
    n = sum(len(v[10]) for v in fx.VBO)
    path = fx.write_pdok_gpkg(tmp_path / "bag-light.gpkg", extra_columns={"rdf_seealso": synthetic_bsns(1) * n})
    result, _ = validate_delivery(path, gemeente="0638", today=TODAY)
    assert result.geweigerd
    assert "burgerservicenummer" in "\n".join(result.meldingen())


def test_gpkg_without_the_gemeente_is_refused(files):
    result, _ = validate_delivery(files["gpkg"], gemeente="0363", today=TODAY)
    assert result.geweigerd
    text = "\n".join(result.meldingen())
    assert "0363" in text and "0638" in text


# --------------------------------------------------------------------------- CBS wijk- en buurtkaart


def _buurtkaart(path: Path, generation: str) -> Path:
    squares = [shapely.box(96000, 458000, 97000, 459000), shapely.box(97000, 458000, 98000, 459000),
               shapely.box(96000, 459000, 98000, 460000), shapely.box(93000, 463000, 94000, 464000)]
    rows = [("BU06380001", "Westwout", "WK063800", "GM0638", "Zoeterwoude", "NEE"),
            ("BU06380002", "Dorp", "WK063800", "GM0638", "Zoeterwoude", "NEE"),
            ("BU06380009", "Oude Rijn", "WK063800", "GM0638", "Zoeterwoude", "JA"),
            ("BU05460101", "Pieterswijk", "WK054601", "GM0546", "Leiden", "NEE")]
    if generation == "oud":
        names = ["BU_CODE", "BU_NAAM", "WK_CODE", "GM_CODE", "GM_NAAM", "WATER"]
    else:
        names = ["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam", "water"]
    buurten = gpd.GeoDataFrame(pd.DataFrame(rows, columns=names), geometry=squares, crs=28992)
    buurten["AANT_INW" if generation == "oud" else "aantalInwoners"] = [1200, -99997, -99995, 800]
    gemeenten = gpd.GeoDataFrame({names[3]: ["GM0638", "GM0546"], names[4]: ["Zoeterwoude", "Leiden"]},
                                 geometry=[shapely.box(96000, 458000, 98000, 460000), squares[3]], crs=28992)
    layer = "cbs_buurten_2018" if generation == "oud" else "buurten"
    gemeenten.to_file(path, layer="gemeenten" if generation != "oud" else "cbs_gemeente_2018", driver="GPKG", engine="pyogrio")
    buurten.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    return path


def test_cbs_buurtkaart_both_generations_give_the_same_buurten(tmp_path):
    old = cbs_buurten.read(_buurtkaart(tmp_path / "wijkenbuurten_2018.gpkg", "oud"), gemeente="0638")
    new = cbs_buurten.read(_buurtkaart(tmp_path / "wijkenbuurten_2024.gpkg", "nieuw"), gemeente="0638")
    for read in (old, new):
        assert list(read.frame.columns) == ["buurtcode", "buurtnaam", "gemeentecode", "geometry"]
        assert read.frame["buurtcode"].tolist() == ["BU06380001", "BU06380002"]  # the water buurt is left out
        assert read.frame["gemeentecode"].tolist() == ["GM0638", "GM0638"]
        assert any("WATER = 'JA'" in w for w in read.waarschuwingen)
    pdt.assert_frame_equal(old.frame.drop(columns="geometry"), new.frame.drop(columns="geometry"))
    assert all(shapely.equals(a, b) for a, b in zip(old.frame["geometry"], new.frame["geometry"]))
    assert recognise(tmp_path / "wijkenbuurten_2024.gpkg").herkend == "herkend als CBS wijk- en buurtkaart"


def test_cbs_file_without_buurten_is_refused_in_dutch(tmp_path):
    path = tmp_path / "gemeenten.gpkg"
    gpd.GeoDataFrame({"GM_CODE": ["GM0638"], "GM_NAAM": ["Zoeterwoude"]},
                     geometry=[shapely.box(0, 0, 1, 1)], crs=28992).to_file(path, layer="gemeenten", driver="GPKG",
                                                                           engine="pyogrio")
    with pytest.raises(Refused) as refused:
        cbs_buurten.read(path)
    assert "geen buurtenlaag" in str(refused.value) and "gemeenten" in str(refused.value)

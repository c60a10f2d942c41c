"""Real KvK, BRP and SHOP deliveries at the door give the canonical frames and counts.

Fixtures follow the registers' own schemas (/work/shared/REAL_FORMATS.md): the KvK
Vestigingsprofiel API v1 (OpenAPI 1.4: camelCase, nested, Ja/Nee, dates JJJJMMDD, sbiCode as
text), BRP counts keyed on BRP rubriek 11.80 (the verblijfsobject) and the SHOP table as the
policy prints it. They are written here by hand, not from the project's contracts.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from assets.ingest.received import load_staging
from assets.warehouse import ensure_schema, month_params, replace_month
from data_contracts import validate_file, validate_slachtoffers
from tests.conftest import synthetic_bsns
from data_contracts.formats import brp_object, kvk_api
from data_contracts.formats.shop_names import parse_name

TODAY = date(2026, 11, 15)
MAAND = "2026-10"
ROOT = Path(__file__).resolve().parents[1]
REFERENCE_SHOP = ROOT / "assets" / "reference" / "slachtoffers_shop_hollands-midden_2018-2022.csv"

# --------------------------------------------------------------------------- KvK


def _profielen() -> list[dict]:
    """Three Vestigingsprofiel responses as the API returns them (geoData=true)."""
    return [
        {
            "vestigingsnummer": "000012345678", "kvkNummer": "01234567", "rsin": "001234567",
            "indNonMailing": "Nee", "formeleRegistratiedatum": "20170510",
            "materieleRegistratie": {"datumAanvang": "20170512"},
            "eersteHandelsnaam": "Bakkerij De Dorpsstraat", "indHoofdvestiging": "Ja", "indCommercieleVestiging": "Ja",
            "voltijdWerkzamePersonen": 3, "deeltijdWerkzamePersonen": 1, "totaalWerkzamePersonen": 4,
            "handelsnamen": [{"naam": "Bakkerij De Dorpsstraat", "volgorde": 0}],
            "adressen": [
                {"type": "correspondentieadres", "indAfgeschermd": "Nee", "volledigAdres": "Postbus 123 2380AA Zoeterwoude",
                 "postbusnummer": 123, "postcode": "2380AA", "plaats": "Zoeterwoude", "land": "Nederland"},
                {"type": "bezoekadres", "indAfgeschermd": "Nee", "volledigAdres": "Dorpsstraat 12 A 2381AB Zoeterwoude",
                 "straatnaam": "Dorpsstraat", "huisnummer": 12, "huisletter": "A", "postcode": "2381AB",
                 "plaats": "Zoeterwoude", "land": "Nederland",
                 "geoData": {"addresseerbaarObjectId": "0638010000012345", "nummerAanduidingId": "0638200000012345",
                             "gpsLatitude": 52.132, "gpsLongitude": 4.495, "rijksdriehoekX": 97012.0,
                             "rijksdriehoekY": 460150.0, "rijksdriehoekZ": 0.0}},
            ],
            "websites": ["www.bakkerij-dorpsstraat.nl"],
            "sbiActiviteiten": [
                {"sbiCode": "1071", "sbiOmschrijving": "Vervaardiging van brood en van vers banketbakkerswerk", "indHoofdactiviteit": "Ja"},
                {"sbiCode": "01241", "sbiOmschrijving": "Teelt van appels en peren", "indHoofdactiviteit": "Nee"},
                {"sbiCode": "4120", "sbiOmschrijving": "Algemene burgerlijke en utiliteitsbouw", "indHoofdactiviteit": "Nee"},
            ],
            "links": [{"rel": "self", "href": "https://api.kvk.nl/api/v1/vestigingsprofielen/000012345678"}],
        },
        {
            "vestigingsnummer": "000087654321", "kvkNummer": "07654321",
            "materieleRegistratie": {"datumAanvang": "20200301", "datumEinde": "20260115"},
            "eersteHandelsnaam": "Loonbedrijf Weipoort", "indHoofdvestiging": "Nee", "indCommercieleVestiging": "Ja",
            "totaalWerkzamePersonen": 0,
            "adressen": [{"type": "bezoekadres", "indAfgeschermd": "Nee", "straatnaam": "Weipoortseweg", "huisnummer": 3,
                          "huisnummerToevoeging": "bis", "postcode": "2381NA", "plaats": "Zoeterwoude", "land": "Nederland"}],
            "sbiActiviteiten": [{"sbiCode": "7810", "sbiOmschrijving": "Arbeidsbemiddeling", "indHoofdactiviteit": "Ja"}],
        },
        {
            "vestigingsnummer": "000011112222", "kvkNummer": "01112222",
            "materieleRegistratie": {"datumAanvang": "19991231"},
            "eersteHandelsnaam": "Uitzendbureau Aan de Vliet", "indHoofdvestiging": "Ja", "totaalWerkzamePersonen": 25,
            "adressen": [{"type": "bezoekadres", "straatnaam": "Vlietweg", "huisnummer": 7, "postcode": "2382AB",
                          "plaats": "Zoeterwoude",
                          "geoData": {"addresseerbaarObjectId": "0638020000000456"}}],  # a ligplaats: matched by address
            "sbiActiviteiten": [{"sbiCode": "78201", "sbiOmschrijving": "Uitzendbureaus", "indHoofdactiviteit": "Ja"}],
        },
    ]


HEADER = ("vestigingsnummer;kvk_nummer;sbi_code;sbi_codes_neven;straatnaam;huisnummer;huisletter;huisnummer_toevoeging;"
          "postcode;plaats;verblijfsobject_id;werkzame_personen;datum_aanvang;datum_einde;ind_hoofdvestiging\n")
CANONICAL_ROWS = (
    "000012345678;01234567;1071;01241|4120;Dorpsstraat;12;A;;2381AB;Zoeterwoude;0638010000012345;4;2017-05-12;;J\n"
    "000087654321;07654321;7810;;Weipoortseweg;3;;bis;2381NA;Zoeterwoude;;0;2020-03-01;2026-01-15;N\n"
    "000011112222;01112222;78201;;Vlietweg;7;;;2382AB;Zoeterwoude;;25;1999-12-31;;J\n"
)
API_VALUE_ROWS = (  # the same facts with the API's spellings
    "000012345678;01234567;1071;01241|4120;Dorpsstraat;12;A;;2381AB;Zoeterwoude;0638010000012345;4;20170512;;Ja\n"
    "000087654321;07654321;7810;;Weipoortseweg;3;;bis;2381NA;Zoeterwoude;;0;20200301;20260115;Nee\n"
    "000011112222;01112222;78201;;Vlietweg;7;;;2382AB;Zoeterwoude;;25;19991231;;Ja\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _canonical_kvk(tmp_path: Path, rows: str = CANONICAL_ROWS):
    path = _write(tmp_path / "canoniek" / "kvk", f"kvk_vestigingen_{MAAND}.csv", HEADER + rows)
    result = validate_file(path, today=TODAY)
    assert not result.geweigerd, result.meldingen()
    return result.frame


def test_api_json_jsonlines_and_api_value_csv_give_the_canonical_frame(tmp_path):
    canonical = _canonical_kvk(tmp_path)
    profielen = _profielen()
    deliveries = {
        "KvK Vestigingsprofiel-API (JSON)":
            _write(tmp_path / "json" / "kvk", f"kvk_vestigingen_{MAAND}.json", json.dumps(profielen, indent=1)),
        "KvK Vestigingsprofiel-API (JSON lines)":
            _write(tmp_path / "jsonl" / "kvk", f"kvk_vestigingen_{MAAND}.jsonl", "\n".join(json.dumps(p) for p in profielen) + "\n"),
        "KvK-CSV met API-waarden": _write(tmp_path / "csv" / "kvk", f"kvk_vestigingen_{MAAND}.csv", HEADER + API_VALUE_ROWS),
    }
    for label, path in deliveries.items():
        result = kvk_api.validate(path, today=TODAY)
        assert not result.geweigerd, result.meldingen()
        pd.testing.assert_frame_equal(result.frame, canonical)
        assert f"{path.name} herkend als {label}." in result.waarschuwingen
    # the canonical file itself is not "recognised" as another format
    assert not any("herkend als" in w for w in kvk_api.validate(
        tmp_path / "canoniek" / "kvk" / f"kvk_vestigingen_{MAAND}.csv", today=TODAY).waarschuwingen)


def test_api_json_keeps_only_the_bezoekadres_and_no_trade_names(tmp_path):
    path = _write(tmp_path / "kvk", f"kvk_vestigingen_{MAAND}.json", json.dumps(_profielen()))
    result = kvk_api.validate(path, today=TODAY)
    frame = result.frame
    assert frame["postcode"].tolist() == ["2381AB", "2381NA", "2382AB"]  # not the postbus 2380AA
    assert frame["sbi_code"].tolist() == ["1071", "7810", "78201"] and frame.at[0, "sbi_codes_neven"] == "01241|4120"
    text = frame.astype(str).to_numpy().ravel().tolist()
    assert not any("Bakkerij" in v or "Postbus" in v or "kvk.nl" in v for v in text)
    assert any("ligplaats- of standplaats-id" in w for w in result.waarschuwingen)


def test_kvk_csv_without_the_optional_columns_is_accepted(tmp_path):
    canonical = _canonical_kvk(tmp_path, CANONICAL_ROWS.replace(";01241|4120;", ";;").replace(";4;2017", ";;2017")
                               .replace(";0;2020", ";;2020").replace(";25;1999", ";;1999"))
    header = HEADER.replace("sbi_codes_neven;", "").replace("werkzame_personen;", "")
    rows = "".join(";".join(v for i, v in enumerate(line.split(";")) if i not in (3, 11)) + "\n"
                   for line in API_VALUE_ROWS.splitlines())
    path = _write(tmp_path / "kvk", f"kvk_vestigingen_{MAAND}.csv", header + rows)
    result = kvk_api.validate(path, today=TODAY)
    assert not result.geweigerd, result.meldingen()
    pd.testing.assert_frame_equal(result.frame, canonical)
    assert any("'sbi_codes_neven', 'werkzame_personen' ontbreken" in w for w in result.waarschuwingen)
    # the door itself reads it so (validate_file is what the monthly run and valideer call)
    result = validate_file(path, today=TODAY)
    assert not result.geweigerd and result.formaat == "KvK-CSV met API-waarden"


def test_api_json_with_person_data_is_refused(tmp_path):
    (bsn,) = synthetic_bsns(1)
    named = _profielen()
    named[1]["eigenaar"] = {"bsn": bsn, "geboortedatum": "19800101"}
    named[2]["geboortedatum"] = "19800101"
    path = _write(tmp_path / "a" / "kvk", f"kvk_vestigingen_{MAAND}.json", json.dumps(named))
    result = kvk_api.validate(path, today=TODAY)
    assert result.geweigerd and result.frame is None
    messages = "\n".join(result.meldingen())
    assert "kolom 'geboortedatum', regel 'geen persoonsgegevens (AVG)'" in messages
    assert "kolom 'eigenaar.bsn', regel 'geen persoonsgegevens (AVG)'" in messages
    assert bsn not in messages and "19800101" not in messages

    hidden = _profielen()
    for p in hidden:
        p["kenmerk"] = bsn  # 9 digits passing the 11-test under an innocent name
    path = _write(tmp_path / "b" / "kvk", f"kvk_vestigingen_{MAAND}.jsonl", "\n".join(json.dumps(p) for p in hidden))
    result = kvk_api.validate(path, today=TODAY)
    assert result.geweigerd and "regel 'geen BSN's (AVG)'" in "\n".join(result.meldingen())
    assert bsn not in "\n".join(result.meldingen())


def test_broken_json_is_refused_in_dutch(tmp_path):
    path = _write(tmp_path / "kvk", f"kvk_vestigingen_{MAAND}.json", json.dumps(_profielen())[:300])
    result = kvk_api.validate(path, today=TODAY)
    assert result.geweigerd
    assert "geen geldige JSON" in result.meldingen()[0] or "kan niet gelezen worden" in result.meldingen()[0]


# --------------------------------------------------------------------------- BRP

V = [f"06380100000000{i:02d}" for i in range(1, 7)]  # verblijfsobjecten
N = [f"06382000000000{i:02d}" for i in range(1, 7)]  # their hoofdadressen
NEVEN = "0638200000000022"  # a nevenadres of V[1]
BRP_HEADER = "peildatum;ingeschrevenen;briefadressen;inschrijvingen;uitschrijvingen;vertrokken_onbekend\n"


def _bag(con) -> None:
    con.execute(
        "INSERT INTO staging.bag_verblijfsobject (maand, identificatie, nummeraanduiding_hoofdadres_identificatie, "
        "is_woning, buurtcode) SELECT $maand, unnest($v), unnest($n), true, 'BU06380000'",
        {"maand": MAAND, "v": V, "n": N},
    )
    con.execute("INSERT INTO staging.bag_nevenadres VALUES ($maand, $v, $n)", {"maand": MAAND, "v": V[1], "n": NEVEN})


def _reference_addresses() -> pd.DataFrame:
    """What the ingest passes to the contract: hoofdadressen plus nevenadressen (not counted as woningen again)."""
    return pd.DataFrame({"nummeraanduiding_id": N + [NEVEN], "verblijfsobject_id": V + [V[1]],
                         "is_woning": [True] * len(V) + [False]})


def _staged(frame: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_schema(con)
    _bag(con)
    load_staging(con, "brp_adrestellingen", frame, month_params(MAAND), "x")
    return con


PER_OBJECT_SQL = ("SELECT verblijfsobject_id, nummeraanduiding_id, ingeschrevenen, briefadressen, inschrijvingen, "
                  "uitschrijvingen, vertrokken_onbekend FROM staging.brp_adrestellingen WHERE maand = $maand ORDER BY 1")


def test_brp_per_verblijfsobject_and_per_nummeraanduiding_give_the_same_object_counts(tmp_path):
    # V[1] has nobody on its hoofdadres and three residents on its nevenadres.
    per_adres = _write(tmp_path / "adres" / "brp", f"brp_adrestellingen_{MAAND}.csv", "nummeraanduiding_id;" + BRP_HEADER
                       + f"{N[0]};2026-10-31;2;0;1;0;0\n{N[1]};2026-10-31;0;1;0;0;0\n{NEVEN};2026-10-31;3;0;3;0;0\n"
                       + "".join(f"{n};2026-10-31;1;0;0;1;1\n" for n in N[2:]))
    per_object = _write(tmp_path / "object" / "brp", f"brp_adrestellingen_{MAAND}.csv", "verblijfsobject_id;" + BRP_HEADER
                        + f"{V[0]};20261031;2;0;1;0;0\n{V[1]};20261031;3;1;3;0;0\n"
                        + "".join(f"{v};20261031;1;0;0;1;1\n" for v in V[2:]))
    assert brp_object.recognise(per_object) and not brp_object.recognise(per_adres)

    a = validate_file(per_adres, bag_hoofdadressen=_reference_addresses(), today=TODAY)
    b = brp_object.validate(per_object, bag_objecten=_reference_addresses(), today=TODAY)
    assert not a.geweigerd and not b.geweigerd, a.meldingen() + b.meldingen()
    assert len(a.quarantaine) == 0  # the nevenadres is an address of the month's BAG
    assert f"{per_object.name} herkend als BRP-aantallen per verblijfsobject." in b.waarschuwingen

    con_a, con_b = _staged(a.frame), _staged(b.frame)
    counts_a = con_a.execute(PER_OBJECT_SQL, {"maand": MAAND}).df()
    counts_b = con_b.execute(PER_OBJECT_SQL, {"maand": MAAND}).df()
    pd.testing.assert_frame_equal(counts_a, counts_b)
    assert counts_a["verblijfsobject_id"].tolist() == V  # one row per object, keyed on its hoofdadres
    assert counts_a["nummeraanduiding_id"].tolist() == N
    assert counts_a.loc[1, "ingeschrevenen"] == 3  # the nevenadres residents live in V[1]

    # the inhabited object does not look vacant
    for con in (con_a, con_b):
        replace_month(con, "marts.leegstand", month_params(MAAND))
        leeg = con.execute("SELECT verblijfsobject_id FROM marts.leegstand WHERE maand = $maand AND leegstand",
                           {"maand": MAAND}).fetchall()
        assert leeg == []


def test_brp_object_outside_the_bag_is_quarantined(tmp_path):
    stranger = "0638010000009999"
    path = _write(tmp_path / "brp", f"brp_adrestellingen_{MAAND}.csv", "verblijfsobject_id;" + BRP_HEADER
                  + "".join(f"{v};2026-10-31;1;0;0;0;0\n" for v in V) + f"{stranger};2026-10-31;4;0;4;0;0\n")
    result = brp_object.validate(path, bag_objecten=_reference_addresses(), today=TODAY)
    assert not result.geweigerd, result.meldingen()
    assert result.frame["verblijfsobject_id"].tolist() == V
    assert result.quarantaine["waarde"].tolist() == [stranger]
    assert "geen verblijfsobject in de BAG van gemeente 0638" in result.quarantaine.at[0, "reden"]


def test_brp_object_file_with_a_nummeraanduiding_in_the_key_column_is_refused(tmp_path):
    path = _write(tmp_path / "brp", f"brp_adrestellingen_{MAAND}.csv", "verblijfsobject_id;" + BRP_HEADER
                  + f"{N[0]};2026-10-31;1;0;0;0;0\n")
    result = brp_object.validate(path, today=TODAY)
    assert result.geweigerd
    assert "positie 5-6 = 01 (verblijfsobject)" in result.meldingen()[0]


# --------------------------------------------------------------------------- SHOP / CoMensha


@pytest.mark.parametrize("name", [
    "slachtoffers_shop_hollands_midden_breed.csv",
    "Slachtoffers SHOP Hollands-Midden 2018-2022.csv",
    "slachtoffers-SHOP-hollands-midden.csv",
    "slachtoffers_shop_hollands-midden_2018-2022.csv",
])
def test_shop_table_names_are_recognised(tmp_path, name):
    reference = validate_slachtoffers([REFERENCE_SHOP], today=TODAY).frame.drop(columns="bestand")
    path = tmp_path / "slachtoffers" / name
    path.parent.mkdir()
    path.write_bytes(REFERENCE_SHOP.read_bytes())
    result = validate_slachtoffers([path], today=TODAY)
    assert not result.geweigerd, result.meldingen()
    pd.testing.assert_frame_equal(result.frame.drop(columns="bestand"), reference)
    labelled = any("herkend als SHOP-cijfers voor regio Hollands Midden" in w for w in result.waarschuwingen)
    assert labelled == (name != REFERENCE_SHOP.name)


def test_shop_table_as_the_policy_prints_it(tmp_path):
    # Tabel 1 of the policy: no name above the first column, a Totaal row.
    printed = REFERENCE_SHOP.read_text(encoding="utf-8").replace("uitbuitingsvorm;", ";", 1)
    path = _write(tmp_path / "slachtoffers", "slachtoffers_shop_hollands_midden_breed.csv", printed)
    result = validate_slachtoffers([path], today=TODAY)
    assert not result.geweigerd, result.meldingen()
    assert len(result.frame) == 25 and int(result.frame["aantal"].sum()) == 34


@pytest.mark.parametrize("name, fragment", [
    ("slachtoffers_shop_den_haag_zoeterwoude.csv", "welke regio bedoelt u, 'Den Haag' of 'Zoeterwoude'?"),
    ("slachtoffers_shop_comensha_hollands_midden.csv", "gaat het om 'SHOP' of 'CoMensha'?"),
    ("slachtoffers_shop_hollands_midden_noord.csv", "'Hollands Midden' of 'Hollands Midden Noord'?"),
])
def test_ambiguous_shop_names_get_a_dutch_question(tmp_path, name, fragment):
    path = _write(tmp_path / "slachtoffers", name, REFERENCE_SHOP.read_text(encoding="utf-8"))
    result = validate_slachtoffers([path], today=TODAY)
    assert result.geweigerd
    message = result.meldingen()[0]
    assert fragment in message and "Wat te doen: Hernoem het bestand" in message


def test_shop_names_other_regions_and_missing_bron():
    assert (parse_name("slachtoffers_comensha_zoeterwoude.csv").regio, parse_name("slachtoffers-comensha-Zoeterwoude").bron) \
        == ("Zoeterwoude", "CoMensha")
    other = parse_name("slachtoffers_comensha_utrecht_2021.csv")  # a region the reference data does not know
    assert (other.bron, other.regio, other.jaren) == ("CoMensha", "Utrecht", (2021, 2021))
    assert parse_name("slachtoffers_politie_hollands-midden.csv").probleem == "bron 'politie' is geen SHOP of CoMensha"

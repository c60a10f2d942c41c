"""Generate the contract test corpus: small good Zoeterwoude samples and bad variants of them.

    python tests/contract_corpus/generate.py        # rewrites goed/, fout/ and cases.yaml

Every case is a concrete file (or two, for slachtoffers) plus what the contract must say about
it, in cases.yaml. Output is deterministic; tests/test_contracts.py checks that the committed
corpus equals a fresh generation. No value here is a 9-digit number passing the BSN 11-test:
BSN cases are generated at test time (see the fixture in tests/test_contracts.py).

The reference date of the corpus is 2026-11-15 (tests pass it as `today`); files are for 2026-10.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TODAY = "2026-11-15"
MAAND = "2026-10"

BAG_COLUMNS = [
    "identificatie", "nummeraanduiding_hoofdadres_identificatie", "openbare_ruimte_naam", "huisnummer", "huisletter",
    "toevoeging", "postcode", "woonplaats_naam", "gebruiksdoel", "oppervlakte", "status", "pand_identificatie",
    "bouwjaar", "bronhouder_identificatie", "x", "y",
]
BRP_COLUMNS = ["nummeraanduiding_id", "peildatum", "ingeschrevenen", "briefadressen", "inschrijvingen",
               "uitschrijvingen", "vertrokken_onbekend"]
KVK_COLUMNS = ["vestigingsnummer", "kvk_nummer", "sbi_code", "sbi_codes_neven", "straatnaam", "huisnummer", "huisletter",
               "huisnummer_toevoeging", "postcode", "plaats", "verblijfsobject_id", "werkzame_personen", "datum_aanvang",
               "datum_einde", "ind_hoofdvestiging"]

# (street, first house number, postcode prefix, woonplaats, rd x, rd y)
STREETS = [
    ("Dorpsstraat", 2, "2382 A", "Zoeterwoude-Dorp", 97310, 461020),
    ("Noordbuurtseweg", 5, "2382 L", "Zoeterwoude-Dorp", 97650, 461700),
    ("Hoge Rijndijk", 180, "2381 A", "Zoeterwoude-Rijndijk", 96240, 463620),
    ("Zuidbuurtseweg", 11, "2382 M", "Zoeterwoude-Dorp", 97020, 460310),
]
WONING = "Verblijfsobject in gebruik"


def vbo_id(i: int) -> str:
    return f"063801000010{i:04d}"


def na_id(i: int) -> str:
    return f"063820000010{i:04d}"


def pand_id(i: int) -> str:
    return f"063810000020{i:04d}"


def bag_rows() -> list[dict]:
    """20 verblijfsobjecten: 17 woningen, an office, a shop with a flat above it, a sports hall."""
    rows = []
    for i in range(1, 21):
        street, first, pc, plaats, x, y = STREETS[(i - 1) % len(STREETS)]
        n = (i - 1) // len(STREETS)
        doel, opp, status = "woonfunctie", 60 + (i * 7) % 90, WONING
        if i == 6:
            doel, opp = "kantoorfunctie", 240
        elif i == 7:
            doel, opp = "woonfunctie,winkelfunctie", 135
        elif i == 15:
            doel, opp = "sportfunctie", 910
        elif i == 18:
            status = "Verblijfsobject in gebruik (niet ingemeten)"
        rows.append({
            "identificatie": vbo_id(i),
            "nummeraanduiding_hoofdadres_identificatie": na_id(i),
            "openbare_ruimte_naam": street,
            "huisnummer": str(first + 2 * n),
            "huisletter": "A" if i == 9 else "",
            "toevoeging": "1" if i == 10 else "",
            "postcode": f"{pc}{'ABCDEFGHJK'[n]}",
            "woonplaats_naam": plaats,
            "gebruiksdoel": doel,
            "oppervlakte": str(opp),
            "status": status,
            "pand_identificatie": pand_id(i),
            "bouwjaar": str(1928 + (i * 13) % 95),
            "bronhouder_identificatie": "0638",
            "x": f"{x + 11 * n}.{i % 10}",
            "y": f"{y + 17 * n}.{(i * 3) % 10}",
        })
    return rows


def brp_rows() -> list[dict]:
    """One row per occupied address: 16 of the 18 woningen (11 % vacant) plus a briefadres at the office."""
    rows = []
    for i in range(1, 21):
        if i in (15, 19, 20):  # sports hall, two vacant dwellings
            continue
        ingeschrevenen = 0 if i == 6 else 1 + (i * 5) % 4
        uit = 1 if i in (3, 11) else 0
        rows.append({
            "nummeraanduiding_id": na_id(i),
            "peildatum": "2026-10-31",
            "ingeschrevenen": str(ingeschrevenen),
            "briefadressen": "2" if i == 6 else "0",
            "inschrijvingen": "1" if i in (4, 12) else "0",
            "uitschrijvingen": str(uit),
            "vertrokken_onbekend": "1" if i == 11 else "0",
        })
    return rows


def kvk_rows() -> list[dict]:
    return [
        {"vestigingsnummer": "000031245786", "kvk_nummer": "28094512", "sbi_code": "4120", "sbi_codes_neven": "4332",
         "straatnaam": "Dorpsstraat", "huisnummer": "4", "huisletter": "", "huisnummer_toevoeging": "",
         "postcode": "2382AB", "plaats": "Zoeterwoude", "verblijfsobject_id": vbo_id(5), "werkzame_personen": "3",
         "datum_aanvang": "2014-03-01", "datum_einde": "", "ind_hoofdvestiging": "J"},
        {"vestigingsnummer": "000038911204", "kvk_nummer": "61723408", "sbi_code": "7820", "sbi_codes_neven": "",
         "straatnaam": "Hoge Rijndijk", "huisnummer": "180", "huisletter": "", "huisnummer_toevoeging": "",
         "postcode": "2381AA", "plaats": "Zoeterwoude", "verblijfsobject_id": "", "werkzame_personen": "12",
         "datum_aanvang": "2019-09-16", "datum_einde": "", "ind_hoofdvestiging": "J"},
        {"vestigingsnummer": "000054002318", "kvk_nummer": "70341985", "sbi_code": "9602", "sbi_codes_neven": "",
         "straatnaam": "Noordbuurtseweg", "huisnummer": "7", "huisletter": "", "huisnummer_toevoeging": "",
         "postcode": "2382LB", "plaats": "Zoeterwoude", "verblijfsobject_id": "", "werkzame_personen": "1",
         "datum_aanvang": "2021-05-10", "datum_einde": "2025-12-31", "ind_hoofdvestiging": "J"},
        {"vestigingsnummer": "000012706533", "kvk_nummer": "28017743", "sbi_code": "0113", "sbi_codes_neven": "0161|4631",
         "straatnaam": "Zuidbuurtseweg", "huisnummer": "15", "huisletter": "", "huisnummer_toevoeging": "",
         "postcode": "2382MC", "plaats": "Zoeterwoude", "verblijfsobject_id": "", "werkzame_personen": "9",
         "datum_aanvang": "1987-01-01", "datum_einde": "", "ind_hoofdvestiging": "J"},
        {"vestigingsnummer": "000041187720", "kvk_nummer": "65520174", "sbi_code": "5610", "sbi_codes_neven": "",
         "straatnaam": "Dorpsstraat", "huisnummer": "8", "huisletter": "", "huisnummer_toevoeging": "",
         "postcode": "2382AC", "plaats": "Zoeterwoude", "verblijfsobject_id": "", "werkzame_personen": "",
         "datum_aanvang": "2016-06-01", "datum_einde": "", "ind_hoofdvestiging": "N"},
    ]


def rni_rows() -> list[dict]:
    return [
        {"maand": MAAND, "nummeraanduiding_id": na_id(3), "inschrijvingen": "4"},
        {"maand": MAAND, "nummeraanduiding_id": na_id(11), "inschrijvingen": "2"},
        {"maand": MAAND, "nummeraanduiding_id": "", "inschrijvingen": "9"},
        {"maand": MAAND, "nummeraanduiding_id": "", "inschrijvingen": "6"},
    ]


def woz_rows() -> list[dict]:
    return [{"verblijfsobject_id": vbo_id(i), "gebruik": ("eigenaar", "huurder", "geen")[i % 3]} for i in range(1, 9)]


def signalen_rows() -> list[dict]:
    return [
        {"signaal_id": "SIG-2026-0041", "datum": "2026-10-03", "nummeraanduiding_id": na_id(3), "bron": "wijkagent",
         "soort": "arbeidsuitbuiting", "geverifieerd": "J"},
        {"signaal_id": "SIG-2026-0042", "datum": "2026-10-17", "nummeraanduiding_id": na_id(11), "bron": "melding",
         "soort": "overig", "geverifieerd": "N"},
        {"signaal_id": "SIG-2026-0043", "datum": "2026-10-31", "nummeraanduiding_id": na_id(7), "bron": "RIEC",
         "soort": "seksuele uitbuiting", "geverifieerd": "J"},
    ]


def controles_rows() -> list[dict]:
    return [
        {"controle_id": "CTR-2026-0017", "datum": "2026-10-08", "nummeraanduiding_id": na_id(3),
         "aanleiding": "risicolijst", "uitkomst": "overbewoning"},
        {"controle_id": "CTR-2026-0018", "datum": "2026-10-22", "nummeraanduiding_id": na_id(8),
         "aanleiding": "steekproef", "uitkomst": "geen bijzonderheden"},
    ]


def besluiten_rows() -> list[dict]:
    return [
        {"nummeraanduiding_id": na_id(3), "soort_voorstel": "risicolijst", "besluit": "controle", "reden": "",
         "notitie": "samen met de brandweer", "datum": "2026-11-12"},
        {"nummeraanduiding_id": na_id(8), "soort_voorstel": "steekproef", "besluit": "geen controle",
         "reden": "recent gecontroleerd", "notitie": "", "datum": "2026-11-12"},
        {"nummeraanduiding_id": na_id(11), "soort_voorstel": "overleg", "besluit": "controle",
         "reden": "eigen signaal van het overleg", "notitie": "", "datum": "2026-11-12"},
    ]


SLACHTOFFERS_LONG = [
    {"bron": "CoMensha", "regio": "Zoeterwoude", "jaar": "2021", "uitbuitingsvorm": "arbeidsuitbuiting", "aantal": "1"},
    {"bron": "SHOP", "regio": "Hollands Midden", "jaar": "2021", "uitbuitingsvorm": "seksuele uitbuiting", "aantal": "2"},
]
SHOP_WIDE = [
    ["uitbuitingsvorm", "2018", "2019", "2020", "2021", "2022"],
    ["Arbeidsuitbuiting", "0", "4", "3", "0", "0"],
    ["Seksuele uitbuiting", "0", "1", "5", "2", "6"],
    ["Criminele uitbuiting", "0", "1", "0", "6", "1"],
    ["Criminele/seksuele uitbuiting", "0", "0", "1", "2", "0"],
    ["Onbekend", "0", "1", "1", "0", "0"],
    ["Totaal", "0", "7", "10", "10", "7"],
]


# --------------------------------------------------------------------------- writing


def to_csv(rows, columns=None, sep=";", header=True) -> str:
    if rows and isinstance(rows[0], dict):
        columns = columns or list(rows[0])
        data = [[r.get(c, "") for c in columns] for r in rows]
    else:
        data = [list(r) for r in rows]
        columns = None
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    if header and columns:
        writer.writerow(columns)
    writer.writerows(data)
    return buf.getvalue()


def xlsx_bytes(rows: list[dict]) -> bytes:
    """A real .xlsx workbook (deterministic: fixed document dates)."""
    import datetime as dt
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(rows[0]))
    for r in rows:
        ws.append(list(r.values()))
    wb.properties.created = wb.properties.modified = dt.datetime(2026, 11, 2, 9, 0, 0)
    buf = io.BytesIO()
    wb.save(buf)
    # Normalise zip timestamps so the bytes do not depend on the clock.
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 2, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z", b"2026-11-02T09:00:00Z", data)
            dst.writestr(fixed, data)
    return out.getvalue()


def zip_bytes(files: dict[str, str]) -> bytes:
    """A zip archive of text files (deterministic: fixed timestamps)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, text in files.items():
            dst.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 2, 9, 0, 0)), text.encode("utf-8"))
    return out.getvalue()


def replace(rows: list[dict], index: int, **changes) -> list[dict]:
    out = [dict(r) for r in rows]
    out[index].update(changes)
    return out


def rename(rows: list[dict], old: str, new: str) -> list[dict]:
    return [{(new if k == old else k): v for k, v in r.items()} for r in rows]


def drop(rows: list[dict], column: str) -> list[dict]:
    return [{k: v for k, v in r.items() if k != column} for r in rows]


def add(rows: list[dict], column: str, values) -> list[dict]:
    return [{**r, column: v} for r, v in zip(rows, values)]


# --------------------------------------------------------------------------- cases

GOOD: list[dict] = []
BAD: list[dict] = []


def case(kind: str, name: str, files: dict[str, bytes | str], *, context: str | None = None, **expect) -> None:
    """Register a case: `files` maps file name -> content (str is written as UTF-8)."""
    (GOOD if kind == "goed" else BAD).append({"id": name, "files": files, "context": context, **expect})


def build_cases() -> None:
    GOOD.clear()
    BAD.clear()
    bag, brp, kvk = bag_rows(), brp_rows(), kvk_rows()
    bag_name = f"bag_verblijfsobject_{MAAND}.csv"
    brp_name = f"brp_adrestellingen_{MAAND}.csv"
    kvk_name = f"kvk_vestigingen_{MAAND}.csv"

    # ---- good files
    case("goed", "bag_utf8_bom", {bag_name: "\ufeff" + to_csv(bag)}, rijen=20)
    case("goed", "brp_komma", {brp_name: to_csv(brp, sep=",")}, context="bag", rijen=17)
    cp = replace(replace(kvk, 0, straatnaam="Coöperatiestraat"), 1, straatnaam="Zuidbuurt ë", plaats="Zoeterwoude-Rijndijk")
    case("goed", "kvk_cp1252", {kvk_name: to_csv(cp).encode("cp1252")}, rijen=5,
         waarden={"straatnaam": ["Coöperatiestraat", "Zuidbuurt ë"]}, waarschuwing="Windows-1252")
    dec = replace(replace(bag, 0, oppervlakte="85,0", x="97310,5"), 1, oppervlakte="112,00")
    case("goed", "bag_decimale_komma", {bag_name: to_csv(dec)}, rijen=20, waarden={"oppervlakte": [85, 112]})
    nl = replace(replace(kvk, 0, postcode="2382 ab", datum_aanvang="01-03-2014"), 2, datum_einde="31-12-2025", postcode="2382 LB")
    case("goed", "kvk_postcode_spatie_ddmmjjjj", {kvk_name: to_csv(nl)}, rijen=5,
         waarden={"postcode": ["2382AB", "2382LB"], "datum_aanvang": ["2014-03-01"], "datum_einde": ["2025-12-31"]})
    case("goed", "rni_lege_adressen", {f"rni_inschrijvingen_{MAAND}.csv": to_csv(rni_rows())}, context="bag", rijen=4)
    case("goed", "woz", {f"woz_gebruik_{MAAND}.csv": to_csv(woz_rows())}, rijen=8)
    case("goed", "signalen", {f"signalen_{MAAND}.csv": to_csv(signalen_rows())}, context="bag", rijen=3)
    case("goed", "controles", {f"controles_{MAAND}.csv": to_csv(controles_rows())}, context="bag", rijen=2)
    case("goed", "besluiten", {f"besluiten_{MAAND}.csv": "\ufeff" + to_csv(besluiten_rows())}, context="bag", rijen=3)
    odd = bag + [
        {**bag[0], "identificatie": "0626010000007310", "nummeraanduiding_hoofdadres_identificatie": "0626200000007310",
         "bronhouder_identificatie": "0626", "openbare_ruimte_naam": "Voorschoterweg"},
    ]
    odd = replace(replace(odd, 2, oppervlakte="3"), 3, bouwjaar="1005")
    case("goed", "bag_andere_gemeente_en_vlaggen", {bag_name: to_csv(odd)}, rijen=21,
         waarschuwing=["andere gemeenten", "onder 6 m²", "bouwjaar vóór 1200"])
    quarantine = brp + [
        {**brp[0], "nummeraanduiding_id": "0638200000199991"},
        {**brp[1], "nummeraanduiding_id": "0638200000199992"},
    ]
    case("goed", "brp_quarantaine", {brp_name: to_csv(quarantine)}, context="bag", rijen=17, quarantaine=2,
         quarantaine_reden="geen hoofdadres")
    excel = to_csv([{**r, "peildatum": "31-10-2026", "": ""} for r in brp]).replace("\r\n", "\r") + ";;;;;;;\r"
    case("goed", "brp_excel_export_mac_ddmmjjjj", {brp_name: excel}, context="bag", rijen=17,
         waarschuwing=["Lege kolom zonder naam", "lege regel"], waarden={"peildatum": ["2026-10-31"]})
    case("goed", "slachtoffers_lang", {"slachtoffers_comensha_zoeterwoude.csv": to_csv(SLACHTOFFERS_LONG)}, rijen=2)
    case("goed", "slachtoffers_breed", {"slachtoffers_shop_hollands-midden_2018-2022.csv": to_csv(SHOP_WIDE, header=False)}, rijen=25)

    # ---- bad files: reading
    case("fout", "tab_scheidingsteken", {brp_name: to_csv(brp, sep="\t")}, bevat=["scheidingsteken", "tabs"])
    case("fout", "pipe_scheidingsteken", {brp_name: to_csv(brp, sep="|")}, bevat=["scheidingsteken", "'|'"])
    case("fout", "utf16", {brp_name: to_csv(brp).encode("utf-16")}, bevat=["UTF-16", "CSV UTF-8"])
    case("fout", "utf16_zonder_bom", {brp_name: to_csv(brp).encode("utf-16-le")}, bevat=["UTF-16"])
    blob = bytes((i * 37 + 11) % 256 for i in range(2048))  # binary content, e.g. a database dump
    case("fout", "binair_bestand", {kvk_name: blob}, bevat=["geen tekstbestand"])
    case("fout", "xlsx_als_csv", {kvk_name: xlsx_bytes(kvk)}, bevat=["Excel-werkmap", "Opslaan als"])
    case("fout", "leeg_bestand", {brp_name: ""}, bevat=["het bestand is leeg"])
    case("fout", "alleen_kopregel", {brp_name: ";".join(BRP_COLUMNS) + "\r\n"},
         bevat=["alleen een kopregel"])
    ragged = to_csv(brp).splitlines()
    ragged[5] += ";3"
    case("fout", "rij_met_te_veel_velden", {brp_name: "\r\n".join(ragged) + "\r\n"}, bevat=["velden", "rij 5"])
    case("fout", "geen_kopregel", {brp_name: to_csv(brp, header=False)}, bevat=["kopregel"])

    # ---- bad files: columns
    cp_bad = rename(cp, "straatnaam", "straat")
    case("fout", "cp1252_verkeerde_kolom", {kvk_name: to_csv(cp_bad).encode("cp1252")},
         bevat=["kolom 'straatnaam'", "'straat'", "hernoemd"])
    case("fout", "kolom_ontbreekt", {brp_name: to_csv(drop(brp, "briefadressen"))}, bevat=["kolom 'briefadressen'", "ontbreekt"])
    case("fout", "kolom_hernoemd", {brp_name: to_csv(rename(brp, "uitschrijvingen", "Uitschrijvingen"))},
         bevat=["kolom 'uitschrijvingen'", "hernoemd", "'Uitschrijvingen'"])
    case("fout", "extra_kolom", {kvk_name: to_csv(add(kvk, "rechtsvorm", ["BV"] * 5))},
         bevat=["kolom 'rechtsvorm'", "onbekende kolom"])
    case("fout", "kolom_naam", {brp_name: to_csv(add(brp, "naam", ["J. de Vries", "A. Bakker"] * 8 + ["M. Jansen"]))},
         bevat=["kolom 'naam'", "geen persoonsgegevens (AVG)", "dataminimalisatie"], niet=["de Vries", "Bakker"])
    case("fout", "kolom_geboortedatum", {brp_name: to_csv(add(brp, "geboortedatum", ["1987-04-12"] * 17))},
         bevat=["kolom 'geboortedatum'", "AVG", "dataminimalisatie"], niet=["1987-04-12"])
    case("fout", "kolom_nationaliteit", {brp_name: to_csv(add(brp, "Nationaliteit", ["Pools"] * 17))},
         bevat=["kolom 'Nationaliteit'", "AVG"])
    notes = ["Buurman meldt veel wisselende bewoners en busjes 's ochtends vroeg"] * 3
    case("fout", "signalen_notitie", {f"signalen_{MAAND}.csv": to_csv(add(signalen_rows(), "notitie", notes))},
         bevat=["kolom 'notitie'", "geen vrije tekst"], niet=["busjes"])
    dubbel = to_csv(brp).replace("vertrokken_onbekend", "ingeschrevenen", 1)
    case("fout", "dubbele_kolomnaam", {brp_name: dubbel}, bevat=["kolom 'ingeschrevenen'", "één keer"])

    # ---- bad files: values
    neg = replace(replace(brp, 13, ingeschrevenen="-3"), 14, ingeschrevenen="-1")
    case("fout", "negatief_aantal", {brp_name: to_csv(neg)},
         bevat=["kolom 'ingeschrevenen', regel 'geheel getal ≥ 0': 2 rijen (rij 14, 15), bijvoorbeeld '-3'", "Wat te doen:"])
    case("fout", "geen_getal", {brp_name: to_csv(replace(brp, 2, briefadressen="twee"))},
         bevat=["kolom 'briefadressen'", "geheel getal ≥ 0", "'twee'"])
    vow = replace(brp, 4, uitschrijvingen="1", vertrokken_onbekend="3")
    case("fout", "vertrokken_onbekend_groter", {brp_name: to_csv(vow)},
         bevat=["kolom 'vertrokken_onbekend'", "vertrokken_onbekend ≤ uitschrijvingen", "rij 5"])
    case("fout", "verplichte_waarde_leeg", {brp_name: to_csv(replace(brp, 7, ingeschrevenen=""))},
         bevat=["kolom 'ingeschrevenen'", "verplicht (niet leeg)", "rij 8"])
    dup = bag + [dict(bag[4])]
    case("fout", "dubbele_identificatie", {bag_name: to_csv(dup)}, bevat=["kolom 'identificatie'", "uniek", "rij 5, 21"])
    case("fout", "onbekend_gebruiksdoel", {bag_name: to_csv(replace(bag, 3, gebruiksdoel="woonfunctie,bedrijfsfunctie"))},
         bevat=["kolom 'gebruiksdoel'", "'woonfunctie,bedrijfsfunctie'", "rij 4"])
    case("fout", "onbekende_status", {bag_name: to_csv(replace(bag, 8, status="In gebruik"))},
         bevat=["kolom 'status'", "'In gebruik'", "Verblijfsobject in gebruik"])
    case("fout", "voorloopnullen_kwijt", {bag_name: to_csv(replace(bag, 0, identificatie="638010000100001"))},
         bevat=["kolom 'identificatie'", "positie 5-6 = 01", "voorloopnullen"])
    case("fout", "bouwjaar_te_groot", {bag_name: to_csv(replace(bag, 11, bouwjaar="2041"))},
         bevat=["kolom 'bouwjaar'", "geheel getal van 1000 t/m 2031", "'2041'"])
    swapped = replace(bag, 2, x=bag[2]["y"], y=bag[2]["x"])
    case("fout", "x_y_buiten_nederland", {bag_name: to_csv(swapped)}, bevat=["kolom 'x'", "RD", "rij 3"])
    case("fout", "postcode_fout", {kvk_name: to_csv(replace(kvk, 3, postcode="0382 MC"))},
         bevat=["kolom 'postcode'", "postcode 1234AB", "rij 4"])
    case("fout", "datum_einde_voor_aanvang", {kvk_name: to_csv(replace(kvk, 2, datum_einde="2020-01-31"))},
         bevat=["kolom 'datum_einde'", "datum_einde niet vóór datum_aanvang", "rij 3"])
    case("fout", "datum_bestaat_niet", {kvk_name: to_csv(replace(kvk, 1, datum_aanvang="31-02-2019"))},
         bevat=["kolom 'datum_aanvang'", "datum (JJJJ-MM-DD of DD-MM-JJJJ)", "'31-02-2019'"])
    case("fout", "controle_uitkomst_onbekend", {f"controles_{MAAND}.csv": to_csv(replace(controles_rows(), 1, uitkomst="ok"))},
         bevat=["kolom 'uitkomst'", "geen bijzonderheden", "'ok'"])
    case("fout", "besluit_notitie_met_naam",
         {f"besluiten_{MAAND}.csv": to_csv(replace(besluiten_rows(), 0, notitie="dhr. Jansen woont er"))},
         bevat=["kolom 'notitie'", "zonder namen, BSN"], niet=["Jansen"])
    case("fout", "besluit_notitie_met_geboortedatum",
         {f"besluiten_{MAAND}.csv": to_csv(replace(besluiten_rows(), 1, notitie="bewoner geboren 03-04-1988"))},
         bevat=["kolom 'notitie'", "rij 2"], niet=["1988"])
    case("fout", "besluit_onbekend", {f"besluiten_{MAAND}.csv": to_csv(replace(besluiten_rows(), 2, besluit="misschien"))},
         bevat=["kolom 'besluit'", "controle, geen controle, later"])
    case("fout", "woz_gebruik_onbekend", {f"woz_gebruik_{MAAND}.csv": to_csv(replace(woz_rows(), 0, gebruik="verhuurd"))},
         bevat=["kolom 'gebruik'", "eigenaar, huurder, geen"])

    # ---- bad files: months and dates
    case("fout", "maand_in_toekomst", {"brp_adrestellingen_2027-01.csv": to_csv([{**r, "peildatum": "2027-01-31"} for r in brp])},
         bevat=["2027-01", "huidige maand"])
    case("fout", "maand_13", {"brp_adrestellingen_2025-13.csv": to_csv(brp)}, bevat=["'2025-13' bestaat niet"])
    case("fout", "maand_in_naam_wijkt_af", {"brp_adrestellingen_2026-09.csv": to_csv(brp)},
         bevat=["kolom 'peildatum'", "laatste dag van de maand uit de bestandsnaam (2026-09-30)", "17 rijen"])
    case("fout", "rni_maand_wijkt_af", {f"rni_inschrijvingen_{MAAND}.csv": to_csv(replace(rni_rows(), 1, maand="2026-09"))},
         bevat=["kolom 'maand'", "maand gelijk aan de maand in de bestandsnaam (2026-10)", "'2026-09'"])
    case("fout", "signaal_na_peildatum", {f"signalen_{MAAND}.csv": to_csv(replace(signalen_rows(), 2, datum="2026-11-02"))},
         bevat=["kolom 'datum'", "peildatum 2026-10-31", "rij 3"])
    case("fout", "onbekende_bestandsnaam", {"export_burgerzaken_okt.csv": to_csv(brp)},
         bevat=["geen enkel datacontract"])

    # ---- bad files: rules between registers and slachtoffers
    short = brp[:5]
    case("fout", "brp_afgebroken", {brp_name: to_csv(short)}, context="bag",
         bevat=["woningen zonder ingeschrevenen", "afgebroken"])
    wrong_total = [list(r) for r in SHOP_WIDE]
    wrong_total[-1][3] = "11"
    case("fout", "slachtoffers_totaal_klopt_niet", {"slachtoffers_shop_hollands-midden_2018-2022.csv": to_csv(wrong_total, header=False)},
         bevat=["kolom '2020'", "Totaal = som van de kolom", "'11'", "is 10"])
    other = [{"bron": "shop", "regio": "Hollands Midden", "jaar": "2021", "uitbuitingsvorm": "Arbeidsuitbuiting", "aantal": "2"},
             {"bron": "shop", "regio": "Hollands Midden", "jaar": "2020", "uitbuitingsvorm": "Seksuele uitbuiting", "aantal": "5"}]
    case("fout", "slachtoffers_spreken_elkaar_tegen",
         {"slachtoffers_shop_hollands-midden_2018-2022.csv": to_csv(SHOP_WIDE, header=False),
          "slachtoffers_jaarverslag_2021.csv": to_csv(other)},
         bevat=["gelijke aantallen", "SHOP, Hollands Midden, 2021, arbeidsuitbuiting", "0 in slachtoffers_shop", "2 in slachtoffers_jaarverslag"])
    case("fout", "slachtoffers_breed_onbekende_bron", {"slachtoffers_politie_hollands-midden.csv": to_csv(SHOP_WIDE, header=False)},
         bevat=["bestandsnaam slachtoffers_<bron>_<regio>", "'politie'"])
    # ---- bad files: input beyond the registers' habits (tests/test_bad_input.py has the large ones)
    long_street = "Dorpsstraat " + "en omstreken " * 8  # 116 characters; BAG: a street name is at most 80
    case("fout", "straatnaam_te_lang", {kvk_name: to_csv(replace(kvk, 1, straatnaam=long_street))},
         bevat=["kolom 'straatnaam', regel 'hoogstens 80 tekens': 1 rij (rij 2)", "'Dorpsstraat en omstreken"])
    case("fout", "openbare_ruimte_naam_te_lang", {bag_name: to_csv(replace(bag, 6, openbare_ruimte_naam="Hoge Rijndijk" * 7))},
         bevat=["kolom 'openbare_ruimte_naam', regel 'hoogstens 80 tekens'", "rij 7"])
    case("fout", "zip_archief", {f"brp_adrestellingen_{MAAND}.zip": zip_bytes({brp_name: to_csv(brp)})},
         bevat=["zip-archief", "niet uitgepakt", "Pak het archief zelf uit"])
    case("fout", "zip_als_csv", {brp_name: zip_bytes({brp_name: to_csv(brp)})},
         bevat=["zip-archief met de extensie .csv"], niet=["Excel-werkmap"])
    case("fout", "naam_met_puntpunt", {f"brp_adrestellingen_{MAAND}..csv": to_csv(brp)}, bevat=["bevat '..'"])
    nul = to_csv(brp).replace("2026-10-31", "2026-10\x0031", 1)
    case("fout", "nul_teken_in_waarde", {brp_name: nul}, bevat=["geen tekstbestand"])

    bad_vorm = [list(r) for r in SHOP_WIDE]
    bad_vorm[4][0] = "Uitbuiting overig"
    case("fout", "slachtoffers_onbekende_vorm", {"slachtoffers_shop_hollands-midden_2018-2022.csv": to_csv(bad_vorm, header=False)},
         bevat=["kolom 'uitbuitingsvorm'", "'Uitbuiting overig'", "rij 4"])


def write(root: Path = HERE) -> list[dict]:
    """Write goed/ and fout/ and cases.yaml under `root`; returns the case list."""
    build_cases()
    for kind in ("goed", "fout"):
        if (root / kind).exists():
            shutil.rmtree(root / kind)
    listing = []
    for kind, cases in (("goed", GOOD), ("fout", BAD)):
        for c in cases:
            folder = root / kind / c["id"]
            folder.mkdir(parents=True)
            for name, content in c["files"].items():
                data = content.encode("utf-8") if isinstance(content, str) else content
                (folder / name).write_bytes(data)
            entry = {k: v for k, v in c.items() if k != "files" and v is not None}
            entry.update({"soort": kind, "bestanden": [f"{kind}/{c['id']}/{n}" for n in c["files"]]})
            listing.append(entry)
    header = "# Generated by generate.py; do not edit by hand. today = %s\n" % TODAY
    (root / "cases.yaml").write_text(header + yaml.safe_dump(listing, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return listing


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    cases = write(target)
    print(f"{len(cases)} cases written to {target}")

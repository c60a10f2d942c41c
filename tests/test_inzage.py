"""The inzage document (AVG art. 15, objection) of one address, checked against the warehouse.

On the demo: a planted address that was on the proposal list in several months, exported once
with the address list; a dwelling that was never listed. What a privacy officer would check:
every listed month with its place, score and the reasons exactly as the overleg saw them, the
configuration version, the export with its file hash; an address never listed says so plainly;
nothing of another address and no person data in the document; the inzage is in the audit log;
the files are owner-only; the CLI refuses without a reason or with an unknown address, in Dutch.
A browser test prints the document to PDF in Debian's Chromium and reads the PDF back.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest

from assets.exports import export_riec
from assets.exports.inzage import InzageFout, inzage, parse_adres
from assets.settings import PROJECT_DIR, Settings
from conftest import connect_ro, run_cli
from data_contracts.months import maandnaam
from data_contracts.privacy import classify_column_name

GEBRUIKER = "medewerker.inzagetest"
REDEN = "Inzageverzoek AVG art. 15, zaak TEST-2026-001"
NINE_DIGITS = re.compile(r"(?<![0-9A-Za-z])[0-9]{9}(?![0-9A-Za-z])")  # a BSN-shaped token
ID16 = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
POSTCODE = re.compile(r"(?<![0-9])([1-9][0-9]{3}) ?([A-Z]{2})(?![A-Za-z])")
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_DIR / "test-artifacts"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def text_of(page: str) -> str:
    """The readable text of an HTML page: tags out, entities decoded, whitespace collapsed."""
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


# --- unit: the address form ----------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Dorpsstraat 12A-2, 2381 AB", ("Dorpsstraat", 12, "A2", "2381AB")),
    ("Dorpsstraat 12 a 2, 2381ab Zoeterwoude", ("Dorpsstraat", 12, "A2", "2381AB")),
    ("Dorpsstraat 12-2, 2381 AB", ("Dorpsstraat", 12, "2", "2381AB")),
    ("Dorpsstraat 12, 2381 AB", ("Dorpsstraat", 12, "", "2381AB")),
    ("Laan 1940-1945 3, 2381 AB", ("Laan 1940-1945", 3, "", "2381AB")),
    ("2e Dwarsstraat 5 bis, 2381 AB", ("2e Dwarsstraat", 5, "BIS", "2381AB")),
])
def test_address_forms_are_normalised(text, expected):
    a = parse_adres(text)
    assert (a.straat, a.huisnummer, a.letter_toevoeging, a.postcode) == expected


@pytest.mark.parametrize("text", ["Dorpsstraat 12", "Dorpsstraat, 2381 AB", "12, 2381 AB", ""])
def test_address_without_number_or_postcode_is_refused_in_dutch(text):
    with pytest.raises(InzageFout, match="geen adres in de vorm"):
        parse_adres(text)


# --- the demo ------------------------------------------------------------------------------------


def _address_text(row) -> str:
    straat, nummer, letter, toevoeging, postcode = row
    return f"{straat} {nummer}{letter or ''}{'-' + toevoeging if toevoeging else ''}, {postcode[:4]} {postcode[4:]}"


@pytest.fixture(scope="module")
def demo(demo_data, tmp_path_factory):
    """A private copy of the demo with one address export, and the inzage of a planted listed
    address (via the CLI, by its address) and of a never-listed dwelling (by its id)."""
    data = tmp_path_factory.mktemp("inzage") / "data"
    shutil.copytree(demo_data, data)
    settings = Settings(data)
    con = connect_ro(data)
    try:
        # the planted case listed in the most months (ties: one with controls, then the first case)
        planted = con.execute(
            """
            SELECT g.verblijfsobject_id, count(*) AS maanden, max(c.maand) AS laatste
            FROM read_csv($truth, delim = ';', all_varchar = true) AS g
            JOIN marts.controlelijst AS c USING (verblijfsobject_id)
            GROUP BY g.verblijfsobject_id, g.geval_id
            ORDER BY maanden DESC,
                     (SELECT count(*) FROM staging.controles AS k WHERE k.verblijfsobject_id = g.verblijfsobject_id) DESC,
                     g.geval_id
            LIMIT 1
            """,
            {"truth": str(data / "demo_waarheid" / "geplante_gevallen.csv")},
        ).fetchall()[0]
        address = con.execute(
            "SELECT openbare_ruimte_naam, huisnummer, huisletter, toevoeging, postcode FROM staging.bag_verblijfsobject "
            "WHERE identificatie = $id ORDER BY maand DESC LIMIT 1", {"id": planted[0]}).fetchall()[0]
        never = con.execute(
            """
            SELECT identificatie FROM staging.bag_verblijfsobject
            WHERE is_woning AND identificatie NOT IN (SELECT verblijfsobject_id FROM marts.controlelijst)
            GROUP BY identificatie HAVING count(*) = (SELECT count(DISTINCT maand) FROM marts.controlelijst)
            ORDER BY identificatie LIMIT 1
            """).fetchall()[0][0]
    finally:
        con.close()
    assert planted[1] >= 2, "the demo has no planted address listed in several months"
    export = export_riec(settings, planted[2], ontvanger="RIEC Den Haag", grondslag="RIEC-convenant 2023, art. 5",
                         adressen=True)
    started = dt.datetime.now().replace(microsecond=0)
    result = run_cli("inzage", "--adres", _address_text(address), "--reden", REDEN, "--gebruiker", GEBRUIKER, data=data)
    listed = Path(re.search(r"Inzagedocument geschreven: (.+)inzage\.html", result.stdout).group(1))
    never_listed = inzage(settings, verblijfsobject=never, reden=REDEN, gebruiker=GEBRUIKER)
    return {"data": data, "settings": settings, "id": planted[0], "adres": address, "export": export,
            "started": started, "listed": listed, "never_id": never, "never": never_listed}


def _doc(folder: Path) -> tuple[str, dict]:
    return (folder / "inzage.html").read_text(encoding="utf-8"), json.loads((folder / "inzage.json").read_text(encoding="utf-8"))


def test_every_listed_month_appears_with_place_score_and_exact_reasons(demo):
    page, doc = _doc(demo["listed"])
    con = connect_ro(demo["data"])
    try:
        listed = con.execute(
            "SELECT maand, aanleiding, rang, score, redenen FROM marts.controlelijst WHERE verblijfsobject_id = $id ORDER BY maand",
            {"id": demo["id"]}).fetchall()
        versions = dict(con.execute(
            "SELECT maand, arg_max(indicatoren_sha256, tijdstip) FROM audit.configuratie_maand GROUP BY maand").fetchall())
    finally:
        con.close()
    assert len(listed) >= 2
    assert [(v["maand"], v["aanleiding"], v["rang"], v["score"], v["redenen"]) for v in doc["voorstellen"]] == listed
    # in the HTML: one block per listed month, holding its month, place, score and the reasons word for word
    blocks = [text_of(b) for b in re.findall(r'<tbody class="voorstel">(.*?)</tbody>', page, flags=re.S)]
    assert len(blocks) == len(listed)
    for (maand, aanleiding, rang, score, redenen), block in zip(listed, blocks):
        assert block.startswith(maandnaam(maand)), block
        assert f" {rang} van " in block or f" {rang} (steekproef" in block, block
        assert f" {score} " in block, block
        assert block.endswith(f"Redenen zoals getoond aan het overleg: {redenen}"), block
    # the configuration version that produced each month: the indicatoren.yaml that ran
    ran = sha256(demo["settings"].indicatoren_path)
    for v in doc["voorstellen"]:
        assert v["indicatoren_sha256"] == versions[v["maand"]] == ran
        assert v["indicatoren_sha256"][:12] in page


def test_the_overlegs_decisions_on_the_address_are_shown_as_recorded(demo):
    """Every decision the overleg recorded on this object (marts.besluiten) appears with its month
    and reason; an address without decisions says so plainly."""
    page, doc = _doc(demo["listed"])
    con = connect_ro(demo["data"])
    try:
        recorded = con.execute("SELECT maand, besluit, reden FROM marts.besluiten WHERE verblijfsobject_id = $id ORDER BY maand",
                               {"id": demo["id"]}).fetchall()
    finally:
        con.close()
    assert [(b["maand"], b["besluit"], b["reden"]) for b in doc["besluiten"]] == recorded
    text = text_of(page)
    section = text.split("2. Besluiten van het signaleringsoverleg", 1)[1].split("3. Controles", 1)[0]
    for maand, besluit, reden in recorded:
        assert maandnaam(maand) in section and (besluit or "geen besluit vastgelegd") in section and (reden or "") in section
    never_page, never_doc = _doc(demo["never"])
    if not never_doc["besluiten"]:
        assert "Over dit adres is geen besluit van het signaleringsoverleg vastgelegd." in text_of(never_page)


def test_rules_that_applied_are_explained_from_the_configuration(demo):
    from assets.scoring import load
    from assets.scoring.algoritmeregister import indicator_regel

    page, doc = _doc(demo["listed"])
    punten = {k for v in doc["voorstellen"] for k in (v["punten_per_indicator"] or {})}
    indicatoren = {i.id: i for i in load(demo["settings"].indicatoren_path)}
    text = text_of(page)
    assert punten
    for ind in punten:
        assert text_of(indicator_regel(indicatoren[ind])) in text
    explained = {r["id"] for versie in doc["regels"] for r in versie["regels"]}
    assert explained >= punten


def test_the_export_that_carried_the_address_is_listed_with_basis_and_file_hash(demo):
    _, doc = _doc(demo["listed"])
    export = demo["export"]
    files = list(export.glob("adressen_*.csv"))
    assert len(files) == 1
    [row] = doc["exports"]
    assert row["grondslag"] == "RIEC-convenant 2023, art. 5"
    assert row["ontvanger"] == "RIEC Den Haag"
    assert row["vastlegging"] == "vastgelegd"
    assert row["adressenbestand_sha256"] == sha256(files[0])
    assert row["adressenbestand_verwijderd_vanaf"]
    # the never-listed address was not in that package
    _, other = _doc(demo["never"])
    assert other["exports"] == []


def test_an_export_from_before_the_id_list_is_found_from_the_control_list(demo, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo["data"], data)
    con = duckdb.connect(str(data / "warehouse.duckdb"))
    con.execute("DELETE FROM audit.export_adressen")
    con.close()
    _, doc = _doc(inzage(Settings(data), verblijfsobject=demo["id"], reden=REDEN))
    assert [e["vastlegging"] for e in doc["exports"]] == ["afgeleid"]


def test_an_address_never_listed_says_so_plainly(demo):
    page, doc = _doc(demo["never"])
    assert doc["voorstellen"] == []
    assert "Dit adres heeft in de bewaarde maanden nooit op de voorstellijst of in de steekproef gestaan." in text_of(page)
    assert len(doc["registerfeiten"]) >= 2  # its register facts are still there, month by month


@pytest.mark.parametrize("which", ["listed", "never"])
def test_nothing_of_another_address_leaks_in(demo, which):
    folder = demo[which]
    own = demo["id"] if which == "listed" else demo["never_id"]
    text = text_of((folder / "inzage.html").read_text(encoding="utf-8")) + " " + (folder / "inzage.json").read_text(encoding="utf-8")
    con = connect_ro(demo["data"])
    try:
        objects = con.execute(
            "SELECT DISTINCT identificatie, nummeraanduiding_hoofdadres_identificatie, openbare_ruimte_naam, huisnummer, "
            "coalesce(huisletter, '') || coalesce('-' || toevoeging, ''), postcode FROM staging.bag_verblijfsobject").fetchall()
    finally:
        con.close()
    mine = [o for o in objects if o[0] == own]
    assert mine
    own_ids = {o[0] for o in mine} | {o[1] for o in mine}
    own_postcodes = {o[5] for o in mine}
    own_addresses = {(o[2], f"{o[3]}{o[4]}") for o in mine}
    others = [o for o in objects if o[0] != own]
    other_ids = {o[0] for o in others} | {o[1] for o in others}
    # no other object's id or nummeraanduiding
    found_ids = set(ID16.findall(text))
    assert found_ids <= own_ids, found_ids - own_ids
    assert not (found_ids & (other_ids - own_ids))
    # no other postcode (neighbours share ours; any other one is another address)
    found_postcodes = {a + b for a, b in POSTCODE.findall(text)}
    assert found_postcodes <= own_postcodes, found_postcodes - own_postcodes
    # no other street + number
    for straat in {o[2] for o in others}:
        for number in re.findall(re.escape(straat) + r" (\d+[A-Z]?(?:-[A-Za-z0-9]+)?)(?![0-9A-Za-z])", text):
            assert (straat, number) in own_addresses, f"{straat} {number}"


@pytest.mark.parametrize("which", ["listed", "never"])
def test_no_person_data_in_the_document(demo, which):
    page, doc = _doc(demo[which])
    raw = json.dumps(doc, ensure_ascii=False)

    def keys(value):
        if isinstance(value, dict):
            for k, v in value.items():
                yield k
                yield from keys(v)
        elif isinstance(value, list):
            for v in value:
                yield from keys(v)

    assert not [k for k in keys(doc) if classify_column_name(k) == "persoon"]
    assert not NINE_DIGITS.findall(text_of(page) + " " + raw)  # nothing shaped like a BSN
    # not even the employee who made it or who exported: that is in the audit log only
    assert GEBRUIKER not in page and GEBRUIKER not in raw
    assert not re.search(r'"(gebruiker|os_gebruiker)"', raw)
    assert all(set(s) == {"maand", "soort", "geverifieerd", "niet_geverifieerd", "eerste_datum", "laatste_datum"}
               for s in doc["signalen"])  # no source of a signal: that would point at whoever reported it


def test_each_inzage_is_in_the_audit_log(demo):
    con = connect_ro(demo["data"])
    try:
        rows = con.execute(
            "SELECT tijdstip, gebruiker, os_gebruiker, verblijfsobject_id, reden, html_sha256, json_sha256, map "
            "FROM audit.inzage ORDER BY tijdstip").fetchall()
    finally:
        con.close()
    by_folder = {Path(r[7]).resolve(): r for r in rows}
    for folder, object_id in ((demo["listed"], demo["id"]), (demo["never"], demo["never_id"])):
        tijdstip, gebruiker, os_gebruiker, vbo, reden, html_hash, json_hash, _ = by_folder[folder.resolve()]
        assert vbo == object_id
        assert gebruiker == GEBRUIKER and os_gebruiker
        assert reden == REDEN
        assert demo["started"] - dt.timedelta(seconds=1) <= tijdstip <= dt.datetime.now()
        assert html_hash == sha256(folder / "inzage.html")
        assert json_hash == sha256(folder / "inzage.json")
        assert folder.parent == demo["data"] / "output" / "inzage"
        assert folder.name.endswith(f"_{object_id}")


def test_document_files_are_owner_only(demo):
    for folder in (demo["listed"], demo["never"]):
        assert folder.stat().st_mode & 0o777 == 0o700
        assert folder.parent.stat().st_mode & 0o777 == 0o700
        for name in ("inzage.html", "inzage.json"):
            assert (folder / name).stat().st_mode & 0o777 == 0o600


def _audit_count(data: Path) -> int:
    con = connect_ro(data)
    try:
        return con.execute("SELECT count(*) FROM audit.inzage").fetchall()[0][0]
    finally:
        con.close()


def test_a_reason_is_required(demo):
    before = _audit_count(demo["data"]), sorted((demo["data"] / "output" / "inzage").iterdir())
    result = run_cli("inzage", "--verblijfsobject", demo["id"], data=demo["data"], check=False)
    assert result.returncode == 1
    assert "Geef met --reden op waarom deze inzage wordt gemaakt" in result.stderr
    assert (_audit_count(demo["data"]), sorted((demo["data"] / "output" / "inzage").iterdir())) == before


def test_an_unknown_or_mistyped_address_is_refused_in_dutch(demo):
    before = _audit_count(demo["data"])
    unknown = run_cli("inzage", "--adres", "Nergensstraat 1, 9999 ZZ", "--reden", REDEN, data=demo["data"], check=False)
    assert unknown.returncode == 1
    assert "Geen verblijfsobject gevonden op Nergensstraat 1, 9999 ZZ" in unknown.stderr
    straat, nummer, letter, toevoeging, postcode = demo["adres"]
    with pytest.raises(InzageFout, match=f"hoort in de BAG niet bij de straat 'Verkeerdestraat' maar bij {straat}"):
        inzage(demo["settings"], adres=_address_text(("Verkeerdestraat", nummer, letter, toevoeging, postcode)), reden=REDEN)
    with pytest.raises(InzageFout, match="staat niet in het warehouse"):
        inzage(demo["settings"], verblijfsobject="0638019999999999", reden=REDEN)
    assert _audit_count(demo["data"]) == before


# --- in a real browser: printed to PDF -------------------------------------------------------------


def _pdf_text(pdf: Path, page) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return page.inner_text("body")  # without poppler-utils: the text Chromium laid out for print


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} ontbreekt (apt-get install -y chromium)")
def test_printed_pdf_has_every_listed_month_and_reason(demo):
    from playwright.sync_api import sync_playwright

    _, doc = _doc(demo["listed"])
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "inzage.pdf"
    with tempfile.TemporaryDirectory(prefix="rr-chromium-profiel-") as profile, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, offline=True, locale="nl-NL",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = ctx.new_page()
            requests = []
            page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:")) else requests.append(r.url))
            page.goto((demo["listed"] / "inzage.html").as_uri())
            page.pdf(path=str(pdf), format="A4", print_background=True)
            text = " ".join(_pdf_text(pdf, page).split())
            first_page = ARTIFACTS / "inzage_eerste_pagina.png"
            if shutil.which("pdftoppm"):  # the PDF's first page as printed
                subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                                str(first_page.with_suffix(""))], check=True)
            else:  # an A4-wide view of the page in print media
                page.set_viewport_size({"width": 794, "height": 1123})
                page.emulate_media(media="print")
                page.screenshot(path=str(first_page))
            for artifact in (pdf, first_page):
                artifact.chmod(0o600)  # it shows an address, even if a synthetic one
        finally:
            ctx.close()
    assert requests == []  # the document asks nothing from the network
    assert pdf.read_bytes().startswith(b"%PDF")
    assert doc["voorstellen"]
    for v in doc["voorstellen"]:
        assert maandnaam(v["maand"]) in text
        assert " ".join(v["redenen"].split()) in text, v["redenen"]
    assert demo["adres"][0] in text and demo["id"] in text


def test_retention_forgets_the_objects_of_old_exports_and_inzages(tmp_path):
    """After the term the audit keeps that an export or an inzage took place, not which object."""
    import datetime as dt

    import duckdb

    from assets.exports import opschonen
    from assets.settings import Settings
    from assets.warehouse import ensure_schema

    data = tmp_path / "data"
    data.mkdir()
    con = duckdb.connect(str(data / "warehouse.duckdb"))
    ensure_schema(con)
    for export_id, maand in (("oud", "2024-01"), ("nieuw", "2026-10")):
        con.execute("INSERT INTO audit.exports (export_id, tijdstip, gebruiker, os_gebruiker, maand, ontvanger, adressen, "
                    "manifest_sha256) VALUES (?, now()::TIMESTAMP, 'a', 'a', ?, 'riec', true, 'h')", [export_id, maand])
        con.execute("INSERT INTO audit.export_adressen VALUES (?, ?)", [export_id, f"06380100000{maand[:4]}{maand[5:]}"])
    con.execute("INSERT INTO audit.inzage VALUES ('i1', TIMESTAMP '2024-02-03 10:00', 'a', 'a', '0638010000099999', 'AVG', 'x', 'y', '/m')")
    con.close()
    old_doc = data / "output" / "inzage" / "20240203-100000_0638010000099999"
    old_doc.mkdir(parents=True)
    (old_doc / "inzage.html").write_text("0638010000099999", encoding="utf-8")
    new_doc = data / "output" / "inzage" / "20261101-100000_0638010000012345"
    new_doc.mkdir(parents=True)

    opschonen(Settings(data), 12, vandaag=dt.date(2026, 11, 15))
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT export_id FROM audit.export_adressen").fetchall() == [("nieuw",)]
    assert con.execute("SELECT count(*) FROM audit.exports").fetchall() == [(2,)]
    assert con.execute("SELECT verblijfsobject_id, reden FROM audit.inzage").fetchall() == [("verwijderd na bewaartermijn", "AVG")]
    con.close()
    assert not old_doc.exists() and new_doc.exists()

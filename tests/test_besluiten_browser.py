"""The decision sheet of the monthly report in a real browser (Debian Chromium via Playwright):
fill in the form, save, and load the saved CSV back through the pipeline's contract, ingest and
decision marts; and the report printed to PDF on A4 with every column of the control list.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from assets.reports.report_publish import build_report
from assets.settings import PROJECT_DIR, Settings
from conftest_reports import MAANDEN, data_folder

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = PROJECT_DIR / "test-artifacts"
MAAND = MAANDEN[-1]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} ontbreekt (apt-get install -y chromium): browsertests overgeslagen", allow_module_level=True)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A data folder with its own copy of the synthetic warehouse (the test loads decisions into it)."""
    folder = data_folder(tmp_path_factory, "rr-besluiten")
    link = folder / "warehouse.duckdb"
    target = link.resolve()
    link.unlink()
    shutil.copy(target, link)
    return folder


@pytest.fixture(scope="module")
def rapport(data):
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        return build_report(con, Settings(data), MAAND, png=False)
    finally:
        con.close()


@pytest.fixture(scope="module")
def page(rapport):
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="rr-chromium-profiel-") as profile, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=ARGS, accept_downloads=True,
            viewport={"width": 1400, "height": 1000}, offline=True, locale="nl-NL")
        try:
            pg = ctx.new_page()
            pg.errors = []
            pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
            pg.goto(rapport.html.as_uri(), wait_until="load")
            yield pg
        finally:
            ctx.close()


def _cells(page):
    return page.locator("#controlelijst-tabel td.besluit")


def test_the_filled_in_form_saves_a_csv_that_the_pipeline_loads(page, data, tmp_path):
    cells = _cells(page)
    n = cells.count()
    assert n >= 6
    ids = [cells.nth(i).get_attribute("data-nummeraanduiding") for i in range(n)]
    soort_voorstel = [cells.nth(i).get_attribute("data-soort-voorstel") for i in range(n)]
    steekproef = soort_voorstel.index("steekproef")
    a, b, c = [i for i, h in enumerate(soort_voorstel) if h == "risicolijst"][:3]
    keuzes = {a: ("controle", "", "samen met de brandweer"), b: ("geen controle", "al bekend bij partner", ""),
              c: ("later", "capaciteit", ""), steekproef: ("controle", "", "")}
    for i, (besluit, reden, notitie) in keuzes.items():
        cells.nth(i).locator("select[name=besluit]").select_option(besluit)
        if reden:
            cells.nth(i).locator("select[name=reden]").select_option(reden)
        if notitie:
            cells.nth(i).locator("input[name=notitie]").fill(notitie)
    page.locator("#besluit-datum").fill("2026-11-12")
    # an address the overleg adds itself, chosen by address from its signals
    opties = page.locator("#besluit-adressen option")
    if opties.count():
        toegevoegd_label, toegevoegd_id = opties.first.get_attribute("value"), opties.first.get_attribute("data-id")
    else:  # no signals in this warehouse: the address is typed as its nummeraanduiding
        con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
        try:
            toegevoegd_id = con.execute(
                "SELECT min(nummeraanduiding_hoofdadres_identificatie) FROM staging.bag_verblijfsobject WHERE maand = $m "
                "AND identificatie NOT IN (SELECT verblijfsobject_id FROM marts.controlelijst WHERE maand = $m)",
                {"m": MAAND}).fetchall()[0][0]
        finally:
            con.close()
        toegevoegd_label = toegevoegd_id
    page.locator("#besluit-toegevoegd tr.toegevoegd").first.locator("input[name=adres]").fill(toegevoegd_label)

    # a note with a name is refused in the browser already, and nothing is saved
    cells.nth(b).locator("input[name=notitie]").fill("dhr. Jansen is bekend")
    page.locator("#besluit-opslaan").click()
    assert "notitie niet toegestaan" in page.locator("#besluit-status").inner_text()
    cells.nth(b).locator("input[name=notitie]").fill("")

    ARTIFACTS.mkdir(exist_ok=True)
    with page.expect_download() as info:
        page.locator("#besluit-opslaan").click()
    download = info.value
    assert download.suggested_filename == f"besluiten_{MAAND}.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    shutil.copy(saved, ARTIFACTS / saved.name)
    page.locator("#controlelijst").screenshot(path=str(ARTIFACTS / "besluitformulier_ingevuld.png"))
    assert "opgeslagen" in page.locator("#besluit-status").inner_text()
    assert page.errors == []

    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 met BOM, zoals Excel het verwacht"
    frame = pd.read_csv(saved, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(frame.columns) == ["nummeraanduiding_id", "soort_voorstel", "besluit", "reden", "notitie", "datum"]
    assert len(frame) == len(keuzes) + 1

    # through the pipeline: contract (BAG of the month), ingest into staging, decision marts
    from assets import evaluation
    from assets.ingest.month import set_aside_unknown_reasons
    from assets.ingest.received import load_staging, write_quarantine
    from assets.warehouse import month_params
    from data_contracts import validate_file

    con = duckdb.connect(str(data / "warehouse.duckdb"))
    try:
        bag = con.execute("SELECT nummeraanduiding_hoofdadres_identificatie AS nummeraanduiding_id, is_woning "
                          "FROM staging.bag_verblijfsobject WHERE maand = $m", {"m": MAAND}).df()
        result = validate_file(saved, "besluiten", bag_hoofdadressen=bag, today=pd.Timestamp("2026-11-20").date())
        assert not result.geweigerd, result.meldingen()
        set_aside_unknown_reasons(result, Settings(data).config.besluiten.redenen)
        params = month_params(MAAND)
        con.execute("BEGIN TRANSACTION")
        write_quarantine(con, "besluiten", MAAND, result.quarantaine)
        assert load_staging(con, "besluiten", result.frame, params, saved.name) == len(keuzes) + 1
        evaluation.build_decisions(con, params)
        con.execute("COMMIT")
        marts = con.execute("SELECT nummeraanduiding_id, soort_voorstel, besluit, reden FROM marts.besluiten WHERE maand = $m",
                            {"m": MAAND}).df().set_index("nummeraanduiding_id")
        totaal = con.execute("SELECT soort_voorstel, voorstellen, besloten, later, controle FROM marts.evaluatie_besluiten "
                             "WHERE maand = $m AND lijst_maand = '12 maanden'", {"m": MAAND}).df().set_index("soort_voorstel")
    finally:
        con.close()
    assert marts.loc[ids[b], "besluit"] == "geen controle" and marts.loc[ids[b], "reden"] == "al bekend bij partner"
    assert marts.loc[ids[steekproef], ["soort_voorstel", "besluit"]].tolist() == ["steekproef", "controle"]
    assert marts.loc[toegevoegd_id, ["soort_voorstel", "besluit"]].tolist() == ["overleg", "controle"]
    open_ = next(i for i in range(n) if i not in keuzes)
    assert pd.isna(marts.loc[ids[open_], "besluit"]), "a proposal without a choice stays undecided"
    assert totaal.loc["overleg", "voorstellen"] == 1
    assert totaal.loc["risicolijst", "later"] == 1
    assert totaal.loc["risicolijst", "besloten"] + totaal.loc["steekproef", "besloten"] == 3


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext ontbreekt (apt-get install -y poppler-utils)")
def test_the_printed_list_has_every_column_on_a4(page, data):
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "controlelijst_afdruk.pdf"
    page.emulate_media(media="print")
    assert not page.locator("#besluit-opslaan").is_visible(), "knoppen en formuliervelden staan niet op papier"
    assert page.locator(".papier .vak").first.is_visible(), "een lege besluitkolom staat op papier"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    text = " ".join(_pdf_text(pdf).split())
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        from assets.warehouse import month_params, query

        lijst = query(con, "rapport.controlelijst", month_params(MAAND)).df()
    finally:
        con.close()
    for kop in ("Adres", "Buurt", "Aanleiding", "Score", "Rang", "Redenen", "Laatste controle", "Besluit overleg"):
        assert kop in text, kop
    squeezed = text.replace(" ", "")
    for r in lijst.itertuples():
        assert r.adres.replace(" ", "") in squeezed, r.adres
        for reden in str(r.redenen).split(";"):
            reden = reden.strip()
            # a reason may break over lines; compared without spaces and hyphenation
            assert reden.replace(" ", "").replace("-", "")[:60] in squeezed.replace("-", ""), reden
        if not pd.isna(r.laatste_controle_datum):
            assert f"{pd.Timestamp(r.laatste_controle_datum):%d-%m-%Y}" in text
    assert text.count("geen controle") >= len(lijst), "elk adres heeft een lege besluitkolom"
    assert "Opslaan maakt het bestand" not in text, "de uitleg bij het scherm-formulier staat niet op papier"

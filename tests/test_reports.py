"""Reports: trend tables, Excel files, the monthly HTML report and its Dagster assets.

A small synthetic warehouse (tests/conftest_reports.py: three months, the pipeline's own
mart SQL) is built once for this module.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import stat
from pathlib import Path

import duckdb
import pytest
import yaml

from assets.reports import report_png
from assets.reports import report_publish as report_module
from assets.reports import writers
from assets.reports.report_publish import build_report, build_trend_files, render
from assets.reports.trends import TREND_TABLES, trend_tables
from assets.scoring import load
from conftest_reports import MAANDEN, data_folder
from assets.settings import CONFIG_DIR, Settings

MAAND = MAANDEN[-1]

# Tabel 1 of the policy (SHOP, regio Hollands Midden), typed over from the document.
TABEL_1 = {
    "arbeidsuitbuiting": [0, 4, 3, 0, 0],
    "seksuele_uitbuiting": [0, 1, 5, 2, 6],
    "criminele_uitbuiting": [0, 1, 0, 6, 1],
    "criminele_seksuele_uitbuiting": [0, 0, 1, 2, 0],
    "onbekend": [0, 1, 1, 0, 0],
    "totaal": [0, 7, 10, 10, 7],
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return data_folder(tmp_path_factory, "rr-reports")


@pytest.fixture()
def con(data_dir):
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


@pytest.fixture()
def own_data(data_dir, tmp_path) -> Settings:
    """A fresh data folder sharing the module's warehouse (outputs and config are per test)."""
    (tmp_path / "warehouse.duckdb").symlink_to((data_dir / "warehouse.duckdb").resolve())
    return Settings(tmp_path)


@pytest.fixture(scope="module")
def report_html(data_dir) -> str:
    """The report of the last month, rendered once for the tests that only read it."""
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return build_report(connection, Settings(data_dir), MAAND, png=False).html.read_text(encoding="utf-8")
    finally:
        connection.close()


def _report(settings: Settings, con, **kwargs) -> str:
    result = build_report(con, settings, MAAND, png=False, **kwargs)
    return result.html.read_text(encoding="utf-8")


def _text(html: str) -> str:
    """Visible text, whitespace collapsed (enough for assertions on sentences)."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- trend tables ---------------------------------------------------------------------------

def test_shop_trend_table_equals_policy_table_1(con):
    tabel = trend_tables(con, MAAND)["slachtoffers"]
    shop = tabel[(tabel["bron"] == "SHOP") & (tabel["regio"] == "Hollands Midden")].sort_values("jaar")
    assert shop["jaar"].tolist() == [2018, 2019, 2020, 2021, 2022]
    for kolom, waarden in TABEL_1.items():
        assert shop[kolom].tolist() == waarden, kolom


def test_trend_tables_stop_at_the_month(con):
    early = trend_tables(con, MAANDEN[0])
    assert set(early) == set(TREND_TABLES)
    assert early["rni_per_maand"]["maand"].tolist() == [MAANDEN[0]]
    assert early["leegstand_per_buurt_per_maand"]["maand"].max() == MAANDEN[0]
    assert trend_tables(con, "2020-12")["slachtoffers"]["jaar"].max() == 2020


def test_csv_is_excel_friendly(own_data, con):
    paths = build_trend_files(con, own_data, MAAND)
    folder = own_data.output_month(MAAND) / "trends"
    assert {p.name for p in paths} == {f"{n}.csv" for n in TREND_TABLES} | {f"trends_{MAAND}.xlsx"}
    raw = (folder / "controles_per_maand.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing: Excel would misread é and ²"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["maand", "aanleiding", "controles"]
    trefkans = [r[rows[0].index("trefkans_cumulatief")] for r in rows[1:] if r[rows[0].index("trefkans_cumulatief")]]
    assert trefkans and all("," in v and "." not in v for v in trefkans), "decimal comma expected"
    shop = (folder / "slachtoffers.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "SHOP;Hollands Midden;2020;3;5;0;1;1;10" in shop


def test_xlsx_has_a_sheet_per_table(own_data, con):
    from openpyxl import load_workbook

    build_trend_files(con, own_data, MAAND)
    book = load_workbook(own_data.output_month(MAAND) / "trends" / f"trends_{MAAND}.xlsx", read_only=True)
    assert book.sheetnames == ["toelichting", "slachtoffers", "rni_per_maand", "leegstand_per_buurt",
                               "objecten_per_indicator", "controles_per_maand"]
    rows = list(book["slachtoffers"].iter_rows(values_only=True))
    assert rows[0][:4] == ("bron", "regio", "jaar", "arbeidsuitbuiting")
    assert ("SHOP", "Hollands Midden", 2021, 0, 2, 6, 2, 0, 10) in rows


def test_decision_template_has_drop_down_lists_and_ids_as_text(own_data, con):
    """The besluitenformulier beside the report: the contract's columns, one row per proposed
    address plus empty rows for the overleg, drop-down lists for soort_voorstel, besluit and reden
    over all those rows, and the nummeraanduiding cells (the empty ones too) in text format, so an
    id typed in keeps its leading zero."""
    from openpyxl import load_workbook

    from data_contracts.contract import load_contract

    build_report(con, own_data, MAAND, png=False)
    path = own_data.output_month(MAAND) / f"besluitenformulier_{MAAND}.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["toelichting", "besluiten", "adressen"]
    sheet = book["besluiten"]
    kolommen = list(load_contract("besluiten").columns)
    assert [c.value for c in sheet[1]] == kolommen
    lijst = con.execute("SELECT count(*) FROM marts.controlelijst WHERE maand = ?", [MAAND]).fetchone()[0]
    last = 1 + lijst + 10
    letter = {c: chr(ord("A") + i) for i, c in enumerate(kolommen)}
    lists = {str(v.sqref): (v.type, v.formula1, v.allow_blank, v.showErrorMessage, v.errorTitle)
             for v in sheet.data_validations.dataValidation}
    redenen = ",".join(own_data.config.besluiten.redenen)
    assert lists == {
        f"{letter['soort_voorstel']}2:{letter['soort_voorstel']}{last}":
            ("list", '"risicolijst,steekproef,overleg"', True, True, "Niet in de lijst"),
        f"{letter['besluit']}2:{letter['besluit']}{last}":
            ("list", '"controle,geen controle,later"', True, True, "Niet in de lijst"),
        f"{letter['reden']}2:{letter['reden']}{last}": ("list", f'"{redenen}"', True, True, "Niet in de lijst"),
    }
    ids = [sheet[f"{letter['nummeraanduiding_id']}{r}"] for r in range(2, last + 1)]
    assert all(c.number_format == "@" for c in ids)
    assert all(isinstance(c.value, str) and len(c.value) == 16 for c in ids[:lijst])
    assert all(c.value is None for c in ids[lijst:])
    assert [sheet[f"{letter['soort_voorstel']}{r}"].value for r in range(lijst + 2, last + 1)] == ["overleg"] * 10


def test_the_report_step_does_not_load_openpyxl(own_data):
    """The template is written by assets.xlsx alone: the report step of every month run no longer
    pays openpyxl's import (~0.4 s) to add the drop-down lists afterwards."""
    import subprocess
    import sys

    script = (
        "import sys, duckdb\n"
        "from assets.reports.report_publish import build_report\n"
        "from pathlib import Path\n"
        "from assets.settings import Settings\n"
        f"con = duckdb.connect({str(own_data.warehouse)!r}, read_only=True)\n"
        f"build_report(con, Settings(Path({str(own_data.data)!r})), {MAAND!r}, png=False)\n"
        "print('openpyxl' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
    assert (own_data.output_month(MAAND) / f"besluitenformulier_{MAAND}.xlsx").exists()


def test_a_table_too_big_for_excel_stays_in_its_csv_and_the_workbook_says_so(own_data, con, monkeypatch):
    from openpyxl import load_workbook

    from assets import writing

    monkeypatch.setattr(writing, "EXCEL_MAX_RIJEN", 30)  # the buurt table has more rows than this
    build_trend_files(con, own_data, MAAND)
    folder = own_data.output_month(MAAND) / "trends"
    book = load_workbook(folder / f"trends_{MAAND}.xlsx", read_only=True)
    assert "leegstand_per_buurt" not in book.sheetnames and "slachtoffers" in book.sheetnames
    toelichting = [r for r in book["toelichting"].iter_rows(values_only=True) if r and r[0] == "leegstand_per_buurt"]
    assert "Te groot voor Excel: staat alleen in leegstand_per_buurt_per_maand.csv." in toelichting[0][1]
    assert len((folder / "leegstand_per_buurt_per_maand.csv").read_text(encoding="utf-8-sig").splitlines()) > 31


# --- the report ---------------------------------------------------------------------------

def test_report_shows_control_list_as_proposal_in_neutral_order(report_html, con):
    html = report_html
    text = _text(html)
    assert "Voorstel — intern — geen besluit" in text
    assert "INTERN" in text
    lijst = con.execute("SELECT adres, rang FROM marts.controlelijst WHERE maand = $m", {"m": MAAND}).df()
    tabel = html.split('id="controlelijst-tabel"')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-rang="(\d+)" data-straat="(\d+)"', tabel)
    assert len(rows) == len(lijst) == 30
    for adres in lijst["adres"]:
        assert f'<div class="adres">{adres}</div>' in tabel
    # default order: by street (neutral), not by rank
    assert [int(s) for _, s in rows] == list(range(1, len(rows) + 1))
    assert [int(r) for r, _ in rows] != sorted(int(r) for r, _ in rows)
    assert 'data-volgorde="rang"' in html


def test_report_is_self_contained(report_html):
    html = report_html
    plotlyjs, rest = html.split("</script>", 1)
    assert "* plotly.js v" in plotlyjs and "<head>" in plotlyjs, "plotly.js is inlined in the head"
    assert not re.search(r"https?://", rest), "the page itself refers to nothing on the internet"
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html), "no external files"
    assert html.count("Plotly.newPlot") == len(re.findall(r'class="plotly-graph-div"', html)) >= 8


def test_report_key_figures_and_data_quality(report_html):
    text = _text(report_html)
    assert "t.o.v. september 2026" in text
    assert "Er is geen WOZ-bestand gebruikt." in text
    assert "96,5 %" in text  # KvK address match rate
    assert "Rijen in quarantaine" in text
    assert "geen bestand (optioneel)" in text  # no WOZ and no signalen file this month
    assert "Trefkans per aanleiding" in report_html


def test_method_section_follows_the_configuration(own_data, con):
    before = _text(_report(own_data, con))
    assert "lager dan 12 → 2 punten; lager dan 10 → 3 punten" in before

    config = yaml.safe_load((CONFIG_DIR / "indicatoren.yaml").read_text(encoding="utf-8"))
    for ind in config["indicatoren"]:
        if ind["id"] == "laag_m2_per_ingeschrevene":
            ind["drempels"][0]["waarde"] = 14
        if ind["id"] == "veel_briefadressen":
            ind["onderbouwing"] = "Gewijzigde onderbouwing voor deze test."
    (own_data.data / "config").mkdir()
    (own_data.data / "config" / "indicatoren.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    assert own_data.indicatoren_path.parent == own_data.data / "config"

    after = _text(_report(own_data, con))
    assert "lager dan 14 → 2 punten; lager dan 10 → 3 punten" in after
    assert "lager dan 12 → 2 punten" not in after
    assert "Gewijzigde onderbouwing voor deze test." in after
    for ind in load(own_data.indicatoren_path):
        assert ind.label in after


def test_report_without_gemeente_boundary(con):
    html, _, _ = render(con, MAAND, load(CONFIG_DIR / "indicatoren.yaml"), {"gemeentenaam": "Testgemeente"}, None)
    assert "Er is geen gemeentegrens ingesteld" in _text(html)


def test_outputs_are_private(own_data, con):
    build_trend_files(con, own_data, MAAND)
    build_report(con, own_data, MAAND, png=False)
    month = own_data.output_month(MAAND)
    for path in [month, *month.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path}: {oct(mode)}"


def test_failed_run_leaves_previous_outputs_untouched(own_data, con, monkeypatch):
    build_trend_files(con, own_data, MAAND)
    first = build_report(con, own_data, MAAND, png=False)
    month = own_data.output_month(MAAND)
    before = {p: p.read_bytes() for p in month.rglob("*") if p.is_file()}

    def boom(*args, **kwargs):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(report_module, "browser", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(report_module, "write_specs", boom)
    with pytest.raises(RuntimeError):
        build_report(con, own_data, MAAND, png=True)
    monkeypatch.setattr(writers, "write_xlsx", boom)
    with pytest.raises(RuntimeError):
        build_trend_files(con, own_data, MAAND)
    after = {p: p.read_bytes() for p in month.rglob("*") if p.is_file()}
    assert after == before
    assert not list(month.glob(f"{writers.TMP_PREFIX}*")), "temporary folder left behind"
    assert first.html.exists()


def test_png_export_is_skipped_without_chromium(own_data, con, monkeypatch, caplog):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    result = build_report(con, own_data, MAAND, png=True)
    assert result.html.exists() and result.figuren == 0
    assert "geen Chromium gevonden" in result.png_melding
    assert "geen Chromium gevonden" in caplog.text
    assert not report_png.pending(own_data.output_month(MAAND))


def _fake_chromium(monkeypatch, during=None):
    """PNG export without Chromium: each PNG becomes a few bytes; `during` runs mid-export."""
    def export(items, timeout=0):
        if during:
            during()
        for _, path, *_ in items:
            path.write_bytes(b"\x89PNG\r\n\x1a\n nep")
        return [p for _, p, *_ in items], f"{len(items)} PNG-afbeeldingen gemaakt"

    monkeypatch.setattr(report_module, "browser", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(report_png, "export_pngs", export)


def test_the_report_lists_its_figures_and_leaves_the_pngs_to_a_later_step(own_data, con, monkeypatch):
    """The report does not wait for Chromium: it publishes the figures' specifications; the
    PNG step makes the images afterwards and publishes them beside them."""
    _fake_chromium(monkeypatch)
    monkeypatch.setattr(report_png, "export_pngs", lambda *a, **k: pytest.fail("the report must not render PNGs"))
    result = build_report(con, own_data, MAAND, png=True)
    month = own_data.output_month(MAAND)
    listed = report_png.manifest(month)
    names = {e["png"] for e in listed["figuren"]}
    assert result.figuren == len(names) and {"kaart_leegstand.png", "trend_rni.png"} <= names
    assert not any("controlelijst" in n for n in names), "the address map is never exported as an image"
    assert not list((month / "figuren").glob("*.png")) and report_png.pending(month)
    for entry in listed["figuren"]:
        assert (month / "figuren" / entry["spec"]).stat().st_size > 1_000

    _fake_chromium(monkeypatch)
    made, melding = report_png.make_pngs(month)
    assert {p.name for p in made} == names and melding == f"{len(names)} PNG-afbeeldingen gemaakt"
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in made) and not report_png.pending(month)
    for path in [month / "figuren", *(month / "figuren").iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert not list(month.glob(".rr-tmp-*")), "temporary folder left behind"

    build_report(con, own_data, MAAND, png=True)  # a re-run of the month: no stale images beside it
    assert not list((month / "figuren").glob("*.png")) and report_png.pending(month)


def test_pngs_of_a_replaced_report_are_not_published(own_data, con, monkeypatch):
    """A report published again while the PNGs of its predecessor are being made keeps its own
    (pending) figures; the images of the old one are dropped."""
    _fake_chromium(monkeypatch)
    build_report(con, own_data, MAAND, png=True)
    month = own_data.output_month(MAAND)
    first = report_png.manifest(month)["token"]
    _fake_chromium(monkeypatch, during=lambda: build_report(con, own_data, MAAND, png=True))
    made, melding = report_png.make_pngs(month)
    assert made == [] and "intussen opnieuw gemaakt" in melding
    assert report_png.manifest(month)["token"] != first
    assert not list((month / "figuren").glob("*.png")) and report_png.pending(month)
    assert not list(month.glob(".rr-tmp-*"))


# --- Dagster ----------------------------------------------------------------------------------

def test_dagster_assets_materialize_a_month(own_data, monkeypatch):
    import dagster as dg
    from dagster_duckdb import DuckDBResource

    from assets.reports import ASSETS, MAANDRAPPORTAGE, TRENDTABELLEN
    from assets.resources import DataFolder

    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")  # PNGs are tested in the browser tests
    # the warehouse is shared read-only by the other tests: give Dagster its own copy
    shared = own_data.warehouse.resolve()
    own_data.warehouse.unlink()
    shutil.copyfile(shared, own_data.warehouse)
    result = dg.materialize(
        ASSETS,
        partition_key=MAAND,
        resources={"duckdb": DuckDBResource(database=str(own_data.warehouse)),
                   "data_folder": DataFolder(data_dir=str(own_data.data))},
    )
    assert result.success
    from assets.partitions import maand_partitions

    for asset in ASSETS:
        assert asset.partitions_def == maand_partitions
        assert asset.group_names_by_key[asset.key] == "rapportage"
        assert asset.op.pool == "duckdb_writer"
    trends = result.asset_materializations_for_node("rapportage__trendtabellen")[0].metadata
    assert trends["bestanden"].value == len(TREND_TABLES) + 1
    rapport = result.asset_materializations_for_node("rapportage__maandrapportage")[0].metadata
    assert Path(rapport["rapport"].value) == own_data.output_month(MAAND) / "maandrapportage.html"
    assert rapport["adressen_op_lijst"].value == 30
    assert "geen Chromium gevonden" in rapport["png"].value
    assert {TRENDTABELLEN, MAANDRAPPORTAGE} == {a.key for a in ASSETS}
    deps = {k for a in ASSETS for k in a.asset_deps[a.key]}
    assert dg.AssetKey(["marts", "controlelijst"]) in deps and dg.AssetKey(["staging", "slachtoffers"]) in deps



def test_text_from_the_registers_is_escaped(data_dir, tmp_path):
    """A street name or reason with HTML in it is shown as text, never run as script."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile((data_dir / "warehouse.duckdb").resolve(), copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("UPDATE marts.controlelijst SET adres = '<script>alert(1)</script>Kerkstraat 1', "
                    "redenen = '<img src=x onerror=alert(2)>; 3 briefadressen' WHERE maand = $m AND rang = 1", {"m": MAAND})
        con.execute("UPDATE staging.cbs_buurten SET buurtnaam = '<b onmouseover=alert(3)>Dorp</b>' "
                    "WHERE buurtcode = (SELECT min(buurtcode) FROM staging.cbs_buurten)")
        html, _, _ = render(con, MAAND, load(CONFIG_DIR / "indicatoren.yaml"), {}, None)
    finally:
        con.close()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;Kerkstraat 1" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b onmouseover" not in html


def test_unprocessed_month_is_refused_with_a_clear_message(own_data, con):
    from assets.reports.report_data import MaandNietVerwerkt

    with pytest.raises(MaandNietVerwerkt, match="risicoradar run --maand 2026-12"):
        build_report(con, own_data, "2026-12", png=False)
    assert not own_data.output_month("2026-12").joinpath("maandrapportage.html").exists()


def test_monthly_runs_started_elsewhere_get_their_pngs_from_the_sensor(own_data, con, monkeypatch):
    """A monthly run of the schedule, the inbox sensor or the UI: the sensor asks for the PNG job
    of its month; a CLI run (which starts its own) and a month without pending figures are skipped."""
    import dagster as dg
    from dagster._core.events import DagsterEvent, DagsterEventType

    from pipelines.runs import RUN_SOURCE_TAG
    from pipelines.sensors import afbeeldingen_na_maandrun

    monkeypatch.setenv("RISICORADAR_DATA", str(own_data.data))
    event = DagsterEvent(DagsterEventType.RUN_SUCCESS.value, "maandelijkse_verversing")

    def evaluate(tags):
        with dg.instance_for_test() as instance:
            run = dg.DagsterRun(job_name="maandelijkse_verversing", run_id="a" * 32, tags={"dagster/partition": MAAND, **tags})
            context = dg.build_run_status_sensor_context(sensor_name="afbeeldingen_na_maandrun", dagster_event=event,
                                                         dagster_instance=instance, dagster_run=run)
            return afbeeldingen_na_maandrun(context)

    assert isinstance(evaluate({}), dg.SkipReason)  # no report yet: nothing to draw
    _fake_chromium(monkeypatch)
    build_report(con, own_data, MAAND, png=True)
    request = evaluate({})
    assert isinstance(request, dg.RunRequest) and request.partition_key == MAAND
    assert "zelf" in evaluate({RUN_SOURCE_TAG: "cli"}).skip_message
    report_png.make_pngs(own_data.output_month(MAAND))
    assert isinstance(evaluate({}), dg.SkipReason)
    assert afbeeldingen_na_maandrun.job_name == "afbeeldingen"

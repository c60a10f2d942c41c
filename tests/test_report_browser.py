"""The monthly report in a real browser: headless Debian Chromium via Playwright, no network.

Checks what an analyst would notice: every map and chart draws, no JavaScript errors, the
page asks nothing from the internet, the neutral/score order toggle works, and hovering an
address on the internal map shows its reasons. A full-page screenshot is saved to
test-artifacts/. The static PNG export (kaleido with the same Chromium) is checked here too.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import pytest

from assets.reports.report_publish import build_report
from conftest_reports import MAANDEN, data_folder
from assets.settings import PROJECT_DIR, Settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = PROJECT_DIR / "test-artifacts"
MAAND = MAANDEN[-1]
ALL_DRAWN = ("() => { const divs = Array.from(document.querySelectorAll('.plotly-graph-div'));"
             " return divs.length > 0 && divs.every(d => d.querySelector('.main-svg')); }")

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} ontbreekt (apt-get install -y chromium): browsertests overgeslagen",
                allow_module_level=True)


@pytest.fixture(scope="module")
def rapport(tmp_path_factory):
    """The report of a small synthetic warehouse (three months), with PNG export."""
    data = data_folder(tmp_path_factory, "rr-browser")
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        return build_report(con, Settings(data), MAAND, png=True)
    finally:
        con.close()


@pytest.fixture(scope="module")
def context():
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="rr-chromium-profiel-") as profile, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=ARGS,
            viewport={"width": 1400, "height": 1000}, offline=True, locale="nl-NL",
        )
        try:
            yield ctx
        finally:
            ctx.close()


class Opened:
    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []


@pytest.fixture(scope="module")
def opened(context, rapport):
    """The report opened once (loading 5 MB of inlined plotly.js is the slow part); tests restore what they change."""
    page = context.new_page()
    state = Opened(page)
    page.on("pageerror", lambda exc: state.errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: state.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("request", lambda req: None if req.url.startswith(("file:", "data:", "blob:", "about:"))
            else state.requests.append(req.url))

    def block(route):
        state.requests.append(route.request.url)
        route.abort()

    page.route("http*://**/*", block)
    page.route("ws*://**/*", block)
    page.goto(rapport.html.as_uri(), wait_until="load")
    page.wait_for_function(ALL_DRAWN, timeout=60_000)
    yield state
    page.close()


def test_report_draws_everything_offline_without_errors(opened):
    page = opened.page
    divs = page.locator(".plotly-graph-div")
    assert divs.count() >= 8
    assert page.evaluate("Array.from(document.querySelectorAll('.plotly-graph-div')).filter(d => !d.querySelector('.main-svg')).length") == 0
    # the buurt maps really have polygons (filled paths), not an empty frame
    filled = page.evaluate("document.querySelectorAll('#kaart-leegstand .scatterlayer path.js-fill').length")
    assert filled >= 3
    assert page.get_by_text("Voorstel — intern — geen besluit").is_visible()
    assert opened.requests == [], f"de pagina probeerde het netwerk te gebruiken: {opened.requests}"
    assert opened.errors == [], f"JavaScript-fouten: {opened.errors}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "maandrapportage.png"), full_page=True)
    page.locator("#controlelijst").screenshot(path=str(ARTIFACTS / "maandrapportage_controlelijst.png"))


def _order(page) -> list[tuple[int, int]]:
    return page.evaluate(
        "Array.from(document.querySelectorAll('#controlelijst-tabel tbody tr[data-rang]'))"
        ".map(r => [Number(r.dataset.rang), Number(r.dataset.straat)])")


def test_street_order_toggle(opened):
    page = opened.page
    straat_knop = page.get_by_role("button", name="Op straat (neutraal)")
    score_knop = page.get_by_role("button", name="Op score (rang)")
    start = _order(page)
    assert [s for _, s in start] == sorted(s for _, s in start), "default is the neutral street order"
    assert straat_knop.get_attribute("aria-pressed") == "true"

    score_knop.click()
    by_score = _order(page)
    assert [r for r, _ in by_score] == sorted(r for r, _ in start)
    assert score_knop.get_attribute("aria-pressed") == "true" and straat_knop.get_attribute("aria-pressed") == "false"
    first_row = page.locator("#controlelijst-tabel tbody tr").first
    assert first_row.get_attribute("data-rang") == "1"

    straat_knop.click()
    assert _order(page) == start
    assert opened.errors == []


def test_control_list_map_shows_reasons_on_hover(opened, rapport):
    page = opened.page
    page.locator("#kaart-controlelijst").scroll_into_view_if_needed()
    trace = page.evaluate(
        "document.getElementById('kaart-controlelijst').data.findIndex(t => t.name && t.name.startsWith('Risicolijst'))")
    assert trace >= 0
    page.evaluate(f"Plotly.Fx.hover('kaart-controlelijst', [{{curveNumber: {trace}, pointNumber: 0}}])")
    hover = page.evaluate("document.querySelector('#kaart-controlelijst .hoverlayer').textContent")
    assert "score" in hover and "•" in hover, hover
    assert opened.errors == []


def test_static_png_export(rapport):
    """The PNG step renders what the report listed, with kaleido and Debian's Chromium."""
    from assets.reports.report_png import make_pngs, pending

    month = rapport.html.parent
    assert rapport.figuren and pending(month), rapport.png_melding
    made, melding = make_pngs(month)
    assert made, melding
    names = {p.name for p in made}
    assert {"kaart_leegstand.png", "trend_rni.png"} <= names and len(names) == rapport.figuren
    assert not any("controlelijst" in n for n in names), "the address map is never exported as an image"
    for path in made:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5_000
    assert not pending(month)


def test_a_cli_run_makes_the_pngs_in_the_background(demo_copy):
    """`risicoradar run` returns without waiting for Chromium; a background process makes the
    report's PNGs afterwards, recorded as a Dagster run of the job `afbeeldingen`."""
    import os
    import time

    from tests.conftest import run_cli

    month = sorted(p.name for p in (demo_copy / "output").iterdir() if p.name[:2] == "20")[-1]
    figuren = demo_copy / "output" / month / "figuren"
    env = {k: v for k, v in os.environ.items() if k != "RISICORADAR_AFBEELDINGEN"}
    result = run_cli("run", "--maand", month, "--opnieuw", data=demo_copy, env=env)
    assert "op de achtergrond gemaakt" in result.stdout, result.stdout
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not (figuren / "kaart_leegstand.png").exists():
        time.sleep(1)
    assert (figuren / "kaart_leegstand.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    log = next((demo_copy / "logs").glob("afbeeldingen_*.log"))
    while time.monotonic() < deadline and "PNG-afbeeldingen gemaakt" not in log.read_text(encoding="utf-8"):
        time.sleep(1)
    assert f"{month}: " in log.read_text(encoding="utf-8")
    status = run_cli("status", data=demo_copy).stdout
    assert status  # the instance is readable after two processes wrote it
    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

    os.environ["DAGSTER_HOME"], home = str(demo_copy / "dagster_home"), os.environ.get("DAGSTER_HOME")
    try:
        with DagsterInstance.get() as instance:
            runs = instance.get_runs(RunsFilter(job_name="afbeeldingen", statuses=[DagsterRunStatus.SUCCESS]))
        assert [r.tags.get("dagster/partition") for r in runs][:1] == [month]
    finally:
        if home is None:
            os.environ.pop("DAGSTER_HOME")
        else:
            os.environ["DAGSTER_HOME"] = home

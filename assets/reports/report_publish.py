"""The monthly report for the signaleringsoverleg: render the HTML page and publish the month's folder.

`build_report(con, settings, maand)` reads the warehouse (`report_data`: the `rapport.*.sql`
queries, and the trend tables), draws the maps and charts (`report_figures`), turns each
section into what the template reads (`report_sections`), renders `maandrapportage.html.j2`
(jinja2, autoescaped) with plotly.js inlined, so the page needs no network and no other file,
lists the figures for the static PNGs when Chromium is available (made afterwards, off the
month's critical path: `report_png`), and publishes everything atomically into
`<data>/output/<YYYY-MM>/`. The method section is generated from the running
indicator configuration, never written by hand. `build_trend_files` publishes the trend tables
(CSV and XLSX) into the same folder. The Dagster assets that call both are in `rapportage.py`.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from markupsafe import Markup

from assets.reports import figures as fg
from assets.reports import report_sections as sections
from assets.formatting import getal, procent
from assets.reports.report_data import MaandNietVerwerkt, check_processed, read_report_data
from assets.reports.report_figures import Figuur, report_figures
from assets.reports.report_png import PNG_FOLDER, browser, figures_lock, no_browser_message, write_specs
from assets.reports.trends import trend_tables
from assets.writing import Publication, files_under
from assets.scoring.config import Indicator, load
from assets.settings import Instellingen
from assets.warehouse import month_params
from data_contracts.months import maandnaam

__all__ = ["MaandNietVerwerkt", "RapportResultaat", "build_report", "build_trend_files", "render"]

log = logging.getLogger(__name__)

TEMPLATE = "maandrapportage.html.j2"
REPORT_NAME = "maandrapportage.html"


@dataclass
class RapportResultaat:
    """What one report run produced (for Dagster metadata and tests)."""

    maand: str
    html: Path
    bestanden: list[Path]
    figuren: int = 0            # figures listed for the PNG step (report_png.make_pngs)
    png_melding: str = ""
    controlelijst: int = 0


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["getal"] = getal
    env.filters["procent"] = procent
    return env


def _config(instellingen: Instellingen | Mapping | None) -> Instellingen:
    """Validated settings: as given, or validated from a plain mapping (tests, notebooks)."""
    return Instellingen.of(instellingen)


def _kop(maand: str, config: Instellingen) -> dict:
    import plotly.offline

    return {
        "maand": maand,
        "maandnaam": maandnaam(maand),
        "vorige_maandnaam": maandnaam(month_params(maand)["vorige_maand"]),
        "gemeente": config.gemeentenaam,
        "gemaakt": f"{dt.datetime.now():%d-%m-%Y %H:%M}",
        "plotlyjs": Markup(plotly.offline.get_plotlyjs()),
    }


def render(con: duckdb.DuckDBPyConnection, maand: str, indicatoren: list[Indicator],
           instellingen: Instellingen | Mapping, boundary_path: Path | None) -> tuple[str, dict[str, list[Figuur]], int]:
    """The report's HTML text, its figures, and the size of the control list."""
    config = _config(instellingen)
    data = read_report_data(con, maand)
    trends = trend_tables(con, maand)
    labels = {ind.id: ind.label for ind in indicatoren}
    boundary = fg.read_boundary(boundary_path)
    figuren = report_figures(data, trends, labels, boundary, maand)
    lijst = sections.controlelijst(data["controlelijst"])
    evaluatie = sections.evaluatie(data, labels, config)
    from assets.evaluation import human_review

    besluiten = sections.evaluatie_besluiten(data, human_review(con, maand, config.besluiten))
    context = {
        **_kop(maand, config),
        "kerncijfers": sections.kerncijfers(data["kerncijfers"], maand),
        **sections.figuren(figuren),
        **lijst,
        **sections.datakwaliteit(data),
        **evaluatie,
        **besluiten,
        **sections.besluitformulier(data["besluitadressen"], config, maand),
        "tabellen": {**evaluatie["tabellen"],
                     "quarantaine": sections.quarantaine_tabel(data["quarantaine"]),
                     "buurten": sections.buurten_tabel(data["buurten"])},
        **sections.trend_tabellen(trends, maand),
        "methode": sections.methode(indicatoren, config),
        "geen_gemeentegrens": boundary is None,
    }
    html_text = _environment().get_template(TEMPLATE).render(**context)
    return html_text, figuren, len(lijst["controlelijst"])


def build_report(con: duckdb.DuckDBPyConnection, settings, maand: str, *, png: bool = True,
                 indicatoren: list[Indicator] | None = None,
                 instellingen: Instellingen | Mapping | None = None) -> RapportResultaat:
    """Render the month's report and publish it (with PNGs) into `settings.output_month(maand)`."""
    check_processed(con, maand)
    indicatoren = indicatoren if indicatoren is not None else load(settings.indicatoren_path)
    config = settings.config if instellingen is None else _config(instellingen)
    html_text, figuren, n_lijst = render(con, maand, indicatoren, config, settings.gemeentegrens_path)
    target = settings.output_month(maand)
    with Publication(target) as pub:
        n_figuren, melding = 0, "PNG-export uitgeschakeld"
        if png:
            folder = pub.tmp / PNG_FOLDER
            folder.mkdir(mode=0o700)
            if browser() is None:
                melding = no_browser_message()
                log.warning("Maandrapportage %s: %s", maand, melding)
            else:  # the PNGs themselves are made after the report (report_png.make_pngs)
                n_figuren = write_specs([(f.fig, f.png) for group in figuren.values() for f in group if f.png], folder)
                melding = f"{n_figuren} PNG-afbeeldingen volgen (stap afbeeldingen)"
        html_tmp = pub.tmp / REPORT_NAME
        html_tmp.write_text(html_text, encoding="utf-8")
        from assets.reports.besluitformulier import write_template

        sjabloon = f"besluitenformulier_{maand}.xlsx"
        write_template(con, maand, config, pub.tmp / sjabloon)
        # An attempted export always replaces the PNG folder: no stale images beside a new report.
        with figures_lock(target):
            published = pub.publish(([PNG_FOLDER] if png else []) + [REPORT_NAME, sjabloon])
    return RapportResultaat(maand=maand, html=target / REPORT_NAME, bestanden=files_under(published),
                            figuren=n_figuren, png_melding=melding, controlelijst=n_lijst)


def build_trend_files(con: duckdb.DuckDBPyConnection, settings, maand: str,
                      tables: dict[str, pd.DataFrame] | None = None) -> list[Path]:
    """Write the trend tables (computed here unless given) as CSV and XLSX into
    `<output>/<maand>/trends/`, atomically."""
    from assets.reports.writers import write_trend_files

    check_processed(con, maand)
    tables = trend_tables(con, maand) if tables is None else tables
    with Publication(settings.output_month(maand)) as pub:
        write_trend_files(tables, pub.tmp / "trends", maand)
        published = pub.publish(["trends"])
    return files_under(published)

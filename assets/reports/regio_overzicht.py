"""The regional overview for the RIEC: one HTML page with every gemeente's key figures of a month.

    regio_overzicht(settings, "2026-10")   # -> <data>/output/2026-10/regio_overzicht.html

Reads each gemeente's own warehouse (`<data>/gemeenten/GMxxxx/warehouse.duckdb`, read-only) with
`regio_overzicht.kerncijfers.sql`, puts one row per gemeente side by side with a regional total,
and suppresses small counts exactly as the RIEC export does (assets/exports/suppression.py:
primary below `export.onderdrukkingsgrens`, secondary so that no hidden cell follows from the
regional totals; percentages only over unsuppressed counts). Gemeenten that have not processed
the month are listed by code, without figures. Counts only: nothing about an address.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from assets.exports.suppression import Rule, percentage, suppress, threshold_from
from assets.settings import Settings
from assets.warehouse import month_params, query
from assets.writing import write_private
from data_contracts.months import maandnaam

FILE = "regio_overzicht.html"
TEMPLATE = "regio_overzicht.html.j2"
KOLOMMEN = {
    "woningen": "Woningen",
    "leegstaand": "Administratief leeg",
    "risicosector": "Vestigingen risicosector",
    "uitzend": "Uitzend- en bemiddelingsbureaus",
    "risicolijst": "Adressen op de risicolijst",
    "signalen": "Geverifieerde signalen",
    "controles": "Controles",
    "treffers": "Controles met bevinding",
}


class RegioFout(ValueError):
    """No gemeente can be shown (no per-gemeente folders, or none processed the month)."""


@dataclass
class RegioOverzicht:
    pad: Path
    gemeenten: list[str]
    niet_verwerkt: list[str]
    tabel: pd.DataFrame  # what the page shows: counts or the marker, with the total row


def gemeente_folders(settings: Settings) -> list[Settings]:
    return [settings.voor_gemeente(p.name) for p in sorted((settings.data / "gemeenten").glob("GM[0-9][0-9][0-9][0-9]"))
            if p.is_dir()]


def _kerncijfers(gemeente: Settings, maand: str) -> dict | None:
    if not gemeente.warehouse.exists():
        return None
    con = duckdb.connect(str(gemeente.warehouse), read_only=True)
    try:
        processed = con.execute("SELECT count(*) FROM audit.bronnen_maand WHERE maand = $maand", {"maand": maand}).fetchone()[0]
        if not processed:
            return None
        row = query(con, "regio_overzicht.kerncijfers", month_params(maand)).df().iloc[0]
        return {k: int(row[k]) for k in KOLOMMEN}
    except duckdb.CatalogException:  # a warehouse from before the month was ever processed
        return None
    finally:
        con.close()


def kerncijfers_tabel(settings: Settings, maand: str) -> tuple[pd.DataFrame, list[str], Rule]:
    """(the suppressed table with its regional total and a vacancy percentage, gemeenten without
    the month, the rule)."""
    rijen, niet_verwerkt = {}, []
    for gemeente in gemeente_folders(settings):
        label = f"GM{gemeente.gemeentecode}"
        cijfers = _kerncijfers(gemeente, maand)
        if cijfers is None:
            niet_verwerkt.append(label)
            continue
        naam = gemeente.config.gemeentenaam
        rijen[label if naam.endswith(label) else f"{label} {naam}"] = cijfers
    if not rijen:
        raise RegioFout(
            f"Geen gemeente heeft {maand} verwerkt in {settings.data / 'gemeenten'}"
            + (f" (gevonden: {', '.join(niet_verwerkt)})" if niet_verwerkt else " (geen mappen GMxxxx gevonden)")
            + f". Verwerk eerst de maand per gemeente: risicoradar run --gemeente GMxxxx --maand {maand}.")
    counts = pd.DataFrame.from_dict(rijen, orient="index")[list(KOLOMMEN)]
    counts.index.name = "Gemeente"
    rule = Rule(threshold_from(settings))
    # Row totals would add up unlike figures (woningen + vestigingen): only the regional totals.
    result = suppress(counts, rule.threshold, rule.marker, row_totals=False, col_totals=True)
    shown = result.table()
    pct = percentage(result.counts["leegstaand"], result.counts["woningen"], rule.threshold, rule.marker,
                     hidden=result.hidden["leegstaand"] | result.hidden["woningen"])
    shown.insert(2, "leegstand_pct", pct.map(lambda v: v if isinstance(v, str) else f"{v:.1f} %".replace(".", ",")))
    shown = shown.rename(columns={**KOLOMMEN, "leegstand_pct": "Leegstand (% van woningen)"})
    shown.index = [("Regio totaal" if i == "Totaal" else i) for i in shown.index]
    return shown, niet_verwerkt, rule


def regio_overzicht(settings: Settings, maand: str) -> RegioOverzicht:
    """Write `<data>/output/<maand>/regio_overzicht.html` (owner-only) and return what it shows."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    tabel, niet_verwerkt, rule = kerncijfers_tabel(settings, maand)
    env = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined)

    def cel(value) -> str:
        return value if isinstance(value, str) else f"{int(value):,}".replace(",", ".")

    html = env.get_template(TEMPLATE).render(
        maand=maand, maandnaam=maandnaam(maand), kolommen=list(tabel.columns),
        rijen=[(naam, [cel(v) for v in row]) for naam, row in zip(tabel.index, tabel.itertuples(index=False))],
        niet_verwerkt=niet_verwerkt, regel=rule.describe(),
        gemaakt=dt.datetime.now().strftime("%d-%m-%Y %H:%M"),
    )
    pad = write_private(settings.output_month(maand) / FILE, html)
    return RegioOverzicht(pad=pad, gemeenten=[i for i in tabel.index if i != "Regio totaal"],
                          niet_verwerkt=niet_verwerkt, tabel=tabel)

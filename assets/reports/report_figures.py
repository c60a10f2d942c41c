"""Which maps and charts the monthly report shows, with their captions and PNG names.

How a buurt map or a time series is drawn is `figures.py`; this module picks the figures of
the report from its data and trend tables, and embeds one in the page.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from assets.reports import figures as fg
from assets.formatting import getal
from data_contracts.months import maandnaam

AANLEIDINGEN = {"risicolijst": "Risicolijst", "steekproef": "Steekproef", "signaal": "Signaal",
               "overleg": "Toegevoegd door het overleg"}


@dataclass
class Figuur:
    id: str
    fig: object
    png: str | None = None      # file name of the static export, None = not exported (address data)
    bijschrift: str = ""


def _kaarten(buurten: pd.DataFrame, controlelijst: pd.DataFrame, boundary, naam: str) -> list[Figuur]:
    buurten = buurten.copy()
    buurten["leegstand_hover"] = [
        "" if pd.isna(w) else f"{getal(l)} van {getal(w)} woningen leeg"
        for l, w in zip(buurten["leegstaand"], buurten["woningen"])
    ]
    buurten["score_hover"] = [
        "" if pd.isna(o) else f"{getal(m)} van {getal(o)} objecten met een score > 0"
        for m, o in zip(buurten["objecten_met_score"], buurten["objecten"])
    ]
    return [
        Figuur("kaart-leegstand", fg.buurt_kaart(
            buurten, "leegstand_pct", f"Leegstand per buurt, {naam}", "Leegstand", eenheid=" %",
            decimalen=1, integer=False, boundary=boundary, extra_hover="leegstand_hover"), "kaart_leegstand.png",
            "Administratieve leegstand: percentage woningen zonder ingeschrevenen, actieve vestiging of WOZ-gebruik. Grijs: buurt zonder woningen."),
        Figuur("kaart-risicolijst", fg.buurt_kaart(
            buurten, "op_risicolijst", f"Op de risicolijst, {naam}", "Adressen",
            boundary=boundary), None,
            "Aantal adressen per buurt op de voorgestelde risicolijst (zonder steekproef). De buurt zelf telt nooit mee in de score."),
        Figuur("kaart-score", fg.buurt_kaart(
            buurten, "gemiddelde_score", f"Gemiddelde score, {naam}", "Gemiddelde score",
            decimalen=2, integer=False, boundary=boundary, extra_hover="score_hover"), None,
            "Gemiddelde score per verblijfsobject in de buurt (de meeste objecten hebben score 0)."),
        Figuur("kaart-controlelijst", fg.controlelijst_kaart(
            buurten, controlelijst, f"Voorgestelde controlelijst, {naam} — intern", boundary=boundary), None,
            "Intern: elk adres van het voorstel met zijn redenen (beweeg de muis over een punt). Niet als afbeelding opgeslagen."),
    ]


def _grafieken(trends: dict, labels: dict) -> list[Figuur]:
    grafieken = []
    slachtoffers = trends["slachtoffers"]
    reeksen = sorted(slachtoffers[["bron", "regio"]].drop_duplicates().itertuples(index=False),
                     key=lambda r: (r.bron != "SHOP", r.bron, r.regio))  # the policy's own SHOP figures first
    for i, (bron, regio) in enumerate(reeksen):
        grafieken.append(Figuur(f"trend-slachtoffers-{i}", fg.slachtoffers_grafiek(slachtoffers, bron, regio),
                                f"trend_slachtoffers_{i + 1}.png"))
    return grafieken + [
        Figuur("trend-rni", fg.rni_grafiek(trends["rni_per_maand"]), "trend_rni.png"),
        Figuur("trend-leegstand", fg.leegstand_grafiek(trends["leegstand_per_buurt_per_maand"]), "trend_leegstand.png"),
        Figuur("trend-indicatoren", fg.indicatoren_grafiek(trends["objecten_per_indicator_per_maand"], labels),
               "trend_indicatoren.png"),
        Figuur("trend-controles", fg.controles_grafiek(trends["controles_per_maand"]), "trend_controles.png"),
    ]


def _evaluatie(aanleiding: pd.DataFrame) -> list[Figuur]:
    if not (aanleiding["gecontroleerd"].fillna(0) > 0).any():
        return []
    return [Figuur("evaluatie-aanleiding", fg.trefkans_grafiek(
        aanleiding, "Trefkans per aanleiding (met 95 %-interval)", "aanleiding", AANLEIDINGEN),
        "evaluatie_trefkans.png")]


def report_figures(data: dict, trends: dict, labels: dict, boundary, maand: str) -> dict[str, list[Figuur]]:
    """The report's figures by group: kaarten, grafieken (trends), evaluatie."""
    return {
        "kaarten": _kaarten(data["buurten"], data["controlelijst"], boundary, maandnaam(maand)),
        "grafieken": _grafieken(trends, labels),
        "evaluatie": _evaluatie(data["evaluatie_aanleiding"]),
    }


def fig_html(figuur: Figuur) -> Markup:
    """The figure as a <div> for the page (plotly.js itself is inlined once, by the template)."""
    import plotly.io as pio

    return Markup(pio.to_html(figuur.fig, full_html=False, include_plotlyjs=False, div_id=figuur.id,
                              config=fg.PLOTLY_CONFIG, default_width="100%"))

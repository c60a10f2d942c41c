"""The monthly report for the signaleringsoverleg: one HTML page per month, opened from disk.

`build_report(con, settings, maand)` reads the warehouse (SQL files `rapport.*.sql` and the
trend tables), draws maps and charts with plotly, renders `maandrapportage.html.j2` (jinja2,
autoescaped) with plotly.js inlined, so the page needs no network and no other file, exports
static PNGs of the main map and charts when Chromium is available, and publishes everything
atomically into `<data>/output/<YYYY-MM>/`. The method section is generated from the running
indicator configuration, never written by hand.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from markupsafe import Markup

from assets.reports import figures as fg
from assets.reports.figures import getal, procent
from assets.reports.trends import TREND_TABLES, UITBUITINGSVORMEN, trend_tables
from assets.reports.writers import Publication, files_under
from data_contracts.months import maandnaam
from assets.scoring.algoritmeregister import beschrijving, indicator_regel
from assets.scoring.config import TOEGESTANE_KENMERKEN, Indicator, load
from assets.warehouse import month_params, query

log = logging.getLogger(__name__)

TEMPLATE = "maandrapportage.html.j2"
REPORT_NAME = "maandrapportage.html"
PNG_FOLDER = "figuren"
CHROMIUM = "/usr/bin/chromium"
PNG_TIMEOUT_S = 180

BRONNAMEN = {
    "bag_verblijfsobject": "BAG — verblijfsobjecten",
    "brp_adrestellingen": "BRP — aantallen per adres",
    "rni_inschrijvingen": "RNI — inschrijvingen",
    "kvk_vestigingen": "KvK — vestigingen (Handelsregister)",
    "woz_gebruik": "WOZ — gebruik",
    "signalen": "Signalen",
    "controles": "Controles",
}
AANLEIDINGEN = {"risicolijst": "Risicolijst", "steekproef": "Steekproef", "signaal": "Signaal"}
KERNCIJFERS = {
    "leegstand": "Administratief leegstaande woningen",
    "woningen": "Woningen (CBS-definitie)",
    "ingeschrevenen": "Ingeschrevenen (BRP)",
    "rni": "RNI-inschrijvingen in de maand",
    "risicosector": "Actieve vestigingen in een risicosector",
    "uitzend": "Actieve uitzendbureaus en arbeidsbemiddelaars",
    "quarantaine": "Rijen in quarantaine",
    "controlelijst": "Adressen op de risicolijst",
    "steekproef": "Adressen in de steekproef",
}
# Shown as cards, in this order (the others feed the explanations).
KAARTEN = ("leegstand", "ingeschrevenen", "rni", "risicosector", "quarantaine", "controlelijst")


@dataclass
class RapportResultaat:
    """What one report run produced (for Dagster metadata and tests)."""

    maand: str
    html: Path
    bestanden: list[Path]
    png: list[Path] = field(default_factory=list)
    png_melding: str = ""
    controlelijst: int = 0


# --- data -------------------------------------------------------------------------------------

def _q(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pd.DataFrame:
    return query(con, f"rapport.{name}", params).df()


def _json_list(value) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    try:
        items = json.loads(value)
    except (TypeError, ValueError):
        return [str(value)]
    return [str(i) for i in items] if isinstance(items, list) else [str(items)]


def _verschil(waarde, vorige, vorige_naam: str) -> tuple[str, str]:
    if pd.isna(waarde):
        return "", "geen"
    if pd.isna(vorige):
        return f"geen vergelijking: {vorige_naam} niet beschikbaar", "geen"
    delta = float(waarde) - float(vorige)
    if delta == 0:
        return f"gelijk aan {vorige_naam}", "gelijk"
    teken = "+" if delta > 0 else "−"
    pct = f" ({teken}{procent(abs(delta) / float(vorige), 1, fractie=True)})" if vorige else ""
    return f"{teken}{getal(abs(delta))}{pct} t.o.v. {vorige_naam}", "op" if delta > 0 else "neer"


def kerncijfers(frame: pd.DataFrame, maand: str) -> list[dict]:
    vorige_naam = maandnaam(month_params(maand)["vorige_maand"])
    rows = {r.sleutel: r for r in frame.itertuples()}
    out = []
    for sleutel in KAARTEN:
        r = rows.get(sleutel)
        waarde, vorige = (r.waarde, r.vorige) if r else (None, None)
        tekst, richting = _verschil(waarde, vorige, vorige_naam)
        toelichting = ""
        if sleutel == "leegstand" and "woningen" in rows and not pd.isna(rows["woningen"].waarde) and rows["woningen"].waarde:
            toelichting = f"{procent(100 * waarde / rows['woningen'].waarde)} van {getal(rows['woningen'].waarde)} woningen"
        elif sleutel == "rni" and pd.isna(waarde):
            toelichting = "geen RNI-bestand voor deze maand"
        elif sleutel == "risicosector" and "uitzend" in rows:
            n = rows["uitzend"].waarde
            toelichting = (f"plus {getal(n)} actief uitzendbureau of arbeidsbemiddelaar" if n == 1 else
                           f"plus {getal(n)} actieve uitzendbureaus en arbeidsbemiddelaars")
        elif sleutel == "controlelijst" and "steekproef" in rows:
            toelichting = f"plus {getal(rows['steekproef'].waarde)} in de steekproef (vergelijking)"
        elif sleutel == "quarantaine":
            toelichting = "niet gekoppeld aan de BAG; zie Datakwaliteit"
        out.append({"sleutel": sleutel, "label": KERNCIJFERS[sleutel], "waarde": getal(waarde),
                    "verschil": tekst, "richting": richting, "toelichting": toelichting})
    return out


def _tabel(frame: pd.DataFrame, kolommen: list[tuple], klasse: str = "") -> dict:
    """A table for the template: kolommen = [(column, header, formatter, align)], cells as text."""
    koppen = [{"tekst": kop, "rechts": align == "r"} for _, kop, _, align in kolommen]
    # column by column (a national buurt table has ~14 thousand rows; iterrows built a Series per row)
    kolomteksten = [
        [{"tekst": fmt(v) if fmt else ("–" if pd.isna(v) else str(v)), "rechts": align == "r"} for v in frame[col].tolist()]
        for col, _, fmt, align in kolommen
    ]
    rijen = [list(cellen) for cellen in zip(*kolomteksten)] if kolomteksten else []
    return {"koppen": koppen, "rijen": rijen, "klasse": klasse}


def _int(v) -> str:
    return getal(v)


def _pct_fractie(v) -> str:
    return procent(v, 0, fractie=True)


def _interval(row) -> str:
    if pd.isna(row["ci_laag"]):
        return "–"
    return f"{getal(100 * max(0.0, row['ci_laag']))}–{getal(100 * min(1.0, row['ci_hoog']))} %"


# --- figures ----------------------------------------------------------------------------------

@dataclass
class Figuur:
    id: str
    fig: object
    png: str | None = None      # file name of the static export, None = not exported (address data)
    bijschrift: str = ""


def _figures(data: dict, trends: dict, labels: dict, boundary, maand: str) -> dict[str, list[Figuur]]:
    naam = maandnaam(maand)
    buurten = data["buurten"].copy()
    buurten["leegstand_hover"] = [
        "" if pd.isna(w) else f"{getal(l)} van {getal(w)} woningen leeg"
        for l, w in zip(buurten["leegstaand"], buurten["woningen"])
    ]
    buurten["score_hover"] = [
        "" if pd.isna(o) else f"{getal(m)} van {getal(o)} objecten met een score > 0"
        for m, o in zip(buurten["objecten_met_score"], buurten["objecten"])
    ]
    kaarten = [
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
            buurten, data["controlelijst"], f"Voorgestelde controlelijst, {naam} — intern", boundary=boundary), None,
            "Intern: elk adres van het voorstel met zijn redenen (beweeg de muis over een punt). Niet als afbeelding opgeslagen."),
    ]
    grafieken = []
    slachtoffers = trends["slachtoffers"]
    reeksen = sorted(slachtoffers[["bron", "regio"]].drop_duplicates().itertuples(index=False),
                     key=lambda r: (r.bron != "SHOP", r.bron, r.regio))  # the policy's own SHOP figures first
    for i, (bron, regio) in enumerate(reeksen):
        grafieken.append(Figuur(f"trend-slachtoffers-{i}", fg.slachtoffers_grafiek(slachtoffers, bron, regio),
                                f"trend_slachtoffers_{i + 1}.png"))
    grafieken += [
        Figuur("trend-rni", fg.rni_grafiek(trends["rni_per_maand"]), "trend_rni.png"),
        Figuur("trend-leegstand", fg.leegstand_grafiek(trends["leegstand_per_buurt_per_maand"]), "trend_leegstand.png"),
        Figuur("trend-indicatoren", fg.indicatoren_grafiek(trends["objecten_per_indicator_per_maand"], labels),
               "trend_indicatoren.png"),
        Figuur("trend-controles", fg.controles_grafiek(trends["controles_per_maand"]), "trend_controles.png"),
    ]
    evaluatie = []
    if (data["evaluatie_aanleiding"]["gecontroleerd"].fillna(0) > 0).any():
        evaluatie.append(Figuur("evaluatie-aanleiding", fg.trefkans_grafiek(
            data["evaluatie_aanleiding"], "Trefkans per aanleiding (met 95 %-interval)", "aanleiding", AANLEIDINGEN),
            "evaluatie_trefkans.png"))
    return {"kaarten": kaarten, "grafieken": grafieken, "evaluatie": evaluatie}


def _fig_html(figuur: Figuur) -> Markup:
    import plotly.io as pio

    return Markup(pio.to_html(figuur.fig, full_html=False, include_plotlyjs=False, div_id=figuur.id,
                              config=fg.PLOTLY_CONFIG, default_width="100%"))


def export_pngs(items: list[tuple[object, Path]], timeout: float = PNG_TIMEOUT_S) -> tuple[list[Path], str]:
    """Static PNGs via kaleido with Debian's Chromium; ([], reason) when that is not possible."""
    if not items:
        return [], ""
    browser = os.environ.get("BROWSER_PATH") or CHROMIUM
    if not Path(browser).exists():
        return [], f"geen Chromium gevonden ({browser}); PNG-afbeeldingen overgeslagen"
    os.environ["BROWSER_PATH"] = browser
    outcome: dict = {}

    def run() -> None:
        try:
            import plotly.io as pio

            # maps (equal axes) need less width than the time series
            pio.write_images([f for f, _ in items], [p for _, p in items], scale=1,
                             width=[800 if f.layout.yaxis.scaleanchor else 1100 for f, _ in items],
                             height=[int(f.layout.height or 500) for f, _ in items])
            outcome["ok"] = True
        except Exception as exc:  # noqa: BLE001 - any failure of the export only skips the PNGs
            outcome["fout"] = f"{type(exc).__name__}: {exc}"

    worker = threading.Thread(target=run, name="png-export", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return [], f"PNG-export duurde langer dan {timeout:.0f} s; afbeeldingen overgeslagen"
    if "ok" not in outcome:
        return [], f"PNG-export mislukt ({outcome.get('fout', 'onbekende fout')}); afbeeldingen overgeslagen"
    made = [p for _, p in items if p.exists() and p.stat().st_size > 0]
    return made, f"{len(made)} PNG-afbeeldingen gemaakt"


# --- method (from the configuration) ------------------------------------------------------------

def methode(indicatoren: list[Indicator], instellingen: dict) -> dict:
    doc = beschrijving(indicatoren, instellingen)["technische_werking"]
    return {
        "score": doc["score"],
        "controlelijst": doc["controlelijst"],
        "redenen": doc["redenen"],
        "indicatoren": [
            {"id": ind.id, "label": ind.label, "bron": ind.bron,
             "kenmerk": TOEGESTANE_KENMERKEN.get(ind.kenmerk, ind.kenmerk),
             "regel": indicator_regel(ind).split(": ", 1)[-1], "onderbouwing": ind.onderbouwing}
            for ind in indicatoren
        ],
        "evaluatie": instellingen.get("evaluatie", {}),
    }


# --- the report ---------------------------------------------------------------------------------

def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["getal"] = getal
    env.filters["procent"] = procent
    return env


def render(con: duckdb.DuckDBPyConnection, maand: str, indicatoren: list[Indicator], instellingen: dict,
           boundary_path: Path | None) -> tuple[str, dict[str, list[Figuur]], int]:
    """The report's HTML text, its figures, and the size of the control list."""
    import plotly.offline

    params = month_params(maand)
    data = {name: _q(con, name, params) for name in (
        "kerncijfers", "buurten", "controlelijst", "bronnen", "validatielog", "quarantaine", "woz",
        "evaluatie_aanleiding", "evaluatie_scoreklasse", "evaluatie_indicator", "evaluatie_precisie",
        "evaluatie_buurt", "evaluatie_drift")}
    trends = trend_tables(con, maand)
    labels = {ind.id: ind.label for ind in indicatoren}
    boundary = fg.read_boundary(boundary_path)
    figuren = _figures(data, trends, labels, boundary, maand)

    lijst = data["controlelijst"].copy()
    controlelijst = []
    for r in lijst.sort_values("straatvolgorde").itertuples():
        redenen = [d.strip() for d in str(r.redenen or "").split(";") if d.strip()]
        laatste = ""
        if not pd.isna(r.laatste_controle_datum):
            laatste = f"{pd.Timestamp(r.laatste_controle_datum):%d-%m-%Y}: {r.laatste_controle_uitkomst or 'onbekend'}"
        controlelijst.append({
            "rang": int(r.rang), "straat": int(r.straatvolgorde), "adres": r.adres, "postcode": r.postcode or "",
            "woonplaats": r.woonplaats or "", "buurt": r.buurtnaam or r.buurtcode or "onbekend", "score": int(r.score),
            "aanleiding": r.aanleiding, "aanleiding_label": AANLEIDINGEN.get(r.aanleiding, r.aanleiding),
            "redenen": redenen, "laatste_controle": laatste,
        })

    woz = data["woz"].iloc[0] if len(data["woz"]) else None
    bronnen = []
    for r in data["bronnen"].itertuples():
        bronnen.append({
            "bron": BRONNAMEN.get(r.bron, r.bron), "verplicht": bool(r.verplicht),
            "bestand": r.bestand if isinstance(r.bestand, str) else None,
            "rijen": getal(r.rijen), "geaccepteerd": getal(r.geaccepteerd), "quarantaine": getal(r.quarantaine),
            "andere_gemeente": getal(r.andere_gemeente),
            "match": procent(r.matchpercentage) if not pd.isna(r.matchpercentage) else "",
            "waarschuwingen": _json_list(r.waarschuwingen),
        })
    kvk = data["bronnen"][data["bronnen"]["bron"] == "kvk_vestigingen"]
    kvk_match = None if kvk.empty or pd.isna(kvk["matchpercentage"].iloc[0]) else procent(kvk["matchpercentage"].iloc[0])
    validaties = [
        {"tijdstip": f"{pd.Timestamp(r.tijdstip):%d-%m-%Y %H:%M}", "bron": BRONNAMEN.get(r.bron, r.bron),
         "bestand": r.bestand or "", "uitkomst": r.uitkomst, "rijen": getal(r.rijen),
         "bevindingen": _json_list(r.bevindingen)[:5] + _json_list(r.waarschuwingen)[:5]}
        for r in data["validatielog"].itertuples()
    ]

    ev = data["evaluatie_aanleiding"].copy()
    ev["interval"] = ev.apply(_interval, axis=1) if len(ev) else []
    ev["aanleiding"] = ev["aanleiding"].map(lambda a: AANLEIDINGEN.get(a, a))
    sk = data["evaluatie_scoreklasse"].copy()
    sk["interval"] = sk.apply(_interval, axis=1) if len(sk) else []
    ei = data["evaluatie_indicator"].copy()
    ei["interval"] = ei.apply(_interval, axis=1) if len(ei) else []
    ei["indicator"] = ei["indicator"].map(lambda i: labels.get(i, i))
    trefkans_kolommen = [("gecontroleerd", "Gecontroleerd", _int, "r"), ("treffers", "Met bevinding", _int, "r"),
                         ("trefkans", "Trefkans", _pct_fractie, "r"), ("interval", "95 %-interval", None, "r")]
    eb = data["evaluatie_buurt"]
    ed = data["evaluatie_drift"].copy()
    ed["indicator"] = ed["indicator"].map(lambda i: labels.get(i, i))
    evaluatie_cfg = instellingen.get("evaluatie", {})

    tabellen = {
        "aanleiding": _tabel(ev, [("aanleiding", "Aanleiding", None, "l"), ("controles", "Controles", _int, "r")]
                             + trefkans_kolommen),
        "scoreklasse": _tabel(sk, [("scoreklasse", "Scoreklasse", None, "l")] + trefkans_kolommen),
        "indicator": _tabel(ei, [("indicator", "Indicator", None, "l")] + trefkans_kolommen),
        "precisie": _tabel(data["evaluatie_precisie"], [
            ("lijst_maand", "Lijst van", None, "l"), ("k", "k", _int, "r"), ("gecontroleerd", "Gecontroleerd", _int, "r"),
            ("treffers", "Met bevinding", _int, "r"), ("precisie", "Precisie", _pct_fractie, "r")]),
        "buurt": _tabel(eb, [
            ("buurtnaam", "Buurt", None, "l"), ("objecten", "Objecten", _int, "r"),
            ("aandeel_objecten", "Aandeel objecten", lambda v: procent(v, 1, fractie=True), "r"),
            ("selecties", "Selecties", _int, "r"),
            ("aandeel_selecties", "Aandeel selecties", lambda v: procent(v, 1, fractie=True), "r"),
            ("selectie_ratio", "Selectieratio", lambda v: getal(v, 2), "r"),
            ("trefkans", "Trefkans", _pct_fractie, "r"),
            ("signaal", "Signaal", lambda v: "ja" if v is True or v == 1 else "", "l")]),
        "drift": _tabel(ed, [
            ("indicator", "Indicator", None, "l"), ("objecten", "Objecten", _int, "r"),
            ("objecten_vorige_maand", "Vorige maand", _int, "r"), ("factor", "Factor", lambda v: getal(v, 2), "r"),
            ("signaal", "Signaal", lambda v: "ja" if v is True or v == 1 else "", "l")]),
        "quarantaine": _tabel(data["quarantaine"].assign(bron=lambda f: f["bron"].map(lambda b: BRONNAMEN.get(b, b))), [
            ("bron", "Bron", None, "l"), ("kolom", "Kolom", None, "l"), ("rijen", "Rijen", _int, "r")]),
        "buurten": _tabel(data["buurten"].sort_values("leegstand_pct", ascending=False, na_position="last"), [
            ("buurtnaam", "Buurt", None, "l"), ("buurtcode", "Code", None, "l"), ("woningen", "Woningen", _int, "r"),
            ("leegstaand", "Leeg", _int, "r"), ("leegstand_pct", "Leegstand", lambda v: procent(v), "r"),
            ("verschil_vorige_maand", "Verschil vorige maand",
             lambda v: "–" if pd.isna(v) else (f"+{getal(v)}" if v > 0 else getal(v)), "r"),
            ("op_risicolijst", "Op risicolijst", _int, "r"),
            ("gemiddelde_score", "Gem. score", lambda v: getal(v, 2), "r")]),
    }
    trend_html = {
        "slachtoffers": _tabel(trends["slachtoffers"], [("bron", "Bron", None, "l"), ("regio", "Regio", None, "l"),
                                                        ("jaar", "Jaar", str, "l")]
                               + [(k, v, _int, "r") for k, v in UITBUITINGSVORMEN.items()]
                               + [("totaal", "Totaal", _int, "r")]),
        "rni_per_maand": _tabel(trends["rni_per_maand"], [
            ("maand", "Maand", None, "l"), ("rni_inschrijvingen", "RNI-inschrijvingen", _int, "r"),
            ("met_verblijfsadres", "Met verblijfsadres", _int, "r"),
            ("zonder_verblijfsadres", "Zonder verblijfsadres", _int, "r"),
            ("rijen_in_quarantaine", "Rijen in quarantaine", _int, "r")]),
        "controles_per_maand": _tabel(
            trends["controles_per_maand"][trends["controles_per_maand"]["controles"] > 0]
            .assign(aanleiding=lambda f: f["aanleiding"].map(lambda a: AANLEIDINGEN.get(a, a))), [
                ("maand", "Maand", None, "l"), ("aanleiding", "Aanleiding", None, "l"),
                ("controles", "Controles", _int, "r"), ("treffers", "Met bevinding", _int, "r")]
            + [(k, v[0], _int, "r") for k, v in fg.UITKOMSTEN.items()]
            + [("trefkans_cumulatief", "Trefkans t/m maand", _pct_fractie, "r")]),
    }

    context = {
        "maand": maand,
        "maandnaam": maandnaam(maand),
        "vorige_maandnaam": maandnaam(params["vorige_maand"]),
        "gemeente": instellingen.get("gemeentenaam", "de gemeente"),
        "gemaakt": f"{dt.datetime.now():%d-%m-%Y %H:%M}",
        "plotlyjs": Markup(plotly.offline.get_plotlyjs()),
        "kerncijfers": kerncijfers(data["kerncijfers"], maand),
        "kaarten": [{"html": _fig_html(f), "bijschrift": f.bijschrift, "id": f.id} for f in figuren["kaarten"]
                    if f.id != "kaart-controlelijst"],
        "lijstkaart": [{"html": _fig_html(f), "bijschrift": f.bijschrift, "id": f.id} for f in figuren["kaarten"]
                       if f.id == "kaart-controlelijst"],
        "grafieken": [{"html": _fig_html(f), "bijschrift": f.bijschrift, "id": f.id} for f in figuren["grafieken"]],
        "evaluatie_figuren": [{"html": _fig_html(f), "id": f.id} for f in figuren["evaluatie"]],
        "controlelijst": controlelijst,
        "risicolijst_aantal": sum(1 for c in controlelijst if c["aanleiding"] == "risicolijst"),
        "steekproef_aantal": sum(1 for c in controlelijst if c["aanleiding"] == "steekproef"),
        "lijst_instellingen": instellingen.get("controlelijst", {}),
        "bronnen": bronnen,
        "kvk_match": kvk_match,
        "woz": {"meegenomen": bool(woz["woz_meegenomen"]) if woz is not None else False,
                "maand": maandnaam(woz["woz_maand"]) if woz is not None and isinstance(woz["woz_maand"], str) else None,
                "bestand": woz["bestand"] if woz is not None and isinstance(woz["bestand"], str) else None},
        "validaties": validaties,
        "tabellen": tabellen,
        "trend_tabellen": trend_html,
        "trend_bestanden": [f"trends/{name}.csv" for name in TREND_TABLES] + [f"trends/trends_{maand}.xlsx"],
        "buurt_signalen": eb[eb["signaal"].fillna(False).astype(bool)]["buurtnaam"].tolist(),
        "drift_signalen": ed[ed["signaal"].fillna(False).astype(bool)]["indicator"].tolist(),
        "evaluatie_cfg": evaluatie_cfg,
        "gecontroleerd_totaal": int(data["evaluatie_aanleiding"]["gecontroleerd"].fillna(0).sum()),
        "methode": methode(indicatoren, instellingen),
        "geen_gemeentegrens": boundary is None,
    }
    html_text = _environment().get_template(TEMPLATE).render(**context)
    return html_text, figuren, len(controlelijst)


class MaandNietVerwerkt(ValueError):
    """The month is not in the warehouse: a report of it would be empty."""


def check_processed(con: duckdb.DuckDBPyConnection, maand: str) -> None:
    rows = con.execute("SELECT count(*) FROM audit.bronnen_maand WHERE maand = $maand", {"maand": maand}).fetchall()
    if not rows[0][0]:
        raise MaandNietVerwerkt(
            f"Maand {maand} staat niet in het warehouse; er is dus niets te rapporteren. "
            f"Verwerk eerst de maand (risicoradar run --maand {maand}) en maak daarna het rapport."
        )


def build_report(con: duckdb.DuckDBPyConnection, settings, maand: str, *, png: bool = True,
                 indicatoren: list[Indicator] | None = None, instellingen: dict | None = None) -> RapportResultaat:
    """Render the month's report and publish it (with PNGs) into `settings.output_month(maand)`."""
    check_processed(con, maand)
    indicatoren = indicatoren if indicatoren is not None else load(settings.indicatoren_path)
    instellingen = instellingen if instellingen is not None else settings.instellingen
    html_text, figuren, n_lijst = render(con, maand, indicatoren, instellingen, settings.gemeentegrens_path)
    target = settings.output_month(maand)
    with Publication(target) as pub:
        made, melding = [], "PNG-export uitgeschakeld"
        if png:
            folder = pub.tmp / PNG_FOLDER
            folder.mkdir(mode=0o700)
            items = [(f.fig, folder / f.png) for group in figuren.values() for f in group if f.png]
            made, melding = export_pngs(items)
            if not made:
                log.warning("Maandrapportage %s: %s", maand, melding)
        html_tmp = pub.tmp / REPORT_NAME
        html_tmp.write_text(html_text, encoding="utf-8")
        # An attempted export always replaces the PNG folder: no stale images beside a new report.
        published = pub.publish(([PNG_FOLDER] if png else []) + [REPORT_NAME])
    png_paths = [target / PNG_FOLDER / p.name for p in made]
    return RapportResultaat(maand=maand, html=target / REPORT_NAME, bestanden=files_under(published),
                            png=png_paths, png_melding=melding, controlelijst=n_lijst)


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

"""The monthly report's sections as the template reads them: one function per section, from
the report's data (report_data), its trend tables and the running configuration. Every text
is Dutch and formatted here (numbers with Dutch separators), so the template only places it.
"""
from __future__ import annotations

import json

import pandas as pd

from assets.reports import figures as fg
from assets.formatting import getal, procent
from assets.reports.report_figures import AANLEIDINGEN, Figuur, fig_html
from assets.reports.trends import TREND_TABLES, UITBUITINGSVORMEN
from assets.scoring.algoritmeregister import beschrijving, indicator_regel
from assets.scoring.config import TOEGESTANE_KENMERKEN, Indicator
from assets.settings import Instellingen
from assets.warehouse import month_params
from data_contracts.months import maandnaam

BRONNAMEN = {
    "bag_verblijfsobject": "BAG — verblijfsobjecten",
    "brp_adrestellingen": "BRP — aantallen per adres",
    "rni_inschrijvingen": "RNI — inschrijvingen",
    "kvk_vestigingen": "KvK — vestigingen (Handelsregister)",
    "woz_gebruik": "WOZ — gebruik",
    "signalen": "Signalen",
    "controles": "Controles",
}
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


# --- formatting -----------------------------------------------------------------------------------

def _json_list(value) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    try:
        items = json.loads(value)
    except (TypeError, ValueError):
        return [str(value)]
    return [str(i) for i in items] if isinstance(items, list) else [str(items)]


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


def _ja(v) -> str:
    return "ja" if v is True or v == 1 else ""


def _interval(row) -> str:
    if pd.isna(row["ci_laag"]):
        return "–"
    return f"{getal(100 * max(0.0, row['ci_laag']))}–{getal(100 * min(1.0, row['ci_hoog']))} %"


def _with_interval(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["interval"] = frame.apply(_interval, axis=1) if len(frame) else []
    return frame


TREFKANS_KOLOMMEN = [("gecontroleerd", "Gecontroleerd", _int, "r"), ("treffers", "Met bevinding", _int, "r"),
                     ("trefkans", "Trefkans", _pct_fractie, "r"), ("interval", "95 %-interval", None, "r")]


# --- kerncijfers ----------------------------------------------------------------------------------

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


# --- maps and charts ----------------------------------------------------------------------------

def figuren(figuren: dict[str, list[Figuur]]) -> dict:
    """The figures embedded in the page; the address map (lijstkaart) sits with the control list."""
    def embed(f: Figuur) -> dict:
        return {"html": fig_html(f), "bijschrift": f.bijschrift, "id": f.id}

    return {
        "kaarten": [embed(f) for f in figuren["kaarten"] if f.id != "kaart-controlelijst"],
        "lijstkaart": [embed(f) for f in figuren["kaarten"] if f.id == "kaart-controlelijst"],
        "grafieken": [embed(f) for f in figuren["grafieken"]],
        "evaluatie_figuren": [{"html": fig_html(f), "id": f.id} for f in figuren["evaluatie"]],
    }


def buurten_tabel(buurten: pd.DataFrame) -> dict:
    return _tabel(buurten.sort_values("leegstand_pct", ascending=False, na_position="last"), [
        ("buurtnaam", "Buurt", None, "l"), ("buurtcode", "Code", None, "l"), ("woningen", "Woningen", _int, "r"),
        ("leegstaand", "Leeg", _int, "r"), ("leegstand_pct", "Leegstand", lambda v: procent(v), "r"),
        ("verschil_vorige_maand", "Verschil vorige maand",
         lambda v: "–" if pd.isna(v) else (f"+{getal(v)}" if v > 0 else getal(v)), "r"),
        ("op_risicolijst", "Op risicolijst", _int, "r"),
        ("gemiddelde_score", "Gem. score", lambda v: getal(v, 2), "r")])


# --- the control list -----------------------------------------------------------------------------

def controlelijst(frame: pd.DataFrame) -> dict:
    """The proposed addresses in neutral (street) order, with their reasons and last control."""
    rijen = []
    for r in frame.sort_values("straatvolgorde").itertuples():
        redenen = [d.strip() for d in str(r.redenen or "").split(";") if d.strip()]
        laatste = ""
        if not pd.isna(r.laatste_controle_datum):
            laatste = f"{pd.Timestamp(r.laatste_controle_datum):%d-%m-%Y}: {r.laatste_controle_uitkomst or 'onbekend'}"
        rijen.append({
            "rang": int(r.rang), "straat": int(r.straatvolgorde), "adres": r.adres, "postcode": r.postcode or "",
            "woonplaats": r.woonplaats or "", "buurt": r.buurtnaam or r.buurtcode or "onbekend", "score": int(r.score),
            "aanleiding": r.aanleiding, "aanleiding_label": AANLEIDINGEN.get(r.aanleiding, r.aanleiding),
            "redenen": redenen, "laatste_controle": laatste,
            "nummeraanduiding_id": r.nummeraanduiding_id or "",
        })
    return {
        "controlelijst": rijen,
        "risicolijst_aantal": sum(1 for c in rijen if c["aanleiding"] == "risicolijst"),
        "steekproef_aantal": sum(1 for c in rijen if c["aanleiding"] == "steekproef"),
    }


# --- trends -----------------------------------------------------------------------------------

def trend_tabellen(trends: dict[str, pd.DataFrame], maand: str) -> dict:
    controles = trends["controles_per_maand"]
    return {
        "trend_tabellen": {
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
                controles[controles["controles"] > 0]
                .assign(aanleiding=lambda f: f["aanleiding"].map(lambda a: AANLEIDINGEN.get(a, a))), [
                    ("maand", "Maand", None, "l"), ("aanleiding", "Aanleiding", None, "l"),
                    ("controles", "Controles", _int, "r"), ("treffers", "Met bevinding", _int, "r")]
                + [(k, v[0], _int, "r") for k, v in fg.UITKOMSTEN.items()]
                + [("trefkans_cumulatief", "Trefkans t/m maand", _pct_fractie, "r")]),
        },
        "trend_bestanden": [f"trends/{name}.csv" for name in TREND_TABLES] + [f"trends/trends_{maand}.xlsx"],
    }


# --- data quality -----------------------------------------------------------------------------

def datakwaliteit(data: dict[str, pd.DataFrame]) -> dict:
    """Per source the file, rows, quarantine and match; the WOZ month used; the validation log."""
    bronnen = [{
        "bron": BRONNAMEN.get(r.bron, r.bron), "verplicht": bool(r.verplicht),
        "bestand": r.bestand if isinstance(r.bestand, str) else None,
        "rijen": getal(r.rijen), "geaccepteerd": getal(r.geaccepteerd), "quarantaine": getal(r.quarantaine),
        "andere_gemeente": getal(r.andere_gemeente),
        "match": procent(r.matchpercentage) if not pd.isna(r.matchpercentage) else "",
        "waarschuwingen": _json_list(r.waarschuwingen),
        "formaat": r.formaat if isinstance(r.formaat, str) else None,
    } for r in data["bronnen"].itertuples()]
    kvk = data["bronnen"][data["bronnen"]["bron"] == "kvk_vestigingen"]
    woz = data["woz"].iloc[0] if len(data["woz"]) else None
    return {
        "bronnen": bronnen,
        "kvk_match": None if kvk.empty or pd.isna(kvk["matchpercentage"].iloc[0]) else procent(kvk["matchpercentage"].iloc[0]),
        "woz": {"meegenomen": bool(woz["woz_meegenomen"]) if woz is not None else False,
                "maand": maandnaam(woz["woz_maand"]) if woz is not None and isinstance(woz["woz_maand"], str) else None,
                "bestand": woz["bestand"] if woz is not None and isinstance(woz["bestand"], str) else None},
        "validaties": [
            {"tijdstip": f"{pd.Timestamp(r.tijdstip):%d-%m-%Y %H:%M}", "bron": BRONNAMEN.get(r.bron, r.bron),
             "bestand": r.bestand or "", "uitkomst": r.uitkomst, "rijen": getal(r.rijen),
             "bevindingen": _json_list(r.bevindingen)[:5] + _json_list(r.waarschuwingen)[:5]}
            for r in data["validatielog"].itertuples()
        ],
    }


def quarantaine_tabel(quarantaine: pd.DataFrame) -> dict:
    return _tabel(quarantaine.assign(bron=lambda f: f["bron"].map(lambda b: BRONNAMEN.get(b, b))), [
        ("bron", "Bron", None, "l"), ("kolom", "Kolom", None, "l"), ("rijen", "Rijen", _int, "r")])


# --- evaluation -----------------------------------------------------------------------------------

def evaluatie(data: dict[str, pd.DataFrame], labels: dict[str, str], config: Instellingen) -> dict:
    """Hit rates per aanleiding, score band and indicator; precision of past lists; selection per
    buurt and drift per indicator with their signals (limits from instellingen.yaml)."""
    ev = _with_interval(data["evaluatie_aanleiding"])
    ev["aanleiding"] = ev["aanleiding"].map(lambda a: AANLEIDINGEN.get(a, a))
    sk = _with_interval(data["evaluatie_scoreklasse"])
    ei = _with_interval(data["evaluatie_indicator"])
    ei["indicator"] = ei["indicator"].map(lambda i: labels.get(i, i))
    eb = data["evaluatie_buurt"]
    ed = data["evaluatie_drift"].copy()
    ed["indicator"] = ed["indicator"].map(lambda i: labels.get(i, i))
    tabellen = {
        "aanleiding": _tabel(ev, [("aanleiding", "Aanleiding", None, "l"), ("controles", "Controles", _int, "r")]
                             + TREFKANS_KOLOMMEN),
        "scoreklasse": _tabel(sk, [("scoreklasse", "Scoreklasse", None, "l")] + TREFKANS_KOLOMMEN),
        "indicator": _tabel(ei, [("indicator", "Indicator", None, "l")] + TREFKANS_KOLOMMEN),
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
            ("signaal", "Signaal", _ja, "l")]),
        "drift": _tabel(ed, [
            ("indicator", "Indicator", None, "l"), ("objecten", "Objecten", _int, "r"),
            ("objecten_vorige_maand", "Vorige maand", _int, "r"), ("factor", "Factor", lambda v: getal(v, 2), "r"),
            ("signaal", "Signaal", _ja, "l")]),
    }
    return {
        "tabellen": tabellen,
        "buurt_signalen": eb[eb["signaal"].fillna(False).astype(bool)]["buurtnaam"].tolist(),
        "drift_signalen": ed[ed["signaal"].fillna(False).astype(bool)]["indicator"].tolist(),
        "evaluatie_cfg": config.evaluatie,
        "gecontroleerd_totaal": int(data["evaluatie_aanleiding"]["gecontroleerd"].fillna(0).sum()),
    }


# --- the overleg's decisions ----------------------------------------------------------------------

SOORT_VOORSTEL = {"risicolijst": "Risicolijst", "steekproef": "Steekproef", "overleg": "Toegevoegd door het overleg"}


def besluitformulier(adressen: pd.DataFrame, config: Instellingen, maand: str) -> dict:
    """What the decision form needs beside the list: the reasons, the addresses the overleg can
    add from its signals, the file name it saves, and the note rule of the contract (the same
    pattern screens the note in the browser before saving)."""
    from data_contracts.contract import load_contract

    notitie = load_contract("besluiten").columns["notitie"]
    return {
        "besluit_redenen": list(config.besluiten.redenen),
        "besluit_adressen": [
            {"id": r.nummeraanduiding_id, "label": f"{r.adres}, {r.postcode or ''} {r.woonplaats or ''}".strip()}
            for r in adressen.itertuples()
        ],
        "besluit_bestand": f"besluiten_{maand}.csv",
        "besluit_sjabloon": f"besluitenformulier_{maand}.xlsx",
        "notitie_patroon": notitie.pattern,
        "notitie_regel": notitie.pattern_label,
    }


def _aandeel(v) -> str:
    return "–" if v is None or pd.isna(v) else procent(v, 0, fractie=True)


def evaluatie_besluiten(data: dict[str, pd.DataFrame], meldingen: list[str]) -> dict:
    """How the overleg weighed the proposals: per soort_voorstel over 12 months and per list month,
    reasons for setting aside, and the warnings of the human-review check."""
    eb = _with_interval(data["evaluatie_besluiten"])
    eb["soort_voorstel_label"] = eb["soort_voorstel"].map(lambda h: SOORT_VOORSTEL.get(h, h))
    totaal = eb[eb["lijst_maand"] == "12 maanden"]
    per_maand = eb[eb["lijst_maand"] != "12 maanden"]
    redenen = data["evaluatie_besluit_redenen"].copy()
    redenen["soort_voorstel"] = redenen["soort_voorstel"].map(lambda h: SOORT_VOORSTEL.get(h, h))
    dagen = [("mediaan_dagen", "Dagen tot controle (mediaan)", lambda v: "–" if pd.isna(v) else getal(v), "r")]
    steekproef = totaal[totaal["soort_voorstel"] == "steekproef"]
    steekproef_besloten = int(steekproef["besloten"].fillna(0).sum())
    steekproef_gecontroleerd = int(steekproef["gecontroleerd"].fillna(0).sum())
    return {
        "besluiten_bekend": bool(int(totaal["besloten"].fillna(0).sum()) + int(totaal["later"].fillna(0).sum())),
        "besluiten_meldingen": meldingen,
        "steekproef_meet_niets": bool(len(steekproef)) and steekproef_gecontroleerd == 0,
        "steekproef_besloten": steekproef_besloten,
        "besluit_tabellen": {
            "totaal": _tabel(totaal, [
                ("soort_voorstel_label", "Soort voorstel", None, "l"), ("voorstellen", "Adressen", _int, "r"),
                ("aandeel_besloten", "Besloten", _aandeel, "r"), ("later", "Later", _int, "r"), ("open", "Open", _int, "r"),
                ("aandeel_gevolgd", "Gevolgd (controle)", _aandeel, "r")] + TREFKANS_KOLOMMEN + dagen),
            "per_maand": _tabel(per_maand, [
                ("lijst_maand", "Lijst van", None, "l"), ("soort_voorstel_label", "Soort voorstel", None, "l"),
                ("voorstellen", "Adressen", _int, "r"), ("besloten", "Besloten", _int, "r"), ("later", "Later", _int, "r"),
                ("open", "Open", _int, "r"), ("controle", "Controle", _int, "r"),
                ("aandeel_gevolgd", "Gevolgd", _aandeel, "r"), ("gecontroleerd", "Gecontroleerd", _int, "r"),
                ("treffers", "Met bevinding", _int, "r")] + dagen),
            "redenen": _tabel(redenen, [
                ("soort_voorstel", "Soort voorstel", None, "l"), ("besluit", "Besluit", None, "l"), ("reden", "Reden", None, "l"),
                ("aantal", "Aantal", _int, "r")]),
        },
    }


# --- method (from the configuration) ------------------------------------------------------------

def methode(indicatoren: list[Indicator], config: Instellingen) -> dict:
    """The method section, from the running indicator configuration and settings."""
    doc = beschrijving(indicatoren, config)["technische_werking"]
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
        "evaluatie": config.evaluatie,
    }

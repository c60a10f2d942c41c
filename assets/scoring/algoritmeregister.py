"""The algorithm description for the Dutch Algoritmeregister, generated from the running config.

Fields follow the register's publication standard (naam, korte omschrijving, doel en impact,
afwegingen, menselijke tussenkomst, risicobeheer, wettelijke basis, gegevens, technische
werking). The technical part is built from indicatoren.yaml and instellingen.yaml, so what is
published never drifts from what runs.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

from assets.scoring.config import Indicator
from assets.settings import Instellingen

VELDEN = (
    ("naam", "Naam"),
    ("korte_omschrijving", "Korte omschrijving"),
    ("doel_en_impact", "Doel en impact"),
    ("afwegingen", "Afwegingen"),
    ("menselijke_tussenkomst", "Menselijke tussenkomst"),
    ("risicobeheer", "Risicobeheer"),
    ("wettelijke_basis", "Wettelijke basis"),
    ("gegevens", "Gegevens"),
    ("technische_werking", "Technische werking"),
)

_TEKEN = {"<": "lager dan", "<=": "hoogstens", ">": "hoger dan", ">=": "minstens"}


def _getal(value: float) -> str:
    return (f"{value:g}").replace(".", ",")


def indicator_regel(ind: Indicator) -> str:
    """'Weinig vloeroppervlak per ingeschrevene: lager dan 12 → 2 punten; lager dan 10 → 3 punten.'"""
    treden = "; ".join(f"{_TEKEN[ind.vergelijking]} {_getal(w)} → {p} punt{'en' if p != 1 else ''}" for w, p in ind.drempels)
    return f"{ind.label}: {treden}."


def _pct(value) -> str:
    return "–" if value is None or value != value else f"{round(100 * value):d} %"


def besluiten_cijfers(rows: list[dict], maand: str) -> str:
    """What the decision figures of the last 12 lists show (rows of marts.evaluatie_besluiten,
    lijst_maand '12 maanden', per soort_voorstel), in Dutch."""
    per = {r["soort_voorstel"]: r for r in rows}
    lijst = [per[h] for h in ("risicolijst", "steekproef") if h in per]
    voorstellen = sum(r["voorstellen"] or 0 for r in lijst)
    if not voorstellen:
        return ""
    besloten = sum(r["besloten"] or 0 for r in lijst)
    controle = sum(r["controle"] or 0 for r in lijst)
    tekst = (f"Cijfers over de lijsten van de 12 maanden tot en met {maand}: van {voorstellen} voorstellen besloot het "
             f"overleg er {besloten} ({_pct(besloten / voorstellen)}); van de besloten voorstellen volgde het er "
             f"{controle} ({_pct(controle / besloten) if besloten else '–'}).")
    for soort_voorstel, naam in (("risicolijst", "risicolijst"), ("steekproef", "steekproef"), ("overleg", "door het overleg toegevoegde adressen")):
        r = per.get(soort_voorstel)
        if soort_voorstel == "overleg" and r:
            tekst += f" Het overleg voegde zelf {r['voorstellen']} adressen toe."
        if r and r["gecontroleerd"]:
            tekst += (f" Trefkans {naam}: {_pct(r['trefkans'])} van {r['gecontroleerd']} uitgevoerde controles "
                      f"(95 %-interval {_pct(r['ci_laag'])}–{_pct(r['ci_hoog'])}).")
        elif r and soort_voorstel == "steekproef":
            tekst += " De steekproef is niet gecontroleerd: zonder controles meet zij niets."
    return tekst


def beschrijving(indicatoren: list[Indicator], instellingen: Instellingen | Mapping,
                 besluiten: str = "") -> dict:
    """The description; `besluiten` is the text of the decision figures (besluiten_cijfers), if known."""
    config = Instellingen.of(instellingen)
    lijst, evaluatie, export = config.controlelijst, config.evaluatie, config.export
    gemeente = config.gemeentenaam
    bronnen = sorted({deel.strip() for ind in indicatoren for deel in ind.bron.split(",")})
    capaciteit = lijst.capaciteit
    steekproef = lijst.steekproef
    return {
        "naam": "risicoradar — risicosignalen mensenhandel per adres",
        "korte_omschrijving": (
            f"{gemeente} gebruikt risicoradar om maandelijks een voorstel te maken voor adressen die bij een "
            "integrale controle kunnen worden bezocht. Het systeem telt eenvoudige, openbaar beschreven "
            "regels op over feiten van het adres (zoals vloeroppervlak per ingeschrevene of administratieve "
            "leegstand). Het is een rekenregel, geen zelflerend model."
        ),
        "doel_en_impact": (
            "Doel: zicht krijgen op mensenhandel die onder de radar blijft (arbeids-, seksuele en criminele "
            "uitbuiting; beleid hoofdstuk 4 en 5.5.4) en de beperkte controlecapaciteit gericht inzetten. "
            "Impact: een adres op de lijst kan worden besproken in het signaleringsoverleg en eventueel "
            "worden bezocht. Er volgt nooit automatisch een besluit of sanctie voor een bewoner."
        ),
        "afwegingen": (
            "Gekozen is voor transparante regels in plaats van een voorspellend model, naar aanleiding van "
            "SyRI, de toeslagenaffaire en de ervaringen in Rotterdam en Amsterdam. Alleen feiten over het "
            "object tellen mee; nationaliteit, herkomst, taal, geslacht, leeftijd, namen, "
            "huishoudsamenstelling en de buurt worden geweigerd door de configuratiecontrole. "
            f"Naast de top-{capaciteit} wordt een willekeurige steekproef van {steekproef} adressen "
            "voorgesteld, zodat de trefkans van de lijst met een basisniveau kan worden vergeleken."
        ),
        "menselijke_tussenkomst": (
            "De lijst is een voorstel. Het signaleringsoverleg (AOV'er, Boa, BWT, politie, wijkagent, RIEC) "
            "bespreekt elk adres met de redenen, kan de lijst in neutrale volgorde (op straat) bekijken om "
            "automatiseringsbias te beperken, en besluit zelf welke adressen worden gecontroleerd. "
            "Het besluit per voorgesteld adres (ook de steekproef) wordt vastgelegd: controle, geen controle of "
            "later, met een reden uit een vaste lijst (" + "; ".join(config.besluiten.redenen) + ") en een korte "
            "notitie zonder persoonsgegevens; adressen die het overleg zelf toevoegt uit eigen signalen worden "
            "apart vastgelegd. Elke controle verwijst naar het besluit dat zij uitvoert. Maandelijks wordt "
            "gemeten welk deel van de voorstellen besloten en gevolgd is, om welke redenen adressen terzijde "
            "worden gelegd en hoe de toegevoegde adressen het doen tegenover de lijst en de steekproef. Een "
            f"waarschuwing volgt als het overleg {config.besluiten.volg_maanden} lijstmaanden achter elkaar "
            f"minstens {round(100 * config.besluiten.volg_grens)} % van de besloten voorstellen volgt "
            "(automatiseringsbias) of niets besluit. Uitkomsten van controles worden teruggekoppeld."
            + (" " + besluiten if besluiten else "")
        ),
        "risicobeheer": (
            "Maandelijkse evaluatie van de trefkans per aanleiding, indicator en scoreklasse (met "
            "betrouwbaarheidsintervallen); controle op oververtegenwoordiging van buurten (signaal boven "
            f"{evaluatie.selectie_ratio_grens:g}× het aandeel objecten) en op sprongen in "
            f"indicatoren (factor {evaluatie.drift_factor:g}). Geen persoonsgegevens in het "
            "systeem: de BRP levert alleen aantallen per adres. Exports naar het RIEC zijn geaggregeerd met "
            f"onderdrukking van aantallen onder {export.onderdrukkingsgrens}; adresgegevens alleen "
            f"met vastgelegde grondslag. Adresgegevens worden na {export.bewaartermijn_maanden} "
            "maanden verwijderd."
        ),
        "wettelijke_basis": (
            "Gemeentewet art. 160 en 172 (handhaving openbare orde), Woningwet en Huisvestingswet "
            "(toezicht op bewoning), Wet basisregistratie personen (adreskwaliteit), APV; gegevensdeling "
            "met het RIEC op basis van het RIEC-convenant en het stappenplan 'De aanpak van mensenhandel en "
            "het gebruik van persoonsgegevens' (beleid 5.6.2)."
        ),
        "gegevens": "Bronnen: " + "; ".join(bronnen) + ". BRP alleen als aantallen per adres, zonder persoonsgegevens.",
        "technische_werking": {
            "score": "Som van de punten van de indicatoren waaraan een adres voldoet; per indicator telt de hoogste behaalde trede.",
            "indicatoren": [
                {
                    "id": ind.id,
                    "label": ind.label,
                    "bron": ind.bron,
                    "kenmerk": ind.kenmerk,
                    "regel": indicator_regel(ind),
                    "onderbouwing": ind.onderbouwing,
                }
                for ind in indicatoren
            ],
            "controlelijst": (
                f"De {capaciteit} adressen met de hoogste score (gelijke scores in vaste pseudo-willekeurige "
                f"volgorde), zonder adressen die in de laatste {lijst.rustperiode_maanden} maanden "
                f"zonder bevindingen zijn gecontroleerd, plus een steekproef van {steekproef} adressen buiten "
                f"de top (vast zaadgetal {lijst.steekproef_seed}, reproduceerbaar)."
            ),
            "redenen": "Per adres hoogstens vier redenen in gewone taal, met waarde, drempel en peilmaand.",
        },
    }


def as_markdown(doc: dict) -> str:
    lines = ["# Algoritmebeschrijving: " + doc["naam"], ""]
    for key, titel in VELDEN[1:]:
        lines += [f"## {titel}", ""]
        value = doc[key]
        if isinstance(value, dict):
            lines += [value["score"], ""]
            lines += [f"- **{i['label']}** (`{i['id']}`, bron: {i['bron']}): {i['regel']} {i['onderbouwing']}" for i in value["indicatoren"]]
            lines += ["", value["controlelijst"], "", value["redenen"], ""]
        else:
            lines += [value, ""]
    return "\n".join(lines)


def as_json(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)

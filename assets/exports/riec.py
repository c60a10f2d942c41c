"""The RIEC export package: trends and per-buurt figures, suppressed, with a manifest and an audit row.

    export_riec(settings, "2026-10")                          # tables only
    export_riec(settings, "2026-10", adressen=True,
                grondslag="RIEC-convenant 2023, art. 5")      # plus the minimised address list

writes `<data>/output/<maand>/export_riec/`:

    LEESMIJ.txt                      what is in the package, the suppression rule (Dutch)
    buurtcijfers_<maand>.csv         leegstand and control-list counts per buurt, suppressed
    trend_<tabel>.csv                the trend tables (assets.reports.trends), suppressed
    riec_export_<maand>.xlsx         the same tables in one workbook
    adressen_<maand>.csv             only with adressen=True and a grondslag
    adressen_<maand>.xlsx            the same address list as a workbook (ids as text)
    manifest.json                    purpose, basis, recipient, dates, files with rows and
                                     SHA-256, suppression rule, code version, the 8-step check

Files are written by assets.writing (`;`, decimal comma, UTF-8 with BOM for Dutch Excel; ids as
text in the workbooks; no cell a spreadsheet would run as a formula). The address list is a
workbook of its own, not a sheet of riec_export_<maand>.xlsx: retention (assets.exports.retention)
removes the `adressen_*` files of an old month and keeps the rest of the package. The folder is
0700 and its files 0600; the package is written into a private temporary folder and renamed into
place (assets.writing.Publication), replacing an earlier package of the same month. Every package
is recorded in audit.exports (who, when, what, on which basis, the hashes) in the same
transaction that renames it into place.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from assets.exports.audit import code_version, os_user
from assets.exports.suppression import Rule, threshold_from
from assets.exports.tables import TREND_DESCRIPTIONS, buurtcijfers, suppress_trends
from assets.warehouse import insert, month_params, open_for_writing, query, scalar
from assets.writing import Publication, sheet_name, too_big, write_csv
from assets.writing import write_xlsx as write_workbook
from data_contracts.months import is_month
from data_contracts.reading import sha256_of as sha256

FOLDER = "export_riec"
ADDRESS_PREFIX = "adressen_"  # retention removes these files of an old month

DOEL = (
    "Regionaal informatiebeeld mensenhandel (RIEC Den Haag): trends en buurtcijfers over signalen, "
    "administratieve leegstand en controles, voor de integrale aanpak (beleid mensenhandel "
    "Zoeterwoude, par. 5.6)."
)
DOEL_ADRESSEN = (
    "Voorbereiding en afstemming van de integrale controles van de adressen op de controlelijst, "
    "met de partners van het signaleringsoverleg (beleid mensenhandel Zoeterwoude, par. 5.6)."
)

# Stappenplan of beleid 5.6.2 (handreiking 'De aanpak van mensenhandel en het gebruik van
# persoonsgegevens', JenV 2020), word for word.
STAPPEN = (
    "Is de AVG of de Wet politiegegevens (Wpg) van toepassing op de verstrekking?",
    "Vallen de persoonsgegevens onder een geheimhoudingsplicht en zo ja, kan deze worden doorbroken?",
    "Als er bijzondere persoonsgegevens worden verstrekt, is er een wettelijke grondslag die het verbod om "
    "bijzondere persoonsgegevens te verwerken doorbreekt?",
    "Als er strafrechtelijke persoonsgegevens verstrekt worden, is daar een wettelijke grondslag voor?",
    "Kan de verstrekking van de persoonsgegevens worden gebaseerd op een wettelijke grondslag?",
    "Staat het doelbindingsbeginsel de verstrekking ('verdere verwerking') van de persoonsgegevens toe?",
    "Wordt er niet meer verstrekt dan de strikt noodzakelijke persoonsgegevens (need to know, in plaats van nice to know)?",
    "Moet de betrokkene worden geïnformeerd over de verstrekking of bestaat daarop een uitzondering?",
)
NIET_VASTGELEGD = "Niet vastgelegd bij de export: vastleggen in het verstrekkingsdossier vóór verzending."
PLACEHOLDERS = {"", "-", "?", "nvt", "n.v.t.", "n.v.t", "geen", "onbekend", "x", "todo"}


class ExportFout(Exception):
    """The export cannot be made; the message says why, in Dutch."""


class ExportGeweigerd(ExportFout):
    """An address-level export was asked for without a legal basis."""


def _refusal(maand: str, ontvanger: str) -> str:
    return (
        f"Export van adresgegevens ({maand}, ontvanger {ontvanger}) geweigerd: er is geen grondslag opgegeven.\n"
        "Een adreslijst met aanleiding en redenen gaat over de bewoners en gebruikers van die adressen: het zijn "
        "persoonsgegevens. Volgens het stappenplan uit paragraaf 5.6.2 van het beleid (handreiking 'De aanpak van "
        "mensenhandel en het gebruik van persoonsgegevens') mag de gemeente ze alleen verstrekken als alle acht "
        "stappen doorlopen zijn: onder meer een wettelijke grondslag voor de verstrekking (stap 5), doelbinding: de "
        "verstrekking past bij het doel waarvoor de gegevens verzameld zijn (stap 6), en need to know: niet meer "
        "dan strikt noodzakelijk (stap 7).\n"
        "Geef de grondslag op (bijvoorbeeld: RIEC-convenant 2023, art. 5) en leg de antwoorden op het stappenplan "
        "vast, of exporteer zonder adressen: de trends en buurtcijfers zijn geaggregeerd en onderdrukt en bevatten "
        "geen persoonsgegevens."
    )


def _valid_basis(grondslag: str | None) -> bool:
    return grondslag is not None and grondslag.strip().lower() not in PLACEHOLDERS and len(grondslag.strip()) >= 5


def _stappenplan(adressen: bool, grondslag: str | None, doel: str, threshold: int,
                 opgegeven: Mapping | None) -> list[dict]:
    """The 8 questions with the answers as recorded: given ones first, else what the export
    itself can state; steps that need a person's judgement stay 'niet vastgelegd'."""
    given = {int(k): str(v).strip() for k, v in (opgegeven or {}).items() if str(v).strip()}
    if adressen:
        auto = {
            1: "Ja: de adreslijst (adres, aanleiding, redenen) gaat over de bewoners en gebruikers van de adressen; "
               "de AVG is van toepassing op de verstrekking door de gemeente.",
            5: f"Grondslag opgegeven bij de export: {grondslag}",
            6: f"Doel van de verstrekking: {doel}",
            7: "Alleen de controlelijst van de maand: rang, verblijfsobject-id, adres, postcode, aanleiding en redenen. "
               "Geen aantallen ingeschrevenen, geen punten per indicator, geen persoonsgegevens uit de BRP. "
               f"Tabellen met aantallen zijn onderdrukt (grens {threshold}).",
        }
    else:
        geen = "Niet van toepassing: de export bevat geen persoonsgegevens."
        auto = {
            1: "Nee: de export bevat alleen geaggregeerde aantallen per buurt en maand; aantallen onder de "
               f"onderdrukkingsgrens ({threshold}) en cellen die daaruit terug te rekenen zijn, zijn verborgen. "
               "Geen adressen, geen persoonsgegevens.",
            2: geen,
            3: geen,
            4: geen,
            5: (f"Geen grondslag nodig voor anonieme gegevens; opgegeven: {grondslag}" if grondslag
                else "Geen grondslag nodig: geen persoonsgegevens."),
            6: f"Doel van de verstrekking: {doel}",
            7: "Alleen trends en buurtcijfers; kleine aantallen onderdrukt; geen adres- of persoonsgegevens.",
            8: "Niet van toepassing: er zijn geen betrokkenen herleidbaar.",
        }
    rows = []
    for stap, vraag in enumerate(STAPPEN, start=1):
        if stap in given:
            antwoord, bron = given[stap], "opgegeven"
        elif stap in auto:
            antwoord, bron = auto[stap], "export"
        else:
            antwoord, bron = NIET_VASTGELEGD, "niet vastgelegd"
        rows.append({"stap": stap, "vraag": vraag, "antwoord": antwoord, "bron": bron})
    return rows


# --- writing -----------------------------------------------------------------------------------


def write_xlsx(sheets: dict[str, pd.DataFrame], toelichting: list[str], path: Path) -> None:
    """A workbook of the package: the toelichting lines, then a sheet per table (sheet name ->
    frame); a table too big for Excel is left to its CSV and named in the toelichting."""
    regels = toelichting + [f"Blad {name} ontbreekt: {len(sheets[name])} rijen is te groot voor Excel; zie het CSV-bestand."
                            for name in sorted(too_big(sheets))]
    write_workbook(path, sheets, [pd.DataFrame({"toelichting": regels})])


def _leesmij(maand: str, rule: Rule, beschrijvingen: dict[str, str], adressen: bool, grondslag: str | None,
             ontvanger: str, doel: str) -> list[str]:
    regels = [
        f"risicoradar - export voor {ontvanger}, peilmaand {maand}",
        "",
        f"Doel: {doel}",
        f"Grondslag: {grondslag or 'geen (geen persoonsgegevens in deze export)'}",
        "",
        "Inhoud:",
        *[f"  {bestand}: {tekst}" for bestand, tekst in beschrijvingen.items()],
        "",
        "Onderdrukking van kleine aantallen:",
        f"  - Aantallen kleiner dan {rule.threshold} (ook 0) zijn vervangen door '{rule.marker}'; totalen ook.",
        "  - Daarnaast zijn zo nodig andere cellen verborgen (secundaire onderdrukking), zodat geen verborgen",
        "    cel uit de rij- en kolomtotalen terug te rekenen is. Een '"
        f"{rule.marker}' zegt dus niet dat het aantal klein is.",
        f"  - Percentages alleen als teller en noemer minstens {rule.threshold} zijn en beide getoond worden.",
        "  - Totalen alleen binnen een maand; verschillen met de vorige maand en cumulatieve cijfers staan er",
        "    niet in: reken ze zelf uit met de getoonde cellen.",
        "",
        "CSV: scheidingsteken ';', decimaalteken ',', UTF-8 met BOM. manifest.json geeft per bestand het aantal",
        "rijen en de SHA-256-controlesom.",
        "",
        "CSV-bestanden openen zonder dat codes veranderen:",
        "  Verblijfsobject-id's, nummeraanduiding-id's, buurtcodes en postcodes zijn tekst. Wie een CSV-bestand",
        "  met dubbelklikken opent, krijgt er getallen van: de voorloopnul verdwijnt en id's van 16 cijfers",
        "  worden afgerond. Importeer de kolommen daarom als tekst, of gebruik de Excel-werkmap(pen): daarin",
        "  staan ze al als tekst.",
        "  - Excel: Gegevens > Van tekst/CSV, kies het bestand; Bestandsoorsprong '65001: Unicode (UTF-8)',",
        "    Scheidingsteken 'Puntkomma'; klik 'Gegevens transformeren', selecteer alle kolommen (Ctrl+A),",
        "    kies Transformeren > Gegevenstype 'Tekst' ('Huidige vervangen') en daarna 'Sluiten en laden'.",
        "  - LibreOffice Calc: Bestand > Openen, kies het bestand; in het venster 'Tekstimport': Tekenset",
        "    'Unicode (UTF-8)', Scheidingsopties 'Puntkomma'; klik in de voorbeeldweergave op het vakje linksboven",
        "    (alle kolommen) en kies Kolomtype 'Tekst'; zet 'Formules evalueren' uit. Dan 'OK'.",
        "  Tekst die begint met =, +, -, @, een tab of een regelterugloop staat in de CSV-bestanden met een",
        "  apostrof (') ervoor, zodat een spreadsheet haar niet als formule uitvoert; in de werkmappen staat",
        "  zulke tekst ongewijzigd, als tekst.",
    ]
    if adressen:
        regels += [
            "",
            "LET OP: deze export bevat adresgegevens (persoonsgegevens). Alleen gebruiken voor het genoemde doel,",
            "niet verder verstrekken, en verwijderen als het doel bereikt is.",
        ]
    return regels


def _toelichting_adressen(maand: str, ontvanger: str, grondslag: str | None, doel: str) -> list[str]:
    return [
        f"risicoradar - adreslijst voor {ontvanger}, peilmaand {maand}",
        "",
        f"Doel: {doel}",
        f"Grondslag: {grondslag}",
        "",
        f"Blad adressen: de controlelijst van {maand}, geminimaliseerd: rang, verblijfsobject, adres, postcode,",
        "aanleiding en redenen. Verblijfsobject-id en postcode staan als tekst: de voorloopnul en alle cijfers",
        "blijven staan. Dezelfde lijst staat in het CSV-bestand met dezelfde naam.",
        "",
        "LET OP: deze werkmap bevat adresgegevens (persoonsgegevens). Alleen gebruiken voor het genoemde doel,",
        "niet verder verstrekken, en verwijderen als het doel bereikt is.",
    ]


def _publish(pub: Publication, name: str) -> Path:
    """Move the finished package into place, replacing an earlier package of the month."""
    return pub.publish([name])[0]


# --- the export ----------------------------------------------------------------------------------


def export_riec(
    settings,
    maand: str,
    ontvanger: str = "riec",
    grondslag: str | None = None,
    adressen: bool = False,
    gebruiker: str | None = None,
    *,
    doel: str | None = None,
    stappenplan: Mapping[int, str] | None = None,
) -> Path:
    """Write the RIEC package of `maand` and record it in audit.exports; returns the folder.

    `adressen=True` adds the minimised control list and needs a `grondslag` naming the legal
    basis, else `ExportGeweigerd`. `stappenplan` holds recorded answers to the 8 steps of
    beleid 5.6.2 ({1: "...", ...}); steps not given are answered from what the export can state
    or marked 'niet vastgelegd'. `gebruiker` defaults to the OS user.
    """
    if not is_month(maand):
        raise ExportFout(f"'{maand}' is geen maand; gebruik JJJJ-MM, bijvoorbeeld 2026-10.")
    ontvanger = (ontvanger or "").strip()
    if not ontvanger:
        raise ExportFout("Geef een ontvanger op (bijvoorbeeld: RIEC Den Haag).")
    grondslag = grondslag.strip() if grondslag and grondslag.strip() else None
    if adressen and not _valid_basis(grondslag):
        raise ExportGeweigerd(_refusal(maand, ontvanger))
    if not settings.warehouse.exists():
        raise ExportFout(f"Er is nog geen warehouse in {settings.data}; verwerk eerst een maand (risicoradar run).")

    doel = (doel or (DOEL_ADRESSEN if adressen else DOEL)).strip()
    rule = Rule(threshold_from(settings))
    params = month_params(maand)
    started = dt.datetime.now().astimezone().replace(microsecond=0)
    os_gebruiker = os_user()
    gebruiker = (gebruiker or "").strip() or os_gebruiker
    export_id = str(uuid.uuid4())

    con = open_for_writing(settings.warehouse, ExportFout)
    try:
        if not scalar(con, "SELECT count(*) FROM marts.leegstand_buurt WHERE maand = $maand", {"maand": maand}):
            raise ExportFout(f"Maand {maand} is niet verwerkt in het warehouse; draai eerst: risicoradar run --maand {maand}")
        tables = _tables(con, settings, maand, rule, adressen)
        target = settings.output_month(maand) / FOLDER
        old_umask = os.umask(0o077)
        try:
            with Publication(target.parent) as pub:
                package = pub.tmp / FOLDER
                package.mkdir(mode=0o700)
                manifest, files = _write_package(package, tables, maand, params, rule, ontvanger, grondslag, doel,
                                                 adressen, stappenplan, started, export_id)
                manifest_hash = sha256(package / "manifest.json")
                # recorded and published together: no package without its audit row
                con.execute("BEGIN TRANSACTION")
                try:
                    insert(
                        con, "audit.exports",
                        {
                            "id": export_id, "tijd": started.replace(tzinfo=None), "gebruiker": gebruiker, "os": os_gebruiker,
                            "maand": maand, "ontvanger": ontvanger, "doel": doel, "grondslag": grondslag,
                            "adressen": bool(adressen),
                            "tabellen": json.dumps([{k: t[k] for k in ("tabel", "bestand", "rijen")} for t in manifest["tabellen"]],
                                                   ensure_ascii=False),
                            "bestanden": json.dumps(files, ensure_ascii=False), "manifest": manifest_hash,
                            "map": str(target), "code": json.dumps(manifest["code_versie"]),
                        },
                    )
                    if adressen:  # which objects the package carried, ids only (read by inzage)
                        insert(con, "audit.export_adressen", {"id": export_id},
                               frames={"_export_ids": tables["tabellen"]["adressen"][0][["verblijfsobject_id"]]})
                    _publish(pub, FOLDER)
                    try:
                        con.execute("COMMIT")
                    except BaseException:
                        shutil.rmtree(target, ignore_errors=True)
                        raise
                except BaseException:
                    try:
                        con.execute("ROLLBACK")
                    except duckdb.Error:
                        pass
                    raise
        finally:
            os.umask(old_umask)
    finally:
        con.close()
    return target


def _tables(con: duckdb.DuckDBPyConnection, settings, maand: str, rule: Rule, adressen: bool) -> dict:
    from assets.reports.trends import trend_tables

    from assets.scoring import load

    # the same indicatoren.yaml the month ran with was checked when it ran: a broken file now is
    # an error the analyst must see (ConfiguratieFout, Dutch), not a table without labels
    labels = {i.id: i.label for i in load(settings.indicatoren_path)}
    params = {"maand": maand}
    vacancy = query(con, "export.buurt_leegstand", params).df()
    lijst = query(con, "export.buurt_controlelijst", params).df()
    trends, left_out = suppress_trends(trend_tables(con, maand), rule, labels)
    result = {
        "buurtcijfers": (buurtcijfers(vacancy, lijst, rule),
                         f"Per buurt in {maand}: woningen, administratief leegstaand, leegstandpercentage, "
                         "adressen op de controlelijst (risicolijst, steekproef)"),
    }
    for name, frame in trends.items():
        result[f"trend_{name}"] = (frame, TREND_DESCRIPTIONS.get(name, name))
    if adressen:
        result["adressen"] = (query(con, "export.adressen", params).df(),
                              f"Controlelijst {maand}, geminimaliseerd: rang, verblijfsobject, adres, postcode, "
                              "aanleiding, redenen")
    return {"tabellen": result, "niet_opgenomen": left_out}


def _write_package(tmp: Path, tables: dict, maand: str, params: dict, rule: Rule, ontvanger: str,
                   grondslag: str | None, doel: str, adressen: bool, stappenplan, started: dt.datetime,
                   export_id: str) -> tuple[dict, dict]:
    entries, beschrijvingen, sheets = [], {}, {}
    for name, (frame, beschrijving) in tables["tabellen"].items():
        bestand = f"{ADDRESS_PREFIX}{maand}.csv" if name == "adressen" else (
            f"buurtcijfers_{maand}.csv" if name == "buurtcijfers" else f"{name}.csv")
        write_csv(frame, tmp / bestand)
        entries.append({"tabel": name, "bestand": bestand, "beschrijving": beschrijving, "rijen": int(len(frame)),
                        "kolommen": [str(c) for c in frame.columns], "onderdrukt": name != "adressen"})
        beschrijvingen[bestand] = beschrijving
        if name != "adressen":
            sheets[sheet_name(name.removeprefix("trend_"))] = frame
    xlsx = f"riec_export_{maand}.xlsx"
    beschrijvingen[xlsx] = "Alle tabellen hierboven behalve de adreslijst, een blad per tabel, met toelichting"
    adressen_xlsx = f"{ADDRESS_PREFIX}{maand}.xlsx"
    if adressen:
        beschrijvingen[adressen_xlsx] = ("De adreslijst als Excel-werkmap; verblijfsobject-id en postcode staan als "
                                         "tekst (voorloopnul en alle cijfers blijven staan)")
    beschrijvingen["manifest.json"] = "Wat er gedeeld is, waarom, op welke grond, met controlesommen"
    leesmij = _leesmij(maand, rule, beschrijvingen, adressen, grondslag, ontvanger, doel)
    write_xlsx(sheets, leesmij, tmp / xlsx)
    bladen = [name for name in sheets if name not in too_big(sheets)]
    entries.append({"tabel": "werkmap", "bestand": xlsx, "beschrijving": beschrijvingen[xlsx],
                    "rijen": int(sum(len(sheets[name]) for name in bladen)), "bladen": ["toelichting", *bladen],
                    "onderdrukt": True})
    if adressen:
        lijst = tables["tabellen"]["adressen"][0]
        write_xlsx({"adressen": lijst}, _toelichting_adressen(maand, ontvanger, grondslag, doel), tmp / adressen_xlsx)
        entries.append({"tabel": "adressen_werkmap", "bestand": adressen_xlsx,
                        "beschrijving": beschrijvingen[adressen_xlsx], "rijen": int(len(lijst)),
                        "bladen": ["toelichting", *(["adressen"] if not too_big({"adressen": lijst}) else [])],
                        "onderdrukt": False})
    (tmp / "LEESMIJ.txt").write_text("\n".join(leesmij) + "\n", encoding="utf-8")
    entries.append({"tabel": "leesmij", "bestand": "LEESMIJ.txt", "beschrijving": "Toelichting bij de export",
                    "rijen": len(leesmij), "onderdrukt": False})
    files = {}
    for entry in entries:
        entry["sha256"] = files[entry["bestand"]] = sha256(tmp / entry["bestand"])

    manifest = {
        "export_id": export_id,
        "doel": doel,
        "grondslag": grondslag,
        "ontvanger": ontvanger,
        "datum": started.isoformat(),
        "maand": maand,
        "peildatum": params["peildatum"].isoformat(),
        "adresgegevens": bool(adressen),
        "tabellen": entries,
        "niet_opgenomen": [
            {"tabel": name, "reden": "geen onderdrukkingsregel voor deze tabel: niet geëxporteerd"}
            for name in tables["niet_opgenomen"]
        ],
        "onderdrukking": {**rule.describe(), "toegepast_op": "alle tabellen met aantallen; niet op de adreslijst"},
        "csv": {"scheidingsteken": ";", "decimaalteken": ",", "codering": "UTF-8 met BOM"},
        "code_versie": code_version(),
        "stappenplan_5_6_2": _stappenplan(adressen, grondslag, doel, rule.threshold, stappenplan),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest, files

"""KvK establishments as the Vestigingsprofiel API delivers them (JSON), and KvK CSV with the API's values.

JSON: an array of Vestigingsprofiel responses (`kvk_vestigingen_<JJJJ-MM>.json`) or one response
per line (`.jsonl`), camelCase and nested (REAL_FORMATS.md, API v1 / OpenAPI 1.4). DuckDB reads
only the fields the contract needs, with explicit types (`read_json(columns=...)`), in one query:

    vestigingsnummer, kvkNummer                 -> vestigingsnummer, kvk_nummer
    sbiActiviteiten[indHoofdactiviteit = Ja]    -> sbi_code; the others, '|'-joined -> sbi_codes_neven
    adressen[type = bezoekadres]                -> straatnaam, huisnummer, huisletter,
                                                   huisnummer_toevoeging, postcode, plaats
    ...geoData.addresseerbaarObjectId           -> verblijfsobject_id (only a verblijfsobject id)
    totaalWerkzamePersonen                      -> werkzame_personen
    materieleRegistratie.datumAanvang/Einde     -> datum_aanvang, datum_einde (JJJJMMDD, see the contract)
    indHoofdvestiging                           -> ind_hoofdvestiging (Ja/Nee, see the contract)

The correspondentieadres (possibly a postbus), handelsnamen, websites, RSIN and the other API
fields are never read into the table. Every field name in the file is still looked at: a field
the API does not publish that points at person data (bsn, geboortedatum, …) refuses the file,
as a column would in a CSV.

CSV with API values: the contract's columns with dates JJJJMMDD, Ja/Nee, or without the
optional columns sbi_codes_neven / werkzame_personen — the contract declares these
(`accepted_spellings`, `may_be_absent` in kvk_vestigingen.yaml) and `delivered.py` applies them.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from data_contracts.contract import load_contract
from data_contracts.formats.delivered import STRING, Delivery, add_absent_columns, apply_spellings
from data_contracts.privacy import AVG_ADVIES, VRIJE_TEKST_ADVIES, bsn_like_count, classify_column_name
from data_contracts.reading import RawTable, Refused, read_csv_text
from data_contracts.result import Bevinding, ValidationResult

SOURCE = "kvk_vestigingen"
FORMAT_JSON = "kvk_vestigingsprofiel_json"
FORMAT_CSV = "kvk_csv_api_waarden"
LABEL_JSON = "KvK Vestigingsprofiel-API (JSON)"
LABEL_JSONL = "KvK Vestigingsprofiel-API (JSON lines)"
LABEL_CSV = "KvK-CSV met API-waarden"
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")

# The fields the Vestigingsprofiel API publishes (OpenAPI 1.4), per level: accepted by name (never
# person data; `eersteHandelsnaam` and `handelsnamen` are trade names and are not read).
KNOWN_FIELDS = {
    "": {"vestigingsnummer", "kvkNummer", "rsin", "indNonMailing", "formeleRegistratiedatum",
         "materieleRegistratie", "eersteHandelsnaam", "indHoofdvestiging", "indCommercieleVestiging",
         "voltijdWerkzamePersonen", "deeltijdWerkzamePersonen", "totaalWerkzamePersonen", "handelsnamen",
         "adressen", "websites", "sbiActiviteiten", "links", "_links"},
    "materieleRegistratie": {"datumAanvang", "datumEinde"},
    "adressen[]": {"type", "indAfgeschermd", "volledigAdres", "straatnaam", "huisnummer", "huisnummerToevoeging",
                   "huisletter", "toevoegingAdres", "postcode", "postbusnummer", "plaats", "straatHuisnummer",
                   "postcodeWoonplaats", "regio", "land", "geoData"},
    "adressen[].geoData": {"addresseerbaarObjectId", "nummerAanduidingId", "gpsLatitude", "gpsLongitude",
                           "rijksdriehoekX", "rijksdriehoekY", "rijksdriehoekZ"},
    "sbiActiviteiten[]": {"sbiCode", "sbiOmschrijving", "indHoofdactiviteit"},
    "handelsnamen[]": {"naam", "volgorde"},
    "links[]": {"rel", "href", "hreflang", "media", "title", "type", "deprecation", "profile", "name"},
    "_links": None,  # HAL links: any structure
}

# Only these fields are read; everything else in the file stays out of the frame.
_COLUMNS = """{
    vestigingsnummer: 'VARCHAR',
    kvkNummer: 'VARCHAR',
    indHoofdvestiging: 'VARCHAR',
    totaalWerkzamePersonen: 'VARCHAR',
    materieleRegistratie: 'STRUCT(datumAanvang VARCHAR, datumEinde VARCHAR)',
    adressen: 'STRUCT(type VARCHAR, straatnaam VARCHAR, huisnummer VARCHAR, huisletter VARCHAR,
                      huisnummerToevoeging VARCHAR, postcode VARCHAR, plaats VARCHAR,
                      geoData STRUCT(addresseerbaarObjectId VARCHAR))[]',
    sbiActiviteiten: 'STRUCT(sbiCode VARCHAR, indHoofdactiviteit VARCHAR)[]'
}"""
# One row per establishment, in the file's order; the contract's columns as text.
_SELECT = f"""
WITH profielen AS (
    SELECT row_number() OVER () AS rij, *
    FROM read_json($path, format = 'auto', columns = {_COLUMNS})
),
gekozen AS (
    SELECT rij, vestigingsnummer, kvkNummer, indHoofdvestiging, totaalWerkzamePersonen, materieleRegistratie,
           list_filter(adressen, lambda a: lower(trim(a.type)) = 'bezoekadres') AS bezoekadressen,
           list_filter(sbiActiviteiten, lambda s: lower(trim(s.indHoofdactiviteit)) = 'ja') AS hoofd,
           list_filter(sbiActiviteiten, lambda s: coalesce(lower(trim(s.indHoofdactiviteit)), '') <> 'ja') AS neven
    FROM profielen
)
SELECT
    rij,
    vestigingsnummer,
    kvkNummer AS kvk_nummer,
    hoofd[1].sbiCode AS sbi_code,
    nullif(array_to_string(list_transform(neven, lambda s: s.sbiCode), '|'), '') AS sbi_codes_neven,
    bezoekadressen[1].straatnaam AS straatnaam,
    bezoekadressen[1].huisnummer AS huisnummer,
    bezoekadressen[1].huisletter AS huisletter,
    bezoekadressen[1].huisnummerToevoeging AS huisnummer_toevoeging,
    bezoekadressen[1].postcode AS postcode,
    bezoekadressen[1].plaats AS plaats,
    CASE WHEN substr(bezoekadressen[1].geoData.addresseerbaarObjectId, 5, 2) = '01'
         THEN bezoekadressen[1].geoData.addresseerbaarObjectId END AS verblijfsobject_id,
    totaalWerkzamePersonen AS werkzame_personen,
    materieleRegistratie.datumAanvang AS datum_aanvang,
    materieleRegistratie.datumEinde AS datum_einde,
    indHoofdvestiging AS ind_hoofdvestiging,
    len(bezoekadressen) = 0 AS zonder_bezoekadres,
    len(hoofd) > 1 AS meer_hoofdactiviteiten,
    bezoekadressen[1].geoData.addresseerbaarObjectId IS NOT NULL
        AND substr(bezoekadressen[1].geoData.addresseerbaarObjectId, 5, 2) <> '01' AS ander_object
FROM gekozen
ORDER BY rij
"""


def _is_kvk(path: Path) -> bool:
    stem, folder = path.stem.lower(), path.parent.name.lower()
    return stem == SOURCE or stem.startswith(SOURCE + "_") or folder == "kvk"


def recognise(path: Path) -> bool:
    """A KvK delivery as JSON or JSON lines (by name: kvk_vestigingen_<JJJJ-MM>.json/.jsonl, or in inbox/kvk)."""
    path = Path(path)
    return path.suffix.lower() in JSON_SUFFIXES and _is_kvk(path)


def recognise_csv(path: Path) -> bool:
    """A KvK CSV; whether it carries API values shows when it is read (`read_csv` gives the label)."""
    path = Path(path)
    return path.suffix.lower() == ".csv" and _is_kvk(path)


def _refuse(name: str, regel: str, toelichting: str, advies: str, **kw) -> Refused:
    return Refused([Bevinding(bestand=name, regel=regel, toelichting=toelichting, advies=advies, **kw)])


ADVIES_JSON = (
    "Lever de antwoorden van de Vestigingsprofiel-API ongewijzigd aan: één JSON-array van vestigingsprofielen "
    "(kvk_vestigingen_JJJJ-MM.json) of één vestigingsprofiel per regel (kvk_vestigingen_JJJJ-MM.jsonl), of lever "
    "de CSV van het contract aan."
)


def _data_errors():
    import duckdb

    # What a malformed file raises; a binder or parser error is a fault of this module and is raised.
    return (duckdb.InvalidInputException, duckdb.ConversionException, duckdb.IOException)


_DATA_ERRORS = _data_errors()


def _connect():
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    return con


def read(path: Path) -> Delivery:
    """The establishments of a Vestigingsprofiel JSON (array or lines) as the contract's text table; Refused
    when the file is not readable JSON, is no Vestigingsprofiel, or carries person data."""
    path = Path(path)
    name = path.name
    contract = load_contract(SOURCE)
    raw = path.read_bytes()[:4096]
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise _refuse(name, "niet leeg", "het bestand is leeg", ADVIES_JSON)
    con = _connect()
    try:
        warnings = _check_fields(con, path)
        try:
            table = con.sql(_SELECT, params={"path": str(path)}).to_arrow_table()
        except _DATA_ERRORS as exc:
            # The message of DuckDB can quote the file's content: only its kind is shown.
            raise _refuse(name, "leesbare JSON van de Vestigingsprofiel-API",
                          f"het bestand kan niet gelezen worden als vestigingsprofielen ({type(exc).__name__})",
                          ADVIES_JSON) from None
    finally:
        con.close()
    if table.num_rows == 0:
        raise _refuse(name, "minstens één vestigingsprofiel", "het bestand bevat geen vestigingsprofielen", ADVIES_JSON)
    frame = table.to_pandas(types_mapper=lambda t: STRING if str(t) == "string" else None)
    if frame["vestigingsnummer"].isna().all() and frame["kvk_nummer"].isna().all():
        raise _refuse(name, "vestigingsprofielen van de KvK-API",
                      "geen enkel object heeft de velden vestigingsnummer en kvkNummer",
                      ADVIES_JSON)
    for flag, text in (
        ("zonder_bezoekadres", "vestiging(en) zonder bezoekadres (alleen een correspondentieadres of postbus): "
                               "die hebben geen adres om aan de BAG te koppelen"),
        ("meer_hoofdactiviteiten", "vestiging(en) met meer dan één hoofdactiviteit: de eerste is genomen"),
        ("ander_object", "bezoekadres(sen) met een ligplaats- of standplaats-id in geoData: gekoppeld op adres"),
    ):
        n = int(frame[flag].sum())
        if n:
            warnings.append(f"{n} {text}.")
    columns = list(contract.columns)
    text = pd.DataFrame({f"c{i}": frame[c].astype(STRING) for i, c in enumerate(columns)})
    table_text = RawTable(frame=text, header=columns, rij=frame["rij"].astype("int64").reset_index(drop=True),
                          encoding="UTF-8", separator="-", format="json")
    delivery = Delivery(FORMAT_JSON, LABEL_JSONL if path.suffix.lower() != ".json" else LABEL_JSON, table_text, warnings)
    delivery.waarschuwingen += apply_spellings(table_text, contract)
    return delivery


def _check_fields(con, path: Path) -> list[str]:
    """Refused when a field the API does not publish points at person data or free text, or a top-level
    field holds BSN-like values; warnings for other unpublished fields (skipped)."""
    name = path.name
    try:
        structure = con.sql(
            # the structure of each distinct record shape, merged: every field name in the file, at its level
            "SELECT json_group_structure(vorm) FROM (SELECT DISTINCT json_structure(json) AS vorm "
            "FROM read_json_objects($path, format = 'auto'))", params={"path": str(path)}
        ).fetchall()[0][0]
    except _DATA_ERRORS as exc:
        raise _refuse(name, "leesbare JSON van de Vestigingsprofiel-API",
                      f"het bestand is geen geldige JSON ({type(exc).__name__})", ADVIES_JSON) from None
    structure = json.loads(structure) if isinstance(structure, str) else structure
    if isinstance(structure, list):  # an array per line: its elements are the profiles
        structure = structure[0] if structure else {}
    if not isinstance(structure, dict):
        raise _refuse(name, "vestigingsprofielen van de KvK-API", "het bestand bevat geen JSON-objecten", ADVIES_JSON)
    privacy, warnings, unknown_top = [], [], []
    for level, field_name in _field_paths(structure):
        known = KNOWN_FIELDS.get(level, set())
        if known is None or field_name in known:
            continue
        where = f"{level}.{field_name}" if level else field_name
        kind = classify_column_name(field_name)
        if kind == "persoon":
            privacy.append(Bevinding(bestand=name, kolom=where, regel="geen persoonsgegevens (AVG)",
                                     toelichting="dit veld hoort niet bij de Vestigingsprofiel-API en bevat gegevens "
                                                 "over personen", advies=AVG_ADVIES))
        elif kind == "vrije_tekst":
            privacy.append(Bevinding(bestand=name, kolom=where, regel="geen vrije tekst",
                                     toelichting="dit veld bevat notities of toelichtingen", advies=VRIJE_TEKST_ADVIES))
        else:
            warnings.append(f"Veld '{where}' hoort niet bij de Vestigingsprofiel-API en is overgeslagen.")
            if not level:
                unknown_top.append(field_name)
    for field_name in unknown_top:
        values = con.sql(
            "SELECT json_extract_string(json, $pad) AS v FROM read_json_objects($path, format = 'auto')",
            params={"path": str(path), "pad": "$." + json.dumps(field_name)},
        ).to_arrow_table().column("v").to_pandas(types_mapper=lambda t: STRING)
        n = bsn_like_count(values)
        if n:
            privacy.append(Bevinding(bestand=name, kolom=field_name, regel="geen BSN's (AVG)", aantal=n,
                                     toelichting=f"{n} waarden zien eruit als een burgerservicenummer; de waarden "
                                                 "worden hier niet getoond", advies=AVG_ADVIES))
    if privacy:
        raise Refused(privacy)
    return warnings


def _field_paths(structure: dict, level: str = ""):
    """(level, field) for every field in a `json_group_structure` result, arrays written as `name[]`."""
    for key, value in structure.items():
        yield level, key
        child = f"{level}.{key}" if level else key
        if isinstance(value, list) and value and isinstance(value[0], dict):
            yield from _field_paths(value[0], child + "[]")
        elif isinstance(value, dict):
            yield from _field_paths(value, child)


def read_csv(path: Path) -> Delivery:
    """A KvK CSV with the contract's column names, its API spellings and absent optional columns
    rewritten as the contract declares; `label` is set only when something was rewritten."""
    path = Path(path)
    contract = load_contract(SOURCE)
    table = read_csv_text(path)
    notes = add_absent_columns(table, contract) + apply_spellings(table, contract)
    return Delivery(FORMAT_CSV, LABEL_CSV if notes else None, table, notes)


def validate(path: Path, *, today: date | None = None) -> ValidationResult:
    """Check a KvK delivery (Vestigingsprofiel JSON/JSON lines or CSV) against the contract with
    `validate_file`; the result's frame is exactly the canonical typed frame."""
    from data_contracts.validate import validate_file

    return validate_file(Path(path), SOURCE, today=today)

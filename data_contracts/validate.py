"""Check one inbox file against its contract: refuse it whole, or accept it with quarantined rows.

Order: file name and month -> readable table -> columns (person data first) -> values
(great-expectations) -> keys -> rules between registers (quarantine, truncated BRP export) ->
warnings. Nothing here writes anywhere; the ingest assets decide what to load.
"""
from __future__ import annotations

import difflib
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from data_contracts.columns import (
    SENTINEL_DATE,
    SENTINEL_NUMBER,
    STRING,
    IdProfile,
    Prepared,
    codes_of,
    duplicated_codes,
    id_codes,
    isin_codes,
    member_of,
    numeric_ids,
    sorted_unique,
    prepare,
)
from data_contracts import formats as real_formats
from data_contracts.contract import SOURCES, Contract, load_contract
from data_contracts.formats import delivered
from data_contracts.privacy import (
    AVG_ADVIES,
    VRIJE_TEKST_ADVIES,
    bsn_like_count,
    classify_column_name,
    looks_like_free_text,
)
from data_contracts.reading import (
    MONTH_IN_NAME,
    RawTable,
    Refused,
    inbox_of,
    parse_inbox_path,
    read_csv_selective,
    read_csv_text,
    read_gpkg_text,
    read_parquet_selective,
    read_parquet_text,
    same_month_note,
    scan_inbox,
)
from data_contracts.result import Bevinding, ContractError, ValidationResult, safe_name
from data_contracts.suite import REQUIRED, contract_checks, run_checks

OPNIEUW = "zet het gecorrigeerde bestand opnieuw in de inbox; draai daarna de maand opnieuw."


# --------------------------------------------------------------------------- entry point


def validate_file(
    path: Path,
    source: str | None = None,
    *,
    gemeente: str = "0638",
    bag_hoofdadressen: pd.DataFrame | None = None,
    vorige: dict | None = None,
    today: date | None = None,
    max_mb: float | None = None,
    selectief_vanaf_mb: float | None = None,
    maand: str | None = None,
) -> ValidationResult:
    """Check one inbox file against the contract of `source` (derived from the name when None).

    `bag_hoofdadressen` (columns nummeraanduiding_id, is_woning) is the gemeente's BAG of the
    same month: with it, rows whose address is not a hoofdadres are quarantined and a BRP file
    that leaves too many woningen without ingeschrevenen is refused. `vorige` holds the
    previous month's BRP figures {'ingeschrevenen', 'rijen'} for the plausibility warnings.

    `max_mb` overrides the contract's `max_bestandsgrootte_mb` (a larger file is refused before it
    is read) and `selectief_vanaf_mb` its `selectief_lezen_vanaf_mb` (a larger BAG file of a
    gemeente is read for that gemeente's rows only). When the inbox holds another file for the
    same source and month, a warning says which one the monthly run uses.

    A register's own delivery (PDOK's BAG GeoPackage, the LV BAG extract, the KvK API's JSON, BRP
    counts per verblijfsobject; `data_contracts.formats`) is recognised and read into the
    canonical table first; the result names it (`result.formaat`, a warning "herkend als …").
    `maand` is the run's month (--maand): a BAG delivery without a month in its name is filed
    under it, else under the month of its own metadata (`result.maand_reden` says which).

    Never raises for a bad file: the result says why it is refused. Errors that are not about the
    file (no memory, no access, a bug) are not caught here.
    """
    path = Path(path)
    today = today or date.today()
    run_maand, maand_reden = maand, None
    real = _real_format(path, source)
    if real is not None and real.month_of_delivery is not None:  # a BAG delivery: month from the run or the file
        source = real.source
        maand, maand_reden = real_formats.month_of_delivery(path, run_maand)
        if maand is None:
            return ValidationResult(
                source=source, maand=None, paths=[path],
                bevindingen=[Bevinding(
                    bestand=safe_name(path.name), regel="maand van de levering bekend", toelichting=maand_reden,
                    advies=f"Geef de maand mee (risicoradar run --maand JJJJ-MM) of noem het bestand "
                           f"{source}_JJJJ-MM{path.suffix}.")],
            )
    else:
        try:
            source, maand = _identify(path, source)
        except ContractError as exc:
            return ValidationResult(
                source=source or "onbekend", maand=None, paths=[path],
                bevindingen=[Bevinding(bestand=safe_name(path.name), regel="bestandsnaam volgens de inbox-afspraken",
                                       toelichting=exc.toelichting, advies=exc.advies or "Hernoem het bestand.")],
            )
    if source == "slachtoffers":
        from data_contracts.slachtoffers import validate_slachtoffers

        return validate_slachtoffers([path], today=today)

    contract = load_contract(source)
    real = real or _real_format(path, source)
    if real is not None and real.contract is not None:
        contract = real.contract()  # a variant of the source's contract (BRP per verblijfsobject)
    result = ValidationResult(source=source, maand=maand, paths=[path], maand_reden=maand_reden)
    month_ok = check_month(result, contract, maand, today)
    _note_same_month(result, path, source, maand)
    table = read_table(result, path, contract, gemeente=gemeente, max_mb=max_mb, selectief_vanaf_mb=selectief_vanaf_mb,
                       real=real)
    if table is None:
        return result
    result.waarschuwingen += table.waarschuwingen
    columns = check_columns(result, table, contract)
    if columns is None:
        return result
    if table.selectief and len(table.frame) == 0:
        check_gemeente(result, contract, pd.Series([], dtype=STRING), gemeente, table.andere_gemeenten)
        return result
    text, rij = data_rows(result, table, columns, contract)
    if text is None:
        return result
    prepared = check_values(result, contract, text, rij, maand if month_ok else None, today)
    if result.geweigerd:
        return result

    keep = np.ones(len(text), dtype=bool)
    if contract.gemeente_column:
        check_gemeente(result, contract, prepared.text[contract.gemeente_column], gemeente, table.andere_gemeenten)
    if result.levering is not None:
        result.kengetallen.update(result.levering.kengetallen)
    warn_implausible(result, contract, prepared, rij)
    codes = None  # (file, BAG) address codes, computed once for both register rules
    reference = None
    if contract.reference_column and bag_hoofdadressen is not None:
        reference = reference_of(bag_hoofdadressen, contract.reference_column)
        codes = reference.codes_with(prepared.text[contract.reference_column])
    if contract.reference_column:
        keep = quarantine_unknown_addresses(result, contract, prepared, rij, codes, gemeente, maand, reference)
    if source == "brp_adrestellingen":
        check_brp(result, contract, prepared, keep, reference, codes, vorige, maand)
    if result.geweigerd:
        result.quarantaine = result.quarantaine.iloc[0:0]
        return result
    result.frame = typed_frame(prepared, rij, keep)
    if real is not None and real.contract is not None:
        result.frame = _as_source_frame(result.frame, source)
    return result


def _real_format(path: Path, source: str | None):
    """The registered real format of `path` among the contract sources (of `source`), or None."""
    if source == "slachtoffers" or (source is not None and source not in SOURCES):
        return None
    fmt = real_formats.recognise(path, source)
    return fmt if fmt is not None and fmt.source in SOURCES else None


def _as_source_frame(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """A variant's accepted frame in the source's columns (BRP per verblijfsobject: nummeraanduiding_id
    empty, the staging SQL gives it the object's hoofdadres), followed by the variant's own columns."""
    base = list(load_contract(source).columns)
    for column in base:
        if column not in frame.columns:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype=STRING)
    extra = [c for c in frame.columns if c not in base and c != "rij"]
    return frame[base + extra + ["rij"]]


def _identify(path: Path, source: str | None) -> tuple[str, str | None]:
    if source is None:
        return parse_inbox_path(path)
    if source not in SOURCES:
        raise ContractError(f"onbekende bron '{source}'", f"Kies een van: {', '.join(SOURCES)}.")
    if source == "slachtoffers":
        return source, None
    match = MONTH_IN_NAME.search(path.stem)
    if match is None:
        raise ContractError(
            "de bestandsnaam noemt geen maand",
            f"Noem het bestand {source}_JJJJ-MM{path.suffix or '.csv'}, bijvoorbeeld {source}_2026-10{path.suffix or '.csv'}.",
        )
    return source, f"{match.group(1)}-{match.group(2)}"


# --------------------------------------------------------------------------- steps


def check_month(result: ValidationResult, contract: Contract, maand: str | None, today: date) -> bool:
    """The month in the file name exists and is not later than the current month."""
    if not contract.monthly or maand is None:
        return False
    year, month = map(int, maand.split("-"))
    name = result.bestand
    if not 1 <= month <= 12:
        result.bevindingen.append(Bevinding(
            bestand=name, regel="bestaande maand in de bestandsnaam (JJJJ-MM)",
            toelichting=f"maand '{maand}' bestaat niet",
            advies=f"Noem het bestand {contract.source}_JJJJ-MM met een maand van 01 t/m 12, bijvoorbeeld "
                   f"{contract.source}_{year}-{min(max(month, 1), 12):02d}; {OPNIEUW}",
        ))
        return False
    if (year, month) > (today.year, today.month):
        result.bevindingen.append(Bevinding(
            bestand=name, regel="maand niet later dan de huidige maand",
            toelichting=f"de maand {maand} ligt na de huidige maand ({today:%Y-%m})",
            advies="Controleer de maand in de bestandsnaam: gegevens met een peildatum in de toekomst kunnen niet "
                   f"bestaan. Hernoem het bestand naar de juiste maand en {OPNIEUW}",
        ))
        return False
    return True


def _note_same_month(result: ValidationResult, path: Path, source: str, maand: str | None) -> None:
    inbox = inbox_of(path)
    if inbox is None or maand is None:
        return
    note = same_month_note(scan_inbox(inbox), source, maand, path)
    if note:
        result.waarschuwingen.append(note)


MB = 1 << 20


def _size(n_bytes: float) -> str:
    """'2,0 GB', '300 MB', '12 kB' (powers of 1024, decimal comma)."""
    if n_bytes >= 1 << 30:
        value = n_bytes / (1 << 30)
        return (f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}".replace(".", ",")) + " GB"
    if n_bytes >= MB:
        return f"{n_bytes / MB:.0f} MB"
    return f"{max(1, round(n_bytes / 1024))} kB"


def check_size(result: ValidationResult, path: Path, contract: Contract, max_mb: float | None = None) -> bool:
    """False (with a finding) when the file is larger than the contract's maximum: refused before
    a byte of it is read, so a 2 GB file costs no memory."""
    limit = contract.max_mb if max_mb is None else float(max_mb)
    size = path.stat().st_size
    if size <= limit * MB:
        return True
    advies = ("Controleer of dit het juiste bestand is: zo groot is geen maandbestand van deze bron (is het een "
              "landelijk bestand, of zijn regels herhaald?). ")
    if contract.gemeente_column:
        advies += "Voor één gemeente wordt een groot BAG-bestand alleen voor die gemeente gelezen; dit is een verwerking voor alle gemeenten. "
    advies += (f"Is het bestand terecht zo groot, verhoog dan de grens max_bestandsgrootte_mb voor {contract.source} "
               f"(standaard in data_contracts/{contract.source}.yaml); het bestand wordt in zijn geheel gelezen en "
               "vraagt ongeveer vier keer zijn grootte aan werkgeheugen.")
    result.bevindingen.append(Bevinding(
        bestand=path.name, regel=f"bestand niet groter dan {_size(limit * MB)}",
        toelichting=f"het bestand is {_size(size)}; het maximum voor {contract.titel} is {_size(limit * MB)}",
        advies=advies,
    ))
    return False


def read_table(
    result: ValidationResult,
    path: Path,
    contract: Contract,
    *,
    gemeente: str | None = None,
    max_mb: float | None = None,
    selectief_vanaf_mb: float | None = None,
    real=None,
) -> RawTable | None:
    """The file as text columns, or None (with a finding) when it cannot be read as a table.

    A file above the contract's maximum size is refused unread, except a BAG file of a run for one
    `gemeente` above `selectief_lezen_vanaf_mb`: of that, only the gemeente's rows are read.
    A register's own format (`real`, from `data_contracts.formats`) is read by its reader (a BAG
    reader reads only the gemeente's rows, whatever the file's size); a CSV or Parquet file gets
    the contract's declared spellings and absent optional columns (`formats.delivered`).
    """
    if real is not None:
        return _read_delivery(result, path, contract, real, gemeente=gemeente, max_mb=max_mb)
    ext = path.suffix.lower().lstrip(".")
    if ext not in contract.formats:
        formats = " of ".join(f".{f}" for f in contract.formats)
        toelichting = f"bestandsformaat '.{ext}' wordt niet gelezen" if ext else "het bestand heeft geen extensie"
        advies = (
            "Sla een Excel-bestand op als 'CSV UTF-8 (door lijstscheidingsteken gescheiden)'. " if ext in ("xlsx", "xls", "ods") else ""
        ) + f"Lever {contract.titel} aan als {formats}."
        result.bevindingen.append(Bevinding(bestand=path.name, regel=f"bestandsformaat {formats}", toelichting=toelichting, advies=advies))
        return None
    threshold = contract.selectief_vanaf_mb if selectief_vanaf_mb is None else selectief_vanaf_mb
    size = path.stat().st_size
    selective = bool(contract.gemeente_column and gemeente and gemeente != "*" and threshold is not None
                     and size > float(threshold) * MB)
    if not selective and not check_size(result, path, contract, max_mb):
        return None
    try:
        if ext == "csv":
            table = read_csv_selective(path, contract, gemeente) if selective else read_csv_text(path)
        elif ext == "parquet":
            table = read_parquet_selective(path, contract, gemeente) if selective else read_parquet_text(path, contract)
        else:
            table = read_gpkg_text(path, contract, gemeente=gemeente if selective else None)
    except Refused as refused:
        result.bevindingen += refused.bevindingen
        return None
    if selective:
        n_other = sum(table.andere_gemeenten.values())
        table.waarschuwingen.append(
            f"Groot bestand ({_size(size)}, meer dan {_size(float(threshold) * MB)}): alleen de {len(table.frame)} "
            f"rijen van gemeente {gemeente} zijn gelezen en gecontroleerd; {n_other} rijen van andere gemeenten zijn "
            "overgeslagen (niet gecontroleerd en niet opgeslagen)."
        )
    if table.encoding == "Windows-1252":
        table.waarschuwingen.append("Bestand gelezen als Windows-1252 (geen UTF-8); controleer of letters als ë en ö goed zijn overgekomen.")
    notes = delivered.add_absent_columns(table, contract) + delivered.apply_spellings(table, contract)
    if notes:
        result.levering = real_formats.Delivery(real_formats.CSV_FORMAT, real_formats.csv_label(contract.source), table, notes)
        table.waarschuwingen += [f"{path.name} {result.levering.herkend}."] + notes
    return table


def _read_delivery(result: ValidationResult, path: Path, contract: Contract, real, *, gemeente: str | None,
                   max_mb: float | None) -> RawTable | None:
    """A register's own delivery read by its reader into the canonical table (`result.levering`)."""
    selective = real.selective and gemeente and gemeente != "*"
    if not selective and not check_size(result, path, contract, max_mb):
        return None
    try:
        delivery = real.read(path, gemeente=gemeente or "*")
    except Refused as refused:
        result.bevindingen += refused.bevindingen
        return None
    delivery.maand, delivery.maand_reden = result.maand, result.maand_reden
    result.levering = delivery
    table = delivery.table
    herkend = f"{path.name} {delivery.herkend}"
    if result.maand_reden:
        herkend += f"; maand {result.maand}: {result.maand_reden}"
    table.waarschuwingen = [herkend + "."] + delivery.waarschuwingen + table.waarschuwingen
    if "andere_gemeente" in delivery.kengetallen and gemeente and gemeente != "*":
        # the reader left them out: counted as a selective read's rows of other gemeenten
        table.andere_gemeenten = {"andere gemeenten": int(delivery.kengetallen["andere_gemeente"])}
    return table


def check_columns(result: ValidationResult, table: RawTable, contract: Contract, *, exempt: set[str] = frozenset()) -> dict[str, str] | None:
    """Map contract columns to the file's columns; None (with findings) when the columns are wrong.

    Person data is looked for first: a column named like person data, a column of BSN-like
    values (also among the contract's own columns) and free-text columns are refused with an
    explanation. Then missing, renamed and unknown columns.
    """
    name = result.bestand
    findings: list[Bevinding] = []
    expected = list(contract.columns)
    positions: dict[str, str] = {}
    for h, n in Counter(table.header).items():
        if h and n > 1:
            findings.append(Bevinding(bestand=name, kolom=h, regel="elke kolomnaam één keer",
                                      toelichting=f"de kolom komt {n} keer voor in de kopregel",
                                      advies=f"Verwijder de dubbele kolom en {OPNIEUW}"))
    for i, h in enumerate(table.header):
        col = f"c{i}"
        if h == "":
            values = table.frame[col].str.strip()
            if values.isna().all() or (values.fillna("") == "").all():
                result.waarschuwingen.append(f"Lege kolom zonder naam (kolom {i + 1}) overgeslagen.")
                continue
            findings.append(Bevinding(bestand=name, regel="elke kolom heeft een naam",
                                      toelichting=f"kolom {i + 1} heeft geen naam in de kopregel maar wel waarden",
                                      advies=f"Geef de kolom de naam uit het contract of verwijder hem, en {OPNIEUW}"))
            continue
        positions.setdefault(h, col)

    privacy: list[Bevinding] = []
    flagged: set[str] = set()
    for h, col in positions.items():
        n = bsn_like_count(table.frame[col])
        if n:
            flagged.add(h)
            privacy.append(Bevinding(
                bestand=name, kolom=h, regel="geen BSN's (AVG)", aantal=n,
                toelichting=f"{n} waarden zien eruit als een burgerservicenummer (9 cijfers die de elfproef halen); "
                            f"de waarden worden hier niet getoond",
                advies=AVG_ADVIES,
            ))
    extra = [h for h in positions if h not in contract.columns and h not in exempt]
    missing = [c for c in expected if c not in positions]
    ignore = set(contract.gpkg.get("ignore_columns", [])) if table.format in ("parquet", "gpkg") else set()
    unknown = []
    for h in extra:
        if h in flagged:
            continue
        kind = classify_column_name(h)
        if kind == "persoon":
            privacy.append(Bevinding(
                bestand=name, kolom=h, regel="geen persoonsgegevens (AVG)",
                toelichting="deze kolom hoort niet bij het contract en bevat gegevens over personen",
                advies=AVG_ADVIES,
            ))
        elif kind == "vrije_tekst" or looks_like_free_text(table.frame[positions[h]]):
            privacy.append(Bevinding(
                bestand=name, kolom=h, regel="geen vrije tekst",
                toelichting="deze kolom bevat notities of toelichtingen, die het contract niet toestaat",
                advies=VRIJE_TEKST_ADVIES,
            ))
        elif h in ignore:
            result.waarschuwingen.append(f"Kolom '{h}' uit de {table.format.upper()} hoort niet bij het contract en is overgeslagen.")
        else:
            unknown.append(h)

    headerless = (
        not any(h in contract.columns for h in positions)
        and len(table.header) >= 2
        and sum(any(ch.isdigit() for ch in h) for h in table.header) >= len(table.header) / 2
    )
    if headerless:
        findings = [Bevinding(
            bestand=name, regel="eerste regel is de kopregel met kolomnamen",
            toelichting=f"de eerste regel bevat gegevens ('{';'.join(table.header)[:60]}') in plaats van kolomnamen",
            advies="Zet de kopregel met de kolomnamen van het contract bovenaan: " + ", ".join(expected) + f"; {OPNIEUW}",
        )]
    else:
        renamed = _pair_renamed(unknown, missing)
        for h in unknown:
            if h in renamed:
                m = renamed[h]
                findings.append(Bevinding(
                    bestand=name, kolom=m, regel="kolomnamen volgens het contract",
                    toelichting=f"kolom '{m}' ontbreekt en kolom '{h}' is onbekend: is '{m}' hernoemd?",
                    advies=f"Noem kolom '{h}' weer '{m}' (precies zo geschreven) en {OPNIEUW}",
                ))
            else:
                findings.append(Bevinding(
                    bestand=name, kolom=h, regel="alleen de kolommen van het contract",
                    toelichting="onbekende kolom",
                    advies=f"Verwijder de kolom of laat de export zonder deze kolom maken. Het contract van "
                           f"{contract.source} kent alleen: {', '.join(expected)}.",
                ))
        for m in missing:
            if m in renamed.values():
                continue
            findings.append(Bevinding(
                bestand=name, kolom=m, regel="alle kolommen van het contract aanwezig",
                toelichting="de kolom ontbreekt",
                advies=f"Voeg de kolom '{m}' toe (controleer de spelling in de kopregel). Verwachte kolommen: "
                       f"{', '.join(expected)}; {OPNIEUW}",
            ))
    result.bevindingen += privacy + findings
    if privacy or findings:
        return None
    return {c: positions[c] for c in expected}


def _pair_renamed(unknown: list[str], missing: list[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    left = list(missing)
    for h in unknown:
        key = h.strip().lower().replace(" ", "_").replace("-", "_")
        match = next((m for m in left if m == key), None)
        if match is None:
            close = difflib.get_close_matches(key, left, n=1, cutoff=0.6)
            match = close[0] if close else None
        if match is None and len(unknown) == 1 and len(left) == 1:
            match = left[0]
        if match is not None:
            pairs[h] = match
            left.remove(match)
    return pairs


def data_rows(result: ValidationResult, table: RawTable, columns: dict[str, str], contract: Contract) -> tuple[pd.DataFrame | None, np.ndarray]:
    """The contract columns as text (positional index) and their row numbers; drops empty rows."""
    frame = table.frame[[columns[c] for c in contract.columns]]
    frame.columns = list(contract.columns)
    rij = table.rij.to_numpy()
    empty = np.ones(len(frame), dtype=bool)
    for c in frame.columns:
        empty &= frame[c].isna().to_numpy() | (frame[c].str.strip() == "").fillna(True).to_numpy()
        if not empty.any():
            break
    if empty.any():
        frame = frame[~empty]
        rij = rij[~empty]
        result.waarschuwingen.append(f"{int(empty.sum())} lege regel(s) overgeslagen.")
    result.rijen_in_bestand = len(frame)
    if len(frame) == 0:
        result.bevindingen.append(Bevinding(
            bestand=result.bestand, regel="minstens één rij met gegevens",
            toelichting="het bestand heeft alleen een kopregel",
            advies="Waarschijnlijk is de export mislukt of is het verkeerde bestand opgeslagen. Maak de export "
                   f"opnieuw en {OPNIEUW}",
        ))
        return None, rij
    return frame.reset_index(drop=True), rij


def check_values(
    result: ValidationResult,
    contract: Contract,
    text: pd.DataFrame,
    rij: np.ndarray,
    maand: str | None,
    today: date,
    *,
    display: dict[str, np.ndarray] | None = None,
) -> Prepared:
    """Type the columns, run the contract's expectations and key check; findings go to `result`.

    `display` optionally names, per contract column, the file column of each row (wide tables).
    """
    prepared = prepare(text, contract)
    checks = contract_checks(contract, maand, today)
    frame = prepared.gx.copy(deep=False)  # the columns with a sentinel are replaced, not changed in place
    filled = {c.kwargs["column"] for c in checks if c.fill_invalid}
    if filled:
        for column in filled:
            sentinel = SENTINEL_DATE if pd.api.types.is_datetime64_any_dtype(frame[column]) else SENTINEL_NUMBER
            frame[column] = frame[column].fillna(sentinel)
    failures = run_checks(contract.source, frame, checks)

    groups: dict[tuple[str, str], dict] = {}

    def add(kolom: str, regel: str, rows: np.ndarray, advies: str, pair=None, show_value=True):
        if len(rows) == 0:
            return
        g = groups.setdefault((kolom, regel), {"rows": [], "advies": advies, "pair": pair, "show": show_value})
        g["rows"].append(rows)

    for failure in failures:
        check, rows = failure.check, failure.rows
        if check.pair:  # a value that is not of its type is reported by its own column's rule
            low, high = check.pair
            both = (prepared.typed[low].notna() & prepared.typed[high].notna()).to_numpy()
            add(check.kolom, check.regel, rows[both[rows]], check.advies, pair=check.pair)
        elif check.split_missing:
            empty = prepared.text[check.kolom].isna().to_numpy()[rows]
            add(check.kolom, REQUIRED, rows[empty], f"Vul '{check.kolom}' in op elke rij; {OPNIEUW}", show_value=False)
            rest = rows[~empty]
            if check.invalid_regel:
                untyped = prepared.typed[check.kolom].isna().to_numpy()[rest]
                add(check.kolom, check.invalid_regel, rest[untyped], check.invalid_advies or check.advies)
                rest = rest[~untyped]
            add(check.kolom, check.regel, rest, check.advies)
        else:
            add(check.kolom, check.regel, rows, check.advies, show_value=check.regel != REQUIRED)

    for (kolom, regel), g in groups.items():
        rows = np.unique(np.concatenate(g["rows"]))
        first = int(rows[0])
        if g["pair"]:
            low, high = g["pair"]
            voorbeeld = f"{low} {text.at[first, low]}, {high} {text.at[first, high]}"
        elif g["show"] and not getattr(contract.columns.get(kolom), "hide_values", False):
            value = text.at[first, kolom]
            voorbeeld = "" if pd.isna(value) else str(value)
        else:
            voorbeeld = None
        shown = kolom
        if display and kolom in display:
            names = list(dict.fromkeys(display[kolom][rows]))
            shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
        numbers = list(dict.fromkeys(int(r) for r in rij[rows]))  # a wide table has several values per row
        result.bevindingen.append(Bevinding(
            bestand=result.bestand, kolom=shown, regel=regel, rijen=numbers[:10], aantal=len(numbers),
            voorbeeld=voorbeeld, advies=g["advies"],
        ))
    _check_key(result, contract, prepared, rij)
    return prepared


def _check_key(result: ValidationResult, contract: Contract, prepared: Prepared, rij: np.ndarray) -> None:
    if not contract.key:
        return
    keys = prepared.text[list(contract.key)]
    # Empty keys are not compared: a required key that is empty is reported by its own rule.
    if len(contract.key) == 1:
        dup = duplicated_codes(id_codes(keys.iloc[:, 0])[0])
    else:
        filled = keys.notna().all(axis=1).to_numpy()
        dup = np.zeros(len(keys), dtype=bool)
        dup[filled] = keys[filled].duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    rows = np.flatnonzero(dup)
    first = keys.iloc[rows[0]]
    voorbeeld = ", ".join("" if pd.isna(v) else str(v) for v in first)
    n_values = int(keys[dup].drop_duplicates().shape[0])
    sleutel = " + ".join(contract.key)
    result.bevindingen.append(Bevinding(
        bestand=result.bestand, kolom=", ".join(contract.key), regel=f"{sleutel} uniek (sleutel)",
        rijen=list(rij[rows[:10]]), aantal=len(rows), voorbeeld=voorbeeld,
        toelichting=f"{n_values} waarde(n) komen meer dan eens voor",
        advies=f"Elke {sleutel} mag maar één keer voorkomen. Verwijder de dubbele rijen (of laat de bron ze "
               f"samenvoegen) en {OPNIEUW}",
    ))


# --------------------------------------------------------------------------- rules between registers


class Reference:
    """The month's BAG addresses, prepared once for the checks of every file that refers to it
    (BRP, RNI, signalen, controles): ten million identifiers are not re-read per file.

    `frame` has nummeraanduiding_id and is_woning, one row per hoofdadres; optionally
    `verblijfsobject_id` (then also rows for nevenadressen, with is_woning false): a woning then
    counts once, and counts as inhabited when any of its addresses is among the file's.
    `column` is the file's reference column: `verblijfsobject_id` compares the file with the
    BAG's objects instead of its addresses (BRP per verblijfsobject).
    """

    def __init__(self, frame: pd.DataFrame, column: str = "nummeraanduiding_id"):
        self.objects = None  # object code per row, when the frame names the objects
        if column == "verblijfsobject_id":
            woning = frame["is_woning"].astype("boolean").fillna(False)
            objecten = pd.DataFrame({"id": frame["verblijfsobject_id"].astype(STRING), "w": woning})
            objecten = objecten.groupby("id", sort=False, observed=True)["w"].any().reset_index()
            ids, is_woning = objecten["id"].astype(STRING), objecten["w"]
        else:
            ids, is_woning = frame["nummeraanduiding_id"].astype(STRING), frame["is_woning"]
            if "verblijfsobject_id" in frame.columns:  # codes only compared with each other
                self.objects = id_codes(frame["verblijfsobject_id"])[0]
        self.ids = IdProfile(ids)
        self.is_woning = is_woning.astype("boolean").fillna(False).to_numpy(dtype=bool)
        self._woningen = None

    def codes_with(self, file_ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """(file codes, BAG codes), as `id_codes(file_ids, BAG ids)` gives them."""
        file_profile = IdProfile(file_ids)
        file_codes, bag_codes = codes_of([file_profile, self.ids])
        self.numeric = numeric_ids([file_profile, self.ids])
        return file_codes, bag_codes

    def known(self, file_codes: np.ndarray, bag_codes: np.ndarray) -> np.ndarray:
        """File codes (>= 0) that are in the BAG (an address, or an object)."""
        if self.numeric:
            return (file_codes >= 0) & member_of(file_codes, self.ids.sorted_numbers())
        return isin_codes(file_codes, bag_codes)

    def n_woningen_among(self, bag_codes: np.ndarray, file_codes: np.ndarray) -> tuple[int, int]:
        """(number of woningen, number of them with an address among `file_codes`)."""
        if self.objects is not None:  # sort-based (np.unique and np.isin took 26 s on a national BAG)
            if self.numeric:
                present = (bag_codes >= 0) & member_of(bag_codes, sorted_unique(file_codes[file_codes >= 0]))
            else:
                present = isin_codes(bag_codes, file_codes)
            woning_objects = sorted_unique(self.objects[self.is_woning & (self.objects >= 0)])
            inhabited = sorted_unique(self.objects[present & (self.objects >= 0)])
            return len(woning_objects), int(member_of(woning_objects, inhabited).sum())
        if not self.numeric:
            woningen = pd.unique(bag_codes[self.is_woning & (bag_codes >= 0)])
            return len(woningen), int(isin_codes(woningen, file_codes).sum()) if len(woningen) else 0
        if self._woningen is None:
            self._woningen = sorted_unique(bag_codes[self.is_woning & (bag_codes >= 0)])
        present = sorted_unique(file_codes[file_codes >= 0])
        return len(self._woningen), int(member_of(self._woningen, present).sum())


_REFERENCE: list = []  # [(frame, column, Reference)]: the last BAG addresses seen (held, so its id stays its own)


def reference_of(frame: pd.DataFrame, column: str = "nummeraanduiding_id") -> Reference:
    """The prepared BAG reference of `frame` for a file's reference `column` (the last one is kept)."""
    if not (_REFERENCE and _REFERENCE[0][0] is frame and _REFERENCE[0][1] == column):
        _REFERENCE[:] = [(frame, column, Reference(frame, column))]
    return _REFERENCE[0][2]


def forget_reference() -> None:
    """Drop the prepared BAG hoofdadressen (the ingest calls this when a month's files are checked)."""
    _REFERENCE.clear()


def check_gemeente(result: ValidationResult, contract: Contract, codes: pd.Series, gemeente: str,
                    skipped: dict[str, int] | None = None) -> None:
    """Rows of other gemeenten are counted (those left out by a selective read too); a file with
    none of the gemeente's rows is refused."""
    column = contract.gemeente_column
    if gemeente == "*":
        result.kengetallen["andere_gemeente"] = 0
        return
    skipped = skipped or {}
    other = (codes != gemeente).fillna(True).to_numpy()
    n_other = int(other.sum()) + sum(skipped.values())
    result.kengetallen["andere_gemeente"] = n_other
    if n_other == len(codes) + sum(skipped.values()):
        counts = codes.value_counts().to_dict()
        for code, n in skipped.items():
            counts[code] = counts.get(code, 0) + n
        found = ", ".join(str(v) for v, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:3])
        result.bevindingen.append(Bevinding(
            bestand=result.bestand, kolom=column, regel=f"verblijfsobjecten van gemeente {gemeente}",
            toelichting=f"geen enkele rij heeft {column} {gemeente} (wel: {found})",
            advies="Controleer of dit het BAG-bestand van de juiste gemeente is en of de gemeentecode in de "
                   "instellingen klopt.",
        ))
    elif n_other and not skipped:
        result.waarschuwingen.append(
            f"{n_other} verblijfsobject(en) van andere gemeenten ({column} ≠ {gemeente}) worden geteld en niet meegenomen."
        )


def warn_implausible(result: ValidationResult, contract: Contract, prepared: Prepared, rij: np.ndarray) -> None:
    for name, col in contract.columns.items():
        if col.warn_below is None:
            continue
        values = prepared.gx[name].to_numpy(dtype="float64", na_value=np.nan)
        low = np.flatnonzero(values < col.warn_below)
        if len(low) == 0:
            continue
        template = (col.warn_message or "{n} rij(en) met {kolom} onder {grens}: opgenomen, maar onwaarschijnlijk.").strip()
        result.waarschuwingen.append(template.format(
            n=len(low), kolom=name, grens=col.warn_below, rijen=", ".join(str(r) for r in rij[low[:5]]),
            voorbeeld=int(values[low[0]]) if float(values[low[0]]).is_integer() else values[low[0]],
        ))
        result.kengetallen[f"{name}_onder_{_fmt(col.warn_below)}"] = int(len(low))


def _fmt(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def quarantine_unknown_addresses(
    result: ValidationResult,
    contract: Contract,
    prepared: Prepared,
    rij: np.ndarray,
    codes: tuple[np.ndarray, np.ndarray] | None,
    gemeente: str,
    maand: str | None,
    reference: Reference | None = None,
) -> np.ndarray:
    """Rows whose filled-in address is not a hoofdadres of the month's BAG go to quarantine."""
    column = contract.reference_column
    keep = np.ones(len(prepared.text), dtype=bool)
    if codes is None:
        result.waarschuwingen.append(
            f"Kolom '{column}' is niet vergeleken met de BAG-hoofdadressen van {maand}: geen BAG meegegeven, "
            "dus de quarantaineregel is niet gecontroleerd."
        )
        return keep
    ids = prepared.text[column]
    unknown = (codes[0] >= 0) & ~(reference.known(*codes) if reference is not None else isin_codes(*codes))
    if not unknown.any():
        return keep
    keep = ~unknown
    waar = "de BAG" if gemeente == "*" else f"de BAG van gemeente {gemeente}"
    wat = "verblijfsobject" if column == "verblijfsobject_id" else "hoofdadres"
    reden = f"{column} is geen {wat} in {waar} (maand {maand})"
    result.quarantaine = pd.DataFrame({
        "bestand": pd.array([result.bestand] * int(unknown.sum()), dtype="string"),
        "rij": pd.array(rij[unknown], dtype="Int64"),
        "kolom": pd.array([column] * int(unknown.sum()), dtype="string"),
        "waarde": pd.array(ids[unknown].tolist(), dtype="string"),
        "reden": pd.array([reden] * int(unknown.sum()), dtype="string"),
    })
    share = unknown.mean()
    if share > 0.05:
        result.waarschuwingen.append(
            f"{int(unknown.sum())} van {len(unknown)} rijen ({_pct(share)}) in quarantaine: {reden}. Is de BAG van "
            f"dezelfde maand en gemeente geladen?"
        )
    return keep


def check_brp(
    result: ValidationResult,
    contract: Contract,
    prepared: Prepared,
    keep: np.ndarray,
    reference: Reference | None,
    codes: tuple[np.ndarray, np.ndarray] | None,
    vorige: dict | None,
    maand: str | None,
) -> None:
    """Truncated export (refuse), plausibility against the previous month (warn), figures for next month."""
    rules = contract.plausibility
    ingeschrevenen = prepared.gx["ingeschrevenen"].to_numpy(dtype="float64")
    counts = prepared.gx[[c for c in ("ingeschrevenen", "briefadressen", "inschrijvingen", "uitschrijvingen", "vertrokken_onbekend")]]
    all_zero = int((counts.fillna(0).to_numpy() == 0).all(axis=1).sum())
    if all_zero:
        result.waarschuwingen.append(f"{all_zero} rij(en) met alleen nullen; een adres zonder aantallen hoeft niet in het bestand.")
    total = int(np.nansum(ingeschrevenen[keep]))
    rows = int(keep.sum())
    result.kengetallen.update({"ingeschrevenen": total, "rijen": rows})

    if reference is None:
        result.waarschuwingen.append(
            "Niet gecontroleerd of het bestand volledig is (aandeel woningen zonder ingeschrevenen): geen BAG meegegeven."
        )
    else:
        file_codes, bag_codes = codes
        n_woningen, n_bewoond = reference.n_woningen_among(bag_codes, file_codes[keep & (ingeschrevenen > 0)])
        if n_woningen:
            share_leeg = 1 - n_bewoond / n_woningen
            result.kengetallen["aandeel_woningen_zonder_ingeschrevenen"] = round(share_leeg, 4)
            limit = rules.get("max_share_woningen_without_ingeschrevenen", 0.25)
            if share_leeg > limit:
                result.bevindingen.append(Bevinding(
                    bestand=result.bestand, kolom="ingeschrevenen",
                    regel=f"hoogstens {_pct(limit)} van de woningen zonder ingeschrevenen",
                    toelichting=f"met dit bestand zou {_pct(share_leeg)} van de {n_woningen} woningen in de BAG van "
                                f"{maand} geen ingeschrevenen hebben (maar {n_bewoond} woningen met ingeschrevenen)",
                    advies="Dit is vrijwel zeker een afgebroken of onvolledige export (bijvoorbeeld één wijk of alleen de "
                           "eerste regels), geen leegstand. Vraag Burgerzaken om de volledige export voor alle adressen "
                           f"van de gemeente en {OPNIEUW}",
                ))

    if vorige:
        margin = rules.get("previous_ingeschrevenen_margin", 0.15)
        prev_total = int(vorige.get("ingeschrevenen") or 0)
        if prev_total and abs(total - prev_total) / prev_total > margin:
            result.waarschuwingen.append(
                f"Totaal ingeschrevenen {total} wijkt {_pct(abs(total - prev_total) / prev_total)} af van de vorige maand "
                f"({prev_total}); meer dan {_pct(margin)}. Controleer of de export volledig en van de juiste maand is."
            )
        margin = rules.get("previous_rows_margin", 0.20)
        prev_rows = int(vorige.get("rijen") or 0)
        if prev_rows and abs(rows - prev_rows) / prev_rows > margin:
            result.waarschuwingen.append(
                f"Aantal adressen (rijen) {rows} wijkt {_pct(abs(rows - prev_rows) / prev_rows)} af van de vorige maand "
                f"({prev_rows}); meer dan {_pct(margin)}. Controleer of de export volledig en van de juiste maand is."
            )


def _pct(share: float) -> str:
    value = round(share * 100, 1)
    text = f"{value:.0f}" if value.is_integer() else f"{value:.1f}".replace(".", ",")
    return f"{text} %"


# --------------------------------------------------------------------------- output


def typed_frame(prepared: Prepared, rij: np.ndarray, keep: np.ndarray | None = None) -> pd.DataFrame:
    """Accepted rows, typed, with the contract's column names plus `rij`."""
    frame = prepared.typed.copy(deep=False)  # a new frame, sharing the (large) columns
    frame["rij"] = pd.array(rij, dtype="int64")
    if keep is not None and not keep.all():
        frame = frame[keep]
    frame.index = pd.RangeIndex(len(frame))
    return frame

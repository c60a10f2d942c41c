"""What every real-format reader returns, and the checks they share.

A reader turns a register's own delivery (PDOK's GeoPackage, the Kadaster's XML extract) into
the canonical table of the contract (`bag_verblijfsobject.yaml`): the contract's columns as
text, exactly as a canonical CSV would carry them, so the contract's checks (`validate.py`)
run on it unchanged and the rest of the pipeline sees the same rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data_contracts.contract import Contract
from data_contracts.privacy import AVG_ADVIES, VRIJE_TEKST_ADVIES, bsn_like_count, classify_column_name, looks_like_free_text
from data_contracts.reading import RawTable, Refused
from data_contracts.result import Bevinding

STRING = pd.StringDtype("pyarrow")
GEMEENTECODE = re.compile(r"^[0-9]{4}$")


@dataclass
class Delivery:
    """One real delivery read into the contract's canonical table (every reader returns this).

    `table` holds the contract's columns as text (`RawTable`), exactly as a canonical CSV would
    carry them, with `rij` pointing into the delivery (the GeoPackage's feature id; for the XML
    extract the position of the object, ordered by identificatie; the record of a JSON file).
    `label` is what the validation log shows after "herkend als" ("PDOK BAG GeoPackage"); None
    when nothing was recognised (a canonical file). `waarschuwingen` say what was rewritten,
    skipped or chosen. `kengetallen` carries e.g. `andere_gemeente` (rows left out while reading)
    and `meerdere_panden`. `maand`/`maand_reden` say which month the delivery is for and why (a
    BAG delivery without a month in its name). `panden` (Arrow: identificatie, bouwjaar, status,
    geometrie_wkb in EPSG:28992) holds the footprints of the panden of the gemeente's objects,
    `nevenadressen` (Arrow: verblijfsobject_id, nummeraanduiding_id) their nevenadressen, when
    the delivery has them.
    """

    format: str
    label: str | None
    table: RawTable
    waarschuwingen: list[str] = field(default_factory=list)
    kengetallen: dict = field(default_factory=dict)
    maand: str | None = None
    maand_reden: str | None = None
    panden: pa.Table | None = None
    nevenadressen: pa.Table | None = None

    @property
    def herkend(self) -> str | None:
        return f"herkend als {self.label}" if self.label else None


def check_gemeente_code(gemeente: str) -> str:
    """The gemeentecode as 4 digits ('*' = every gemeente); it goes into a reader's filter."""
    gemeente = str(gemeente).strip()
    if gemeente.upper().startswith("GM"):
        gemeente = gemeente[2:]
    if gemeente != "*" and not GEMEENTECODE.fullmatch(gemeente):
        raise ValueError(f"gemeentecode moet 4 cijfers zijn (of '*'), niet {gemeente!r}")
    return gemeente


def refuse(name: str, regel: str, toelichting: str, advies: str, **kw) -> Refused:
    return Refused([Bevinding(bestand=name, regel=regel, toelichting=toelichting, advies=advies, **kw)])


def check_delivered_columns(name: str, table: pa.Table, known: set[str], used: set[str]) -> list[str]:
    """Person data and free text among the delivery's columns refuse it (Refused); returns warnings.

    `known` are the columns the register publishes (never person data, accepted by name);
    their values are still checked for BSNs, as every other column's. A column the register does
    not publish is refused when its name or values point at person data or free text, and
    otherwise skipped with a warning. `used` are the columns that become canonical columns
    (their values are checked again by the contract).
    """
    privacy: list[Bevinding] = []
    warnings: list[str] = []
    for column in table.column_names:
        array = table.column(column)
        is_text = pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
        values = None
        if is_text and column not in used:
            values = pd.Series(array.to_pandas(types_mapper={pa.string(): STRING, pa.large_string(): STRING}.get))
            n = bsn_like_count(values)
            if n:
                privacy.append(Bevinding(
                    bestand=name, kolom=column, regel="geen BSN's (AVG)", aantal=n,
                    toelichting=f"{n} waarden zien eruit als een burgerservicenummer (9 cijfers die de elfproef "
                                f"halen); de waarden worden hier niet getoond",
                    advies=AVG_ADVIES,
                ))
                continue
        if column in known:
            continue
        kind = classify_column_name(column)
        if kind is None and values is not None and looks_like_free_text(values):
            kind = "vrije_tekst"
        if kind == "persoon":
            privacy.append(Bevinding(
                bestand=name, kolom=column, regel="geen persoonsgegevens (AVG)",
                toelichting="deze kolom hoort niet bij het register zoals het gepubliceerd wordt en bevat gegevens over personen",
                advies=AVG_ADVIES,
            ))
        elif kind == "vrije_tekst":
            privacy.append(Bevinding(
                bestand=name, kolom=column, regel="geen vrije tekst",
                toelichting="deze kolom bevat notities of toelichtingen, die het contract niet toestaat",
                advies=VRIJE_TEKST_ADVIES,
            ))
        else:
            warnings.append(f"Kolom '{column}' hoort niet bij het register zoals het gepubliceerd wordt en is overgeslagen.")
    if privacy:
        raise Refused(privacy)
    return warnings


def ids_as_text(table: pa.Table, contract: Contract) -> tuple[pa.Table, list[str]]:
    """Identifier columns stored as numbers get their leading zeros back (as `reading.py` does)."""
    warnings = []
    for i, column in enumerate(table.column_names):
        spec = contract.columns.get(column)
        array = table.column(i)
        if spec is not None and spec.type == "id" and spec.id_length and pa.types.is_integer(array.type):
            table = table.set_column(i, column, pc.utf8_lpad(array.cast(pa.string()), width=spec.id_length, padding="0"))
            warnings.append(f"Kolom '{column}' is als getal opgeslagen; voorloopnullen zijn aangevuld tot {spec.id_length} cijfers.")
    return table, warnings


def canonical_table(arrow: pa.Table, contract: Contract, fmt: str, rij: pa.Array) -> RawTable:
    """A RawTable with exactly the contract's columns (as text, NA = empty) in contract order."""
    header = list(contract.columns)
    out = {}
    for i, column in enumerate(header):
        array = arrow.column(column)
        if not pa.types.is_string(array.type):
            array = array.cast(pa.string())
        out[f"c{i}"] = array
    frame = pa.table(out).to_pandas(types_mapper={pa.string(): STRING}.get)
    return RawTable(
        frame=frame, header=header, rij=pd.Series(rij.to_numpy(zero_copy_only=False), dtype="int64"),
        encoding="-", separator="-", format=fmt,
    )


def month_from_date(text: str) -> str | None:
    """'YYYY-MM' of an ISO date or timestamp ('2026-10-08T04:00:00Z'), or of 'DDMMYYYY'."""
    text = (text or "").strip()
    iso = re.match(r"^([0-9]{4})-([0-9]{2})-[0-9]{2}", text)
    if iso:
        return f"{iso.group(1)}-{iso.group(2)}"
    compact = re.fullmatch(r"([0-9]{2})([0-9]{2})([0-9]{4})", text)
    if compact:
        return f"{compact.group(3)}-{compact.group(2)}"
    return None

"""BRP counts keyed on the verblijfsobject instead of the nummeraanduiding.

The BRP records both the adresseerbaar object (rubriek 11.80, identificatiecode verblijfplaats:
the verblijfsobject id, positions 5-6 `01`) and the nummeraanduiding (11.90); the Haal Centraal
BRP Bewoning API is keyed on the object. A gemeente's selection can therefore deliver
`brp_adrestellingen_<JJJJ-MM>.csv` with `verblijfsobject_id` in place of `nummeraanduiding_id`
and otherwise the contract's columns. The contract declares this variant
(`variants.per_verblijfsobject` in brp_adrestellingen.yaml); its rows attach to the object
directly (assets/ingest/staging.brp_adrestellingen.sql), and an object that is not in the
month's BAG is quarantined, as an unknown hoofdadres is for the canonical file.

The accepted frame has the canonical columns (nummeraanduiding_id empty) plus
`verblijfsobject_id`; the staging SQL fills nummeraanduiding_id with the object's hoofdadres.
"""
from __future__ import annotations

import csv
import dataclasses
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from data_contracts.contract import Column, Contract, load_contract
from data_contracts.formats.delivered import Delivery, apply_spellings, contract_extras
from data_contracts.reading import Refused, decode_csv_bytes, detect_separator, read_csv_text
from data_contracts.result import ValidationResult

SOURCE = "brp_adrestellingen"
VARIANT = "per_verblijfsobject"
FORMAT = "brp_per_verblijfsobject"
LABEL = "BRP-aantallen per verblijfsobject"


@lru_cache(maxsize=None)
def variant_contract() -> Contract:
    """The BRP contract with the variant's key column in place of nummeraanduiding_id (same position)."""
    base = load_contract(SOURCE)
    spec = contract_extras(SOURCE)["variants"][VARIANT]
    replaced = spec["replaces"]
    added = {name: Column(name=name, **{k: tuple(v) if isinstance(v, list) else v for k, v in (s or {}).items()})
             for name, s in spec["columns"].items()}
    columns = {}
    for name, col in base.columns.items():
        if name == replaced:
            columns.update(added)
        else:
            columns[name] = col
    return dataclasses.replace(
        base, columns=columns, key=tuple(spec["key"]), reference_column=spec["reference_column"],
        titel=f"{base.titel}, {spec['label']}",
    )


def _header(path: Path) -> list[str]:
    """The header of a CSV (first non-empty line of its first 64 KB), as the reader will see it."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    try:
        body, _ = decode_csv_bytes(head, path.name)
    except Refused:
        return []
    for line in body.decode("utf-8", errors="replace").splitlines():
        if line.strip():
            try:
                sep = detect_separator(line, path.name)
            except Refused:
                return []
            return [h.strip().strip('"').strip() for h in next(csv.reader([line], delimiter=sep))]
    return []


def recognise(path: Path) -> bool:
    """A BRP counts CSV with the column verblijfsobject_id and without nummeraanduiding_id."""
    path = Path(path)
    stem, folder = path.stem.lower(), path.parent.name.lower()
    if path.suffix.lower() != ".csv" or not (stem.startswith(SOURCE) or folder == "brp"):
        return False
    header = _header(path)
    return "verblijfsobject_id" in header and "nummeraanduiding_id" not in header


def read(path: Path) -> Delivery:
    """The file as the variant's text table (the contract's accepted spellings applied)."""
    table = read_csv_text(Path(path))
    delivery = Delivery(FORMAT, LABEL, table)
    delivery.waarschuwingen += apply_spellings(table, load_contract(SOURCE))
    return delivery


def validate(
    path: Path,
    *,
    gemeente: str = "0638",
    bag_objecten: pd.DataFrame | None = None,
    vorige: dict | None = None,
    today: date | None = None,
) -> ValidationResult:
    """Check a BRP file keyed on verblijfsobject_id: `validate_file` with the month's BAG objects
    (`bag_objecten`: verblijfsobject_id, is_woning) — unknown objects to quarantine, a truncated
    export refused, plausibility against `vorige` — as for the canonical file against the hoofdadressen."""
    from data_contracts.validate import validate_file

    return validate_file(Path(path), SOURCE, gemeente=gemeente, bag_hoofdadressen=bag_objecten, vorige=vorige,
                         today=today)

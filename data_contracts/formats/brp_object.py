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

import numpy as np
import pandas as pd

from data_contracts.contract import Column, Contract, load_contract
from data_contracts.formats.delivered import STRING, Delivery, apply_spellings, check_table, contract_extras, month_in_name
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
    """Check a BRP file keyed on verblijfsobject_id: the contract's checks, then the register rules
    with the month's BAG objects (`bag_objecten`: verblijfsobject_id, is_woning) — unknown objects
    to quarantine, a truncated export refused, plausibility against `vorige` — as `validate_file`
    does for the canonical file against the hoofdadressen."""
    from data_contracts import validate as v

    path = Path(path)
    contract = variant_contract()
    maand = month_in_name(path)
    try:
        delivery = read(path)
    except Refused as refused:
        return ValidationResult(source=SOURCE, maand=maand, paths=[path], bevindingen=list(refused.bevindingen))
    result, prepared, rij = check_table(path, contract, delivery, maand=maand, today=today)
    if prepared is None:
        return result
    keep = np.ones(len(prepared.text), dtype=bool)
    reference = codes = None
    if bag_objecten is not None:
        objecten = bag_objecten.drop_duplicates("verblijfsobject_id")
        # validate's reference compares one id column; here it holds the BAG's object ids.
        reference = v._Reference(pd.DataFrame({
            "nummeraanduiding_id": objecten["verblijfsobject_id"].astype(STRING).to_numpy(),
            "is_woning": objecten["is_woning"].to_numpy(),
        }))
        codes = reference.codes_with(prepared.text["verblijfsobject_id"])
        keep = _quarantine_unknown_objects(result, prepared, rij, codes, reference, gemeente, maand)
    else:
        result.waarschuwingen.append(
            f"Kolom 'verblijfsobject_id' is niet vergeleken met de BAG-verblijfsobjecten van {maand}: geen BAG "
            "meegegeven, dus de quarantaineregel is niet gecontroleerd."
        )
    v._check_brp(result, contract, prepared, keep, reference, codes, vorige, maand)
    if result.geweigerd:
        result.quarantaine = result.quarantaine.iloc[0:0]
        return result
    frame = v.typed_frame(prepared, rij, keep)
    frame.insert(0, "nummeraanduiding_id", pd.Series(pd.NA, index=frame.index, dtype=STRING))
    order = [c for c in load_contract(SOURCE).columns] + ["verblijfsobject_id", "rij"]
    result.frame = frame[order]
    return result


def _quarantine_unknown_objects(result, prepared, rij, codes, reference, gemeente: str, maand: str | None) -> np.ndarray:
    """Rows whose verblijfsobject_id is not an object of the month's BAG go to quarantine."""
    ids = prepared.text["verblijfsobject_id"]
    unknown = (codes[0] >= 0) & ~reference.known(*codes)
    if not unknown.any():
        return np.ones(len(ids), dtype=bool)
    waar = "de BAG" if gemeente == "*" else f"de BAG van gemeente {gemeente}"
    reden = f"verblijfsobject_id is geen verblijfsobject in {waar} (maand {maand})"
    n = int(unknown.sum())
    result.quarantaine = pd.DataFrame({
        "bestand": pd.array([result.bestand] * n, dtype="string"),
        "rij": pd.array(rij[unknown], dtype="Int64"),
        "kolom": pd.array(["verblijfsobject_id"] * n, dtype="string"),
        "waarde": pd.array(ids[unknown].tolist(), dtype="string"),
        "reden": pd.array([reden] * n, dtype="string"),
    })
    if unknown.mean() > 0.05:
        result.waarschuwingen.append(
            f"{n} van {len(unknown)} rijen in quarantaine: {reden}. Is de BAG van dezelfde maand en gemeente geladen?"
        )
    return ~unknown

"""What the KvK, BRP and SHOP readers share: the contract's declared value spellings and absent
optional columns, applied to a delivered table, and the contract's own checks run on it.

A contract YAML may declare (top-level keys, read here; `load_contract` ignores them):

    accepted_spellings:               # other spellings of a value, rewritten before the checks
      datum_aanvang: {date: [JJJJMMDD]}
      ind_hoofdvestiging: {values: {Ja: J, Nee: N}}    # compared case-insensitively
    may_be_absent: [sbi_codes_neven, werkzame_personen] # optional columns a delivery may leave out
    variants: {...}                   # another key for the same counts (brp_object.py)

Everything is vectorised: a spelling is worked out once per distinct value.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from data_contracts.contract import Contract, contract_yaml
from data_contracts.formats._common import Delivery  # noqa: F401 - the one Delivery, re-exported
from data_contracts.reading import RawTable

STRING = pd.StringDtype("pyarrow")
# Date spellings a contract may accept besides JJJJ-MM-DD and DD-MM-JJJJ (columns.parse_date).
DATE_SPELLINGS = {"JJJJMMDD": ("%Y%m%d", r"[0-9]{8}")}


@lru_cache(maxsize=None)
def contract_extras(source: str) -> dict:
    """The declarations of `<source>.yaml` this package reads (accepted_spellings, may_be_absent, variants)."""
    raw = contract_yaml(source) or {}
    spellings = raw.get("accepted_spellings") or {}
    for column, spec in spellings.items():
        unknown = set(spec) - {"date", "values"}
        if unknown or any(s not in DATE_SPELLINGS for s in spec.get("date", [])):
            raise ValueError(f"{source}.yaml: accepted_spellings of {column} has unknown entries")
    return {
        "accepted_spellings": spellings,
        "may_be_absent": tuple(raw.get("may_be_absent") or ()),
        "variants": raw.get("variants") or {},
    }


def add_absent_columns(table: RawTable, contract: Contract) -> list[str]:
    """Append the contract's `may_be_absent` columns the delivery leaves out, empty; the notes say which."""
    absent = [c for c in contract_extras(contract.source)["may_be_absent"]
              if c in contract.columns and c not in table.header]
    for column in absent:
        table.frame[f"c{len(table.header)}"] = pd.Series(pd.NA, index=table.frame.index, dtype=STRING)
        table.header.append(column)
    if not absent:
        return []
    names = ", ".join(f"'{c}'" for c in absent)
    return [f"Kolom(men) {names} ontbreken in de levering en zijn leeg gelaten (het contract staat dat toe)."]


def apply_spellings(table: RawTable, contract: Contract) -> list[str]:
    """Rewrite the contract's accepted spellings to its own in `table` (in place); the notes count them."""
    notes = []
    for column, spec in contract_extras(contract.source)["accepted_spellings"].items():
        if column not in table.header:
            continue
        position = f"c{table.header.index(column)}"
        text = table.frame[position].astype(STRING)
        for spelling in spec.get("date", []):
            text, n = _rewrite_dates(text, *DATE_SPELLINGS[spelling])
            if n:
                notes.append(f"Kolom '{column}': {n} datum(s) geschreven als {spelling} gelezen als JJJJ-MM-DD.")
        if spec.get("values"):
            text, n = _rewrite_values(text, spec["values"])
            if n:
                pairs = ", ".join(f"{k} → {v}" for k, v in spec["values"].items())
                notes.append(f"Kolom '{column}': {n} waarde(n) gelezen volgens het contract ({pairs}).")
        table.frame[position] = text
    return notes


def _distinct(text: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(code per row, -1 = missing; the distinct values) of a text column."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype=object)


def _rewrite_dates(text: pd.Series, fmt: str, shape: str) -> tuple[pd.Series, int]:
    codes, distinct = _distinct(text)
    if distinct.empty:
        return text, 0
    stripped = distinct.str.strip()
    candidate = stripped.str.fullmatch(shape).fillna(False).to_numpy(dtype=bool)
    if not candidate.any():
        return text, 0
    parsed = pd.to_datetime(stripped.where(candidate), format=fmt, errors="coerce")
    ok = candidate & parsed.notna().to_numpy()
    return _replace(text, codes, distinct, ok, parsed.dt.strftime("%Y-%m-%d"))


def _rewrite_values(text: pd.Series, mapping: dict) -> tuple[pd.Series, int]:
    codes, distinct = _distinct(text)
    if distinct.empty:
        return text, 0
    lowered = {str(k).strip().lower(): str(v) for k, v in mapping.items()}
    target = distinct.str.strip().str.lower().map(lowered)
    ok = target.notna().to_numpy()
    return _replace(text, codes, distinct, ok, target)


def _replace(text, codes, distinct, ok, new_values) -> tuple[pd.Series, int]:
    if not ok.any():
        return text, 0
    values = np.where(ok, new_values.to_numpy(dtype=object), distinct.to_numpy(dtype=object))
    rewritten = pd.Series(np.where(codes >= 0, values[np.maximum(codes, 0)], None), index=text.index, dtype=STRING)
    changed = int(np.isin(codes, np.flatnonzero(ok)).sum())
    return rewritten, changed

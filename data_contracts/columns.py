"""Normalise text columns and type them as the contract says (vectorised; no great-expectations).

For every contract column this yields the normalised text (what the rules and messages refer
to), the typed output column (ids as strings with leading zeros, Int64, float64,
datetime64[ns]) and the column great-expectations validates (typed values; unparsable text
becomes missing there and is caught by the contract's 'not null' or text rule).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_contracts.contract import Column, Contract

STRING = pd.StringDtype("pyarrow")
# Stand-ins for "missing or not of the type" in validated columns whose rule is a range.
SENTINEL_NUMBER = -np.inf
SENTINEL_DATE = np.datetime64("1678-01-01", "ns")
INTEGER_TEXT = r"^[+-]?[0-9]+(?:[.,]0+)?$"
NUMBER_TEXT = r"^[+-]?[0-9]+(?:[.,][0-9]+)?$"
ISO_DATE = "%Y-%m-%d"


def _arrow(series: pd.Series):
    import pyarrow as pa

    return pa.chunked_array(series.astype(STRING).array.__arrow_array__())


def normalise_text(series: pd.Series, col: Column) -> pd.Series:
    """Trimmed text with the contract's normalisations; empty string becomes missing (NA)."""
    s = series.astype(STRING).str.strip()
    for step in col.normalize:
        if step == "upper":
            s = s.str.upper()
        elif step == "lower":
            s = s.str.lower()
        elif step == "remove_spaces":
            s = s.str.replace(r"\s+", "", regex=True)
        else:
            raise ValueError(f"unknown normalisation {step!r} for column {col.name}")
    if col.type == "list" and col.separator:
        s = s.str.replace(r"\s*" + re.escape(col.separator) + r"\s*", col.separator, regex=True)
    if col.case_insensitive and col.allowed:
        canonical = {value.lower(): value for value in col.allowed}
        lowered = s.str.lower()
        mapped = lowered.map(canonical, na_action="ignore").astype(STRING)
        s = mapped.fillna(s)
    return s.mask(s == "")


def parse_integer(text: pd.Series) -> np.ndarray:
    """Float array of whole numbers (NaN for missing or not a whole number); '85,0' reads as 85."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        values = pc.cast(_arrow(text), pa.int64())
        return pc.cast(values, pa.float64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    ok = text.str.fullmatch(INTEGER_TEXT).fillna(False).astype(bool)
    cleaned = text.where(ok).str.replace(",", ".", regex=False)
    values = pd.to_numeric(cleaned.astype(object), errors="coerce").astype("float64").to_numpy()
    values[~np.isfinite(values)] = np.nan
    return values


def parse_number(text: pd.Series) -> np.ndarray:
    """Float array (NaN for missing or not a number); decimal comma accepted."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        values = pc.cast(_arrow(text), pa.float64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        ok = text.str.fullmatch(NUMBER_TEXT).fillna(False).astype(bool)
        cleaned = text.where(ok).str.replace(",", ".", regex=False)
        values = pd.to_numeric(cleaned.astype(object), errors="coerce").astype("float64").to_numpy()
    values = values.copy()
    values[~np.isfinite(values)] = np.nan
    return values


def parse_date(text: pd.Series) -> pd.Series:
    """datetime64[ns] (NaT for missing or not a date); YYYY-MM-DD and DD-MM-YYYY (Dutch Excel) accepted."""
    plain = text.astype(object).where(text.notna(), None)
    dates = pd.to_datetime(plain, format=ISO_DATE, errors="coerce")
    rest = dates.isna() & text.notna()
    if rest.any():
        dates = dates.copy()
        dates[rest] = pd.to_datetime(plain[rest], format="%d-%m-%Y", errors="coerce")
    return pd.Series(dates, index=text.index).astype("datetime64[ns]")


@dataclass
class Prepared:
    """Per contract column: normalised text, typed output and the frame great-expectations checks."""

    text: pd.DataFrame
    typed: pd.DataFrame
    gx: pd.DataFrame


def text_column_name(name: str) -> str:
    """Name of the text copy of an optional typed column in the validation frame."""
    return f"{name}__tekst"


def prepare(text_frame: pd.DataFrame, contract: Contract) -> Prepared:
    """Normalise and type `text_frame` (contract column names, positional index)."""
    index = pd.RangeIndex(len(text_frame))
    text, typed, gx = {}, {}, {}
    for name, col in contract.columns.items():
        s = normalise_text(text_frame[name].reset_index(drop=True), col)
        if col.type == "integer":
            values = parse_integer(s)
            typed[name] = pd.array(values, dtype="Float64").astype("Int64") if len(values) else pd.array([], dtype="Int64")
            gx[name] = values
            if not col.required:
                gx[text_column_name(name)] = _object(s)
        elif col.type == "number":
            values = parse_number(s)
            typed[name] = values
            gx[name] = values
            if not col.required:
                gx[text_column_name(name)] = _object(s)
        elif col.type == "date":
            dates = parse_date(s)
            typed[name] = dates.to_numpy()
            gx[name] = dates.to_numpy()
            if not col.required:
                iso = dates.dt.strftime(ISO_DATE).astype(object)
                gx[text_column_name(name)] = np.where(dates.notna(), iso, _object(s))
            s = s.where(dates.isna(), dates.dt.strftime(ISO_DATE).astype(STRING))
        else:
            typed[name] = s.array
            # A required column with a value rule: an empty value fails that rule (reported as 'verplicht').
            gx[name] = _object(s, "" if (col.required and col.checks_text_values) else None)
        text[name] = s.array
    return Prepared(
        text=pd.DataFrame(text, index=index),
        typed=pd.DataFrame(typed, index=index),
        gx=pd.DataFrame(gx, index=index),
    )


def _object(s: pd.Series, missing: str | None = None) -> np.ndarray:
    """Object array with `missing` (None: a null for great-expectations) for missing values."""
    return s.astype(object).where(s.notna(), missing).to_numpy()

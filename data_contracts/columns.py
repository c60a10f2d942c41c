"""Normalise text columns and type them as the contract says (vectorised; no great-expectations).

For every contract column this yields the normalised text (what the rules and messages refer
to), the typed output column (ids as strings with leading zeros, Int64, float64,
datetime64[ns]) and the column great-expectations validates (typed values; unparsable text
becomes missing there and is caught by the contract's 'not null' or text rule). Text stays in
Arrow-backed columns: great-expectations gets the distinct values as Python objects
(`data_contracts.suite.run_checks`), never ten million of them.
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
    """Trimmed text with the contract's normalisations; empty string becomes missing (NA).

    Every step works on one value at a time, so a long column with few distinct values (postcode,
    gebruiksdoel, status) is normalised once per distinct value and expanded again.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    s = series.astype(STRING)
    extra = col.normalize or (col.type == "list" and col.separator) or (col.case_insensitive and col.allowed)
    if extra and len(s) > DICTIONARY_MIN_ROWS:
        encoded = pc.dictionary_encode(_arrow(s).combine_chunks())
        if len(encoded.dictionary) <= len(s) // 2:
            distinct = _normalise(pd.Series(pd.arrays.ArrowStringArray(encoded.dictionary)), col)
            values = pc.take(pa.chunked_array(distinct.array.__arrow_array__()).combine_chunks(), encoded.indices)
            return pd.Series(pd.arrays.ArrowStringArray(values), index=series.index)
    return _normalise(s, col)


DICTIONARY_MIN_ROWS = 50_000  # from this many rows, text with normalisation steps is normalised per distinct value


def _normalise(s: pd.Series, col: Column) -> pd.Series:
    s = _strip(s)
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
    empty = (s == "").fillna(False)
    return s.mask(empty) if empty.any() else s


def _strip(s: pd.Series) -> pd.Series:
    """s.str.strip(), but the column itself when no value has surrounding whitespace (no copy of a
    ten-million-value column that is already clean)."""
    import pyarrow.compute as pc

    # pandas' str.strip() on Arrow text is this same kernel, with twice its time around it
    before = _arrow(s)
    after = pc.utf8_trim_whitespace(before)
    if pc.sum(pc.binary_length(before)).as_py() == pc.sum(pc.binary_length(after)).as_py():
        return s
    return pd.Series(pd.arrays.ArrowStringArray(after), index=s.index)


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


def to_int64(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Nullable Int64 from a float array of whole numbers (NaN = missing)."""
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype("int64"), missing)


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


def parse_date(text: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(datetime64[ns] array with NaT for missing or not a date, text with dates written YYYY-MM-DD).

    YYYY-MM-DD and DD-MM-YYYY (Dutch Excel) are accepted; a date that does not exist
    (2026-02-30) is not. Each distinct value is parsed once.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(_arrow(text)).combine_chunks()
    distinct = pd.Series(encoded.dictionary.to_pylist(), dtype=object)
    parsed = pd.to_datetime(distinct, format=ISO_DATE, errors="coerce")
    rest = parsed.isna().to_numpy()
    if rest.any():
        parsed[rest] = pd.to_datetime(distinct[rest], format="%d-%m-%Y", errors="coerce")
    parsed = parsed.astype("datetime64[ns]").to_numpy()
    iso = np.where(pd.isna(parsed), distinct.to_numpy(), pd.Series(parsed).dt.strftime(ISO_DATE).to_numpy())
    indices = encoded.indices
    missing = indices.is_null().to_numpy(zero_copy_only=False)
    positions = indices.fill_null(0).to_numpy(zero_copy_only=False)
    if len(parsed) == 0:
        return np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]"), text
    dates = parsed[positions]
    dates[missing] = np.datetime64("NaT")
    if np.array_equal(iso, distinct.to_numpy()):
        return dates, text
    iso_text = pa.DictionaryArray.from_arrays(indices, pa.array(iso, pa.string())).cast(pa.string())
    return dates, pd.Series(pd.arrays.ArrowStringArray(iso_text), index=text.index)


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
            typed[name] = to_int64(values)
            gx[name] = values
            if not col.required:
                gx[text_column_name(name)] = _text(s)
        elif col.type == "number":
            values = parse_number(s)
            typed[name] = values
            gx[name] = values
            if not col.required:
                gx[text_column_name(name)] = _text(s)
        elif col.type == "date":
            dates, s = parse_date(s)
            typed[name] = dates
            gx[name] = dates
            if not col.required:
                gx[text_column_name(name)] = _text(s)
        else:
            typed[name] = s.array
            # A required column with a value rule: an empty value fails that rule (reported as 'verplicht').
            gx[name] = _text(s, "" if (col.required and col.checks_text_values) else None)
        text[name] = s.array
    # copy=False: the three frames share the arrays made above (a dict's arrays are copied by
    # default: a second copy of every column of a national file in memory, ~0.4 GiB of the BAG
    # check's peak). Nothing changes a column in place; the checks replace
    # the columns they fill (validate.check_values) and the output is a shallow copy (typed_frame).
    return Prepared(
        text=pd.DataFrame(text, index=index, copy=False),
        typed=pd.DataFrame(typed, index=index, copy=False),
        gx=pd.DataFrame(gx, index=index, copy=False),
    )


def _text(s: pd.Series, missing: str | None = None) -> pd.arrays.ArrowStringArray:
    """Arrow-backed text with `missing` (None: a null for great-expectations) for missing values."""
    arrow = _arrow(s)
    if missing is not None:
        arrow = arrow.fill_null(missing)
    return pd.arrays.ArrowStringArray(arrow)


def id_codes(*series: pd.Series) -> list[np.ndarray]:
    """Integer codes, equal exactly when the identifiers are equal, for fast set operations (-1 = missing).

    Identifiers of one fixed length made of digits (BAG and KvK numbers) are read as numbers;
    anything else is factorised together.
    """
    return codes_of([IdProfile(s) for s in series])


class IdProfile:
    """One identifier column with what `id_codes` needs to know about it, computed once: its
    (shortest, longest) length, whether every value is digits, and its codes as a number."""

    def __init__(self, series: pd.Series):
        import pyarrow.compute as pc

        self.arrow = _arrow(series)
        lengths = pc.min_max(pc.binary_length(self.arrow))  # = characters when all are digits
        low = lengths["min"].as_py()
        self.bounds = None if low is None else (low, lengths["max"].as_py())
        self.digits = pc.all(pc.ascii_is_decimal(self.arrow)).as_py() in (True, None)  # = regex ^[0-9]+$
        self._numbers = None
        self._sorted = None

    def numbers(self) -> np.ndarray:
        import pyarrow as pa
        import pyarrow.compute as pc

        if self._numbers is None:
            self._numbers = pc.cast(self.arrow, pa.int64()).fill_null(-1).to_numpy()
        return self._numbers

    def sorted_numbers(self) -> np.ndarray:
        """The distinct codes (>= 0) as numbers, sorted (for membership tests by binary search)."""
        if self._sorted is None:
            numbers = self.numbers()
            self._sorted = sorted_unique(numbers[numbers >= 0])
        return self._sorted


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy 2's hash-based unique takes seconds on ten million integers)."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])]


def member_of(values: np.ndarray, known_sorted: np.ndarray) -> np.ndarray:
    """Boolean mask: value is among `known_sorted` (sorted, distinct), by binary search."""
    if len(known_sorted) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(known_sorted, values), len(known_sorted) - 1)
    return known_sorted[at] == values


def numeric_ids(profiles: list[IdProfile]) -> bool:
    """True when the columns' identifiers are all digits of one length (up to 18): codes are numbers."""
    bounds = {p.bounds for p in profiles if p.bounds is not None}
    lengths = {b for pair in bounds for b in pair}
    return len(lengths) == 1 and next(iter(lengths)) <= 18 and all(p.digits for p in profiles)


def codes_of(profiles: list[IdProfile]) -> list[np.ndarray]:
    if numeric_ids(profiles):
        return [p.numbers() for p in profiles]
    arrays = [p.arrow for p in profiles]
    combined = np.concatenate([a.to_numpy() for a in arrays]) if arrays else np.array([], dtype=object)
    codes, _ = pd.factorize(combined, use_na_sentinel=True)
    out, start = [], 0
    for a in arrays:
        out.append(codes[start:start + len(a)].astype("int64"))
        start += len(a)
    return out


def duplicated_codes(codes: np.ndarray) -> np.ndarray:
    """Boolean mask of codes (>= 0) that occur more than once (sort-based: ten million codes in a second)."""
    valid = codes[codes >= 0]
    ordered = np.sort(valid)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if len(repeated) == 0:
        return np.zeros(len(codes), dtype=bool)
    return (codes >= 0) & np.isin(codes, repeated)


def isin_codes(codes: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Boolean mask: code is >= 0 and among `known` (hash-based; numpy's isin sorts)."""
    return (codes >= 0) & pd.Series(codes).isin(pd.unique(known[known >= 0])).to_numpy()

"""Writing output files: owner-only folders and files, atomic publishing, and the one writer of
every CSV and XLSX the project produces.

Privacy by default. Folders are 0700 and files 0600: the outputs contain addresses and must stay
with their owner. A `Publication` is a private temporary folder inside the target folder; its
items are moved into place when they are complete, so a run that fails half way leaves the
previous outputs untouched and no half-written file behind.

Spreadsheets, as a Dutch analyst opens them:

- CSV: `;` separator, decimal comma, UTF-8 with BOM, CRLF line ends (what Dutch Excel opens
  directly); XLSX written by assets.xlsx (the sheet XML built column-wise, no cell-by-cell
  library), a sheet per table with a frozen header row.
- Booleans as ja/nee, floats rounded to 4 decimals, missing values empty; numbers stay numbers
  (also a negative number), in a mixed column too (a suppressed table holds counts and 'x').
- Identifiers stay text: `*_id`, `*identificatie`, buurt/wijk/gemeente codes and postcodes
  (`is_id_column`). In a workbook they are text cells, so a 16-digit id keeps its leading zero
  and its last digits; a CSV has no types, so its reader must import those columns as text.
- No formula injection: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
  return is never a live formula. In a CSV it is written with a leading `'`; in a workbook it
  is a string cell marked as quoted text (quotePrefix), with its value unchanged.
- Characters XML cannot hold (control characters other than tab, line feed, carriage return)
  are dropped from workbook cells.
- Excel holds 1,048,575 rows below the header (`past_in_excel`); a bigger table is left to its
  CSV and the workbook's toelichting says so (`write_sheet` refuses it).
- The same table has the same sheet name in every workbook (`sheet_name`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from assets import xlsx
from assets.files import (  # noqa: F401 - re-exported: the file helpers live in assets/files.py
    private_dir,
    private_process,
    make_private,
    write_private,
    replace_dir,
    remove_stale,
    files_under,
    PRIVATE_UMASK,
    TMP_PREFIX,
    STALE_PREFIXES,
    STALE_AFTER_S,
    Publication,
)


# --- spreadsheets: the cells ---------------------------------------------------------------------------

# Excel's limit is 1,048,576 rows including the header. The buurt trend table grows by one row per
# buurt per month: nationally (13.8 thousand buurten) it passes this after about six years.
EXCEL_MAX_RIJEN = 1_048_575

# A sheet name per table, the same in every workbook (Excel allows 31 characters). Tables not
# named here keep their own name.
SHEET_NAMES = {
    "leegstand_per_buurt_per_maand": "leegstand_per_buurt",
    "objecten_per_indicator_per_maand": "objecten_per_indicator",
}

# A cell beginning with one of these is a formula to Excel or LibreOffice (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ID_COLUMNS = {"buurtcode", "wijkcode", "gemeentecode", "postcode"}
_TEXT_KINDS = {"string", "mixed", "mixed-integer"}


def past_in_excel(frame) -> bool:
    return len(frame) <= EXCEL_MAX_RIJEN


def too_big(sheets: Mapping[str, pd.DataFrame]) -> list[str]:
    """Names of the tables that do not fit in an Excel sheet."""
    return [name for name, frame in sheets.items() if not past_in_excel(frame)]


def sheet_name(table: str) -> str:
    return SHEET_NAMES.get(table, table[:31])


def is_id_column(name) -> bool:
    name = str(name)
    return name.endswith(("_id", "identificatie")) or name in ID_COLUMNS


def _missing_as_none(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), None)


def _as_text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values):  # integer ids with a gap arrive as floats
        values = values.astype("Int64")
    return _missing_as_none(values.astype("string"))


def _ja_nee(values: pd.Series) -> pd.Series:
    return _missing_as_none(values.map({True: "ja", False: "nee"}))


def _column(values: pd.Series, name) -> pd.Series:
    if isinstance(values.dtype, pd.CategoricalDtype):  # its values, checked like any other column
        values = values.astype(object)
    if is_id_column(name):
        return _as_text(values)
    if pd.api.types.is_bool_dtype(values):
        return _ja_nee(values)
    if pd.api.types.is_float_dtype(values):
        return values.round(4)
    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return values  # integers, dates
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "boolean":
        return _ja_nee(values)
    if kind in ("string", "empty"):
        return _missing_as_none(values)
    out = _missing_as_none(values)
    types = values.map(type)  # a mixed column: ints, floats, booleans and text ('x', 'Totaal')
    booleans = types.isin([bool, np.bool_]).to_numpy()
    if booleans.any():
        out[booleans] = values[booleans].map({True: "ja", False: "nee"})
    floats = types.isin([float, np.float64, np.float32]).to_numpy() & values.notna().to_numpy()
    if floats.any():
        out[floats] = values[floats].astype(float).round(4)
    return out


def cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as a spreadsheet should show it (see the module docstring), column by column:
    ids as text, booleans ja/nee, floats rounded, missing as None; nothing is neutralised yet."""
    return pd.DataFrame({name: _column(frame[name], name) for name in frame.columns}, index=frame.index)


def formula_like(values: pd.Series) -> np.ndarray:
    """Which cells are text that a spreadsheet would take for a formula (numbers never are).
    Checked once per distinct value: tables repeat their texts."""
    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return np.zeros(len(values), dtype=bool)
    if pd.api.types.infer_dtype(values, skipna=True) not in _TEXT_KINDS:
        return np.zeros(len(values), dtype=bool)
    codes, distinct = pd.factorize(values)
    hostile = pd.Series(distinct, dtype=object).str.startswith(FORMULA_START, na=False).to_numpy(dtype=bool)
    return np.append(hostile, False)[codes]  # code -1 (missing) takes the appended False


# --- CSV ----------------------------------------------------------------------------------------------


def _csv_column(values: pd.Series) -> pd.Series:
    """A column of `cells()` as the CSV writes it: floats with a decimal comma also in a mixed
    column, formula-like text with a leading `'`."""
    if values.dtype != object:
        return values  # to_csv writes float columns with decimal=","
    out = values.copy()
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        floats = values.map(type).isin([float, np.float64, np.float32]).to_numpy()
        if floats.any():
            out[floats] = values[floats].astype(float).astype(str).str.replace(".", ",", regex=False)
    hostile = formula_like(values)
    if hostile.any():
        out[hostile] = "'" + values[hostile].astype(str)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """CSV for Dutch Excel: `;`, decimal comma, UTF-8 with BOM; see the module docstring."""
    data = cells(frame)
    data = pd.DataFrame({name: _csv_column(data[name]) for name in data.columns}, index=data.index)
    data.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path


# --- XLSX ---------------------------------------------------------------------------------------------


def _prepare(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, np.ndarray]]:
    """The cells of a table (`cells()`) without the characters an XLSX file cannot hold, and per
    column position the formula-like text cells, which the workbook stores as quoted text."""
    data = cells(frame)
    quoted = {}
    for j, name in enumerate(data.columns):
        values = data[name]
        if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in _TEXT_KINDS:
            text = values.map(type).eq(str).to_numpy()
            codes, distinct = pd.factorize(values[text])
            clean = values.to_numpy(dtype=object, copy=True)
            clean[text] = pd.Series(distinct, dtype=object).str.replace(xlsx.XML_INVALID, "", regex=True).to_numpy()[codes]
            data[name] = pd.Series(clean, index=values.index)
            mask = formula_like(data[name])
            if mask.any():
                quoted[j] = mask
    return data, quoted


def _width(column, values: pd.Series) -> int:
    """Characters of the longest of a column's name and values (as str() shows them)."""
    return max([len(str(column))] + [len(str(v)) for v in values.tolist()])


def write_sheet(sheet: str, frame: pd.DataFrame, *, text_format: Sequence[str] = (),
                validations: Sequence[xlsx.ListValidation] = ()) -> str:
    """One table as an Excel sheet's XML (cells as `cells()` gives them): header row frozen,
    columns as wide as their first 200 values, the columns `text_format` in Excel's text format
    and the drop-down lists `validations`. Callers leave a table that does not fit
    (past_in_excel) to its CSV and say so."""
    if not past_in_excel(frame):
        raise ValueError(f"blad {sheet}: {len(frame)} rijen past niet in Excel (hoogstens {EXCEL_MAX_RIJEN})")
    data, quoted = _prepare(frame)
    widths = {i: min(60, _width(column, data[column].head(200)) + 2) for i, column in enumerate(data.columns, start=1)}
    text = frozenset(list(data.columns).index(c) for c in text_format)
    return xlsx.sheet_xml([xlsx.Block(data, 1, quoted, text)], freeze_header=True, widths=widths, validations=validations)


def write_xlsx(path: Path, sheets: Mapping[str, pd.DataFrame], toelichting: Sequence[pd.DataFrame], *,
               text_format: Mapping[str, Sequence[str]] | None = None,
               validations: Mapping[str, Sequence[xlsx.ListValidation]] | None = None) -> Path:
    """A workbook: first a 'toelichting' sheet (the `toelichting` blocks one below the other,
    a blank row between), then a sheet per table of `sheets` (sheet name -> frame). A table
    that does not fit in Excel is left out: callers name it in the toelichting (`too_big`).
    Per sheet name, `text_format` names columns in Excel's text format and `validations` gives
    drop-down lists (`write_sheet`).
    The sheet XML is built column-wise and zipped by assets.xlsx (openpyxl cell by cell took
    ~55 µs a cell)."""
    left_out = set(too_big(sheets))
    parts = []
    if toelichting:
        row, widths, blocks = 1, {}, []
        for block in toelichting:
            data, quoted = _prepare(block)
            blocks.append(xlsx.Block(data, row, quoted))
            row += len(data) + 2
            for i, column in enumerate(data.columns, start=1):
                widths[i] = max(widths.get(i, 0), _width(column, data[column]))
        parts.append(("toelichting", xlsx.sheet_xml(blocks, widths={i: min(120, w + 2) for i, w in widths.items()})))
    for name, frame in sheets.items():
        if name not in left_out:
            parts.append((name, write_sheet(name, frame, text_format=(text_format or {}).get(name, ()),
                                            validations=(validations or {}).get(name, ()))))
    return xlsx.write_workbook(path, parts)

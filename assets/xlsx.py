"""The .xlsx file format, written directly: the sheet XML built column by column with numpy and
pandas string operations, the parts of the workbook zipped with `zipfile`.

assets.writing decides what a cell holds (`cells()`: ids as text, ja/nee, rounded floats, which
text is formula-like); this module only puts those cells into SpreadsheetML. openpyxl wrote the
same cells at ~55 µs a cell, which for the national buurt trend (2.2 M cells) was two minutes.

How a sheet is built. Every cell is five pieces - `<c r="` + column letter, the row number, an
opener naming the cell's type and style, the value, a closer - and each piece is one numpy
array per column, chosen with `np.where` and fancy indexing from a few constant strings. The
pieces of all columns, with `<row r="n">` and `</row>`, form a 2-D array in row order; the
sheet's XML is one `''.join` over it. No Python code runs per cell or per row.

What a cell becomes (the way pandas and openpyxl wrote it, so readers see the same workbook):

- number: `<v>`; an integral float as an integer (openpyxl's "%.16g" did the same), other floats
  in their shortest exact form; NaN is no cell, inf is the text 'inf' (pandas' inf_rep).
- text: an inline string (openpyxl wrote inline strings too), XML-escaped, a carriage return as
  `&#13;` so that it survives XML's line-end normalisation, `xml:space="preserve"` when it starts
  or ends with white space, cut at Excel's 32,767 characters; formula-like text (`quoted`) gets
  the style with quotePrefix, so Excel and LibreOffice show it as text and never evaluate it.
- date, timestamp: the Excel serial number with the style YYYY-MM-DD or YYYY-MM-DD HH:MM:SS
  (pandas' formats); a timedelta as a number of days with format 0; a timezone is refused as
  pandas refused it.
- boolean (only if a caller bypasses `cells()`, which writes ja/nee): a boolean cell.
- None, NaN, NaT and '' are no cell at all, except in a column in text format (`Block.text_format`:
  a styled cell without a value, so what is typed there stays text).

The header row is bold, centred, with thin borders (pandas' header style). Files are
deterministic: no document properties, fixed zip timestamps, so the same tables give the same bytes.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAX_TEXT = 32_767  # Excel's longest cell text (openpyxl cut there too)
INVALID_SHEET_CHARS = re.compile(r"[\\*?:/\[\]]")

# Characters XML 1.0 cannot hold: the C0 controls except tab, line feed and carriage return
# (openpyxl's ILLEGAL_CHARACTERS_RE), lone surrogates and U+FFFE/U+FFFF. They are dropped.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Cell styles: index into cellXfs of STYLES. STYLE_TEXT is Excel's text format '@' (what is typed
# into such a cell stays text: an id keeps its leading zeros).
STYLE_HEADER, STYLE_QUOTED, STYLE_DATE, STYLE_DATETIME, STYLE_DAYS, STYLE_TEXT = 1, 2, 3, 4, 5, 6

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN_NS}"><numFmts count="2"><numFmt numFmtId="164" formatCode="YYYY-MM-DD"/>\
<numFmt numFmtId="165" formatCode="YYYY-MM-DD HH:MM:SS"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1">\
<alignment horizontal="center" vertical="top"/></xf>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""

# Cell kinds: the opener after the row number and the closer, per kind.
EMPTY, NUMBER, TEXT, TEXT_PRESERVE, QUOTED, QUOTED_PRESERVE, DATE, DATETIME, DAYS, BOOLEAN, HEADER, \
    HEADER_PRESERVE, FORMATTED_EMPTY, FORMATTED_TEXT, FORMATTED_TEXT_PRESERVE = range(15)
_IS = '" t="inlineStr"><is><t>'
_IS_PRESERVE = '" t="inlineStr"><is><t xml:space="preserve">'
OPENERS = np.array([
    "", '"><v>', _IS, _IS_PRESERVE,
    f'" s="{STYLE_QUOTED}"' + _IS[1:], f'" s="{STYLE_QUOTED}"' + _IS_PRESERVE[1:],
    f'" s="{STYLE_DATE}"><v>', f'" s="{STYLE_DATETIME}"><v>', f'" s="{STYLE_DAYS}"><v>', '" t="b"><v>',
    f'" s="{STYLE_HEADER}"' + _IS[1:], f'" s="{STYLE_HEADER}"' + _IS_PRESERVE[1:],
    f'" s="{STYLE_TEXT}"/>', f'" s="{STYLE_TEXT}"' + _IS[1:], f'" s="{STYLE_TEXT}"' + _IS_PRESERVE[1:],
], dtype=object)
CLOSERS = np.array(["", "</v></c>"] + ["</t></is></c>"] * 4 + ["</v></c>"] * 4 + ["</t></is></c>"] * 2
                   + [""] + ["</t></is></c>"] * 2, dtype=object)
_PRESERVED = {TEXT: TEXT_PRESERVE, QUOTED: QUOTED_PRESERVE, HEADER: HEADER_PRESERVE}
# A column in text format ('@'): its empty cells are written too (styled, no value), its plain text
# cells get the style; numbers, dates and quoted text keep their own.
_FORMATTED = {EMPTY: FORMATTED_EMPTY, TEXT: FORMATTED_TEXT, TEXT_PRESERVE: FORMATTED_TEXT_PRESERVE}

EXCEL_EPOCH = np.datetime64("1899-12-30", "us")


def column_letter(i: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while i:
        i, rest = divmod(i - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def escape(text: pd.Series) -> pd.Series:
    """Text (str values) as XML character data."""
    return (text.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
            .str.replace(">", "&gt;", regex=False).str.replace("\r", "&#13;", regex=False))


def clean_text(text: pd.Series) -> pd.Series:
    """Text without the characters XML cannot hold, cut at Excel's limit."""
    return text.str.replace(XML_INVALID, "", regex=True).str.slice(0, MAX_TEXT)


def _float_text(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    out = x.astype(str).astype(object)
    integral = np.isfinite(x) & (x == np.floor(x)) & (np.abs(x) < 2.0**53)
    if integral.any():
        out[integral] = x[integral].astype(np.int64).astype(str)
    return out


def _serial(stamps) -> np.ndarray:
    """Datetimes (naive) as Excel serial day numbers (1900 date system, as openpyxl's to_excel)."""
    values = pd.DatetimeIndex(stamps)
    if values.tz is not None:
        raise ValueError("Excel kent geen tijdzones: zet tijdstempels om naar lokale tijd zonder zone")
    days = (values.to_numpy().astype("datetime64[us]") - EXCEL_EPOCH) / np.timedelta64(1, "D")
    whole = np.floor(days)
    return np.where((whole > 0) & (whole <= 60), days - 1, days)  # Excel's 29 February 1900


def _text_pieces(text: pd.Series, quoted: np.ndarray | None, base: int = TEXT) -> tuple[np.ndarray, np.ndarray]:
    """Kinds and XML values of text cells. The string work is done once per distinct text
    (a trend table repeats its buurtnamen and 'x' in every month) and then taken per cell."""
    codes, distinct = pd.factorize(text.astype(str))
    distinct = clean_text(pd.Series(distinct, dtype=object))
    kinds_distinct = np.full(len(distinct), base, dtype=np.int8)
    spaced = (distinct.str.strip() != distinct).to_numpy(dtype=bool)
    kinds_distinct[spaced] = _PRESERVED[base]
    kinds_distinct[(distinct == "").to_numpy(dtype=bool)] = EMPTY
    kinds = kinds_distinct[codes]
    if quoted is not None and quoted.any():
        kinds[quoted & (kinds == TEXT)] = QUOTED
        kinds[quoted & (kinds == TEXT_PRESERVE)] = QUOTED_PRESERVE
    return kinds, escape(distinct).to_numpy(dtype=object)[codes]


def _object_pieces(values: pd.Series, quoted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kinds and values of a column of Python objects (text, mixed, dates), type by type."""
    n = len(values)
    kinds = np.zeros(n, dtype=np.int8)
    out = np.full(n, "", dtype=object)
    present = values.notna().to_numpy(dtype=bool)
    types = values.map(type).to_numpy()
    groups = {t: np.flatnonzero(present & (types == t)) for t in pd.unique(types[present])}
    for t, rows in groups.items():
        part = values.iloc[rows]
        if issubclass(t, (bool, np.bool_)):
            kinds[rows], out[rows] = BOOLEAN, np.where(part.to_numpy(dtype=bool), "1", "0")
        elif issubclass(t, (int, np.integer)):
            kinds[rows], out[rows] = NUMBER, part.astype(str).to_numpy(dtype=object)
        elif issubclass(t, (float, np.floating)):
            k, v = _number_pieces(part.to_numpy(dtype=np.float64))
            kinds[rows], out[rows] = k, v
        elif issubclass(t, dt.datetime):
            kinds[rows], out[rows] = DATETIME, _float_text(_serial(part.to_list()))
        elif issubclass(t, dt.date):
            kinds[rows], out[rows] = DATE, _float_text(_serial(part.to_list()))
        elif issubclass(t, dt.timedelta):
            kinds[rows], out[rows] = DAYS, _float_text(pd.to_timedelta(part.to_list()).total_seconds() / 86400)
        else:  # str, and anything else as its text (pandas wrote str(value))
            k, v = _text_pieces(part, quoted[rows] if quoted is not None else None)
            kinds[rows], out[rows] = k, v
    return kinds, out


def _number_pieces(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    kinds = np.where(np.isnan(x), EMPTY, NUMBER).astype(np.int8)
    out = _float_text(x)
    inf = np.isinf(x)
    if inf.any():  # pandas' inf_rep
        kinds[inf] = TEXT
        out[inf] = np.where(x[inf] > 0, "inf", "-inf")
    return kinds, out


def column_pieces(values: pd.Series, quoted: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(kind per cell, value text per cell) of one column; `quoted` marks formula-like text."""
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        raise ValueError("Excel kent geen tijdzones: zet tijdstempels om naar lokale tijd zonder zone")
    if pd.api.types.is_datetime64_dtype(dtype):
        present = values.notna().to_numpy(dtype=bool)
        out = np.full(len(values), "", dtype=object)
        out[present] = _float_text(_serial(values[present]))
        return np.where(present, DATETIME, EMPTY).astype(np.int8), out
    if pd.api.types.is_timedelta64_dtype(dtype):
        days = values.dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan) / 86400
        kinds, out = _number_pieces(days)
        return np.where(kinds == NUMBER, DAYS, kinds).astype(np.int8), out
    if pd.api.types.is_bool_dtype(dtype):
        present = values.notna().to_numpy(dtype=bool)
        ones = values.fillna(False).to_numpy(dtype=bool)
        return np.where(present, BOOLEAN, EMPTY).astype(np.int8), np.where(ones, "1", "0").astype(object)
    if pd.api.types.is_integer_dtype(dtype):
        present = values.notna().to_numpy(dtype=bool)
        out = np.full(len(values), "", dtype=object)
        out[present] = values[present].to_numpy().astype(str)
        return np.where(present, NUMBER, EMPTY).astype(np.int8), out
    if pd.api.types.is_float_dtype(dtype):
        return _number_pieces(values.to_numpy(dtype=np.float64, na_value=np.nan))
    return _object_pieces(values.astype(object), quoted)


@dataclass
class Block:
    """A table on a sheet: a header row at row `start` (1-based), its cells below.
    `quoted`: per column position, a mask of the formula-like text cells; `text_format`: the
    column positions whose cells below the header are in text format ('@'), empty ones included."""
    data: pd.DataFrame
    start: int = 1
    quoted: dict[int, np.ndarray] = field(default_factory=dict)
    text_format: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ListValidation:
    """A drop-down list on a range of cells (`cells`, e.g. 'C2:C41'): only `values` may be typed;
    anything else is refused with `error_title` and `error`. Empty cells are allowed."""
    cells: str
    values: tuple[str, ...]
    error_title: str = ""
    error: str = ""

    def xml(self) -> str:
        formula = '"' + ",".join(self.values) + '"'
        return (f'<dataValidation type="list" allowBlank="1" showInputMessage="0" showErrorMessage="1"'
                f' errorTitle="{_attr(self.error_title)}" error="{_attr(self.error)}" sqref="{_attr(self.cells)}">'
                f'<formula1>{_chars(formula)}</formula1></dataValidation>')


def _header_pieces(columns) -> tuple[np.ndarray, np.ndarray]:
    kinds = np.full(len(columns), HEADER, dtype=np.int8)
    out = np.full(len(columns), "", dtype=object)
    texts = [i for i, c in enumerate(columns) if not isinstance(c, (int, float, np.integer, np.floating))
             or isinstance(c, (bool, np.bool_))]
    numbers = [i for i in range(len(columns)) if i not in set(texts)]
    if texts:
        k, v = _text_pieces(pd.Series([str(columns[i]) for i in texts], dtype=object), None, base=HEADER)
        kinds[texts], out[texts] = k, v
    if numbers:
        kinds[numbers], out[numbers] = NUMBER, _float_text(np.array([columns[i] for i in numbers], dtype=np.float64))
    return kinds, out


def _block_xml(block: Block) -> tuple[list[str], int, int]:
    """The rows of a block as XML pieces, and its last row and column."""
    data = block.data
    width = len(data.columns)
    if width == 0:
        return [], 0, 0
    n = len(data)
    rows = np.arange(block.start, block.start + n + 1).astype(str).astype(object)
    pieces = np.empty((n + 1, 2 + 5 * width), dtype=object)
    pieces[:, 0] = '<row r="' + rows + '">'
    pieces[:, -1] = "</row>"
    header_kinds, header_values = _header_pieces(list(data.columns))
    for j in range(width):
        kinds, values = column_pieces(data.iloc[:, j], block.quoted.get(j))
        if j in block.text_format:
            for plain, formatted in _FORMATTED.items():
                kinds[kinds == plain] = formatted
        kinds = np.concatenate([header_kinds[j:j + 1], kinds])
        values = np.concatenate([header_values[j:j + 1], values])
        present = kinds != EMPTY
        c = 1 + 5 * j
        pieces[:, c] = np.where(present, f'<c r="{column_letter(j + 1)}', "")
        pieces[:, c + 1] = np.where(present, rows, "")
        pieces[:, c + 2] = OPENERS[kinds]
        pieces[:, c + 3] = np.where(present, values, "")
        pieces[:, c + 4] = CLOSERS[kinds]
    return pieces.ravel().tolist(), block.start + n, width


def sheet_xml(blocks: Sequence[Block], freeze_header: bool = False, widths: dict[int, float] | None = None,
              selected: bool = False, validations: Sequence[ListValidation] = ()) -> str:
    """A worksheet's XML: the blocks one below the other, optionally the first row frozen,
    column widths (1-based column -> width in characters) and drop-down lists."""
    body, last_row, last_col = [], 0, 0
    for block in blocks:
        parts, row, col = _block_xml(block)
        body += parts
        last_row, last_col = max(last_row, row), max(last_col, col)
    ref = f"A1:{column_letter(last_col)}{last_row}" if last_row and last_col and (last_row, last_col) != (1, 1) else "A1"
    view = '<sheetView workbookViewId="0"' + (' tabSelected="1"' if selected else "")
    if freeze_header:
        view += ('><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                 '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>')
    else:
        view += '><selection activeCell="A1" sqref="A1"/></sheetView>'
    cols = ""
    if widths:
        cols = "<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                                  for i, w in sorted(widths.items())) + "</cols>"
    data = "<sheetData>" + "".join(body) + "</sheetData>" if body else "<sheetData/>"
    if validations:  # after sheetData, before pageMargins (the schema's order)
        data += (f'<dataValidations count="{len(validations)}">'
                 + "".join(v.xml() for v in validations) + "</dataValidations>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><dimension ref="{ref}"/><sheetViews>{view}</sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{cols}{data}'
            '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>')


def _chars(text: str) -> str:
    """Text as XML character data (an element's content)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _chars(text).replace('"', "&quot;")


def check_sheet_names(names: Sequence[str]) -> None:
    seen = set()
    for name in names:
        if not name or len(name) > 31 or INVALID_SHEET_CHARS.search(name) or name.startswith("'") or name.endswith("'"):
            raise ValueError(f"bladnaam {name!r} kan niet in Excel (1-31 tekens, geen \\ / ? * : [ ] of ' aan de randen)")
        if name.lower() in seen:
            raise ValueError(f"bladnaam {name!r} komt twee keer voor")
        seen.add(name.lower())


def write_workbook(path: Path, sheets: Sequence[tuple[str, str]], compresslevel: int = 1) -> Path:
    """The .xlsx package of (sheet name, sheet XML) pairs, in that order; the first is active."""
    names = [name for name, _ in sheets]
    if not names:
        raise ValueError("een werkmap heeft minstens één blad")
    check_sheet_names(names)
    n = len(sheets)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for i in range(1, n + 1))
        + '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>')
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><workbookPr/>'
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
        + "".join(f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, start=1))
        + '</sheets></workbook>')
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG_REL_NS}">'
        + "".join(f'<Relationship Id="rId{i}" '
                  'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                  f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
        + f'<Relationship Id="rId{n + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>')
    parts = [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels), ("xl/workbook.xml", workbook),
             ("xl/_rels/workbook.xml.rels", workbook_rels), ("xl/styles.xml", STYLES)]
    parts += [(f"xl/worksheets/sheet{i}.xml", xml) for i, (_, xml) in enumerate(sheets, start=1)]
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, text.encode("utf-8"), compresslevel=compresslevel)
    return path

"""The workbook writer (assets.xlsx via assets.writing.write_xlsx) against the writer it replaced.

The old writer (pandas' to_excel through openpyxl, cell by cell; tests/xlsx_oracle.py) is the
oracle: both write the same frames - every dtype the pipeline hands over, NULLs, formula-like
text, unicode, control characters, empty frames, many sheets - and openpyxl reads both back;
every cell must have the same value, type, quote prefix and date format, every sheet the same
frozen pane and column widths. Then the file itself: a valid zip, and LibreOffice opens it.
"""
from __future__ import annotations

import datetime as dt
import math
import zipfile

import numpy as np
import pandas as pd
import pytest

from assets import writing, xlsx
from assets.writing import write_xlsx
from xlsx_oracle import write_xlsx_openpyxl

HOSTILE = ["=1+1", '=HYPERLINK("http://x.invalid","klik")', "+31 6 1234", "-2+3", "@SUM(A1)", "\t=1", "=", "-"]
UNICODE = ["Ærø ½ é ² €", "日本語テキスト", "🏠 woning", "שלום", "a<b>&amp;\"c\"'", "  spaties rond  ", "regel\nregel"]
CONTROL = ["bel\x07letter", "nul\x00byte", "\x1beinde", "vt\x0bff\x0c", "tab\tin"]


def every_dtype(n: int = 12) -> pd.DataFrame:
    """A frame with a column of every kind a table of the pipeline can hold, NULLs included."""
    rng = np.random.default_rng(7)
    text = (HOSTILE + UNICODE + CONTROL + ["gewoon", None])
    return pd.DataFrame({
        "verblijfsobject_id": (["0638010000015953", "0000000000000007", None] * n)[:n],
        "pand_identificatie": pd.Series([638100000000001.0, np.nan] * (n // 2) + [1.0] * (n % 2)),
        "buurtcode": pd.Series(["BU06380002", None] * (n // 2) + ["BU1"] * (n % 2), dtype="string"),
        "postcode": ["2381AA"] * n,
        "int64": np.arange(n, dtype=np.int64) * -7,
        "int32": np.arange(n, dtype=np.int32),
        "uint8": np.arange(n, dtype=np.uint8),
        "groot": np.array([2**62, -(2**40)] * (n // 2) + [0] * (n % 2), dtype=np.int64),
        "nullable_int": pd.array([1, None, -3] * (n // 3) + [4] * (n % 3), dtype="Int64"),
        "float": rng.normal(size=n) * 1e3,
        "float_met_nan": [0.0, np.nan, -1000.0, 3.14159265, 1e-7, 1e15 + 0.5] * (n // 6) + [2.5] * (n % 6),
        "inf": [np.inf, -np.inf, 1.5] * (n // 3) + [0.25] * (n % 3),
        "float32": np.linspace(-1, 1, n, dtype=np.float32),
        "nullable_float": pd.array([0.5, None] * (n // 2) + [1.0] * (n % 2), dtype="Float64"),
        "bool": [True, False] * (n // 2) + [True] * (n % 2),
        "nullable_bool": pd.array([True, None, False] * (n // 3) + [True] * (n % 3), dtype="boolean"),
        "tekst": (text * n)[:n],
        "string_dtype": pd.Series((UNICODE * n)[:n], dtype="string"),
        "gemengd": ([12, "x", -3.25, None, "Totaal", 7.0, True, "=x"] * n)[:n],
        "datum": pd.to_datetime(["2026-10-01", None, "1999-12-31"] * (n // 3) + ["2000-02-29"] * (n % 3)),
        "tijdstip": pd.to_datetime(["2026-10-01 13:45:30", "1970-01-01 00:00:01"] * (n // 2)
                                   + ["2026-01-01"] * (n % 2)),
        "date_object": ([dt.date(2026, 10, 1), None, dt.date(1900, 3, 1)] * n)[:n],
        "duur": pd.to_timedelta(["1 days 06:00:00", None] * (n // 2) + ["2h"] * (n % 2)),
        "leeg": [None] * n,
        "": ["kolom zonder naam"] * n,
    })


def read(path):
    from openpyxl import load_workbook

    return load_workbook(path)


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and math.isclose(a, b, rel_tol=1e-15, abs_tol=1e-300))
    return a == b and type(a) is type(b)


def assert_same_workbook(old_path, new_path) -> int:
    """Every cell of both workbooks alike (value, type, quote prefix, date format, bold header);
    the frozen pane and column widths of every sheet. Returns the number of cells compared."""
    old, new = read(old_path), read(new_path)
    assert new.sheetnames == old.sheetnames
    compared = 0
    for ws in old:
        wn = new[ws.title]
        assert (wn.max_row, wn.max_column) == (ws.max_row, ws.max_column), ws.title
        assert wn.freeze_panes == ws.freeze_panes, ws.title
        assert {k: d.width for k, d in wn.column_dimensions.items()} == {k: d.width for k, d in ws.column_dimensions.items()}
        for row_old, row_new in zip(ws.iter_rows(), wn.iter_rows(), strict=True):
            for a, b in zip(row_old, row_new, strict=True):
                where = f"{ws.title}!{a.coordinate}"
                assert _same(a.value, b.value), f"{where}: {a.value!r} != {b.value!r}"
                compared += 1
                if a.value is None:  # openpyxl wrote '' as an empty inline string: no value either way
                    continue
                assert (a.data_type, a.quotePrefix, a.is_date, a.font.b) == (b.data_type, b.quotePrefix, b.is_date, b.font.b), where
                if a.is_date:
                    assert a.number_format == b.number_format, where
    return compared


def write_both(tmp_path, sheets, toelichting):
    old = write_xlsx_openpyxl(tmp_path / "oud.xlsx", sheets, toelichting)
    new = write_xlsx(tmp_path / "nieuw.xlsx", sheets, toelichting)
    assert zipfile.ZipFile(new).testzip() is None
    return old, new


def test_every_dtype_cell_for_cell_as_the_openpyxl_writer(tmp_path):
    frame = every_dtype(24)
    toelichting = [pd.DataFrame({"toelichting": ["Uitleg", "=1+1", "", None, "é\x07"]}),
                   pd.DataFrame({"blad": ["a", "b"], "rijen": [1, 2], "aandeel": [0.5, np.nan]})]
    old, new = write_both(tmp_path, {"alles": frame, "omgekeerd": frame.iloc[::-1], "dubbele_index": pd.concat([frame, frame])}, toelichting)
    assert assert_same_workbook(old, new) >= 4 * 25 * len(frame.columns)

    sheet = read(new)["alles"]
    column = {c.value: c.column for c in sheet[1]}
    tekst = [sheet.cell(row=r, column=column["tekst"]) for r in range(2, 2 + len(HOSTILE))]
    assert [(c.value, c.data_type, c.quotePrefix) for c in tekst] == [(v, "s", True) for v in HOSTILE]
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert sheet.cell(row=2, column=column["verblijfsobject_id"]).value == "0638010000015953"
    assert sheet.cell(row=2, column=column["datum"]).value == dt.datetime(2026, 10, 1)
    assert sheet.cell(row=2, column=column["bool"]).value == "ja"


def test_national_shaped_tables_cell_for_cell(tmp_path):
    """A suppressed buurt table (counts and 'x' mixed), a trend table, empty frames and many sheets."""
    n = 500
    buurten = pd.DataFrame({
        "maand": np.repeat(["2026-09", "2026-10"], n // 2),
        "buurtcode": [f"BU{i:08d}" for i in range(n)],
        "buurtnaam": [f"Buurt {i % 37} {UNICODE[i % len(UNICODE)]}" for i in range(n)],
        "woningen": [i if i % 3 else "x" for i in range(n)],
        "leegstand_pct": [round(i / 7, 4) if i % 4 else "x" for i in range(n)],
        "woz_meegenomen": [bool(i % 2) for i in range(n)],
    })
    sheets = {"leegstand_per_buurt": buurten, "leeg_met_kolommen": buurten.iloc[:0],
              "helemaal_leeg": pd.DataFrame(), "een_cel": pd.DataFrame({"a": [1]})}
    sheets |= {f"blad_{i:02d}": buurten.iloc[i:i + 3] for i in range(30)}
    old, new = write_both(tmp_path, sheets, [pd.DataFrame({"toelichting": ["Trendtabellen"]})])
    assert assert_same_workbook(old, new) > n * 6
    assert read(new).sheetnames[:3] == ["toelichting", "leegstand_per_buurt", "leeg_met_kolommen"]


def test_the_new_writer_reads_back_in_read_only_mode(tmp_path):
    """tests and callers read workbooks with read_only=True (it trusts the sheet's dimension)."""
    from openpyxl import load_workbook

    frame = every_dtype(6)
    old, new = write_both(tmp_path, {"alles": frame}, [pd.DataFrame({"toelichting": ["x"]})])
    rows_old = list(load_workbook(old, read_only=True)["alles"].iter_rows(values_only=True))
    rows_new = list(load_workbook(new, read_only=True)["alles"].iter_rows(values_only=True))
    assert len(rows_new) == len(rows_old) == 7
    for a, b in zip(rows_old, rows_new):
        assert all(_same(x, y) for x, y in zip(a, b, strict=True)), (a, b)


def test_where_the_new_writer_differs_on_purpose(tmp_path):
    """openpyxl turned the text '#N/A' into an error value, wrote a carriage return raw (read
    back as a line feed) and a lone surrogate as a character reference XML forbids (the workbook
    did not open again); the new writer keeps '#N/A' as text, the carriage return as `&#13;`,
    and drops what XML cannot hold. Text is cut at 32,767 characters, as openpyxl cut it."""
    frame = pd.DataFrame({"tekst": ["#N/A", "#DIV/0!", "a\rb", "x" * 40_000, "lone \ud800 surrogate", "\ufffe\uffffok"]})
    book = read(write_xlsx(tmp_path / "w.xlsx", {"blad": frame}, []))
    cells = [c for (c,) in book["blad"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells[:2]] == [("#N/A", "s"), ("#DIV/0!", "s")]
    assert cells[2].value == "a\rb"
    assert len(cells[3].value) == xlsx.MAX_TEXT
    assert [c.value for c in cells[4:]] == ["lone  surrogate", "ok"]


def test_bad_sheet_names_are_refused_instead_of_repaired_by_excel(tmp_path):
    for name in ("a/b", "x" * 32, "toelichting"):
        with pytest.raises(ValueError, match="bladnaam"):
            write_xlsx(tmp_path / "w.xlsx", {name: pd.DataFrame({"a": [1]})}, [pd.DataFrame({"t": ["x"]})])
    with pytest.raises(ValueError, match="minstens één blad"):
        write_xlsx(tmp_path / "w.xlsx", {}, [])


def test_too_big_checks_unchanged(tmp_path, monkeypatch):
    monkeypatch.setattr(writing, "EXCEL_MAX_RIJEN", 3)
    sheets = {"klein": pd.DataFrame({"a": [1, 2]}), "groot": pd.DataFrame({"a": range(5)})}
    assert writing.too_big(sheets) == ["groot"]
    assert read(write_xlsx(tmp_path / "w.xlsx", sheets, [pd.DataFrame({"t": ["x"]})])).sheetnames == ["toelichting", "klein"]
    with pytest.raises(ValueError, match="past niet in Excel"):
        writing.write_sheet("groot", sheets["groot"])


def test_the_same_tables_give_the_same_bytes(tmp_path):
    frame = every_dtype(6)
    a = write_xlsx(tmp_path / "a.xlsx", {"alles": frame}, [pd.DataFrame({"t": ["x"]})]).read_bytes()
    b = write_xlsx(tmp_path / "b.xlsx", {"alles": frame}, [pd.DataFrame({"t": ["x"]})]).read_bytes()
    assert a == b


def test_libreoffice_opens_every_sheet_of_the_new_writer(tmp_path):
    """LibreOffice opens the workbook of every dtype without repair: every sheet converts, no
    formula is evaluated, and the cells are those openpyxl reads (checked above)."""
    from test_file_safety import SOFFICE, libreoffice, no_errors

    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    frame = every_dtype(12)
    path = write_xlsx(tmp_path / "w.xlsx", {"alles": frame, "leeg": frame.iloc[:0]},
                      [pd.DataFrame({"toelichting": ["uitleg", "=1+1"]})])
    sheets = libreoffice([path], tmp_path / "uit", tmp_path / "profiel")
    assert set(sheets) == {"w-toelichting", "w-alles", "w-leeg"}
    no_errors({k: v for k, v in sheets.items()})
    rows = sheets["w-alles"]
    header = [c.value for c in rows[0]]
    tekst = [r[header.index("tekst")] for r in rows[1:1 + len(HOSTILE)]]
    assert [c.value for c in tekst] == HOSTILE and all(c.text for c in tekst)
    ids = [r[header.index("verblijfsobject_id")] for r in rows[1:3]]
    assert [(c.value, c.text) for c in ids] == [("0638010000015953", True), ("0000000000000007", True)]
    assert rows[0 + 1][header.index("datum")].value.startswith("2026-10-01")


def test_text_format_and_drop_down_lists_are_written_with_the_cells(tmp_path):
    """write_xlsx's text_format and validations: the column's cells below the header are in text
    format ('@'), empty ones included, numbers keep theirs; the lists are in the sheet with their
    range, values and message (openpyxl and LibreOffice read them)."""
    from openpyxl import load_workbook
    from test_file_safety import SOFFICE, libreoffice

    from assets.xlsx import ListValidation

    rijen = pd.DataFrame({"nummeraanduiding_id": ["0638200000000001", "", " 07 "], "aantal": [1, None, 3],
                          "besluit": ["controle", "", ""]}, dtype=object)
    lijst = ListValidation("C2:C4", ("controle", "geen controle", "later & <nooit>"), "Niet in de lijst",
                           'Kies "een" waarde.')
    path = write_xlsx(tmp_path / "f.xlsx", {"besluiten": rijen}, [pd.DataFrame({"uitleg": ["Vul in."]})],
                      text_format={"besluiten": ["nummeraanduiding_id"]}, validations={"besluiten": [lijst]})
    sheet = load_workbook(path)["besluiten"]
    assert [sheet[f"A{r}"].number_format for r in range(1, 5)] == ["General", "@", "@", "@"]
    assert [sheet[f"A{r}"].value for r in range(2, 5)] == ["0638200000000001", None, " 07 "]
    assert sheet["B2"].number_format == "General" and sheet["B2"].value == 1
    assert sheet["A1"].font.b  # the header keeps its own style
    (check,) = sheet.data_validations.dataValidation
    assert (str(check.sqref), check.type, check.formula1, check.allow_blank, check.showErrorMessage,
            check.errorTitle, check.error) == ("C2:C4", "list", '"controle,geen controle,later & <nooit>"', True,
                                              True, "Niet in de lijst", 'Kies "een" waarde.')
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    sheets = libreoffice([path], tmp_path / "uit", tmp_path / "profiel")
    rows = sheets["f-besluiten"]
    assert [c.value for c in rows[1]][:3] == ["0638200000000001", "1", "controle"]


def test_openpyxl_edits_and_saves_a_workbook_of_the_new_writer(tmp_path):
    """A recipient's openpyxl (or pandas) can edit and save a workbook of the new writer: add a
    drop-down list and a text format, and read it back."""
    from openpyxl import load_workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    rijen = pd.DataFrame({"nummeraanduiding_id": ["0638200000000001", ""], "besluit": ["", ""]}, dtype=object)
    path = write_xlsx(tmp_path / "f.xlsx", {"besluiten": rijen}, [pd.DataFrame({"uitleg": ["Vul in."]})])
    book = load_workbook(path)
    check = DataValidation(type="list", formula1='"controle,geen controle,later"', allow_blank=True)
    check.add("B2:B3")
    book["besluiten"].add_data_validation(check)
    book["besluiten"]["A3"].number_format = "@"
    book.save(path)
    again = load_workbook(path)
    assert again["besluiten"]["A2"].value == "0638200000000001"
    assert again["besluiten"].data_validations.dataValidation[0].formula1 == '"controle,geen controle,later"'
    assert again["besluiten"].freeze_panes == "A2"

"""Files that leave the pipeline arrive intact in the recipient's spreadsheet.

Hostile text (a BAG street name, a regio, a buurt name, an aanleiding of a control, each as a
formula) is planted in the small synthetic warehouse of test_exports.py; the RIEC package and
the trend files are written from it, then opened the way a recipient opens them: LibreOffice
Calc (headless, Debian's libreoffice-calc-nogui) reads each workbook and each CSV (its
standard import, formulas evaluated; and the import LEESMIJ.txt describes, columns as text) and
writes every sheet back as CSV with text cells quoted. Every id and text cell is compared with
the warehouse; a formula must arrive as literal text, never evaluated, never an `Err:`.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd
import pytest

from assets.exports import export_riec, opschonen
from assets.exports.suppression import MARKER, TOTAL
from assets.exports.tables import TOTAAL_BUURT
from assets.reports.report_publish import build_trend_files
from assets.reports.trends import trend_tables
from assets.settings import Settings
from assets.writing import FORMULA_START, is_id_column, sheet_name, write_csv, write_xlsx
from test_exports import GRONDSLAG, make_warehouse

MAAND = "2026-10"
HOSTILE = ['=HYPERLINK("http://x.invalid","klik")', "+1+1", "-2+3", "@SUM(1)", "\t=1"]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui): "
           "cannot open the files the way a recipient does",
)
ERRORS = re.compile(r"^(Err:\d+|#NAME\?|#VALUE!|#REF!|#N/A|#DIV/0!|#NUM!|#NULL!)")


# --- opening files the way a recipient does ---------------------------------------------------------


class Cell(NamedTuple):
    value: str
    text: bool  # quoted by LibreOffice: a text cell (numbers are written unquoted)


_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^;\r\n"]*)')


def read_typed(path: Path) -> list[list[Cell]]:
    """A CSV written by LibreOffice with 'quote all text cells': rows of (value, is text)."""
    text = path.read_text(encoding="utf-8-sig")
    rows, row, pos = [], [], 0
    while pos < len(text):
        match = _FIELD.match(text, pos)
        quoted = match.group(1) is not None
        row.append(Cell(match.group(1).replace('""', '"') if quoted else match.group(2), quoted))
        pos = match.end()
        if text.startswith(";", pos):
            pos += 1
            continue
        rows.append(row)
        row = []
        pos += 2 if text.startswith("\r\n", pos) else 1
    if row:
        rows.append(row)
    return rows


def as_records(rows: list[list[Cell]]) -> list[dict[str, Cell]]:
    header = [c.value for c in rows[0]]
    return [dict(zip(header, row)) for row in rows[1:]]


# Export: `;`, `"`, UTF-8, -, -, en-US numbers, quote all text cells, -, as shown, no formulas, -, all sheets.
OUT_FILTER = "csv:Text - txt - csv (StarCalc):59,34,76,1,,1033,true,false,true,false,false,-1"
# Import as a Dutch recipient's Calc does by default: `;`, `"`, UTF-8, from line 1, standard
# column types, Dutch, formulas evaluated (token 13; LibreOffice's default).
IN_STANDARD = "CSV:59,34,76,1,,1043,false,false,false,false,false,0,true"
# The import LEESMIJ.txt describes: every column 'Tekst' (format 2), formulas not evaluated.
IN_TEXT = "CSV:59,34,76,1," + "/".join(f"{i}/2" for i in range(1, 41)) + ",1043,false,false,false,false,false,0,false"


def libreoffice(files: list[Path], outdir: Path, profile: Path, infilter: str | None = None) -> dict[str, list[list[Cell]]]:
    """Open `files` in LibreOffice and write every sheet back as CSV; {'<file stem>-<sheet>': rows}."""
    outdir.mkdir(parents=True, exist_ok=True)
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", OUT_FILTER, "--outdir", str(outdir), *map(str, files)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = {p.stem: read_typed(p) for p in sorted(outdir.glob("*.csv"))}
    for path in files:
        assert any(name.startswith(f"{path.stem}-") for name in out), f"LibreOffice did not open {path.name}: {result.stderr}"
    return out


def no_errors(sheets: dict[str, list[list[Cell]]]) -> None:
    for name, rows in sheets.items():
        bad = [c.value for row in rows for c in row if ERRORS.match(c.value) or c.value == "klik"]
        assert not bad, f"{name}: evaluated or failed cells {bad}"


def quoted_prefix(value: str) -> str:
    """What the CSV holds for a text cell."""
    return "'" + value if value.startswith(FORMULA_START) else value


# --- the writer on its own ---------------------------------------------------------------------------


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "verblijfsobject_id": ["0638010000015953", "0638010000000001", "0000000000000007", None, "0638010000099999"],
        "postcode": ["2381AA", "2381AB", "0123XY", "2381AC", "2381AD"],
        "straat": HOSTILE,
        "bedrag": [-2.5, 3.14159265, 0.0, None, -1000.0],
        "aantal": [12, -3, 0, 7, 1],
        "gemengd": [12, MARKER, -3.25, None, "Totaal"],
        "gecontroleerd": [True, False, True, False, True],
    })


def test_the_writer_neutralises_formulas_and_keeps_numbers_and_ids(tmp_path):
    from openpyxl import load_workbook

    frame = hostile_frame()
    rows = list(csv.DictReader(open(write_csv(frame, tmp_path / "t.csv"), encoding="utf-8-sig", newline=""), delimiter=";"))
    assert [r["straat"] for r in rows] == ["'" + v for v in HOSTILE]
    assert [r["bedrag"] for r in rows] == ["-2,5", "3,1416", "0,0", "", "-1000,0"]
    assert [r["aantal"] for r in rows] == ["12", "-3", "0", "7", "1"]
    assert [r["gemengd"] for r in rows] == ["12", "x", "-3,25", "", "Totaal"]
    assert [r["gecontroleerd"] for r in rows] == ["ja", "nee", "ja", "nee", "ja"]
    assert [r["verblijfsobject_id"] for r in rows] == ["0638010000015953", "0638010000000001", "0000000000000007", "",
                                                       "0638010000099999"]
    categorie = pd.DataFrame({"straat": pd.Categorical(HOSTILE), "aantal": range(len(HOSTILE))})
    rows = list(csv.DictReader(open(write_csv(categorie, tmp_path / "c.csv"), encoding="utf-8-sig", newline=""), delimiter=";"))
    assert [r["straat"] for r in rows] == ["'" + v for v in HOSTILE], "a categorical column is text like any other"
    write_xlsx(tmp_path / "c.xlsx", {"blad": categorie}, [pd.DataFrame({"toelichting": ["uitleg"]})])
    assert [(c.value, c.data_type) for (c,) in load_workbook(tmp_path / "c.xlsx")["blad"].iter_rows(min_row=2, max_col=1)] == [
        (v, "s") for v in HOSTILE]

    write_xlsx(tmp_path / "t.xlsx", {"blad": frame}, [pd.DataFrame({"toelichting": ["=1+1", "gewone tekst"]})])
    book = load_workbook(tmp_path / "t.xlsx")
    sheet = list(book["blad"].iter_rows(min_row=2))
    assert [(c[2].value, c[2].data_type) for c in sheet] == [(v, "s") for v in HOSTILE]
    assert [c[3].value for c in sheet] == [-2.5, 3.1416, 0, None, -1000]
    assert [(c[5].value, c[5].data_type) for c in sheet if c[5].value is not None] == [
        (12, "n"), ("x", "s"), (-3.25, "n"), ("Totaal", "s")]
    assert [c[0].value for c in sheet] == frame["verblijfsobject_id"].tolist()
    assert not [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert book["toelichting"]["A2"].value == "=1+1" and book["toelichting"]["A2"].data_type == "s"


@needs_soffice
def test_the_writer_s_files_in_libreoffice(tmp_path):
    frame = hostile_frame()
    write_csv(frame, tmp_path / "t.csv")
    write_xlsx(tmp_path / "w.xlsx", {"blad": frame}, [pd.DataFrame({"toelichting": ["uitleg"]})])
    profile = tmp_path / "profiel"
    book = libreoffice([tmp_path / "w.xlsx"], tmp_path / "uit_xlsx", profile)
    standard = libreoffice([tmp_path / "t.csv"], tmp_path / "uit_csv", profile, IN_STANDARD)
    no_errors(book | standard)

    for records, straat in ((as_records(book["w-blad"]), HOSTILE), (as_records(standard["t-t"]), ["'" + v for v in HOSTILE])):
        # \r inside a cell becomes \n in LibreOffice; no hostile value here has one
        assert [r["straat"] for r in records] == [Cell(v, True) for v in straat]
        assert [r["bedrag"] for r in records] == [Cell("-2.5", False), Cell("3.1416", False), Cell("0", False),
                                                  Cell("", False), Cell("-1000", False)]
        assert [r["aantal"] for r in records] == [Cell(v, False) for v in ("12", "-3", "0", "7", "1")]
        assert [r["gemengd"] for r in records] == [Cell("12", False), Cell("x", True), Cell("-3.25", False),
                                                   Cell("", False), Cell("Totaal", True)]
        assert [r["gecontroleerd"].value for r in records] == ["ja", "nee", "ja", "nee", "ja"]
    ids = [r["verblijfsobject_id"] for r in as_records(book["w-blad"])]
    assert ids == [Cell(v, True) if v else Cell("", False) for v in frame["verblijfsobject_id"]]


# --- the RIEC package and the trend files from a warehouse with hostile text ----------------------------


def plant_hostile_text(settings: Settings) -> None:
    """Formulas in the free-text columns that reach the files: the BAG street name of the
    month's top addresses (and the control list's adres built from it as
    marts.controlelijst.sql does), the regio of the victim figures, buurt names and the
    aanleiding of controls."""
    con = duckdb.connect(str(settings.warehouse))
    try:
        top = [v for (v,) in con.execute("SELECT verblijfsobject_id FROM marts.controlelijst WHERE maand = $m "
                                         "ORDER BY rang LIMIT 5", {"m": MAAND}).fetchall()]
        for vbo, naam in zip(top, HOSTILE):
            con.execute("UPDATE staging.bag_verblijfsobject SET openbare_ruimte_naam = $naam "
                        "WHERE maand = $m AND identificatie = $vbo", {"naam": naam, "m": MAAND, "vbo": vbo})
        con.execute("""
            UPDATE marts.controlelijst AS c
            SET adres = concat_ws(' ', v.openbare_ruimte_naam, v.huisnummer::VARCHAR)
            FROM staging.bag_verblijfsobject AS v
            WHERE v.maand = c.maand AND v.identificatie = c.verblijfsobject_id AND c.maand = $m""", {"m": MAAND})
        con.execute("UPDATE staging.slachtoffers SET regio = $r", {"r": HOSTILE[0]})
        con.execute("UPDATE marts.leegstand_buurt SET buurtnaam = $n WHERE buurtcode = 'BU06380002'", {"n": HOSTILE[2]})
        con.execute("UPDATE marts.leegstand_buurt SET buurtnaam = $n WHERE buurtcode = 'BU06380101'", {"n": HOSTILE[3]})
        con.execute("UPDATE staging.controles SET aanleiding = $a WHERE aanleiding = 'steekproef'", {"a": HOSTILE[1]})
    finally:
        con.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The synthetic warehouse with hostile text, its RIEC package (with addresses) and trend files."""
    root = tmp_path_factory.mktemp("hostile")
    settings = make_warehouse(root / "data")
    plant_hostile_text(settings)
    package = export_riec(settings, MAAND, adressen=True, grondslag=GRONDSLAG)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        build_trend_files(con, settings, MAAND)
        warehouse = {
            "adressen": con.execute("SELECT rang, verblijfsobject_id, adres, postcode, aanleiding, redenen "
                                    "FROM marts.controlelijst WHERE maand = $m ORDER BY rang", {"m": MAAND}).df(),
            "buurten": con.execute("SELECT buurtcode, buurtnaam FROM marts.leegstand_buurt WHERE maand = $m",
                                   {"m": MAAND}).df(),
            "trends": trend_tables(con, MAAND),
        }
    finally:
        con.close()
    return {"settings": settings, "package": package, "trends": settings.output_month(MAAND) / "trends",
            "warehouse": warehouse, "root": root}


def test_no_file_holds_a_live_formula(hostile):
    """The reviewer's case: a street name `=HYPERLINK(...)` of the month's top address."""
    from openpyxl import load_workbook

    csvs = sorted(hostile["package"].glob("*.csv")) + sorted(hostile["trends"].glob("*.csv"))
    seen = set()
    for path in csvs:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh, delimiter=";"):
                for value in row:
                    assert not value.startswith(FORMULA_START) or re.fullmatch(r"-\d+(,\d+)?", value), \
                        f"{path.name}: live formula {value!r}"
                    seen |= {v for v in HOSTILE if value.startswith("'" + v)}
    assert seen == set(HOSTILE), "hostile text missing from the CSV files"
    adressen = list(csv.DictReader(open(hostile["package"] / f"adressen_{MAAND}.csv", encoding="utf-8-sig", newline=""),
                                   delimiter=";"))
    assert adressen[0]["adres"] == "'" + HOSTILE[0] + " 1"

    workbooks = sorted(hostile["package"].glob("*.xlsx")) + sorted(hostile["trends"].glob("*.xlsx"))
    assert {p.name for p in workbooks} == {f"riec_export_{MAAND}.xlsx", f"adressen_{MAAND}.xlsx", f"trends_{MAAND}.xlsx"}
    seen = set()
    for path in workbooks:
        for ws in load_workbook(path):
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name} {ws.title}!{cell.coordinate}: formula {cell.value!r}"
                    if isinstance(cell.value, str):
                        seen |= {v for v in HOSTILE if cell.value.startswith(v)}
    assert seen == set(HOSTILE)


def _text_cells_match(records: list[dict[str, Cell]], expected: pd.DataFrame, sheet: str) -> None:
    """Every text and id cell as the warehouse holds it, as a text cell; numbers as numbers."""
    assert len(records) == len(expected), sheet
    for column in expected.columns:
        values = expected[column]
        got = [r[column] for r in records]
        if is_id_column(column) or values.dtype == object:
            want = [Cell("", False) if v is None or (isinstance(v, float) and pd.isna(v)) else Cell(str(v), True)
                    for v in values]
            if values.map(lambda v: isinstance(v, bool)).any():
                continue  # booleans are ja/nee, not text of the warehouse
            assert got == want, f"{sheet}.{column}"
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            for cell, v in zip(got, values):
                if pd.isna(v):
                    assert cell == Cell("", False), f"{sheet}.{column}"
                else:
                    assert not cell.text and abs(float(cell.value) - float(v)) < 1e-4, f"{sheet}.{column}: {cell} != {v}"


@needs_soffice
def test_the_recipient_opens_the_workbooks_in_libreoffice(hostile, tmp_path):
    package, warehouse = hostile["package"], hostile["warehouse"]
    sheets = libreoffice([package / f"riec_export_{MAAND}.xlsx", package / f"adressen_{MAAND}.xlsx",
                          hostile["trends"] / f"trends_{MAAND}.xlsx"], tmp_path / "uit", tmp_path / "profiel")
    no_errors(sheets)

    # the address list: every cell as in marts.controlelijst, ids and postcodes as text
    _text_cells_match(as_records(sheets[f"adressen_{MAAND}-adressen"]), warehouse["adressen"], "adressen")
    adressen = as_records(sheets[f"adressen_{MAAND}-adressen"])
    assert adressen[0]["adres"] == Cell(HOSTILE[0] + " 1", True)
    assert all(len(r["verblijfsobject_id"].value) == 16 and r["verblijfsobject_id"].value.startswith("0")
               for r in adressen)

    # the trend workbook: unsuppressed, row for row the warehouse's trend tables
    for name, frame in warehouse["trends"].items():
        _text_cells_match(as_records(sheets[f"trends_{MAAND}-{sheet_name(name)}"]), frame, name)

    # the RIEC workbook: suppressed; its text cells are the warehouse's (or the totals' labels)
    riec = {key.removeprefix(f"riec_export_{MAAND}-"): as_records(rows) for key, rows in sheets.items()
            if key.startswith("riec_export_")}
    assert set(riec) == {"toelichting", "buurtcijfers", "slachtoffers", "rni_per_maand", "leegstand_per_buurt",
                         "objecten_per_indicator", "controles_per_maand"}
    buurten = dict(zip(warehouse["buurten"]["buurtcode"], warehouse["buurten"]["buurtnaam"]))
    assert {(r["buurtcode"], r["buurtnaam"]) for r in riec["buurtcijfers"]} == (
        {(Cell(c, True), Cell(n, True)) for c, n in buurten.items()} | {(Cell(TOTAL, True), Cell(TOTAAL_BUURT, True))})
    for r in riec["leegstand_per_buurt"]:
        assert r["buurtcode"].text and (buurten.get(r["buurtcode"].value) or TOTAAL_BUURT) == r["buurtnaam"].value
        assert r["woningen"] == Cell(MARKER, True) or not r["woningen"].text
    assert {r["regio"] for r in riec["slachtoffers"]} == {Cell(HOSTILE[0], True)}
    aanleidingen = {r["aanleiding"] for r in riec["controles_per_maand"]}
    assert Cell(HOSTILE[1], True) in aanleidingen and all(c.text for c in aanleidingen)


@needs_soffice
def test_the_recipient_opens_the_csv_files_in_libreoffice(hostile, tmp_path):
    package, warehouse = hostile["package"], hostile["warehouse"]
    files = sorted(package.glob("*.csv")) + sorted(hostile["trends"].glob("*.csv"))
    standard = libreoffice(files, tmp_path / "standaard", tmp_path / "profiel", IN_STANDARD)
    as_text = libreoffice(files, tmp_path / "tekst", tmp_path / "profiel", IN_TEXT)
    no_errors(standard | as_text)

    # standard import, formulas evaluated: the hostile text arrives as text, with its '
    adressen = as_records(standard[f"adressen_{MAAND}-adressen_{MAAND}"])
    assert [r["adres"] for r in adressen[:5]] == [Cell(f"'{v} {n}", True) for n, v in enumerate(HOSTILE, start=1)]
    slachtoffers = as_records(standard["slachtoffers-slachtoffers"])
    assert {r["regio"] for r in slachtoffers} == {Cell("'" + HOSTILE[0], True)}
    buurten = {r["buurtnaam"].value for r in as_records(standard["leegstand_per_buurt_per_maand-leegstand_per_buurt_per_maand"])}
    assert {"'" + HOSTILE[2], "'" + HOSTILE[3]} <= buurten

    # imported as LEESMIJ.txt says (columns as text): every cell exactly as the CSV holds it
    records = as_records(as_text[f"adressen_{MAAND}-adressen_{MAAND}"])
    expected = warehouse["adressen"]
    assert [r["verblijfsobject_id"].value for r in records] == expected["verblijfsobject_id"].tolist()
    assert [r["postcode"].value for r in records] == expected["postcode"].tolist()
    assert [r["adres"].value for r in records] == [quoted_prefix(v) for v in expected["adres"]]
    assert [r["redenen"].value for r in records] == expected["redenen"].tolist()
    for name, frame in warehouse["trends"].items():
        got = as_records(as_text[f"{name}-{name}"])
        for column in frame.columns:
            if frame[column].dtype == object and not frame[column].map(lambda v: isinstance(v, bool)).any():
                assert [r[column].value for r in got] == [quoted_prefix(v) if isinstance(v, str) else "" for v in frame[column]], \
                    f"{name}.{column}"


def test_leesmij_says_how_to_import_the_csv_files(hostile):
    leesmij = (hostile["package"] / "LEESMIJ.txt").read_text(encoding="utf-8")
    for phrase in ("als tekst", "Kolomtype 'Tekst'", "Gegevenstype 'Tekst'", "Puntkomma", "UTF-8", "apostrof",
                   f"adressen_{MAAND}.xlsx"):
        assert phrase in leesmij, phrase


def test_retention_leaves_no_address_in_any_workbook(hostile, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(hostile["settings"].data, data)
    settings = Settings(data)
    ids = hostile["warehouse"]["adressen"]["verblijfsobject_id"].tolist()
    opschonen(settings, bewaartermijn=1, vandaag=dt.date(2100, 1, 1))
    folder = settings.output_month(MAAND) / "export_riec"
    assert (folder / f"riec_export_{MAAND}.xlsx").exists()
    assert not list(folder.glob("adressen_*")), "an address file survived the retention term"
    for path in settings.output.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as book:
                    content = b"".join(book.read(n) for n in book.namelist())
            if path.name != "manifest.json":
                assert not [i for i in ids if i.encode() in content], f"{path.name} still holds addresses"

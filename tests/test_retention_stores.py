"""Retention reaches every store under the data folder, and every file there is owner-only.

On the 4-month demo: some verblijfsobjecten disappear from the newest month's deliveries (as if
demolished), so their ids are held only by months past the term. The test then puts those ids
into every store it can reach from the command line - monthly runs (Dagster run and event
storage, previews, check results), a refused file (audit.validatielog, the run's failure), an
RIEC export with addresses, `valideer` - cleans with a term of one month and searches every
byte of every file under the data folder (DuckDB file and WAL, Dagster's SQLite files, inbox,
output; zip members such as xlsx unpacked, gzip decompressed) and every text column of the
warehouse for any of those ids.
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
import re
import stat
import zipfile
from pathlib import Path

import duckdb
import pytest

from assets.exports import opschonen
from assets.settings import Settings
from data_contracts.months import add_months
from tests.conftest import run_cli

ID_COLUMNS = ("verblijfsobject_id", "nummeraanduiding_id", "identificatie", "nummeraanduiding_hoofdadres_identificatie",
              "bag_verblijfsobject_id")
GRONDSLAG = "RIEC-convenant 2023, art. 5"
BAG_ID = re.compile(rb"(?<![0-9])[0-9]{16}(?![0-9])")


def _months_per_id(warehouse: Path) -> dict[str, str]:
    """Every verblijfsobject and nummeraanduiding id in a table with a month, with the newest month holding it."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns = con.execute(
            """SELECT c.schema_name, c.table_name, c.column_name FROM duckdb_columns() c
               WHERE c.schema_name IN ('raw', 'staging', 'marts') AND list_contains($ids, c.column_name)
                 AND EXISTS (SELECT 1 FROM duckdb_columns() m WHERE m.schema_name = c.schema_name
                             AND m.table_name = c.table_name AND m.column_name = 'maand')""",
            {"ids": list(ID_COLUMNS)},
        ).fetchall()
        union = " UNION ALL ".join(f'SELECT CAST("{c}" AS VARCHAR) AS id, CAST(maand AS VARCHAR) AS maand FROM "{s}"."{t}"'
                                   for s, t, c in columns)
        return dict(con.execute(f"SELECT id, max(maand) FROM ({union}) WHERE id IS NOT NULL AND id <> '' GROUP BY id").fetchall())
    finally:
        con.close()


def _contents(path: Path) -> list[bytes]:
    """The bytes of a file, plus what is inside when it is a zip (xlsx too) or gzip file."""
    data = path.read_bytes()
    parts = [data]
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts += [archive.read(name) for name in archive.namelist()]
    if data[:2] == b"\x1f\x8b":
        parts.append(gzip.decompress(data))
    return parts


def _ids_in_files(data: Path, ids: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    needles = [(i, i.encode()) for i in ids]
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        parts = _contents(path)
        hits = [i for i, needle in needles if any(needle in part for part in parts)]
        if hits:
            found[str(path.relative_to(data))] = hits
    return found


def _ids_in_warehouse(warehouse: Path, ids: set[str]) -> dict[str, int]:
    """Text columns of every table (audit included) that contain one of the ids anywhere in a value."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute("CREATE TEMP TABLE gezocht (id VARCHAR)")
        con.executemany("INSERT INTO gezocht VALUES (?)", [[i] for i in sorted(ids)])
        columns = con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND NOT internal AND data_type = 'VARCHAR' AND schema_name NOT IN ('main', 'temp')"
        ).fetchall()
        found = {}
        for s, t, c in columns:
            n = con.execute(f'SELECT count(*) FROM "{s}"."{t}" AS x JOIN gezocht ON contains(x."{c}", gezocht.id)').fetchall()[0][0]
            if n:
                found[f"{s}.{t}.{c}"] = n
        return found
    finally:
        con.close()


def _not_private(data: Path) -> list[str]:
    wrong = []
    for path in [data, *sorted(data.rglob("*"))]:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        expected = 0o700 if path.is_dir() else 0o600
        if mode != expected:
            wrong.append(f"{oct(mode)} {path.relative_to(data.parent)}")
    return wrong


def _runs_per_month(home: Path) -> dict[str, int]:
    from dagster import DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    instance = DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))
    try:
        counts: dict[str, int] = {}
        for run in instance.get_runs():
            maand = run.tags.get("dagster/partition")
            if maand:
                counts[maand] = counts.get(maand, 0) + 1
        return counts
    finally:
        instance.dispose()


@pytest.mark.slow
def test_cleaning_leaves_no_id_of_an_old_month_in_any_file_and_every_file_is_owner_only(demo_copy):
    data = demo_copy
    settings = Settings(data)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    maanden = [m for (m,) in con.execute("SELECT DISTINCT maand FROM marts.controlelijst ORDER BY 1").fetchall()]
    newest, old = maanden[-1], maanden[:-1]
    # Objects on an old month's control list disappear from the newest month's deliveries (demolished).
    gone = con.execute(
        """SELECT DISTINCT b.identificatie, b.nummeraanduiding_hoofdadres_identificatie
           FROM marts.controlelijst AS c JOIN staging.bag_verblijfsobject AS b USING (maand)
           WHERE c.maand < $newest AND b.identificatie = c.verblijfsobject_id""",
        {"newest": newest},
    ).fetchall()
    con.close()
    # The demo's planted cases stay in every month (the generator's answer key names them).
    with open(data / "demo_waarheid" / "geplante_gevallen.csv", encoding="utf-8") as fh:
        planted = {row[k] for row in csv.DictReader(fh, delimiter=";") for k in ("verblijfsobject_id", "nummeraanduiding_id")}
    gone = [pair for pair in gone if not planted.intersection(pair)]
    gone_ids = {i for pair in gone for i in pair}
    assert len(gone) >= 20
    newest_files = sorted(p for p in settings.inbox.rglob(f"*_{newest}.*") if p.is_file())
    assert newest_files and all(p.suffix == ".csv" for p in newest_files)
    for path in newest_files:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        path.write_text("\n".join([lines[0], *(l for l in lines[1:] if not any(i in l for i in gone_ids))]) + "\n",
                        encoding="utf-8")
    run_cli("run", "--maand", newest, data=data)

    # An RIEC export with addresses of the oldest month, and a refused file of another old month whose
    # example value is an id (a verblijfsobject delivered twice).
    run_cli("export", "--maand", old[0], "--adressen", "--grondslag", GRONDSLAG, data=data)
    assert list((settings.output_month(old[0]) / "export_riec").glob("adressen_*"))
    vbo = sorted(v for v, _ in gone)[0]
    bag = settings.inbox / "bag" / f"bag_verblijfsobject_{old[1]}.csv"
    lines = bag.read_text(encoding="utf-8").splitlines()
    bag.write_text("\n".join([*lines, next(l for l in lines if l.startswith(vbo))]) + "\n", encoding="utf-8")
    refused = run_cli("run", "--maand", old[1], data=data, check=False)
    assert refused.returncode == 1 and vbo in refused.stderr  # the analyst sees the example value
    checked = run_cli("valideer", str(bag), data=data, check=False)
    assert checked.returncode == 1 and vbo in checked.stdout

    per_id = _months_per_id(settings.warehouse)
    only_old = {i for i, last in per_id.items() if last < newest}
    assert gone_ids <= only_old
    before = _ids_in_files(data, only_old)
    assert before and any(p.startswith("inbox") for p in before)  # the search finds what is there
    # Dagster holds no id at all, of any month: previews, check results and the refusal are address-free.
    in_dagster = {str(p.relative_to(data)): hits for p in sorted(settings.dagster_home.rglob("*")) if p.is_file()
                  and (hits := {n.decode() for part in _contents(p) for n in BAG_ID.findall(part)} & per_id.keys())}
    assert in_dagster == {}
    assert _not_private(data) == []  # what the command line wrote is owner-only

    vandaag = dt.date.fromisoformat(add_months(newest, 1) + "-01")
    result = opschonen(settings, bewaartermijn=1, vandaag=vandaag)
    assert result["oudste_bewaarde_maand"] == newest and result["geverifieerd"]

    assert _ids_in_files(data, only_old) == {}
    assert _ids_in_warehouse(settings.warehouse, only_old) == {}
    assert _not_private(data) == []
    # The newest month is still all there, its runs included; the old months' runs are gone.
    runs = _runs_per_month(settings.dagster_home)
    assert runs.get(newest, 0) >= 1 and not [m for m in runs if m < newest]
    assert (settings.output_month(newest) / "maandrapportage.html").exists()
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM marts.controlelijst WHERE maand = $m", {"m": newest}).fetchall()[0][0] > 0
        assert con.execute("SELECT count(*) FROM audit.exports").fetchall()[0][0] == 1
        refusals = con.execute("SELECT sha256, uitkomst FROM audit.validatielog WHERE maand = $m AND uitkomst = 'geweigerd'",
                               {"m": old[1]}).fetchall()
    finally:
        con.close()
    assert refusals and all(sha for sha, _ in refusals)  # who/when/which file/verdict stays for the auditor


def test_every_preview_is_allow_listed_and_shows_no_address(tmp_path):
    """What the monthly step puts in Dagster for each table: listed columns or counts, never an id,
    postcode, address, rank or score, even though the tables hold them."""
    from assets.maand import SPECS
    from assets.previews import FORBIDDEN, preview, preview_frame
    from tests.test_exports import make_warehouse

    settings = make_warehouse(tmp_path / "data", ("2026-10",))
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        postcode = re.compile(r"[1-9][0-9]{3} ?[A-Z]{2}")
        shown = {}
        for spec in SPECS:
            table = ".".join(spec.key.path)
            if table == "staging.quarantaine":  # no preview (its values are the rows that did not match)
                continue
            frame = preview_frame(con, table, "2026-10")
            assert frame is not None, f"{table} has no entry in assets/previews.py"
            assert not FORBIDDEN.intersection(frame.columns), table
            text = frame.to_csv(index=False)
            assert not BAG_ID.search(text.encode()) and not postcode.search(text) and "Dorpsstraat" not in text, table
            shown[table] = len(frame)
        assert shown["marts.controlelijst"] >= 1 and shown["marts.leegstand_buurt"] >= 1
        assert "Geen voorbeeld" in preview(con, "staging.quarantaine", "2026-10").value
    finally:
        con.close()

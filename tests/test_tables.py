"""Every warehouse table has its DDL in assets/schema.sql and its SQL in a file named after it.

A reader looking for where a table comes from finds `CREATE TABLE <table>` in schema.sql and
`assets/**/<table>.sql` (plus `<table>__<what>.sql` when it is filled from several places);
nothing else creates a warehouse table.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from assets.ingest import MONTHLY_SOURCES, load_staging, load_kvk, sbi_prefixes
from assets.warehouse import ASSETS_DIR, SCHEMA_SQL, ensure_schema, month_params, sql_file, transform_files
from data_contracts import validate_file

WAREHOUSE_SCHEMAS = ("staging", "marts", "audit")
# SQL files that fill no warehouse table: queries behind outputs, and intermediate temp tables.
QUERY_PREFIXES = ("export", "rapport", "trend", "temp", "inzage", "regio_overzicht")
GOOD_FILES = Path(__file__).resolve().parent / "contract_corpus" / "goed"

_CREATE = re.compile(r"CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+([a-z_]+\.[a-z_]+)\s*\((.*?)\n\);", re.S | re.I)
_COLUMN = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s+[A-Z]", re.M)


def _ddl() -> dict[str, list[str]]:
    """Table -> column names, as written in schema.sql."""
    text = re.sub(r"--[^\n]*", "", SCHEMA_SQL.read_text(encoding="utf-8"))
    tables = {}
    for table, body in _CREATE.findall(text):
        columns = []
        for part in re.split(r",\s*(?![^()]*\))", body):  # commas outside MAP(…, …)/PRIMARY KEY (…)
            part = part.strip()
            if part and not part.upper().startswith(("PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN KEY")):
                columns.append(_COLUMN.match(part).group(1))
        tables[table] = columns
    return tables


@pytest.fixture(scope="module")
def schema() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_schema(con)
    yield con
    con.close()


def _tables(con) -> list[str]:
    return [t for (t,) in con.execute(
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY ALL").fetchall()]


def _columns(con, table: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()]


def test_every_table_has_ddl_and_a_transform_file(schema):
    tables = _tables(schema)
    assert set(tables) == set(_ddl()), "schema.sql creates tables only with CREATE TABLE IF NOT EXISTS <schema>.<table> (…)"
    assert {t.split(".")[0] for t in tables} == set(WAREHOUSE_SCHEMAS)
    missing = [t for t in tables if not transform_files(t)]
    assert not missing, f"tables without a SQL file named after them (assets/**/<table>.sql): {missing}"


def test_every_table_file_fills_a_table_in_the_schema(schema):
    tables = set(_tables(schema))
    orphans, unknown = [], []
    for path in sorted(ASSETS_DIR.rglob("*.sql")):
        if path == SCHEMA_SQL:
            continue
        prefix, _, rest = path.stem.partition(".")
        if prefix in QUERY_PREFIXES:
            continue
        if prefix not in WAREHOUSE_SCHEMAS or not rest:
            unknown.append(path.relative_to(ASSETS_DIR))
        elif f"{prefix}.{rest.split('__')[0]}" not in tables:
            orphans.append(path.relative_to(ASSETS_DIR))
    assert not unknown, f"SQL files named neither <schema>.<table> nor as a query ({', '.join(QUERY_PREFIXES)}): {unknown}"
    assert not orphans, f"SQL files for tables that schema.sql does not create: {orphans}"


def test_transform_files_of_a_table_filled_from_two_places():
    assert [p.name for p in transform_files("staging.quarantaine")] == ["staging.quarantaine.sql", "staging.quarantaine__kvk.sql"]
    assert transform_files("staging.kvk_vestigingen") == [ASSETS_DIR / "ingest" / "staging.kvk_vestigingen.sql"]
    assert sql_file("temp.kvk_gematcht").parent == ASSETS_DIR / "ingest"


def test_loaded_tables_have_exactly_the_columns_of_their_ddl(schema):
    ddl = _ddl()
    for table in _tables(schema):
        assert [c for c, _ in _columns(schema, table)] == ddl[table], table


def test_no_code_creates_a_warehouse_table_outside_schema_sql():
    create = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\b", re.I)
    found = [
        str(path.relative_to(ASSETS_DIR.parent))
        for folder in (ASSETS_DIR, ASSETS_DIR.parent / "pipelines")
        for path in [*folder.rglob("*.py"), *folder.rglob("*.sql")]
        if path != SCHEMA_SQL and create.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"tables created outside schema.sql (only TEMP tables may be): {found}"


@pytest.mark.parametrize("source", MONTHLY_SOURCES)
def test_a_checked_file_goes_to_staging_without_a_second_copy(source):
    """Each staging table is filled from the contract's frame of the file (`ontvangen`): the rows
    arrive, and no other warehouse table holds the file's rows a second time."""
    from assets.settings import CONFIG_DIR

    bag_path = next(GOOD_FILES.glob("*/bag_verblijfsobject_2026-10.csv"))
    path = next(GOOD_FILES.glob(f"*/{source}_2026-10.csv"))
    today = date(2026, 11, 15)
    con = duckdb.connect()
    try:
        ensure_schema(con)
        params = month_params("2026-10")
        bag = validate_file(bag_path, "bag_verblijfsobject", today=today)
        load_staging(con, "bag_verblijfsobject", bag.frame, {**params, "gemeente": "0638"}, bag_path.name)
        result = validate_file(path, source, today=today)
        assert not result.geweigerd, result.meldingen()
        if source == "kvk_vestigingen":
            matched, unmatched, _ = load_kvk(con, params, sbi_prefixes(CONFIG_DIR / "sbi_risico.csv"), result.frame, path.name)
            assert matched + unmatched == len(result.frame) > 0
        elif source != "bag_verblijfsobject":
            assert load_staging(con, source, result.frame, params, path.name) > 0
        assert con.execute(f"SELECT count(*) FROM staging.{source} WHERE maand = '2026-10'").fetchall()[0][0] > 0
        filled = {t for t in _tables(con) if con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]}
        assert filled <= {"staging.bag_verblijfsobject", f"staging.{source}", "staging.quarantaine"}, filled
    finally:
        con.close()


def test_an_older_warehouse_loses_its_second_copy_of_the_files(tmp_path):
    """Warehouses made before kept every file again in raw.*: those tables are dropped on connect."""
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw; CREATE TABLE raw.brp_adrestellingen AS SELECT '2026-10' AS maand, 3 AS ingeschrevenen")
    con.close()
    con = duckdb.connect(str(path))
    try:
        ensure_schema(con)
        assert con.execute("SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'raw'").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM staging.brp_adrestellingen").fetchall()[0][0] == 0
    finally:
        con.close()


def test_the_readme_lists_every_table_with_its_sql_files():
    """README 'Every table and its SQL' names each table of schema.sql with exactly its files."""
    readme = (ASSETS_DIR.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Every table and its SQL", 1)[1].split("\n## ", 1)[0]
    listed = {m.group(1): sorted(re.findall(r"`(assets/[^`]+\.sql)`", m.group(2)))
              for m in re.finditer(r"^\| `([a-z]+\.[a-z_]+)` \| (.*) \|$", section, flags=re.M)}
    con = duckdb.connect()
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    tables = {f"{s}.{t}" for s, t in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}
    assert set(listed) == tables, f"README tables differ from schema.sql: {sorted(set(listed) ^ tables)}"
    for table, files in listed.items():
        expected = sorted(str(p.relative_to(ASSETS_DIR.parent)) for p in transform_files(table))
        assert files == expected, f"README names {files} for {table}, the tree has {expected}"

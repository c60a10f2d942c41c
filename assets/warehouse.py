"""Small helpers over DuckDB that every layer uses: schema, SQL files, month replacement.

A transform lives in a `.sql` file named after the table it produces (`marts.vacancy.sql`
beside the module that runs it). The file holds one SELECT; `replace_month` deletes the
month's rows and inserts the SELECT's rows by column name. Parameters (`$maand`, …) are
bound, never formatted into the SQL.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

ASSETS_DIR = Path(__file__).resolve().parent
SCHEMA_SQL = ASSETS_DIR / "schema.sql"
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def sql_file(table: str) -> Path:
    """The `.sql` file that produces `table` (e.g. 'marts.vacancy')."""
    matches = list(ASSETS_DIR.glob(f"*/{table}.sql"))
    if len(matches) != 1:
        raise FileNotFoundError(f"expected one SQL file for {table}, found {matches}")
    return matches[0]


def bind(sql: str, params: dict) -> dict:
    """Only the parameters the statement uses (DuckDB refuses unused named parameters)."""
    used = set(_PARAM.findall(sql))
    missing = used - params.keys()
    if missing:
        raise KeyError(f"SQL needs parameters {sorted(missing)}")
    return {k: v for k, v in params.items() if k in used}


def query(con: duckdb.DuckDBPyConnection, table: str, params: dict):
    """Run the SELECT of `table`'s SQL file and return the relation's result."""
    sql = sql_file(table).read_text(encoding="utf-8")
    return con.execute(sql, bind(sql, params))


def replace_month(con: duckdb.DuckDBPyConnection, table: str, params: dict) -> int:
    """Replace the rows of `params['maand']` in `table` with its SQL file's SELECT.

    Runs inside the caller's transaction; returns the number of rows now in the month.
    """
    sql = sql_file(table).read_text(encoding="utf-8").rstrip().rstrip(";")
    con.execute(f"DELETE FROM {table} WHERE maand = $maand", {"maand": params["maand"]})
    con.execute(f"INSERT INTO {table} BY NAME ({sql})", bind(sql, params))
    return scalar(con, f"SELECT count(*) FROM {table} WHERE maand = $maand", {"maand": params["maand"]})


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None):
    """First value of a query's first row (fetches the whole result: DuckDB 2 refuses new work
    on a connection while a result is still open)."""
    rows = con.execute(sql, params or {}).fetchall()
    return rows[0][0] if rows else None


def month_params(maand: str, **extra) -> dict:
    """Standard parameters of a month: maand, peildatum (last day), vorige_maand, and the first
    months of the 12- and 24-month windows that end with it."""
    import datetime as dt

    year, month = int(maand[:4]), int(maand[5:7])
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    prev = dt.date(year - (month == 1), (month - 2) % 12 + 1, 1)

    def months_back(n: int) -> str:
        index = year * 12 + month - 1 - n
        return f"{index // 12:04d}-{index % 12 + 1:02d}"

    return {
        "maand": maand,
        "peildatum": nxt - dt.timedelta(days=1),
        "vorige_maand": prev.strftime("%Y-%m"),
        "begin_12m": months_back(11),
        "begin_24m": months_back(23),
        **extra,
    }


class connect:
    """A DuckDB connection from the Dagster resource that always closes, even on errors.

    DuckDBResource.get_connection() has no try/finally (see FACTS.md): after an exception the
    file lock could outlive the step. The schema is ensured on every connection, and the
    warehouse file is kept readable by its owner only.
    """

    def __init__(self, resource):
        self._context = resource.get_connection()

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.con = self._context.__enter__()
        ensure_schema(self.con)
        database = Path(self.con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0][0] or "")
        if database.is_file():
            database.chmod(0o600)
        return self.con

    def __exit__(self, *exc):
        try:
            self.con.close()
        finally:
            self._context.__exit__(*exc)
        return False

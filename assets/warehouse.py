"""Small helpers over DuckDB that every layer uses: schema, SQL files, month replacement.

Every warehouse table is created in `schema.sql` and filled by a `.sql` file named after it,
beside the module that runs it (`marts.leegstand.sql`). A table filled from more than one place
has one file per place, `<table>__<what>.sql` (`staging.quarantaine__kvk.sql`); an intermediate
temp table has `temp.<name>.sql`. `transform_files(table)` lists a table's files. A file holds
one SELECT; `replace_month` deletes the month's rows and inserts the SELECT's rows by column
name, `insert`/`replace` do the same for other keys. Frames the SELECT reads (a registered
pandas or Arrow table) are passed by the name the file uses. Parameters (`$maand`, …) are
bound, never formatted into the SQL.
"""
from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from pathlib import Path

import duckdb

ASSETS_DIR = Path(__file__).resolve().parent
SCHEMA_SQL = ASSETS_DIR / "schema.sql"
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


# Tables renamed when table names became Dutch domain terms: a warehouse made before keeps its
# history under the new name.
RENAMED = {
    "marts.vacancy": "leegstand",
    "marts.vacancy_buurt": "leegstand_buurt",
    "marts.address_features": "adreskenmerken",
    "marts.address_scores": "adresscores",
    "marts.control_list": "controlelijst",
}


def _rename_old_tables(con: duckdb.DuckDBPyConnection) -> None:
    present = {f"{s}.{t}" for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    for old, new in RENAMED.items():
        if old in present and f"{old.split('.')[0]}.{new}" not in present:
            con.execute(f"ALTER TABLE {old} RENAME TO {new}")


def _drop_received_copies(con: duckdb.DuckDBPyConnection) -> None:
    """Warehouses made before kept every inbox file a second time in schema raw; the inbox keeps
    the file and staging.* what the pipeline uses, so the copies go (a full copy of every register
    each month)."""
    if not con.execute("SELECT count(*) FROM duckdb_schemas() WHERE database_name = current_database() "
                       "AND schema_name = 'raw'").fetchall()[0][0]:
        return
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                                "AND schema_name = 'raw'").fetchall():
        con.execute(f'DROP TABLE raw."{table}"')
    con.execute("DROP SCHEMA raw")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    _rename_old_tables(con)
    _drop_received_copies(con)
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


@functools.cache
def _sql_files() -> dict[str, tuple[Path, ...]]:
    """Every `.sql` file under assets/ by its name without `.sql`: one walk of the tree per process
    (a walk per statement cost ~1 ms, 5 % of a gemeente month's scoring core)."""
    found: dict[str, list[Path]] = {}
    for path in ASSETS_DIR.rglob("*.sql"):
        found.setdefault(path.name[: -len(".sql")], []).append(path)
    return {name: tuple(sorted(paths)) for name, paths in found.items()}


def sql_file(name: str) -> Path:
    """The `.sql` file `name` (a table such as 'marts.leegstand', a variant such as
    'staging.quarantaine__kvk', or a temp table such as 'temp.kvk_gematcht')."""
    matches = _sql_files().get(name, ())
    if len(matches) != 1:
        raise FileNotFoundError(f"expected one SQL file for {name}, found {list(matches)}")
    return matches[0]


def transform_files(table: str) -> list[Path]:
    """Every `.sql` file that fills `table`: `<table>.sql` and its variants `<table>__*.sql`."""
    return sorted(path for name, paths in _sql_files().items()
                  if name == table or name.startswith(f"{table}__") for path in paths)


def _select(name: str) -> str:
    return sql_file(name).read_text(encoding="utf-8").rstrip().rstrip(";")


def bind(sql: str, params: dict) -> dict:
    """Only the parameters the statement uses (DuckDB refuses unused named parameters)."""
    used = set(_PARAM.findall(sql))
    missing = used - params.keys()
    if missing:
        raise KeyError(f"SQL needs parameters {sorted(missing)}")
    return {k: v for k, v in params.items() if k in used}


def unregister(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a registered frame; quietly, so an aborted transaction keeps its own error."""
    try:
        con.unregister(name)
    except duckdb.Error:
        pass


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, frames: dict | None):
    """The frames (pandas or Arrow) visible to SQL under their names while the block runs."""
    frames = frames or {}
    try:
        for name, frame in frames.items():
            con.register(name, frame)
        yield con
    finally:
        for name in frames:
            unregister(con, name)


def query(con: duckdb.DuckDBPyConnection, table: str, params: dict):
    """Run the SELECT of `table`'s SQL file and return the relation's result."""
    sql = sql_file(table).read_text(encoding="utf-8")
    return con.execute(sql, bind(sql, params))


def delete(con: duckdb.DuckDBPyConnection, table: str, params: dict, keys: tuple[str, ...] = ("maand",)) -> None:
    """Delete the rows of `table` whose `keys` columns equal `params` (every row when no keys)."""
    where = " AND ".join(f"{k} = ${k}" for k in keys)
    con.execute(f"DELETE FROM {table}" + (f" WHERE {where}" if where else ""), {k: params[k] for k in keys})


def insert(con: duckdb.DuckDBPyConnection, table: str, params: dict | None = None, *,
           frames: dict | None = None, file: str | None = None) -> int:
    """Insert the SELECT of `table`'s SQL file (or of the variant `file`) by column name, with
    `frames` registered under their names; returns the number of rows inserted."""
    sql = _select(file or table)
    with registered(con, frames):
        return con.execute(f"INSERT INTO {table} BY NAME ({sql})", bind(sql, params or {})).fetchall()[0][0]


def replace(con: duckdb.DuckDBPyConnection, table: str, params: dict | None = None, *, keys: tuple[str, ...] = (),
            frames: dict | None = None, file: str | None = None) -> int:
    """Replace the rows of `table` whose `keys` equal `params` (all rows when no keys) with its
    SQL file's SELECT; returns the number of rows inserted. Inside the caller's transaction."""
    params = params or {}
    delete(con, table, params, keys)
    return insert(con, table, params, frames=frames, file=file)


def replace_month(con: duckdb.DuckDBPyConnection, table: str, params: dict, *, frames: dict | None = None) -> int:
    """Replace the rows of `params['maand']` in `table` with its SQL file's SELECT.

    Runs inside the caller's transaction; returns the number of rows now in the month: the rows
    inserted, since the month's rows were deleted first and every table's SELECT yields rows of
    `$maand` only (no second count over the table: a statement costs milliseconds at gemeente scale).
    """
    return replace(con, table, params, keys=("maand",), frames=frames)


def create_temp(con: duckdb.DuckDBPyConnection, name: str, params: dict, *, frames: dict | None = None) -> None:
    """(Re)create the temp table `name` from `temp.<name>.sql` (dropped with the connection)."""
    sql = _select(f"temp.{name}")
    with registered(con, frames):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS ({sql})", bind(sql, params))


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None):
    """First value of a query's first row (fetches the whole result: DuckDB 2 refuses new work
    on a connection while a result is still open)."""
    rows = con.execute(sql, params or {}).fetchall()
    return rows[0][0] if rows else None


def month_params(maand: str, **extra) -> dict:
    """Standard parameters of a month: maand, peildatum (last day), vorige_maand, and the first
    months of the 12- and 24-month windows that end with it."""
    from data_contracts.months import add_months, last_day

    return {
        "maand": maand,
        "peildatum": last_day(maand),
        "vorige_maand": add_months(maand, -1),
        "begin_12m": add_months(maand, -11),
        "begin_24m": add_months(maand, -23),
        **extra,
    }


def open_for_writing(warehouse: Path, error: type[Exception]) -> duckdb.DuckDBPyConnection:
    """A writable connection to the warehouse file with its schema ensured, for the CLI's own
    commands (export, inzage, opschonen); `error` (Dutch) when a run holds the writer."""
    try:
        con = duckdb.connect(str(warehouse))
    except duckdb.IOException as exc:
        raise error(f"Het warehouse {warehouse} is in gebruik (loopt er een verwerking?); "
                    f"probeer het later opnieuw.\n{exc}") from exc
    ensure_schema(con)
    return con


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

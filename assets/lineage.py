"""Lineage and standard metadata of the SQL-backed assets, read from the SQL and the schema.

A table's dependencies are the tables its SQL file reads, so they are never typed twice (as
dbt's `ref()` and dagster-dbt's manifest do). The SQL is parsed with sqlglot (DuckDB dialect);
DuckDB's own `get_table_names` needs to bind the query and cannot bind `USING` joins on CTEs.

Rules, in this order:

- **What counts as a read.** Every table reference in the table's files (`<table>.sql` and its
  variants `<table>__*.sql`) except the names of their CTEs; a reference to an intermediate temp
  table with a file `temp.<name>.sql` stands for what that file reads.
- **Which reads are asset dependencies.** A read is a dependency when it is schema-qualified and
  its schema is a layer Dagster materializes, `staging` or `marts` (`ASSET_SCHEMAS`). Not assets:
  `audit.*` (run logs) and unqualified names (frames and temp tables registered from Python, such
  as `ontvangen` - the contract-checked file -, `indicator_drempels`, `sbi_risico`).
- **Previous month.** A reference whose `maand` column is compared with `$vorige_maand`
  (`maand = $vorige_maand`, or `$vorige_maand` in an `IN` list) reads the previous month. The
  comparison counts when it sits in the WHERE or a JOIN ... ON of the SELECT that holds the
  reference, and names the reference's alias (or is unqualified and the reference is the only
  table of that SELECT). Any other reference of the table (no month filter, `= $maand`, a window
  such as `BETWEEN $begin_12m AND $maand`, `< $maand`) reads the current month. A table reading
  itself always reads its previous month: its own earlier months are reached through it.
- **Partition mapping.** Previous month only: `TimeWindowPartitionMapping(start_offset=-1,
  end_offset=-1)`. Previous and current month (e.g. `maand IN ($maand, $vorige_maand)`):
  `start_offset=-1, end_offset=0`, since Dagster allows one dependency per upstream key.
  Current month (and windows over history): a plain dependency, the monthly partition's identity.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import duckdb

if TYPE_CHECKING:
    from sqlglot import exp

from assets.warehouse import SCHEMA_SQL, sql_file, transform_files

ASSET_SCHEMAS = frozenset({"staging", "marts"})
PREVIOUS_MONTH_PARAMETER = "vorige_maand"
MONTH_COLUMN = "maand"


@dataclass(frozen=True)
class Read:
    """One table a SQL file reads, and which of its months."""

    table: str  # 'marts.leegstand', or an unqualified temp table such as 'indicator_drempels'
    current: bool  # the current month, or months not pinned to the previous one
    previous: bool  # the previous month ($vorige_maand)

    @property
    def is_asset(self) -> bool:
        schema, _, name = self.table.rpartition(".")
        return bool(name) and schema in ASSET_SCHEMAS


def table_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


def key_table(key: dg.AssetKey) -> str:
    return ".".join(key.path)


def _months(reference: "exp.Table") -> set[str]:
    """The month parameters a reference's `maand` column is compared with; '*' for anything else."""
    from sqlglot import exp

    select = reference.find_ancestor(exp.Select)
    if select is None:
        return {"*"}
    sources = [t for t in select.find_all(exp.Table) if t.find_ancestor(exp.Select) is select]
    sources += [s for s in select.find_all(exp.Subquery) if s.find_ancestor(exp.Select) is select]
    alias = reference.alias_or_name
    conditions = [select.args.get("where")] + [j.args.get("on") for j in select.args.get("joins") or []]
    months: set[str] = set()
    for condition in filter(None, conditions):
        for column in condition.find_all(exp.Column):
            if column.name != MONTH_COLUMN or column.find_ancestor(exp.Select) is not select:
                continue
            if column.table != alias and (column.table or len(sources) > 1):
                continue
            predicate = column.parent
            others = []
            if isinstance(predicate, exp.EQ):
                others = [predicate.expression if predicate.this is column else predicate.this]
            elif isinstance(predicate, exp.In) and predicate.this is column:
                others = list(predicate.expressions)
            if others and all(isinstance(o, exp.Placeholder) for o in others):
                months.update(o.name for o in others)
            else:
                months.add("*")
    return months or {"*"}


def parse_reads(sql: str, table: str | None = None) -> dict[str, Read]:
    """The tables `sql` reads (CTE names excluded), by name; `table` is the table it produces."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    found: dict[str, set[str]] = {}
    for reference in tree.find_all(exp.Table):
        if not reference.db and reference.name in ctes:
            continue
        if not reference.name:  # table functions such as range(), read_csv()
            continue
        name = ".".join(part for part in (reference.catalog, reference.db, reference.name) if part)
        found.setdefault(name, set()).update(_months(reference))
    reads = {}
    for name, months in sorted(found.items()):
        if name == table:
            reads[name] = Read(name, current=False, previous=True)
        else:
            reads[name] = Read(name, current=bool(months - {PREVIOUS_MONTH_PARAMETER}),
                               previous=PREVIOUS_MONTH_PARAMETER in months)
    return reads


def _merge(a: Read, b: Read) -> Read:
    return Read(a.table, current=a.current or b.current, previous=a.previous or b.previous)


# Parsing the SQL of every asset with sqlglot costs about a second at each start of the code
# location (every `risicoradar run`). What it finds depends only on the SQL files and this module,
# so it is kept in the user's cache folder under a digest of both, and parsed again when either
# changes. A cache that cannot be read or written is simply not used.
def _cache_path() -> Path:
    from assets.warehouse import ASSETS_DIR

    from importlib.metadata import version

    digest = hashlib.sha256(Path(__file__).read_bytes() + version("sqlglot").encode())
    for path in sorted(ASSETS_DIR.rglob("*.sql")):
        digest.update(str(path.relative_to(ASSETS_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "risicoradar"
    return base / f"lineage-{digest.hexdigest()[:20]}.json"


@functools.cache
def _cache() -> tuple[Path | None, dict]:
    try:
        path = _cache_path()
    except OSError:
        return None, {}
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return path, {t: {n: Read(**r) for n, r in found.items()} for t, found in stored.items()}
    except (OSError, ValueError, TypeError):
        return path, {}


def _store(table: str, found: dict[str, Read]) -> None:
    path, cached = _cache()
    cached[table] = found
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8", suffix=".tmp") as out:
            json.dump({t: {n: asdict(r) for n, r in f.items()} for t, f in cached.items()}, out)
        os.replace(out.name, path)
    except OSError:
        pass


@functools.cache
def reads(table: str) -> dict[str, Read]:
    """The tables the SQL files of `table` (e.g. 'marts.controlelijst'; a table filled from several
    places has variants `<table>__*.sql`) read. An unqualified name with a file `temp.<name>.sql`
    (an intermediate temp table built in the same step) is replaced by what that file reads.
    From the cache folder when the SQL files and this module are unchanged (`_cache_path`)."""
    _, cached = _cache()
    if table not in cached:
        _store(table, _parse_table(table))
    return dict(cached[table])


def _parse_table(table: str) -> dict[str, Read]:
    found: dict[str, Read] = {}
    files = transform_files(table) or [sql_file(table)]
    for path in files:
        for name, read in parse_reads(path.read_text(encoding="utf-8"), table).items():
            if "." not in name and transform_files(f"temp.{name}"):
                expanded = reads(f"temp.{name}").items()
            else:
                expanded = [(name, read)]
            for sub_name, sub_read in expanded:
                found[sub_name] = _merge(found[sub_name], sub_read) if sub_name in found else sub_read
    return dict(sorted(found.items()))


def dependency(read: Read) -> dg.AssetDep:
    if not read.previous:
        return dg.AssetDep(table_key(read.table))
    return dg.AssetDep(
        table_key(read.table),
        partition_mapping=dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=0 if read.current else -1),
    )


def asset_deps(*names: str) -> list[dg.AssetDep]:
    """The AssetSpec deps of a table (or of an asset built from several query files, e.g. every
    `rapport.*` file of the report): the asset tables the SQL reads, previous months mapped."""
    merged: dict[str, Read] = {}
    for name in names:
        for table, read in reads(name).items():
            merged[table] = _merge(merged[table], read) if table in merged else read
    return [dependency(r) for _, r in sorted(merged.items()) if r.is_asset]


def query_names(prefix: str) -> list[str]:
    """The query files of one family (e.g. 'rapport' -> ['rapport.bronnen', ...])."""
    from assets.warehouse import ASSETS_DIR

    return sorted(p.stem for p in ASSETS_DIR.rglob(f"{prefix}.*.sql"))


# --- Standard metadata, applied to every spec at the root ------------------------------------


@functools.cache
def _schema_columns() -> dict[str, list[tuple[str, str, bool]]]:
    """Columns of every table in assets/schema.sql: {'schema.table': [(name, type, nullable)]}."""
    with duckdb.connect() as con:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        rows = con.execute(
            "SELECT schema_name || '.' || table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
            "WHERE database_name = current_database() AND NOT internal ORDER BY schema_name, table_name, column_index"
        ).fetchall()
    columns: dict[str, list[tuple[str, str, bool]]] = {}
    for table, name, data_type, nullable in rows:
        columns.setdefault(table, []).append((name, data_type, nullable))
    return columns


def column_schema(table: str) -> dg.TableSchema | None:
    columns = _schema_columns().get(table)
    if columns is None:
        return None
    return dg.TableSchema(
        columns=[dg.TableColumn(name, data_type, constraints=dg.TableColumnConstraints(nullable=nullable))
                 for name, data_type, nullable in columns]
    )


def _sql_file_or_none(table: str):
    try:
        return sql_file(table)
    except FileNotFoundError:
        return None


def with_standard_metadata(spec: dg.AssetSpec) -> dg.AssetSpec:
    """`dagster/table_name` and `dagster/column_schema` for a table of assets/schema.sql;
    `dagster/code_references` and `code_version` (SHA-256 of the SQL) for a table with a SQL file.
    Other specs are returned as they are."""
    table = key_table(spec.key)
    metadata = {}
    schema = column_schema(table)
    if schema is not None:
        metadata["dagster/table_name"] = table
        metadata["dagster/column_schema"] = schema
    path = _sql_file_or_none(table) if schema is not None else None
    if path is None:
        return spec.merge_attributes(metadata=metadata) if metadata else spec
    with warnings.catch_warnings():  # code references are beta in Dagster 1.x
        warnings.simplefilter("ignore", dg.BetaWarning)
        metadata["dagster/code_references"] = dg.CodeReferencesMetadataValue(
            code_references=[dg.LocalFileCodeReference(file_path=str(path), line_number=1, label=path.name)]
        )
    return spec.merge_attributes(metadata=metadata).replace_attributes(
        code_version=hashlib.sha256(path.read_bytes()).hexdigest()
    )

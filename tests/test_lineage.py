"""The asset graph is the SQL's lineage: every SQL-backed asset depends on exactly the asset
tables its SQL reads, and every change of the graph shows as a diff of a checked-in snapshot."""
from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets import lineage
from assets.warehouse import ASSETS_DIR, SCHEMA_SQL, sql_file

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "asset_graph.json"
REGENERATE = "RISICORADAR_SNAPSHOT_BIJWERKEN=1 PYTHONPATH=. python -m pytest tests/test_lineage.py -k snapshot"

# Specs whose deps are still written by hand (assets/ingest): the lineage test skips them while
# they are listed here. Empty the set when assets/ingest builds its deps with lineage.asset_deps.
HAND_WRITTEN_DEPS = frozenset()

TRANSFORM_FILES = sorted(p for p in ASSETS_DIR.glob("*/*.*.sql"))


@pytest.fixture(scope="module")
def defs():
    """The whole graph, per-gemeente assets included (they are in the UI only in per-gemeente mode)."""
    from assets.settings import Settings
    from pipelines.definitions import build_definitions

    return build_definitions(Settings.from_env(), per_gemeente=True)


def _mapping(dep: dg.AssetDep) -> str:
    """How a dep maps the month: '' (same month), or the TimeWindowPartitionMapping's offsets."""
    mapping = dep.partition_mapping
    if mapping is None:
        return ""
    if isinstance(mapping, dg.MultiPartitionMapping):
        mapping = mapping.downstream_mappings_by_upstream_dimension["maand"].partition_mapping
    if isinstance(mapping, dg.TimeWindowPartitionMapping):
        return f"maand {mapping.start_offset:+d}..{mapping.end_offset:+d}"
    return type(mapping).__name__


def _spec_deps(spec: dg.AssetSpec) -> dict[str, str]:
    return {lineage.key_table(d.asset_key): _mapping(d) for d in spec.deps}


def _sql_deps(table: str) -> dict[str, str]:
    return {r.table: _mapping(lineage.dependency(r)) for r in lineage.reads(table).values() if r.is_asset}


def _sql_backed_specs(defs) -> list[tuple[str, dg.AssetSpec]]:
    out = []
    for spec in defs.resolve_all_asset_specs():
        table = lineage.key_table(spec.key)
        if list(ASSETS_DIR.glob(f"*/{table}.sql")):
            out.append((table, spec))
    return out


def test_every_sql_backed_asset_depends_on_exactly_the_asset_tables_its_sql_reads(defs):
    checked = []
    for table, spec in _sql_backed_specs(defs):
        if table in HAND_WRITTEN_DEPS:
            continue
        assert _spec_deps(spec) == _sql_deps(table), (
            f"{table}: the asset's deps differ from what {sql_file(table).name} reads; build them with "
            f"assets.lineage.asset_deps({table!r})"
        )
        checked.append(table)
    assert len(checked) >= 11, checked  # vacancy (2), features (1), scoring (2), evaluation (6)


def test_every_dependency_is_an_asset_of_the_definitions(defs):
    keys = set(defs.resolve_all_asset_keys())
    for spec in defs.resolve_all_asset_specs():
        missing = [d.asset_key.to_user_string() for d in spec.deps if d.asset_key not in keys]
        assert not missing, f"{spec.key.to_user_string()} depends on tables that are no asset: {missing}"


def test_the_drifted_reads_are_dependencies_now(defs):
    graph = defs.resolve_asset_graph()

    def parents(table):
        return {lineage.key_table(k) for k in graph.get(lineage.table_key(table)).parent_keys}

    assert {"marts.adresscores", "marts.adreskenmerken", "staging.bag_verblijfsobject"} <= parents("marts.controlelijst")
    assert {"marts.adreskenmerken", "staging.bag_verblijfsobject", "staging.cbs_buurten"} <= parents("marts.evaluatie_buurt")
    # previous month of its own table; previous (and current) month of the scores
    vorige = dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)
    assert graph.get_partition_mapping(lineage.table_key("marts.leegstand_buurt"), lineage.table_key("marts.leegstand_buurt")) == vorige
    assert graph.get_partition_mapping(lineage.table_key("marts.leegstand"), lineage.table_key("marts.leegstand")) == vorige
    assert graph.get_partition_mapping(lineage.table_key("marts.evaluatie_drift"), lineage.table_key("marts.adresscores")) == \
        dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=0)


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("SELECT * FROM marts.a WHERE maand = $maand", {"marts.a": (True, False)}),
        ("SELECT * FROM marts.a WHERE maand = $vorige_maand", {"marts.a": (False, True)}),
        ("SELECT * FROM marts.a AS x JOIN marts.b AS y ON y.maand = $vorige_maand AND y.id = x.id WHERE x.maand = $maand",
         {"marts.a": (True, False), "marts.b": (False, True)}),
        ("SELECT * FROM marts.a WHERE maand IN ($maand, $vorige_maand)", {"marts.a": (True, True)}),
        ("WITH v AS (SELECT * FROM marts.a WHERE maand = $vorige_maand) SELECT * FROM v JOIN marts.a USING (id)",
         {"marts.a": (True, True)}),
        # unqualified `maand` with two tables in the SELECT: not pinned to either
        ("SELECT * FROM marts.a JOIN marts.b USING (id) WHERE maand = $vorige_maand", {"marts.a": (True, False), "marts.b": (True, False)}),
        # a filter inside a subquery belongs to the subquery's own table
        ("SELECT * FROM marts.a WHERE id IN (SELECT id FROM marts.b WHERE maand = $vorige_maand)",
         {"marts.a": (True, False), "marts.b": (False, True)}),
        ("SELECT * FROM marts.a WHERE maand BETWEEN $begin_12m AND $maand", {"marts.a": (True, False)}),
        ("SELECT * FROM raw.x JOIN indicator_drempels USING (k)", {"raw.x": (True, False), "indicator_drempels": (True, False)}),
    ],
)
def test_reads_and_their_months_from_sql(sql, expected):
    assert {t: (r.current, r.previous) for t, r in lineage.parse_reads(sql).items()} == expected


def test_a_table_reading_itself_reads_its_previous_month():
    reads = lineage.parse_reads("SELECT * FROM marts.a WHERE maand < $maand", table="marts.a")
    assert lineage.dependency(reads["marts.a"]).partition_mapping == dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)


def test_only_staging_and_marts_are_asset_dependencies():
    reads = lineage.parse_reads(
        "SELECT * FROM raw.kvk_vestigingen JOIN staging.bag_verblijfsobject USING (id) JOIN sbi_risico USING (sbi) "
        "JOIN audit.validatielog USING (maand)"
    )
    assert [r.table for r in reads.values() if r.is_asset] == ["staging.bag_verblijfsobject"]


def test_parser_agrees_with_duckdb_on_every_file_duckdb_can_bind():
    """sqlglot against DuckDB's own parser (`get_table_names` binds, so it needs the schema and a
    temp table; it cannot bind `USING` joins on CTEs, those files are only parsed by sqlglot)."""
    con = duckdb.connect()
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    con.execute("CREATE TEMP TABLE indicator_drempels (indicator VARCHAR, kenmerk VARCHAR, drempel DOUBLE, punten INTEGER)")
    compared = 0
    for path in TRANSFORM_FILES:
        sql = path.read_text(encoding="utf-8")
        ours = set(lineage.parse_reads(sql, path.stem))
        try:
            names = duckdb.get_table_names(re.sub(r"\$[a-z_][a-z0-9_]*", "NULL", sql), qualified=True, connection=con)
        except duckdb.BinderException:
            continue
        theirs = {n.split(" AS ")[0] for n in names}
        assert ours == theirs, path.name
        compared += 1
    assert compared >= len(TRANSFORM_FILES) // 2, f"DuckDB bound only {compared} of {len(TRANSFORM_FILES)} files"


def test_every_transform_file_parses():
    for path in TRANSFORM_FILES:
        sql = path.read_text(encoding="utf-8")
        reads = lineage.parse_reads(sql, path.stem)
        # a file without FROM inserts only its bound parameters (one audit row)
        assert reads or not re.search(r"\bFROM\b", sql, flags=re.I), f"{path.name} reads no table?"


def test_monthly_specs_carry_table_metadata():
    from assets.maand import SPECS

    for spec in SPECS:
        table = lineage.key_table(spec.key)
        assert spec.metadata["dagster/table_name"] == table
        columns = [c.name for c in spec.metadata["dagster/column_schema"].columns]
        assert "maand" in columns, table
        if table == "staging.quarantaine":  # filled from Python, no SQL file
            continue
        path = sql_file(table)
        [reference] = spec.metadata["dagster/code_references"].code_references
        assert Path(reference.file_path) == path
        assert spec.code_version == hashlib.sha256(path.read_bytes()).hexdigest()


def test_per_gemeente_assets_mirror_the_monthly_ones(defs):
    from assets.maand import PER_GEMEENTE, SPECS

    graph = defs.resolve_asset_graph()
    own = {s.key for s in SPECS}
    for spec in SPECS:
        copy = graph.get(dg.AssetKey([*PER_GEMEENTE, *spec.key.path]))
        assert copy.parent_keys == {dg.AssetKey([*PER_GEMEENTE, *d.asset_key.path]) for d in spec.deps if d.asset_key in own}
        for dep in spec.deps:
            if dep.asset_key in own and dep.partition_mapping is not None:
                mapping = graph.get_partition_mapping(copy.key, dg.AssetKey([*PER_GEMEENTE, *dep.asset_key.path]))
                assert mapping.downstream_mappings_by_upstream_dimension["maand"].partition_mapping == dep.partition_mapping
        assert copy.code_version == spec.code_version


# --- Snapshot of the whole graph ----------------------------------------------------------


def graph_snapshot(defs) -> dict:
    """Every asset: sorted deps (month mapping marked), group, owners and check names."""
    graph = defs.resolve_asset_graph()
    checks: dict[str, list[str]] = {}
    for check in graph.asset_check_keys:
        checks.setdefault(check.asset_key.to_user_string(), []).append(check.name)
    out = {}
    for spec in sorted(defs.resolve_all_asset_specs(), key=lambda s: s.key.to_user_string()):
        name = spec.key.to_user_string()
        out[name] = {
            "deps": sorted(d.asset_key.to_user_string() + (f" [{_mapping(d)}]" if _mapping(d) else "") for d in spec.deps),
            "group": spec.group_name,
            "owners": sorted(spec.owners),
            "checks": sorted(checks.get(name, [])),
        }
    return out


def test_asset_graph_snapshot(defs):
    current = json.dumps(graph_snapshot(defs), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("RISICORADAR_SNAPSHOT_BIJWERKEN") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert SNAPSHOT.is_file(), f"no snapshot yet; write it with: {REGENERATE}"
    stored = SNAPSHOT.read_text(encoding="utf-8")
    if stored != current:
        diff = "".join(difflib.unified_diff(stored.splitlines(True), current.splitlines(True),
                                            "snapshot", "definitions", n=2))
        pytest.fail(f"The asset graph differs from {SNAPSHOT.name}. If the change is intended, regenerate "
                    f"the snapshot and commit it:\n  {REGENERATE}\n\n{diff}")



def test_report_assets_depend_on_exactly_what_their_queries_read(defs):
    """The trend tables and the monthly report read the warehouse through `trend.*` and
    `rapport.*` files: their deps in the UI are those files' asset reads."""
    graph = defs.resolve_asset_graph()
    trend = {r.table for name in lineage.query_names("trend") for r in lineage.reads(name).values() if r.is_asset}
    rapport = {r.table for name in lineage.query_names("rapport") for r in lineage.reads(name).values() if r.is_asset}
    trends_key, report_key = dg.AssetKey(["rapportage", "trendtabellen"]), dg.AssetKey(["rapportage", "maandrapportage"])
    assert {lineage.key_table(k) for k in graph.get(trends_key).parent_keys} == trend
    assert {lineage.key_table(k) for k in graph.get(report_key).parent_keys} == rapport | trend | {"rapportage.trendtabellen"}
    assert "staging.woz_gebruik" in rapport  # rapport.woz reads it; the hand-typed list had missed it


def test_the_lineage_comes_from_a_cache_that_follows_the_sql(tmp_path, monkeypatch):
    """Parsing every asset's SQL costs a second at each start: the dependencies found are kept in
    the cache folder under a digest of the SQL files (and the parser), and are the same as parsed."""
    import shutil

    from assets import lineage, warehouse

    tables = ["marts.adreskenmerken", "marts.controlelijst", "marts.evaluatie_buurt", "staging.kvk_vestigingen"]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    try:
        lineage._cache.cache_clear(), lineage.reads.cache_clear()
        parsed = {t: lineage.reads(t) for t in tables}
        assert [p.name for p in (tmp_path / "cache" / "risicoradar").iterdir()] == [lineage._cache_path().name]

        lineage._cache.cache_clear(), lineage.reads.cache_clear()
        monkeypatch.setattr(lineage, "parse_reads", lambda *a: pytest.fail("parsed although cached"))
        assert {t: lineage.reads(t) for t in tables} == parsed
        assert parsed["marts.adreskenmerken"]["staging.brp_adrestellingen"] == lineage.Read("staging.brp_adrestellingen", True, False)

        copy = tmp_path / "assets"
        shutil.copytree(warehouse.ASSETS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
        before = lineage._cache_path()
        monkeypatch.setattr(warehouse, "ASSETS_DIR", copy)
        assert lineage._cache_path() == before
        sql = copy / "features" / "marts.adreskenmerken.sql"
        sql.write_text(sql.read_text(encoding="utf-8") + "\n-- changed\n", encoding="utf-8")
        assert lineage._cache_path() != before
    finally:
        lineage._cache.cache_clear(), lineage.reads.cache_clear()

"""The monthly warehouse step: ingest -> vacancy -> features -> scores -> control list -> evaluation.

One Dagster multi-asset, one DuckDB transaction. Each table is its own asset in the UI (with
row counts, a preview and its checks), but the month is published atomically: a refused file,
an error or a killed process leaves the warehouse exactly as it was before the run, and a
finished run leaves the whole month new. Re-running a month replaces its rows (idempotent).
"""

import warnings

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets import evaluation, features, ingest, scoring, vacancy
from assets.exports.inzage import record_configuration
from assets.lineage import with_standard_metadata
from assets.warehouse import connect, month_params, scalar
from assets.partitions import maand_gemeente_partitions, maand_partitions
from assets.resources import DataFolder, warehouse_resource

# Deps of vacancy, features, scoring and evaluation are read from their SQL (assets.lineage);
# the standard metadata (table name, column schema, SQL file, code version) is added here, once.
SPECS = list(dg.map_asset_specs(
    with_standard_metadata, ingest.specs() + vacancy.specs() + features.specs() + scoring.specs() + evaluation.specs()))
CHECKS = ingest.check_specs() + vacancy.check_specs() + scoring.check_specs() + evaluation.check_specs()


def _table(key: dg.AssetKey) -> str:
    return ".".join(key.path)


# Previews end up in Dagster's event log: ids and counts only, never street addresses.
PREVIEW_EXCLUDE = {"adres", "postcode", "openbare_ruimte_naam", "huisnummer", "huisletter", "toevoeging", "straatnaam",
                   "huisnummer_toevoeging", "x", "y", "redenen"}


def _preview(con, table: str, maand: str, order: str | None = None):
    order_by = f"ORDER BY {order}" if order else ""
    frame = con.execute(f"SELECT * FROM {table} WHERE maand = $maand {order_by} LIMIT 5", {"maand": maand}).df()
    frame = frame.drop(columns=[c for c in frame.columns if c in PREVIEW_EXCLUDE])
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: v if isinstance(v, (str, type(None))) else str(v))
    return dg.MetadataValue.md(frame.to_markdown(index=False))


def process_month(context, resource: DuckDBResource, settings, maand: str, prefix=(), load_reference=False):
    """Check and load the month's inbox files, then rebuild every mart of the month, atomically.

    Yields a MaterializeResult per table and the check results; asset keys get `prefix`.
    """
    params = month_params(maand)
    cfg = settings.config
    indicatoren = scoring.load(settings.indicatoren_path)

    def key(k: dg.AssetKey) -> dg.AssetKey:
        return dg.AssetKey([*prefix, *k.path])

    def prefixed(results):
        for r in results:
            yield dg.AssetCheckResult(check_name=r.check_name, asset_key=key(r.asset_key), passed=r.passed,
                                      severity=r.severity, metadata=r.metadata)

    with connect(resource) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            if load_reference:
                ingest.load_reference(con, settings)
            verslag = ingest.load_month(con, settings, params)
            counts = {f"staging.{b}": v.geaccepteerd for b, v in verslag.items()}
            counts.update(vacancy.build(con, params))
            counts.update(features.build(con, params))
            counts["marts.adresscores"] = scoring.build_scores(con, params, indicatoren)
            counts["marts.controlelijst"] = scoring.build_control_list(con, params, cfg.controlelijst)
            counts.update(evaluation.build(con, params, cfg.evaluatie, cfg.besluiten))
            record_configuration(con, settings, maand, context.run_id)  # which config made the month (inzage)
            counts["staging.quarantaine"] = scalar(
                con, "SELECT count(*) FROM staging.quarantaine WHERE maand = $maand", {"maand": maand}
            )
            ingest.log_validations(con, [v.result for v in verslag.values()], maand, context.run_id)
            con.execute("COMMIT")
        except ingest.MaandGeweigerd as refused:
            con.execute("ROLLBACK")
            ingest.log_validations(con, refused.results, maand, context.run_id)
            raise dg.Failure(
                description="\n".join(refused.meldingen),
                metadata={"maand": maand, "geweigerd": len(refused.meldingen)},
            ) from None
        except BaseException:
            con.execute("ROLLBACK")
            raise

        context.log.info(
            "Maand %s gepubliceerd: %s",
            maand,
            ", ".join(f"{t}={n}" for t, n in counts.items()),
        )
        for spec in SPECS:
            table = _table(spec.key)
            rijen = int(counts.get(table, 0))
            metadata = {"maand": maand, "rijen": dg.MetadataValue.int(rijen),
                        "dagster/partition_row_count": dg.MetadataValue.int(rijen),
                        "dagster/row_count": dg.MetadataValue.int(int(scalar(con, f"SELECT count(*) FROM {table}")))}
            source = spec.key.path[-1]
            if source in verslag:
                v = verslag[source]
                metadata.update(
                    {
                        "bestand": v.bestand or "",
                        "rijen_in_bestand": v.rijen,
                        "quarantaine": v.quarantaine,
                        "andere_gemeente": v.andere_gemeente,
                    }
                )
                if v.matchpercentage is not None:
                    metadata["adresmatch_zonder_bag_id_pct"] = v.matchpercentage
            elif spec.key.path[0] == "staging" and source in ingest.MONTHLY_SOURCES:
                metadata["bestand"] = "geen bestand voor deze maand"
            if table == "marts.controlelijst":
                metadata["voorbeeld"] = _preview(con, table, maand, "rang")
                metadata["steekproef_seed"] = cfg.controlelijst.steekproef_seed
            elif table != "staging.quarantaine":
                metadata["voorbeeld"] = _preview(con, table, maand)
            yield dg.MaterializeResult(asset_key=key(spec.key), metadata=metadata)

        for source in ingest.MONTHLY_SOURCES:
            v = verslag.get(source)
            yield dg.AssetCheckResult(
                check_name=ingest.CONTRACT_CHECK,
                asset_key=key(dg.AssetKey(["staging", source])),
                passed=v is not None and not v.quarantaine and not v.waarschuwingen,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "uitkomst": "geaccepteerd" if v else "geen bestand",
                    "quarantaine": v.quarantaine if v else 0,
                    "waarschuwingen": dg.MetadataValue.json(v.waarschuwingen if v else []),
                },
            )
        yield from prefixed(vacancy.check_results(con, maand))
        yield from prefixed(scoring.check_results(con, maand, cfg.controlelijst))
        yield from prefixed(evaluation.check_results(con, maand, cfg.besluiten))


@dg.multi_asset(
    name="maandverwerking",
    specs=SPECS,
    check_specs=CHECKS,
    partitions_def=maand_partitions,
    pool="duckdb_writer",
    can_subset=False,
)
def maandverwerking(context: dg.AssetExecutionContext, duckdb: DuckDBResource, data_folder: DataFolder):
    """Check and load the month's inbox files, then rebuild every mart of the month, atomically."""
    yield from process_month(context, duckdb, data_folder.settings(), context.partition_key)


# --- Many gemeenten at once: month x gemeente partitions ---------------------------------------
# Each gemeente has its own data folder (<data>/gemeenten/GMxxxx/: inbox, warehouse, outputs), so
# each has its own DuckDB writer and partitions of different gemeenten run in parallel (run queue,
# multiprocess executor; on Kubernetes or Celery executors likewise). Two months of the same
# gemeente wait for each other on the warehouse's file lock.
PER_GEMEENTE = ["gemeenten"]
_OWN_KEYS = {spec.key for spec in SPECS}


def _per_gemeente_key(k: dg.AssetKey) -> dg.AssetKey:
    return dg.AssetKey([*PER_GEMEENTE, *k.path]) if k in _OWN_KEYS else k


def _per_gemeente_spec(spec: dg.AssetSpec) -> dg.AssetSpec:
    deps = []
    for dep in spec.deps:
        mapping = dep.partition_mapping
        if mapping is not None:  # previous month, same gemeente
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", dg.BetaWarning)
                mapping = dg.MultiPartitionMapping(
                    {
                        "maand": dg.DimensionPartitionMapping("maand", mapping),
                        "gemeente": dg.DimensionPartitionMapping("gemeente", dg.IdentityPartitionMapping()),
                    }
                )
        if dep.asset_key in _OWN_KEYS:
            deps.append(dg.AssetDep(_per_gemeente_key(dep.asset_key), partition_mapping=mapping))
    return spec.replace_attributes(key=_per_gemeente_key(spec.key), deps=deps, group_name="per_gemeente")


@dg.multi_asset(
    name="maandverwerking_per_gemeente",
    specs=[_per_gemeente_spec(s) for s in SPECS],
    check_specs=[dg.AssetCheckSpec(c.name, asset=_per_gemeente_key(c.asset_key), description=c.description) for c in CHECKS],
    partitions_def=maand_gemeente_partitions,
    can_subset=False,
)
def maandverwerking_per_gemeente(context: dg.AssetExecutionContext, data_folder: DataFolder):
    """The same monthly step for one gemeente of many, in that gemeente's own data folder."""
    keys = context.partition_key.keys_by_dimension
    settings = data_folder.settings().voor_gemeente(keys["gemeente"])
    settings.data.mkdir(parents=True, exist_ok=True)
    resource = warehouse_resource(settings)
    yield from process_month(context, resource, settings, keys["maand"], prefix=PER_GEMEENTE, load_reference=True)

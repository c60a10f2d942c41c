"""The monthly warehouse step: ingest -> vacancy -> features -> scores -> control list -> evaluation.

One Dagster multi-asset, one DuckDB transaction. Each table is its own asset in the UI (with
row counts, a preview and its checks), but the month is published atomically: a refused file,
an error or a killed process leaves the warehouse exactly as it was before the run, and a
finished run leaves the whole month new. Re-running a month replaces its rows (idempotent).

Checks come in two kinds. The grain check (`een_rij_per_sleutel`, blocking) runs inside the
transaction before COMMIT: a duplicate or empty key refuses the month like a refused file. The
plausibility checks (contract, housing stock, list size, concentration, drift) run after COMMIT
with an explicit severity; their limits are in instellingen.yaml (`controles`). On a terminal the
CLI shows each stage as it finishes (`Voortgang`). The same step for many gemeenten is in
assets/per_gemeente.py.
"""

import os
import sys
import time

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets import evaluation, features, ingest, scoring, vacancy
from assets.exports.inzage import record_configuration
from assets.lineage import with_standard_metadata
from assets.warehouse import connect, month_params, scalar
from assets.partitions import maand_partitions
from assets.previews import preview, refusal_text
from assets.resources import DataFolder
from assets.features import checks as features_checks
from assets.ingest import checks as ingest_checks
from assets.scoring import checks as scoring_checks
from assets.vacancy import checks as vacancy_checks

# The CLI sets this to "1" when stderr is a terminal: each stage of a month prints a line there.
PROGRESS_ENV = "RISICORADAR_VOORTGANG"

# Deps of vacancy, features, scoring and evaluation are read from their SQL (assets.lineage);
# the standard metadata (table name, column schema, SQL file, code version) is added here, once.
SPECS = list(dg.map_asset_specs(
    with_standard_metadata, ingest.specs() + vacancy.specs() + features.specs() + scoring.specs() + evaluation.specs()))
CHECKS_NA_PUBLICATIE = ingest.check_specs() + vacancy.check_specs() + scoring.check_specs() + evaluation.check_specs()


def _table(key: dg.AssetKey) -> str:
    return ".".join(key.path)


# --- the grain check: inside the transaction, before COMMIT -------------------------------------
CHECK_SLEUTEL = "een_rij_per_sleutel"
SLEUTELS = {**ingest_checks.SLEUTELS, **vacancy_checks.SLEUTELS, **features_checks.SLEUTELS, **scoring_checks.SLEUTELS}


def grain_check_specs() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            CHECK_SLEUTEL, asset=key, blocking=True,
            description=(f"Eén rij per maand en {', '.join(columns)}, zonder lege sleutel. Gecontroleerd in de transactie "
                         "van de maand, vóór publicatie: bij een fout wordt de maand niet gepubliceerd."),
        )
        for key, columns in SLEUTELS.items()
    ]


def grain_results(con, maand: str) -> list[dg.AssetCheckResult]:
    """One result per table of SLEUTELS: duplicate and empty keys of the month, as counts (no ids:
    Dagster's event log receives no address-level data; the rows are in the warehouse's month)."""
    results = []
    for key, columns in SLEUTELS.items():
        table, cols = _table(key), ", ".join(columns)
        any_null = " OR ".join(f"{c} IS NULL" for c in columns)
        distinct = f"count(DISTINCT {columns[0]})" if len(columns) == 1 else f"count(DISTINCT ({cols}))"
        rijen, leeg, uniek = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {any_null}), {distinct} FROM {table} WHERE maand = $maand",
            {"maand": maand}).fetchall()[0]
        dubbel = rijen - leeg - uniek
        passed = not dubbel and not leeg
        results.append(dg.AssetCheckResult(
            check_name=CHECK_SLEUTEL, asset_key=key, passed=passed, severity=dg.AssetCheckSeverity.ERROR,
            description=None if passed else (
                f"{table}: {dubbel} dubbele en {leeg} lege sleutel(s) ({cols}) in {maand}; de maand is niet gepubliceerd."),
            metadata={"rijen": dg.MetadataValue.int(int(rijen)), "dubbele_sleutels": dg.MetadataValue.int(int(dubbel)),
                      "lege_sleutels": dg.MetadataValue.int(int(leeg)), "sleutel": cols},
        ))
    return results


def process_month(context, resource: DuckDBResource, settings, maand: str, prefix=(), load_reference=False):
    """Check and load the month's inbox files, then rebuild every mart of the month, atomically.

    Yields a MaterializeResult per table and the check results; asset keys get `prefix`. The
    grain check runs before COMMIT: a duplicate or empty key refuses the month.
    """
    params = month_params(maand)
    cfg = settings.config
    indicatoren = scoring.load(settings.indicatoren_path)
    stap = Voortgang(maand if not prefix else f"{maand} GM{settings.gemeentecode}")

    def key(k: dg.AssetKey) -> dg.AssetKey:
        return dg.AssetKey([*prefix, *k.path])

    def prefixed(results):
        for r in results:
            yield dg.AssetCheckResult(check_name=r.check_name, asset_key=key(r.asset_key), passed=r.passed,
                                      severity=r.severity, metadata=r.metadata, description=r.description)

    with connect(resource) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            if load_reference:
                ingest.load_reference(con, settings)
            stap.begin("bestanden controleren en laden")
            verslag = ingest.load_month(con, settings, params)
            counts = {f"staging.{b}": v.geaccepteerd for b, v in verslag.items()}
            counts.update({t: n for v in verslag.values() for t, n in v.tabellen.items()})  # staging.bag_pand, …
            stap.klaar(f"{len(verslag)} bestanden gecontroleerd, {_n(sum(v.rijen for v in verslag.values()))} rijen, "
                       f"{_n(sum(v.geaccepteerd for v in verslag.values()))} geladen, "
                       f"{_n(sum(v.quarantaine for v in verslag.values()))} in quarantaine")
            stap.begin("leegstand")
            counts.update(vacancy.build(con, params))
            stap.klaar(f"{_n(counts.get('marts.leegstand', 0))} objecten")
            stap.begin("kenmerken")
            counts.update(features.build(con, params))
            stap.klaar(f"{_n(counts.get('marts.adreskenmerken', 0))} objecten")
            stap.begin("score en controlelijst")
            counts["marts.adresscores"] = scoring.build_scores(con, params, indicatoren)
            counts["marts.controlelijst"] = scoring.build_control_list(con, params, cfg.controlelijst)
            stap.klaar(f"{_n(counts['marts.controlelijst'])} adressen op de lijst")
            stap.begin("evaluatie")
            counts.update(evaluation.build(con, params, cfg.evaluatie, cfg.besluiten))
            stap.klaar()
            record_configuration(con, settings, maand, context.run_id)  # which config made the month (inzage)
            counts["staging.quarantaine"] = scalar(
                con, "SELECT count(*) FROM staging.quarantaine WHERE maand = $maand", {"maand": maand}
            )
            stap.begin("sleutels controleren")
            grain = grain_results(con, maand)
            failed = [r for r in grain if not r.passed]
            if failed:
                raise _GrainFailed(failed)
            stap.klaar()
            ingest.log_validations(con, [v.result for v in verslag.values()], maand, context.run_id)
            con.execute("COMMIT")
        except ingest.MaandGeweigerd as refused:
            con.execute("ROLLBACK")
            ingest.log_validations(con, refused.results, maand, context.run_id)
            stap.mislukt("geweigerd")
            raise dg.Failure(
                description=refusal_text(refused),  # no file values in Dagster
                metadata={"maand": maand, "geweigerd": len(refused.meldingen)},
            ) from None
        except _GrainFailed as failed:
            con.execute("ROLLBACK")
            stap.mislukt("dubbele of lege sleutels")
            yield from prefixed(failed.results)
            raise dg.Failure(
                description="\n".join([f"Maand {maand} niet gepubliceerd: de tabellen hebben niet één rij per sleutel.",
                                       *(r.description for r in failed.results)]),
                metadata={"maand": maand, "tabellen": dg.MetadataValue.json(
                    {str(r.asset_key.to_user_string()): r.metadata["dubbele_sleutels"].value + r.metadata["lege_sleutels"].value
                     for r in failed.results})},
            ) from None
        except BaseException:
            con.execute("ROLLBACK")
            stap.mislukt("fout")
            raise
        stap.einde("gepubliceerd in het warehouse")

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
                metadata["voorbeeld"] = preview(con, table, maand)
                metadata["steekproef_seed"] = cfg.controlelijst.steekproef_seed
            elif table != "staging.quarantaine":
                metadata["voorbeeld"] = preview(con, table, maand)
            yield dg.MaterializeResult(asset_key=key(spec.key), metadata=metadata)

        yield from prefixed(grain)
        yield from prefixed(ingest_checks.contract_results(verslag, maand, cfg.controles))
        yield from prefixed(vacancy.check_results(con, maand, cfg.controles))
        yield from prefixed(scoring.check_results(con, maand, cfg.controlelijst))
        yield from prefixed(evaluation.check_results(con, maand, cfg.besluiten))


class _GrainFailed(Exception):
    def __init__(self, results):
        self.results = results


def _n(value) -> str:
    return f"{int(value):,}".replace(",", ".")


class Voortgang:
    """Progress of a month's stages on the terminal: one line per stage on stderr, only when the
    CLI asks for it (PROGRESS_ENV, set when stderr is a terminal); silent otherwise (the UI, tests,
    cron). Dagster's own log stays quiet on the console."""

    def __init__(self, label: str):
        self.label = label
        self.on = os.environ.get(PROGRESS_ENV) == "1"
        self.start = self.t = time.monotonic()
        self.stage = ""

    def _write(self, text: str) -> None:
        if self.on:
            print(f"  {self.label}  {text}", file=sys.stderr, flush=True)

    def begin(self, stage: str) -> None:
        self.stage, self.t = stage, time.monotonic()

    def klaar(self, detail: str = "") -> None:
        took = f"{time.monotonic() - self.t:.1f} s".replace(".", ",")
        self._write(f"{self.stage}: klaar ({detail}), {took}" if detail else f"{self.stage}: klaar, {took}")

    def mislukt(self, why: str) -> None:
        self._write(f"{self.stage}: gestopt ({why})")

    def einde(self, text: str) -> None:
        self._write(f"{text} na {time.monotonic() - self.start:.1f} s".replace(".", ","))


CHECKS = grain_check_specs() + CHECKS_NA_PUBLICATIE

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


# Many gemeenten at once (month x gemeente partitions) are in assets/per_gemeente.py.
PER_GEMEENTE = ["gemeenten"]

"""Inbox sensor: a new or changed file (by content hash, not mtime) requests a run of its month.

The cursor remembers, per file, its size, mtime and SHA-256; a file is hashed again only when
size or mtime changed, and requested again only when the hash changed. The run_key is made of
the month's changed files and their hashes, so the same content never runs twice.

A file the cursor does not know yet (the sensor's first tick, a reset cursor, a new file) is
requested only when the warehouse has not already published its month from exactly that content
(`audit.bronnen_maand` keeps the SHA-256 of every file a month was built from); victim figures
only when the reference data are out of date. So switching the sensor on over a processed inbox
requests nothing.
"""
from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from assets.contents import WarehouseBusy, processed_files
from assets.partitions import maand_partitions
from assets.settings import Settings
from data_contracts.reading import sha256_of
from pipelines.jobs import afbeeldingen_job, maand_job, referentie_job
from pipelines.runs import reference_current


def _inbox_files(inbox: Path) -> list[Path]:
    return sorted(p for p in inbox.glob("*/*") if p.is_file() and not p.name.startswith("."))


def changed_files(inbox: Path, cursor: dict) -> tuple[list[tuple[Path, str, bool]], dict]:
    """Files whose content is new or changed since `cursor` (with whether the cursor knew the
    file), and the new cursor."""
    new_cursor, changed = {}, []
    for path in _inbox_files(inbox):
        stat = path.stat()
        key = str(path.relative_to(inbox))
        old = cursor.get(key)
        if old and old["size"] == stat.st_size and old["mtime_ns"] == stat.st_mtime_ns:
            new_cursor[key] = old
            continue
        digest = sha256_of(path)
        new_cursor[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
        if not old or old["sha256"] != digest:
            changed.append((path, digest, old is not None))
    return changed, new_cursor


@dg.sensor(
    name="inbox_sensor",
    description="Start de maandverwerking wanneer een bestand in data/inbox/ nieuw is of een andere inhoud heeft. Standaard uit; zet aan in de UI.",
    jobs=[maand_job, referentie_job],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
)
def inbox_sensor(context: dg.SensorEvaluationContext):
    from data_contracts import ContractError, parse_inbox_path

    settings = Settings.from_env()
    cursor = json.loads(context.cursor) if context.cursor else {}
    changed, new_cursor = changed_files(settings.inbox, cursor)
    if not changed:
        context.update_cursor(json.dumps(new_cursor))
        return dg.SkipReason("Geen nieuwe of gewijzigde bestanden in de inbox.")
    try:
        published = processed_files(settings.warehouse) if any(not known for *_, known in changed) else set()
    except WarehouseBusy:
        return dg.SkipReason("Het warehouse is in gebruik door een lopende run; de inbox wordt bij de volgende controle bekeken.")
    valid_keys = set(maand_partitions.get_partition_keys())
    per_month: dict[str, list[tuple[Path, str]]] = {}
    requests, already = [], 0
    for path, digest, known in changed:
        try:
            source, maand = parse_inbox_path(path)
        except ContractError as exc:  # an unknown file name: tell the analyst, do not run
            context.log.warning(f"Onbekend bestand in de inbox, overgeslagen: {path.name} ({exc})")
            continue
        if source == "slachtoffers":
            if not known and reference_current(context.instance, settings):
                already += 1
                continue
            requests.append(dg.RunRequest(run_key=f"slachtoffers:{path.name}:{digest}", job_name=referentie_job.name))
        elif not known and (maand, source, digest) in published:
            already += 1
        elif maand in valid_keys:
            per_month.setdefault(maand, []).append((path, digest))
        else:
            context.log.warning(f"{path.name}: maand {maand} valt buiten de verwerkbare maanden; overgeslagen.")
    for maand, files in sorted(per_month.items()):
        run_key = maand + ":" + ",".join(f"{p.name}@{d[:12]}" for p, d in sorted(files))
        requests.append(dg.RunRequest(run_key=run_key, partition_key=maand, job_name=maand_job.name))
    context.update_cursor(json.dumps(new_cursor))
    if not requests:
        return dg.SkipReason(f"{already} bestand(en) in de inbox zijn al verwerkt met precies deze inhoud; niets te doen.")
    return requests


@dg.run_status_sensor(
    name="afbeeldingen_na_maandrun",
    description="Maakt na een geslaagde maandverwerking de PNG-afbeeldingen van haar rapportage (job afbeeldingen). "
                "Runs van `risicoradar run` starten hun afbeeldingen zelf.",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[maand_job],
    request_job=afbeeldingen_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def afbeeldingen_na_maandrun(context: dg.RunStatusSensorContext):
    from assets.reports.report_png import pending
    from pipelines.runs import RUN_SOURCE_TAG

    run = context.dagster_run
    maand = run.tags.get("dagster/partition")
    if not maand:
        return dg.SkipReason("Maandrun zonder maand.")
    if run.tags.get(RUN_SOURCE_TAG) == "cli":
        return dg.SkipReason(f"{maand}: gestart door risicoradar run, dat de afbeeldingen zelf maakt.")
    if not pending(Settings.from_env().output_month(maand)):
        return dg.SkipReason(f"{maand}: geen PNG-afbeeldingen te maken (instellingen: rapportage: png, of al gemaakt).")
    return dg.RunRequest(run_key=f"afbeeldingen:{run.run_id}", partition_key=maand)

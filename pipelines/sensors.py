"""Inbox sensor: a new or changed file (by content hash, not mtime) requests a run of its month.

The cursor remembers, per file, its size, mtime and SHA-256; a file is hashed again only when
size or mtime changed, and requested again only when the hash changed. The run_key is made of
the month's changed files and their hashes, so the same content never runs twice.
"""
from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from data_contracts.reading import sha256_of
from pipelines.jobs import maand_job, referentie_job
from assets.partitions import maand_partitions
from assets.settings import Settings


def _inbox_files(inbox: Path) -> list[Path]:
    return sorted(p for p in inbox.glob("*/*") if p.is_file() and not p.name.startswith("."))


def changed_files(inbox: Path, cursor: dict) -> tuple[list[tuple[Path, str]], dict]:
    """Files whose content is new or changed since `cursor`, and the new cursor."""
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
            changed.append((path, digest))
    return changed, new_cursor


@dg.sensor(
    name="inbox_sensor",
    description="Start de maandverwerking wanneer een bestand in data/inbox/ nieuw is of een andere inhoud heeft. Standaard uit; zet aan in de UI.",
    jobs=[maand_job, referentie_job],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
)
def inbox_sensor(context: dg.SensorEvaluationContext):
    from data_contracts import parse_inbox_path

    settings = Settings.from_env()
    cursor = json.loads(context.cursor) if context.cursor else {}
    changed, new_cursor = changed_files(settings.inbox, cursor)
    valid_keys = set(maand_partitions.get_partition_keys())
    per_month: dict[str, list[tuple[Path, str]]] = {}
    for path, digest in changed:
        try:
            source, maand = parse_inbox_path(path)
        except Exception as exc:  # an unknown file name: tell the analyst, do not run
            context.log.warning(f"Onbekend bestand in de inbox, overgeslagen: {path.name} ({exc})")
            continue
        if source == "slachtoffers":
            yield dg.RunRequest(run_key=f"slachtoffers:{path.name}:{digest}", job_name=referentie_job.name)
        elif maand in valid_keys:
            per_month.setdefault(maand, []).append((path, digest))
        else:
            context.log.warning(f"{path.name}: maand {maand} valt buiten de verwerkbare maanden; overgeslagen.")
    for maand, files in sorted(per_month.items()):
        run_key = maand + ":" + ",".join(f"{p.name}@{d[:12]}" for p, d in sorted(files))
        yield dg.RunRequest(run_key=run_key, partition_key=maand, job_name=maand_job.name)
    context.update_cursor(json.dumps(new_cursor))

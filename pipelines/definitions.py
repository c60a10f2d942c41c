"""The Dagster code location of risicoradar: one explicit Definitions.

The per-gemeente assets and job (many gemeenten, month x gemeente partitions: assets/per_gemeente.py)
are included only in per-gemeente mode: when `<data>/gemeenten/` exists (`risicoradar run
--gemeente GMxxxx` creates it) or RISICORADAR_PER_GEMEENTE=1. A single gemeente's UI then shows
each table once.
"""
import os

import dagster as dg

from assets import ingest, maand, reports, scoring
from assets.reports import afbeeldingen
from assets.settings import Settings
from assets.writing import private_process
from pipelines.jobs import afbeeldingen_job, gemeente_job, maand_job, referentie_job
from pipelines.resources import build_resources
from pipelines.schedules import maandelijks_schema
from pipelines.sensors import afbeeldingen_na_maandrun, inbox_sensor

PER_GEMEENTE_ENV = "RISICORADAR_PER_GEMEENTE"


def per_gemeente_mode(settings: Settings) -> bool:
    flag = os.environ.get(PER_GEMEENTE_ENV)
    if flag in ("0", "1"):
        return flag == "1"
    return (settings.data / "gemeenten").is_dir()


def build_definitions(settings: Settings, per_gemeente: bool | None = None) -> dg.Definitions:
    if per_gemeente is None:
        per_gemeente = per_gemeente_mode(settings)
    assets = [maand.maandverwerking, ingest.cbs_buurten, ingest.slachtoffers, scoring.algoritmebeschrijving, *reports.ASSETS,
              *afbeeldingen.ASSETS]
    jobs = [maand_job, referentie_job, afbeeldingen_job]
    if per_gemeente:
        from assets import per_gemeente as gemeenten

        assets += gemeenten.ASSETS
        jobs.append(gemeente_job)
    return dg.Definitions(
        assets=assets,
        jobs=jobs,
        schedules=[maandelijks_schema],
        sensors=[inbox_sensor, afbeeldingen_na_maandrun],
        resources=build_resources(settings),
    )


settings = Settings.from_env()
private_process()  # what Dagster and the assets write under the data folder is owner-only
defs = build_definitions(settings)

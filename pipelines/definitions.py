"""The Dagster code location of risicoradar: one explicit Definitions."""
import dagster as dg

from assets import ingest, maand, reports, scoring
from pipelines.jobs import gemeente_job, maand_job, referentie_job
from pipelines.resources import build_resources
from pipelines.schedules import maandelijks_schema
from pipelines.sensors import inbox_sensor
from assets.settings import Settings
from assets.writing import private_process

settings = Settings.from_env()
private_process()  # what Dagster and the assets write under the data folder is owner-only

defs = dg.Definitions(
    assets=[maand.maandverwerking, maand.maandverwerking_per_gemeente, ingest.cbs_buurten, ingest.slachtoffers, scoring.algoritmebeschrijving, *reports.ASSETS],
    jobs=[maand_job, referentie_job, gemeente_job],
    schedules=[maandelijks_schema],
    sensors=[inbox_sensor],
    resources=build_resources(settings),
)

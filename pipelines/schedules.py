"""Monthly schedule: on day 2 at 06:00 (Europe/Amsterdam) refresh the month that just ended."""
import dagster as dg

from pipelines.jobs import maand_job

maandelijks_schema = dg.build_schedule_from_partitioned_job(
    maand_job,
    name="maandelijks_schema",
    description="Elke 2e van de maand om 06:00 de afgelopen maand verversen. Standaard uit; zet aan in de UI.",
    hour_of_day=6,
    minute_of_hour=0,
    day_of_month=2,
    default_status=dg.DefaultScheduleStatus.STOPPED,
)

"""Monthly partitions: one key per reference month, `YYYY-MM` (Amsterdam time, so the schedule
fires at 06:00 local time)."""
import dagster as dg

# 2018 is the first year of the policy's own figures; the latest key is the last completed month.
maand_partitions = dg.MonthlyPartitionsDefinition(
    start_date="2018-01", fmt="%Y-%m", end_offset=0, timezone="Europe/Amsterdam"
)

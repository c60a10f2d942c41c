"""Monthly partitions: one key per reference month, `YYYY-MM` (Amsterdam time, so the schedule
fires at 06:00 local time)."""
import dagster as dg

# 2018 is the first year of the policy's own figures; the latest key is the last completed month.
maand_partitions = dg.MonthlyPartitionsDefinition(
    start_date="2018-01", fmt="%Y-%m", end_offset=0, timezone="Europe/Amsterdam"
)

# Many gemeenten at once: gemeenten are added as partitions (UI: "Add partition", or the CLI's
# `risicoradar run --gemeente GMxxxx`), each processed in its own data folder.
gemeente_partitions = dg.DynamicPartitionsDefinition(name="gemeente")
maand_gemeente_partitions = dg.MultiPartitionsDefinition({"maand": maand_partitions, "gemeente": gemeente_partitions})

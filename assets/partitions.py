"""Monthly partitions: one key per reference month, `YYYY-MM` (Amsterdam time, so the schedule
fires at 06:00 local time).

The first key is the first month that can exist in this data folder: the oldest month of a file
in the inbox, or, with an empty inbox, the oldest month the retention term keeps. So the UI
shows no years of "missing" months before the data start, and "Materialize missing" queues
only months that can succeed. The latest key is the last completed month.
"""
from __future__ import annotations

import dagster as dg

from assets.ingest.inbox import first_month  # noqa: F401 - re-exported (no Dagster needed to know it)
from assets.settings import Settings

maand_partitions = dg.MonthlyPartitionsDefinition(
    start_date=first_month(Settings.from_env()), fmt="%Y-%m", end_offset=0, timezone="Europe/Amsterdam"
)

# Many gemeenten at once: gemeenten are added as partitions (UI: "Add partition", or the CLI's
# `risicoradar run --gemeente GMxxxx`), each processed in its own data folder.
gemeente_partitions = dg.DynamicPartitionsDefinition(name="gemeente")
maand_gemeente_partitions = dg.MultiPartitionsDefinition({"maand": maand_partitions, "gemeente": gemeente_partitions})

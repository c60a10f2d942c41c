"""Monthly partitions: one key per reference month, `YYYY-MM` (Amsterdam time, so the schedule
fires at 06:00 local time).

The first key is the first month that can exist in this data folder: the oldest month of a file
in the inbox, or, with an empty inbox, the oldest month the retention term keeps. So the UI
shows no years of "missing" months before the data start, and "Materialize missing" queues
only months that can succeed. The latest key is the last completed month.
"""
from __future__ import annotations

import dagster as dg

from assets.settings import Settings
from data_contracts.months import add_months, is_month, last_completed_month

def first_month(settings: Settings) -> str:
    """The oldest inbox month (file names only, nothing is read; the gemeenten's own inboxes in
    per-gemeente mode too), else the retention term back."""
    from data_contracts import scan_inbox

    inboxes = [settings.inbox, *sorted((settings.data / "gemeenten").glob("GM*/inbox"))]
    months = [f.maand for inbox in inboxes if inbox.exists() for f in scan_inbox(inbox) if is_month(f.maand) and f.error is None]
    if months:
        return min(months)
    term = settings.config.export.bewaartermijn_maanden
    return add_months(last_completed_month(), 1 - term)


maand_partitions = dg.MonthlyPartitionsDefinition(
    start_date=first_month(Settings.from_env()), fmt="%Y-%m", end_offset=0, timezone="Europe/Amsterdam"
)

# Many gemeenten at once: gemeenten are added as partitions (UI: "Add partition", or the CLI's
# `risicoradar run --gemeente GMxxxx`), each processed in its own data folder.
gemeente_partitions = dg.DynamicPartitionsDefinition(name="gemeente")
maand_gemeente_partitions = dg.MultiPartitionsDefinition({"maand": maand_partitions, "gemeente": gemeente_partitions})

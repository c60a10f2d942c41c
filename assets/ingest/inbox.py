"""The inbox: the monthly sources, the folder of each, which file counts for a month, and
checking one file against its contract."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from assets.settings import Settings
from data_contracts.contract import SOURCES as CONTRACT_SOURCES
from data_contracts.months import add_months, is_month, last_completed_month

# Every contract source except the yearly victim figures, in load order (BAG first).
MONTHLY_SOURCES = tuple(s for s in CONTRACT_SOURCES if s != "slachtoffers")
REQUIRED_SOURCES = ("bag_verblijfsobject", "brp_adrestellingen", "kvk_vestigingen")
INBOX_FOLDER = {
    "bag_verblijfsobject": "bag",
    "brp_adrestellingen": "brp",
    "rni_inschrijvingen": "rni",
    "kvk_vestigingen": "kvk",
    "woz_gebruik": "woz",
    "signalen": "signalen",
    "controles": "signalen",
    "besluiten": "besluiten",
    "slachtoffers": "slachtoffers",
}
# Sources whose address must be a hoofdadres of the month's BAG (else the row is quarantined).
REFERENTIAL = ("brp_adrestellingen", "rni_inschrijvingen", "signalen", "controles", "besluiten")
# The month a run was asked for (`risicoradar run --maand`): a BAG delivery without a month in its
# name (bag-light.gpkg) serves that month when the inbox has no other BAG file for it.
RUN_MONTH_ENV = "RISICORADAR_RUN_MAAND"
RUN_MONTH_REASON = "maand van de run (--maand)"


def month_files(settings: Settings, maand: str) -> dict:
    """The inbox file of each monthly source for `maand` (latest wins), by source."""
    from data_contracts import scan_inbox

    files = scan_inbox(settings.inbox)
    chosen = {f.source: f for f in files if f.usable and f.maand == maand and f.source in MONTHLY_SOURCES}
    if "bag_verblijfsobject" not in chosen and os.environ.get(RUN_MONTH_ENV) == maand:
        run_file = month_less_bag(files)
        if run_file is not None:
            chosen["bag_verblijfsobject"] = dataclasses.replace(
                run_file, source="bag_verblijfsobject", maand=maand, maand_reden=RUN_MONTH_REASON, error=None,
                superseded_by=None)
    return chosen


def month_less_bag(files: list):
    """The latest BAG delivery in the inbox without a month in its name (bag-light.gpkg, an LV BAG
    extract), or None: the one a run for a month without its own BAG file may use (--maand)."""
    from data_contracts.reading import MONTH_IN_NAME

    candidates = [f for f in files if f.formaat and not MONTH_IN_NAME.search(f.path.stem)
                  and f.path.parent.name.lower() == INBOX_FOLDER["bag_verblijfsobject"]]
    return max(candidates, key=lambda f: (f.mtime, f.path.name)) if candidates else None


def validate(path: Path, source: str, settings: Settings, **context):
    """Check one inbox file against the contract of `source` for the configured gemeente.

    `maand` (in `context`) is the run's month for a BAG delivery filed under it (RUN_MONTH_REASON)."""
    from data_contracts import validate_file  # lazy: pulls in great-expectations

    return validate_file(path, source, gemeente=settings.gemeentecode, **context)


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

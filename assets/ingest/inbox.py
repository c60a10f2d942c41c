"""The inbox: the monthly sources, the folder of each, which file counts for a month, and
checking one file against its contract."""
from __future__ import annotations

from pathlib import Path

from assets.settings import Settings
from data_contracts.contract import SOURCES as CONTRACT_SOURCES

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


def month_files(settings: Settings, maand: str) -> dict:
    """The inbox file of each monthly source for `maand` (latest wins), by source."""
    from data_contracts import scan_inbox

    return {f.source: f for f in scan_inbox(settings.inbox) if f.usable and f.maand == maand and f.source in MONTHLY_SOURCES}


def validate(path: Path, source: str, settings: Settings, **context):
    """Check one inbox file against the contract of `source` for the configured gemeente."""
    from data_contracts import validate_file  # lazy: pulls in great-expectations

    return validate_file(path, source, gemeente=settings.gemeentecode, **context)

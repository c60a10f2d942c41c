"""Ingest layer: inbox files -> contract check -> staging.* (one month at a time).

Where things are:

- `inbox`: the monthly sources, their inbox folders, which file counts for a month, `validate`.
- `month`: `load_month` (check and load every file of a month, or refuse it: `MaandGeweigerd`)
  and `BronVerslag` (what a source contributed).
- `received`: a checked file's staging table from the contract's frame, and its quarantine
  (staging.quarantaine).
- `kvk`: KvK establishments matched to BAG objects (staging.kvk_vestigingen).
- `sbi`: the SBI risk table.
- `buurten`: the CBS buurten and the spatial join.
- `audit`: audit.bronnen_maand and audit.validatielog.
- `reference`: staging.cbs_buurten, staging.slachtoffers, the reference job's files and fingerprint.
- `asset_specs` and `reference_assets`: the Dagster side (specs, checks, the two reference assets).
- `check_one`: one file against its contract, warehouse untouched (`risicoradar valideer`).

Each table's SQL is a file beside these modules named after it (assets.warehouse.transform_files).
This module only re-exports the names other code uses.
"""

from assets.ingest.asset_specs import BESCHRIJVING, CONTRACT_CHECK, OWNERS, check_specs, specs
from assets.ingest.audit import log_validations, record_sources
from assets.ingest.buurten import buurten_table, join_buurten, read_buurten
from assets.ingest.inbox import INBOX_FOLDER, MONTHLY_SOURCES, REFERENTIAL, REQUIRED_SOURCES, month_files, validate
from assets.ingest.kvk import load_kvk
from assets.ingest.month import BronVerslag, MaandGeweigerd, load_month
from assets.ingest.received import load_staging, received, write_quarantine
from assets.ingest.reference import (
    load_reference, load_slachtoffers, reference_fingerprint, reference_paths, slachtoffer_paths,
)
from assets.ingest.reference_assets import cbs_buurten, slachtoffers
from assets.ingest.sbi import SBI_VERSIE, sbi_prefixes

__all__ = [
    "BESCHRIJVING", "CONTRACT_CHECK", "INBOX_FOLDER", "MONTHLY_SOURCES", "OWNERS", "REFERENTIAL", "REQUIRED_SOURCES",
    "SBI_VERSIE", "BronVerslag", "MaandGeweigerd", "buurten_table", "cbs_buurten", "check_specs", "join_buurten",
    "load_kvk", "load_month", "load_reference", "load_slachtoffers", "log_validations", "month_files", "read_buurten",
    "record_sources", "reference_fingerprint", "reference_paths", "sbi_prefixes", "slachtoffer_paths", "slachtoffers",
    "specs", "validate", "write_quarantine", "load_staging", "received",
]

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
- `reference`: staging.cbs_buurten, staging.slachtoffers; `reference_files`: the reference job's files
  and their fingerprint (cheap to import).
- `asset_specs` and `reference_assets`: the Dagster side (specs, checks, the two reference assets).
- `check_one`: one file against its contract, warehouse untouched (`risicoradar valideer`).

Each table's SQL is a file beside these modules named after it (assets.warehouse.transform_files).
This module only re-exports the names other code uses (lazily).
"""

from __future__ import annotations

from data_contracts.lazy import lazy_exports

# name -> module; loaded on first use, so that `from assets.ingest.inbox import …` (the CLI's quick
# paths) does not import Dagster, pandas and the readers.
_EXPORTS = {
    "BESCHRIJVING": "assets.ingest.asset_specs",
    "BronVerslag": "assets.ingest.month",
    "CONTRACT_CHECK": "assets.ingest.asset_specs",
    "INBOX_FOLDER": "assets.ingest.inbox",
    "MONTHLY_SOURCES": "assets.ingest.inbox",
    "MaandGeweigerd": "assets.ingest.month",
    "OWNERS": "assets.ingest.asset_specs",
    "REFERENTIAL": "assets.ingest.inbox",
    "REQUIRED_SOURCES": "assets.ingest.inbox",
    "SBI_VERSIE": "assets.ingest.sbi",
    "buurten_table": "assets.ingest.buurten",
    "cbs_buurten": "assets.ingest.reference_assets",
    "check_specs": "assets.ingest.asset_specs",
    "join_buurten": "assets.ingest.buurten",
    "load_kvk": "assets.ingest.kvk",
    "load_month": "assets.ingest.month",
    "load_reference": "assets.ingest.reference",
    "load_slachtoffers": "assets.ingest.reference",
    "load_staging": "assets.ingest.received",
    "log_validations": "assets.ingest.audit",
    "month_files": "assets.ingest.inbox",
    "read_buurten": "assets.ingest.buurten",
    "received": "assets.ingest.received",
    "record_sources": "assets.ingest.audit",
    "reference_fingerprint": "assets.ingest.reference_files",
    "reference_paths": "assets.ingest.reference_files",
    "sbi_prefixes": "assets.ingest.sbi",
    "slachtoffer_paths": "assets.ingest.reference_files",
    "slachtoffers": "assets.ingest.reference_assets",
    "specs": "assets.ingest.asset_specs",
    "validate": "assets.ingest.inbox",
    "write_quarantine": "assets.ingest.received",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS, globals())

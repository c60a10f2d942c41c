"""Reference data that is not per month: the CBS buurten (staging.cbs_buurten) and the victim
figures (staging.slachtoffers). The files the reference job reads and their fingerprint are in
assets/ingest/reference_files.py (re-exported here)."""
from __future__ import annotations

import duckdb
import pandas as pd

from assets.ingest.buurten import buurten_table
from assets.ingest.reference_files import REFERENCE_CODE, reference_fingerprint, reference_paths, slachtoffer_paths
from assets.settings import Settings
from assets.warehouse import replace


def load_reference(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Replace staging.cbs_buurten from the configured buurten file."""
    table = buurten_table(settings.buurten_path)
    replace(con, "staging.cbs_buurten", frames={"buurten_bestand": table})
    return len(table)


def load_slachtoffers(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Replace staging.slachtoffers with the checked victim figures (inside the caller's transaction)."""
    return replace(con, "staging.slachtoffers", frames={"slachtoffers_bestanden": frame})


__all__ = ["REFERENCE_CODE", "load_reference", "load_slachtoffers", "reference_fingerprint", "reference_paths",
           "slachtoffer_paths"]

"""Reference data that is not per month: the CBS buurten (staging.cbs_buurten) and the victim
figures (staging.slachtoffers), the files the reference job reads and their fingerprint."""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd

from assets.ingest.buurten import buurten_table
from assets.settings import PROJECT_DIR, REFERENCE_DIR, Settings
from assets.warehouse import replace

# The code that loads the reference data: a change re-runs the reference job.
REFERENCE_CODE = (
    "assets/ingest/reference.py",
    "assets/ingest/reference_assets.py",
    "assets/ingest/buurten.py",
    "assets/ingest/staging.cbs_buurten.sql",
    "assets/ingest/staging.slachtoffers.sql",
    "assets/scoring/algoritmeregister.py",
    "assets/scoring/config.py",
    "data_contracts/slachtoffers.py",
)


def load_reference(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Replace staging.cbs_buurten from the configured buurten file."""
    table = buurten_table(settings.buurten_path)
    replace(con, "staging.cbs_buurten", frames={"buurten_bestand": table})
    return len(table)


def load_slachtoffers(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Replace staging.slachtoffers with the checked victim figures (inside the caller's transaction)."""
    return replace(con, "staging.slachtoffers", frames={"slachtoffers_bestanden": frame})


def slachtoffer_paths(settings: Settings) -> list[Path]:
    """The victim-figure files: the policy's Tabel 1 (reference folder) and those in the inbox."""
    return sorted(REFERENCE_DIR.glob("slachtoffers_*.csv")) + sorted((settings.inbox / "slachtoffers").glob("slachtoffers_*.csv"))


def reference_paths(settings: Settings) -> list[Path]:
    """Every file the reference job (buurten, slachtoffers, algoritmebeschrijving) reads."""
    return [
        settings.buurten_path,
        *slachtoffer_paths(settings),
        settings.indicatoren_path,
        settings.instellingen_path,
        settings.data / "referentie" / "gemeente.txt",
    ]


def reference_fingerprint(settings: Settings) -> str:
    """SHA-256 over the reference job's input files and the code that loads them. Stored with
    each reference materialization; `risicoradar run` skips the job while it is unchanged."""
    code = [PROJECT_DIR / f for f in REFERENCE_CODE]
    digest = hashlib.sha256()
    for path in [*reference_paths(settings), *code]:
        digest.update(str(path.name).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<ontbreekt>")
        digest.update(b"\0")
    return digest.hexdigest()

"""The files the reference job reads and their fingerprint: cheap to import (no pandas, no Dagster),
so `risicoradar run` can tell without starting Dagster whether anything changed."""
from __future__ import annotations

import hashlib
from pathlib import Path

from assets.settings import PROJECT_DIR, REFERENCE_DIR, Settings

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

"""Is a month already published from exactly these inputs? Then `risicoradar run` need not redo it.

A month counts as unchanged when the warehouse's latest publication of it (audit.configuratie_maand)
was made from
- the same inbox files (SHA-256 of every file of the month, audit.bronnen_maand),
- the same indicatoren.yaml and instellingen.yaml (their SHA-256),
- the same reference files (buurten, victim figures: `reference_fingerprint`),
- the same code (`code_fingerprint`: every .py, .sql, .yaml and .csv of assets/, data_contracts/
  and pipelines/),
no earlier month was published after it (its windows and leegstand_maanden read earlier months),
and its monthly report is there. Cheap to import and to run: no Dagster, no pandas, the warehouse
opened read-only; on any doubt (an older warehouse without the columns, a warehouse in use) the
answer is "changed" and the month is processed as usual.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from assets.settings import PROJECT_DIR, Settings

CODE_DIRS = ("assets", "data_contracts", "pipelines")
CODE_SUFFIXES = {".py", ".sql", ".yaml", ".yml", ".csv", ".json"}


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the pipeline's code and its shipped configuration and reference files."""
    digest = hashlib.sha256()
    for folder in CODE_DIRS:
        for path in sorted((PROJECT_DIR / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(PROJECT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def configuration_fingerprints(settings: Settings) -> dict[str, str]:
    """What audit.configuratie_maand records of the configuration a month was made with."""
    from assets.ingest.reference_files import reference_fingerprint

    return {
        "indicatoren_sha256": _sha256(settings.indicatoren_path),
        "instellingen_sha256": _sha256(settings.instellingen_path),
        "referentie_sha256": reference_fingerprint(settings),
        "code_sha256": code_fingerprint(),
    }


def unchanged_since(settings: Settings, maand: str) -> str | None:
    """The time (dd-mm-jjjj uu:mm) of the publication of `maand` that these inputs would repeat,
    or None when anything differs or cannot be told."""
    import duckdb

    from assets.ingest.inbox import month_files

    report = settings.output_month(maand) / "maandrapportage.html"
    if not settings.warehouse.is_file() or not report.is_file():
        return None
    files = {source: f.sha256 for source, f in month_files(settings, maand).items()}
    try:
        con = duckdb.connect(str(settings.warehouse), read_only=True)
    except duckdb.Error:  # a run holds the warehouse
        return None
    try:
        rows = con.execute(
            "SELECT tijdstip, indicatoren_sha256, instellingen_sha256, referentie_sha256, code_sha256 "
            "FROM audit.configuratie_maand WHERE maand = $maand ORDER BY tijdstip DESC LIMIT 1", {"maand": maand}).fetchall()
        if not rows:
            return None
        tijdstip, *recorded = rows[0]
        bronnen = dict(con.execute("SELECT bron, sha256 FROM audit.bronnen_maand WHERE maand = $maand",
                                   {"maand": maand}).fetchall())
        later = con.execute("SELECT count(*) FROM audit.configuratie_maand WHERE maand < $maand AND tijdstip > $t",
                            {"maand": maand, "t": tijdstip}).fetchall()[0][0]
    except duckdb.Error:  # a warehouse from before these columns
        return None
    finally:
        con.close()
    import datetime as dt

    current = configuration_fingerprints(settings)
    same = (recorded == [current[k] for k in ("indicatoren_sha256", "instellingen_sha256", "referentie_sha256", "code_sha256")]
            and bronnen == files and not later
            and dt.datetime.fromtimestamp(report.stat().st_mtime) >= tijdstip)  # the report of this publication
    return tijdstip.strftime("%d-%m-%Y %H:%M") if same else None

"""The trend tables as files: `<name>.csv` per table and one workbook `trends_<maand>.xlsx`.

The CSV/XLSX rules (Dutch Excel, ids as text, no formula injection, Excel's row limit) and the
private, atomic publishing live in assets.writing; this module only composes the trend files
and their toelichting. `Publication` and `files_under` are imported here for report.py.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pandas as pd

from assets.reports.trends import TREND_TABLES
from assets.writing import TMP_PREFIX, sheet_name, too_big, write_csv  # noqa: F401 (TMP_PREFIX: tests)
from assets.writing import write_xlsx as write_workbook

log = logging.getLogger(__name__)


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path, maand: str) -> Path:
    """One workbook: a sheet per trend table plus a 'toelichting' sheet saying what each holds."""
    te_groot = set(too_big(tables))
    kop = pd.DataFrame({"risicoradar": [f"Trendtabellen tot en met {maand}",
                                        f"Gemaakt op {dt.datetime.now():%Y-%m-%d %H:%M}",
                                        "Aantallen zonder onderdrukking: alleen voor intern gebruik."]})
    inhoud = pd.DataFrame(
        [{"blad": sheet_name(name),
          "inhoud": TREND_TABLES.get(name, "") + (f" Te groot voor Excel: staat alleen in {name}.csv." if name in te_groot else ""),
          "rijen": len(frame)}
         for name, frame in tables.items()]
    )
    sheets = {sheet_name(name): frame for name, frame in tables.items() if name not in te_groot}
    return write_workbook(path, sheets, [kop, inhoud])


def write_trend_files(tables: dict[str, pd.DataFrame], folder: Path, maand: str) -> list[Path]:
    """`<name>.csv` per table and `trends_<maand>.xlsx` in `folder` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [write_csv(frame, folder / f"{name}.csv") for name, frame in tables.items()]
    paths.append(write_xlsx(tables, folder / f"trends_{maand}.xlsx", maand))
    return paths

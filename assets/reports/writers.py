"""Writing report outputs: Excel-friendly CSV and XLSX, private permissions, atomic publishing.

Everything is first written into a private temporary folder next to the month's output
folder, then moved into place item by item (the HTML report last). A run that fails half way
leaves the previous outputs untouched and no half-written file behind. Folders are 0700 and
files 0600: the outputs contain addresses and must stay with their owner.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from assets.reports.trends import TREND_TABLES
from assets.writing import past_in_excel, replace_dir, write_sheet

log = logging.getLogger(__name__)

# Excel allows at most 31 characters in a sheet name.
SHEETS = {
    "slachtoffers": "slachtoffers",
    "rni_per_maand": "rni_per_maand",
    "leegstand_per_buurt_per_maand": "leegstand_per_buurt",
    "objecten_per_indicator_per_maand": "objecten_per_indicator",
    "controles_per_maand": "controles_per_maand",
}

TMP_PREFIX = ".rr-tmp-"


def _for_excel(frame: pd.DataFrame) -> pd.DataFrame:
    """Round floats (4 decimals) and write booleans as ja/nee, as a Dutch reader expects."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_bool_dtype(series) or (series.dtype == object and series.dropna().map(type).eq(bool).all()
                                                   and series.notna().any()):
            out[column] = series.map({True: "ja", False: "nee"})
        elif pd.api.types.is_float_dtype(series):
            out[column] = series.round(4)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """CSV for Dutch Excel: `;` separator, decimal comma, UTF-8 with BOM."""
    _for_excel(frame).to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path, maand: str) -> Path:
    """One workbook: a sheet per trend table plus a 'toelichting' sheet saying what each holds."""
    te_groot = {name for name, frame in tables.items() if not past_in_excel(frame)}
    toelichting = pd.DataFrame(
        [{"blad": SHEETS.get(name, name[:31]),
          "inhoud": TREND_TABLES.get(name, "") + (f" Te groot voor Excel: staat alleen in {name}.csv." if name in te_groot else ""),
          "rijen": len(frame)}
         for name, frame in tables.items()]
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        kop = pd.DataFrame({"risicoradar": [f"Trendtabellen tot en met {maand}",
                                            f"Gemaakt op {dt.datetime.now():%Y-%m-%d %H:%M}",
                                            "Aantallen zonder onderdrukking: alleen voor intern gebruik."]})
        kop.to_excel(writer, sheet_name="toelichting", index=False)
        toelichting.to_excel(writer, sheet_name="toelichting", index=False, startrow=5)
        for name, frame in tables.items():
            if name not in te_groot:
                write_sheet(writer, SHEETS.get(name, name[:31]), _for_excel(frame))
        writer.sheets["toelichting"].column_dimensions["A"].width = 60
        writer.sheets["toelichting"].column_dimensions["B"].width = 90
    return path


def write_trend_files(tables: dict[str, pd.DataFrame], folder: Path, maand: str) -> list[Path]:
    """`<name>.csv` per table and `trends_<maand>.xlsx` in `folder` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [write_csv(frame, folder / f"{name}.csv") for name, frame in tables.items()]
    paths.append(write_xlsx(tables, folder / f"trends_{maand}.xlsx", maand))
    return paths


# --- private, atomic publishing -----------------------------------------------------------

def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


def make_private(root: Path) -> None:
    """Folders 0700, files 0600, everywhere under `root` (root included)."""
    root.chmod(0o700)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), 0o700)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o600)


class Publication:
    """A private temporary folder whose items are moved into `target` on `publish()`.

        with Publication(target) as pub:
            write into pub.tmp ...
            pub.publish(["trends"])           # folders and files, in this order

    On an exception nothing is moved and the temporary folder is removed.
    """

    def __init__(self, target: Path):
        self.target = target

    def __enter__(self) -> "Publication":
        private_dir(self.target.parent)
        private_dir(self.target)
        self._remove_stale()
        self.tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=self.target))
        self.tmp.chmod(0o700)
        return self

    def _remove_stale(self) -> None:
        """Leftovers of a killed run (older than an hour) are removed."""
        for old in self.target.glob(f"{TMP_PREFIX}*"):
            try:
                if time.time() - old.stat().st_mtime > 3600:
                    shutil.rmtree(old, ignore_errors=True)
            except FileNotFoundError:
                pass

    def publish(self, names: list[str]) -> list[Path]:
        make_private(self.tmp)
        published = []
        for name in names:
            src, dst = self.tmp / name, self.target / name
            if not src.exists():
                continue
            if src.is_dir():
                replace_dir(src, dst, f"{TMP_PREFIX}old-")
            else:
                os.replace(src, dst)
            published.append(dst)
        return published

    def __exit__(self, *exc) -> bool:
        shutil.rmtree(self.tmp, ignore_errors=True)
        return False


def files_under(paths: list[Path]) -> list[Path]:
    out = []
    for path in paths:
        out += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return out

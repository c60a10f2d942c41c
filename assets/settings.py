"""Where the data lives and what the analyst configures.

One data folder holds the inbox, the warehouse and the outputs. It is `data/` in the current
directory unless `RISICORADAR_DATA` (or the CLI's `--data-dir`) says otherwise, so one install
can serve another gemeente or a test folder.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"
CONFIG_DIR = PACKAGE_DIR / "config"
PROJECT_DIR = PACKAGE_DIR.parent

DATA_ENV = "RISICORADAR_DATA"


def data_dir() -> Path:
    return Path(os.environ.get(DATA_ENV, "data")).resolve()


@dataclass(frozen=True)
class Settings:
    """Paths and analyst settings for one data folder."""

    data: Path
    gemeente: str | None = None  # set for one gemeente of many (see voor_gemeente)

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(data_dir())

    @property
    def inbox(self) -> Path:
        return self.data / "inbox"

    @property
    def warehouse(self) -> Path:
        return self.data / "warehouse.duckdb"

    @property
    def output(self) -> Path:
        return self.data / "output"

    def output_month(self, maand: str) -> Path:
        return self.output / maand

    @property
    def dagster_home(self) -> Path:
        return self.data / "dagster_home"

    @property
    def instellingen_path(self) -> Path:
        own = self.data / "config" / "instellingen.yaml"
        return own if own.exists() else CONFIG_DIR / "instellingen.yaml"

    @property
    def indicatoren_path(self) -> Path:
        own = self.data / "config" / "indicatoren.yaml"
        return own if own.exists() else CONFIG_DIR / "indicatoren.yaml"

    @property
    def sbi_risico_path(self) -> Path:
        own = self.data / "config" / "sbi_risico.csv"
        return own if own.exists() else CONFIG_DIR / "sbi_risico.csv"

    @property
    def buurten_path(self) -> Path:
        own = self.data / "referentie" / "buurten.geojson"
        return own if own.exists() else REFERENCE_DIR / "zoeterwoude_buurten_2025_rd.geojson"

    @property
    def gemeentegrens_path(self) -> Path | None:
        own = self.data / "referentie" / "gemeente.geojson"
        if own.exists():
            return own
        if (self.data / "referentie" / "buurten.geojson").exists():
            return None
        return REFERENCE_DIR / "zoeterwoude_gemeente_2025_rd.geojson"

    @cached_property
    def instellingen(self) -> dict:
        with open(self.instellingen_path, encoding="utf-8") as fh:
            values = yaml.safe_load(fh) or {}
        override = self.data / "referentie" / "gemeente.txt"
        if override.exists():
            values["gemeentecode"] = override.read_text(encoding="utf-8").strip()
        return values

    def voor_gemeente(self, gemeente: str) -> "Settings":
        """The settings of one gemeente of many: its own folder <data>/gemeenten/GMxxxx/."""
        code = str(gemeente).upper().removeprefix("GM").zfill(4)
        if not code.isdigit() or len(code) != 4:
            raise ValueError(f"'{gemeente}' is geen gemeentecode; gebruik bijvoorbeeld GM0638.")
        return Settings(self.data / "gemeenten" / f"GM{code}", gemeente=code)

    @property
    def gemeentecode(self) -> str:
        """Four-digit bronhouder code (e.g. '0638'), or '*' for every gemeente in the files."""
        if self.gemeente:
            return self.gemeente
        code = str(self.instellingen.get("gemeentecode", "0638")).upper().removeprefix("GM")
        return code if code == "*" else code.zfill(4)

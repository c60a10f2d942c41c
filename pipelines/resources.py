"""Resources: the DuckDB warehouse and the data-folder settings."""
from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.settings import Settings


class Instellingen(dg.ConfigurableResource):
    """Which data folder (inbox, warehouse, outputs) this code location serves."""

    data_dir: str

    def settings(self) -> Settings:
        return Settings(Path(self.data_dir).resolve())


def build_resources(settings: Settings) -> dict:
    settings.data.mkdir(parents=True, exist_ok=True)
    settings.data.chmod(0o700)
    return {
        "duckdb": DuckDBResource(database=str(settings.warehouse)),
        "instellingen": Instellingen(data_dir=str(settings.data)),
    }

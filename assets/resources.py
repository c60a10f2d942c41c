"""Dagster resources the assets need: the data folder and its DuckDB warehouse.

The code location (`pipelines/resources.py`) wires them up; the assets own their classes.
"""
from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.settings import Settings


class DataFolder(dg.ConfigurableResource):
    """Which data folder (inbox, warehouse, outputs) this code location serves."""

    data_dir: str

    def settings(self) -> Settings:
        return Settings(Path(self.data_dir).resolve())


def warehouse_resource(settings: Settings) -> DuckDBResource:
    """The DuckDB warehouse of a data folder. `warehouse: geheugenlimiet` in instellingen.yaml caps
    DuckDB's memory (default: DuckDB's own, 80 % of RAM); it spills to disk beyond that."""
    limit = settings.config.warehouse.geheugenlimiet
    config = {"memory_limit": str(limit)} if limit else {}
    return DuckDBResource(database=str(settings.warehouse), connection_config=config)

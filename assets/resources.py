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


# DuckDB's share of the machine's RAM when instellingen.yaml sets no `warehouse: geheugenlimiet`.
# DuckDB's own default (80 %) leaves too little for the process's other half (the contract checks
# hold a file's columns in Arrow/pandas): the peak of a month is DuckDB's limit plus the checks'
# frames. A national month on 24 GiB peaked at 11.8 GiB with 80 %, 10.05 GiB with 20 % and 7.98 GiB
# with 10 %, in the same time (tests/benchmarks/README.md). Beyond the limit DuckDB spills to the
# temp folder beside the warehouse.
STANDAARD_GEHEUGENLIMIET = "10%"


def warehouse_resource(settings: Settings) -> DuckDBResource:
    """The DuckDB warehouse of a data folder. `warehouse: geheugenlimiet` in instellingen.yaml caps
    DuckDB's memory (default STANDAARD_GEHEUGENLIMIET of the RAM); it spills to disk beyond that."""
    limit = settings.config.warehouse.geheugenlimiet or STANDAARD_GEHEUGENLIMIET
    return DuckDBResource(database=str(settings.warehouse), connection_config={"memory_limit": str(limit)})

"""The code location's resources: the warehouse and the data folder of `Settings.from_env()`."""
from __future__ import annotations

from assets.resources import DataFolder, warehouse_resource
from assets.settings import Settings


def build_resources(settings: Settings) -> dict:
    settings.data.mkdir(parents=True, exist_ok=True)
    settings.data.chmod(0o700)
    return {
        "duckdb": warehouse_resource(settings),
        "data_folder": DataFolder(data_dir=str(settings.data)),
    }

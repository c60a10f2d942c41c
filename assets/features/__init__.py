"""Features layer: one row of object-level facts per verblijfsobject per month.

`build` runs the SQL (build.py), `specs` is the Dagster asset (specs.py).
"""
from assets.features.build import build
from assets.features.specs import ADDRESS_FEATURES, OWNERS, specs

__all__ = ["build", "specs", "OWNERS", "ADDRESS_FEATURES"]

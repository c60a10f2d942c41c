"""Reports layer: trend tables, maps, charts and the monthly HTML report (Dutch).

`assets.reports.trends.trend_tables(con, maand)` is the stable entry point for the trend
tables (the RIEC export uses it too). The Dagster assets (`rapportage/trendtabellen`,
`rapportage/maandrapportage`) are listed in ASSETS for pipelines/definitions.py.
"""
from assets.reports.rapportage import ASSETS, MAANDRAPPORTAGE, TRENDTABELLEN, maandrapportage, trendtabellen

__all__ = ["ASSETS", "MAANDRAPPORTAGE", "TRENDTABELLEN", "maandrapportage", "trendtabellen"]

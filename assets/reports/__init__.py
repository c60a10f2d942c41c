"""Reports layer: trend tables, maps, charts and the monthly HTML report (Dutch).

`trends.trend_tables(con, maand)` is the stable entry point for the trend tables (also used
by the RIEC export). The Dagster assets are in `assets.reports.dagster_assets` and listed in
ASSETS for pipelines/definitions.py.
"""

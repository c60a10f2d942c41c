"""Trend tables of the monthly report and the RIEC export, up to and including a month.

Each table is one SELECT in its own `.sql` file beside this module (`trend.<name>.sql`),
parameters bound. The tables hold plain counts: suppression of small numbers is the job of
whatever takes them outside the municipality (the RIEC export), not of this module.

    from assets.reports.trends import trend_tables
    tables = trend_tables(con, "2026-10")   # {"slachtoffers": DataFrame, ...}
"""
from __future__ import annotations


import duckdb
import pandas as pd

from assets.warehouse import month_params, query
from data_contracts.months import is_month

# Table name -> what it holds (Dutch; used as sheet/file description in the outputs).
TREND_TABLES: dict[str, str] = {
    "slachtoffers": "Slachtoffers per jaar en uitbuitingsvorm, per bron en regio (SHOP, CoMensha)",
    "rni_per_maand": "RNI-inschrijvingen per maand, met en zonder bekend verblijfsadres",
    "leegstand_per_buurt_per_maand": "Administratieve leegstand (CBS-definitie) per buurt per maand",
    "objecten_per_indicator_per_maand": "Aantal objecten per indicator per maand, en hoeveel daarvan op de risicolijst",
    "controles_per_maand": "Controles per maand en aanleiding: uitkomsten en trefkans (met 95 %-interval, cumulatief)",
}

# Columns of the slachtoffers table per uitbuitingsvorm, with the label people read.
UITBUITINGSVORMEN: dict[str, str] = {
    "arbeidsuitbuiting": "Arbeidsuitbuiting",
    "seksuele_uitbuiting": "Seksuele uitbuiting",
    "criminele_uitbuiting": "Criminele uitbuiting",
    "criminele_seksuele_uitbuiting": "Criminele/seksuele uitbuiting",
    "onbekend": "Onbekend",
}



def trend_table(con: duckdb.DuckDBPyConnection, name: str, maand: str) -> pd.DataFrame:
    """One trend table (see TREND_TABLES) up to and including `maand` ('YYYY-MM')."""
    if name not in TREND_TABLES:
        raise KeyError(f"unknown trend table {name!r}; known: {', '.join(TREND_TABLES)}")
    if not is_month(maand):
        raise ValueError(f"'{maand}' is geen maand; gebruik JJJJ-MM")
    return query(con, f"trend.{name}", month_params(maand)).df()


def trend_tables(con: duckdb.DuckDBPyConnection, maand: str) -> dict[str, pd.DataFrame]:
    """Every trend table up to and including `maand`, in a fixed order, as plain counts.

    Keys: slachtoffers, rni_per_maand, leegstand_per_buurt_per_maand,
    objecten_per_indicator_per_maand, controles_per_maand. The signature is stable: the RIEC
    export imports it.
    """
    return {name: trend_table(con, name, maand) for name in TREND_TABLES}

"""What the monthly report reads from the warehouse: one SELECT per `rapport.<name>.sql` beside
this module, parameters bound, plus the check that the month was processed at all."""
from __future__ import annotations

import duckdb
import pandas as pd

from assets.warehouse import month_params, query

# The report's queries (rapport.<name>.sql), read for every report.
QUERIES = (
    "kerncijfers", "buurten", "controlelijst", "bronnen", "validatielog", "quarantaine", "woz",
    "evaluatie_aanleiding", "evaluatie_scoreklasse", "evaluatie_indicator", "evaluatie_precisie",
    "evaluatie_buurt", "evaluatie_drift", "besluitadressen", "evaluatie_besluiten", "evaluatie_besluit_redenen",
)


class MaandNietVerwerkt(ValueError):
    """The month is not in the warehouse: a report of it would be empty."""


def check_processed(con: duckdb.DuckDBPyConnection, maand: str) -> None:
    rows = con.execute("SELECT count(*) FROM audit.bronnen_maand WHERE maand = $maand", {"maand": maand}).fetchall()
    if not rows[0][0]:
        raise MaandNietVerwerkt(
            f"Maand {maand} staat niet in het warehouse; er is dus niets te rapporteren. "
            f"Verwerk eerst de maand (risicoradar run --maand {maand}) en maak daarna het rapport."
        )


def report_query(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pd.DataFrame:
    return query(con, f"rapport.{name}", params).df()


def read_report_data(con: duckdb.DuckDBPyConnection, maand: str) -> dict[str, pd.DataFrame]:
    """Every report query of the month, by name (see QUERIES)."""
    params = month_params(maand)
    return {name: report_query(con, name, params) for name in QUERIES}

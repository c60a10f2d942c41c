"""Shared setup of the analyst notebooks: find the warehouse, pick the month, show results.

The notebooks are read-only consumers of the warehouse. They find it through the same data
folder as the CLI (`RISICORADAR_DATA`, default `data/`), open it with `read_only=True` and
never write to it. The month is the latest one in the warehouse unless `RISICORADAR_MAAND`
says otherwise.

Every notebook also runs as a plain script (`python notebooks/01_bronnen_verkennen.py`): then
tables are printed as text and figures are built but not shown.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb
import pandas as pd

# The notebooks import the project's own code; make that work from a checkout too.
PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from assets import formatting  # noqa: E402
from assets.settings import Settings  # noqa: E402
from data_contracts.months import is_month  # noqa: E402

MAAND_ENV = "RISICORADAR_MAAND"


class NotebookFout(RuntimeError):
    """Something an analyst has to fix before the notebook can run; the message is Dutch."""


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where figures and rich tables can be displayed)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def settings() -> Settings:
    return Settings.from_env()


def connect_readonly(instellingen: Settings | None = None) -> duckdb.DuckDBPyConnection:
    """The warehouse of the data folder, opened read-only."""
    path = (instellingen or settings()).warehouse
    if not path.is_file():
        raise NotebookFout(
            f"Geen warehouse gevonden op {path}. Zet RISICORADAR_DATA op de datamap van risicoradar "
            "(of maak een demo: risicoradar demo --maanden 4)."
        )
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        raise NotebookFout(
            f"Het warehouse {path} is nu niet te openen (wordt de maand verwerkt?). Probeer het later opnieuw. ({exc})"
        ) from exc


def months(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Months with scores in the warehouse, oldest first."""
    return [m for (m,) in con.execute("SELECT DISTINCT maand FROM marts.adresscores ORDER BY maand").fetchall()]


def choose_month(con: duckdb.DuckDBPyConnection) -> str:
    """`RISICORADAR_MAAND` when set, else the latest month in the warehouse."""
    available = months(con)
    if not available:
        raise NotebookFout("Het warehouse bevat nog geen verwerkte maand (marts.adresscores is leeg).")
    wanted = os.environ.get(MAAND_ENV, "").strip()
    if not wanted:
        return available[-1]
    if not is_month(wanted):
        raise NotebookFout(f"{MAAND_ENV}='{wanted}' is geen maand; gebruik JJJJ-MM.")
    if wanted not in available:
        raise NotebookFout(f"Maand {wanted} staat niet in het warehouse; beschikbaar: {', '.join(available)}.")
    return wanted


def heading(text: str) -> None:
    """A dynamic heading or conclusion: Markdown in a notebook, plain text in a script."""
    if in_notebook():
        from IPython.display import Markdown, display

        display(Markdown(text))
    else:
        print(f"\n{text}")


def table(frame: pd.DataFrame, titel: str | None = None, max_rows: int = 40) -> None:
    """Show a table: rich in a notebook, as text in a script."""
    if titel:
        heading(f"**{titel}**")
    if in_notebook():
        from IPython.display import display

        display(frame.head(max_rows) if len(frame) > max_rows else frame)
    else:
        with pd.option_context("display.width", 160, "display.max_columns", 30, "display.max_colwidth", 60):
            print(frame.head(max_rows).to_string(index=False) if len(frame) else "(geen rijen)")
    if len(frame) > max_rows:
        print(f"... {len(frame) - max_rows} rijen meer")


def show(fig) -> None:
    """Show a plotly figure in a notebook; in a script only say that it was built."""
    if in_notebook():
        fig.show()
    else:
        titel = fig.layout.title.text if fig.layout.title and fig.layout.title.text else "zonder titel"
        print(f"[figuur gemaakt: {titel}]")


def procent(value, decimalen: int = 0) -> str:
    """A fraction as a Dutch percentage, 0.4567 -> '46 %'; missing -> 'onbekend'
    (assets.formatting.procent with fractie=True: one implementation for reports and notebooks)."""
    return formatting.procent(value, decimalen, fractie=True, leeg="onbekend")

"""The analyst notebooks run on demo data, as scripts and as real notebooks, and never write.

Each notebook in notebooks/ (jupytext percent format) is executed twice on the session's demo
warehouse: as a plain script (`python notebooks/01_….py`, the way an analyst without Jupyter
runs it) and through jupytext -> nbformat -> nbclient in a Jupyter kernel (the way it runs
in Jupyter, where figures and tables are displayed). Any error fails the test. The warehouse
must be byte-identical afterwards: the notebooks are read-only consumers.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.conftest import PROJECT, connect_ro, table_fingerprints

pytestmark = pytest.mark.slow

NOTEBOOK_DIR = PROJECT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.py"))
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def notebook_env(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("RISICORADAR_MAAND", "DAGSTER_HOME")}
    env["RISICORADAR_DATA"] = str(data)
    env.update(extra)
    return env


def warehouse_state(data: Path) -> dict:
    """What must not change: the file's bytes and mtime, no WAL beside it, every table's content."""
    warehouse = data / "warehouse.duckdb"
    stat = warehouse.stat()
    return {
        "sha256": hashlib.sha256(warehouse.read_bytes()).hexdigest(),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "wal": (data / "warehouse.duckdb.wal").exists(),
        "tables": table_fingerprints(data),
    }


@pytest.fixture(scope="module")
def untouched_warehouse(demo_data):
    """The demo warehouse's state before the notebooks ran; checked again after all of them."""
    before = warehouse_state(demo_data)
    yield demo_data
    after = warehouse_state(demo_data)
    assert after == before, "a notebook changed the warehouse; notebooks must open it read-only"


def test_every_notebook_is_found():
    names = [p.name for p in NOTEBOOKS]
    assert names == [
        "01_bronnen_verkennen.py",
        "02_gevoeligheid_score.py",
        "03_evaluatie_controles.py",
        "04_trends_riec.py",
    ]


def test_notebooks_run_as_scripts(untouched_warehouse):
    """`python notebooks/<name>.py` works for every notebook (run side by side to save time)."""
    data = untouched_warehouse
    running = {
        path.name: subprocess.Popen(
            [sys.executable, str(path)], cwd=PROJECT, env=notebook_env(data),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for path in NOTEBOOKS
    }
    outputs, failures = {}, []
    for name, process in running.items():
        stdout, stderr = process.communicate(timeout=900)
        outputs[name] = stdout
        if process.returncode != 0:
            failures.append(f"{name} failed ({process.returncode}):\n{stdout[-3000:]}\n{stderr[-3000:]}")
    assert not failures, "\n\n".join(failures)

    # The sensitivity notebook names one address that always stays in the top-k and one that does not.
    sensitivity = outputs["02_gevoeligheid_score.py"]
    assert "STABIEL: verblijfsobject " in sensitivity
    assert "GEVOELIG: verblijfsobject " in sensitivity
    assert "De herberekende basislijst is gelijk aan de risicolijst in het warehouse" in sensitivity
    # Scripts build figures without trying to show them.
    assert "[figuur gemaakt:" in outputs["04_trends_riec.py"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes_in_a_kernel(path, untouched_warehouse, monkeypatch, tmp_path):
    """jupytext -> nbformat -> nbclient: every cell runs in a real Jupyter kernel without error."""
    monkeypatch.setenv("RISICORADAR_DATA", str(untouched_warehouse))
    monkeypatch.delenv("RISICORADAR_MAAND", raising=False)
    notebook = jupytext.read(path)
    nbformat.validate(notebook)
    # A kernel of this interpreter over local sockets (no TCP ports on a shared machine).
    kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    client = NotebookClient(notebook, km=kernel, timeout=900, resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed in the kernel:\n{exc}")
    finally:
        if kernel.has_kernel:
            kernel.shutdown_kernel(now=True)

    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.get("output_type") == "error"]
    assert any(PLOTLY_MIME in out.get("data", {}) for out in outputs), f"{path.name} displayed no figure"
    markdown = [out["data"]["text/markdown"] for out in outputs if "text/markdown" in out.get("data", {})]
    assert any("- " in text for text in markdown), f"{path.name} wrote no conclusions"


def test_month_can_be_chosen(untouched_warehouse):
    """RISICORADAR_MAAND picks an earlier month; an unknown month is refused in Dutch."""
    data = untouched_warehouse
    con = connect_ro(data)
    try:
        months = [m for (m,) in con.execute("SELECT DISTINCT maand FROM marts.adresscores ORDER BY maand").fetchall()]
    finally:
        con.close()
    assert len(months) >= 2
    script = str(NOTEBOOK_DIR / "01_bronnen_verkennen.py")
    earlier = subprocess.run(
        [sys.executable, script], cwd=PROJECT, env=notebook_env(data, RISICORADAR_MAAND=months[0]),
        capture_output=True, text=True, timeout=600,
    )
    assert earlier.returncode == 0, earlier.stderr
    assert f"maand **{months[0]}**" in earlier.stdout

    unknown = subprocess.run(
        [sys.executable, script], cwd=PROJECT, env=notebook_env(data, RISICORADAR_MAAND="1999-01"),
        capture_output=True, text=True, timeout=600,
    )
    assert unknown.returncode != 0
    assert "Maand 1999-01 staat niet in het warehouse" in unknown.stderr

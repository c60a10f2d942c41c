"""great-expectations in a second process, so that its import (4-6 s) runs beside the rest.

`risicoradar run` calls `start()` before it imports Dagster: the worker imports
great-expectations and builds its ephemeral context on the machine's other core while the main
process starts Dagster, the run and reads the month's files. `suite._run_gx` then hands each
great-expectations pass (a frame of values and the checks, see `suite.run_checks`) to the
worker and gets the failing row positions back: the same function on the same frame, so the
findings and messages are the same. Without a worker (the UI, tests, notebooks) or when it died,
great-expectations runs in the process itself, as before.

The worker reads requests from a pipe and ends when the pipe closes (the main process ended or
was killed); it holds no data between requests.
"""
from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import traceback
from multiprocessing.connection import Connection

log = logging.getLogger(__name__)

_worker: tuple | None = None  # (process, request connection, answer connection)


def start() -> None:
    """Start the worker (once per process); it begins importing great-expectations at once.
    A plain child process (`python -m data_contracts.gx_worker`) with two pipes: multiprocessing's
    spawn would run the main module again (the `risicoradar` script has no main guard)."""
    global _worker
    if _worker is not None:
        return
    to_child, from_parent = os.pipe()
    to_parent, from_child = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "data_contracts.gx_worker", str(to_child), str(from_child)],
        pass_fds=(to_child, from_child), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, close_fds=True,
    )
    os.close(to_child)
    os.close(from_child)
    _worker = (process, Connection(from_parent, readable=False), Connection(to_parent, writable=False))
    atexit.register(stop)


def stop() -> None:
    """Close the pipes: the worker ends by itself (its interpreter's shutdown is not waited for)."""
    global _worker
    if _worker is None:
        return
    _, requests, answers = _worker
    _worker = None
    requests.close()
    answers.close()


def active() -> bool:
    return _worker is not None and _worker[0].poll() is None


# A pass over more rows than this goes to the worker in parts of this many rows: every rule of a
# contract is a rule about one row (no `mostly`, no rule over a whole column), so a row fails in
# its part exactly when it fails in the whole frame. The worker holds one part at a time.
MAX_ROWS = 2_000_000


def run_gx(source: str, frame, checks) -> dict | None:
    """`suite._run_gx_here` in the worker (a large frame part by part); None when there is no
    (living) worker: run it here."""
    if not active():
        return None
    if len(frame) <= MAX_ROWS:
        return _ask(source, frame, checks)
    found: dict = {}
    for start in range(0, len(frame), MAX_ROWS):
        part = frame.iloc[start:start + MAX_ROWS].reset_index(drop=True)
        answer = _ask(source, part, checks)
        if answer is None:  # the worker died on the way: the whole pass runs here
            return None
        for position, rows in answer.items():
            found.setdefault(position, []).append(rows + start)
    import numpy as np

    return {position: np.concatenate(parts) for position, parts in sorted(found.items())}


def _ask(source: str, frame, checks) -> dict | None:
    global _worker
    process, requests, answers = _worker
    try:
        requests.send((source, frame, checks))
        status, value = answers.recv()
    except (EOFError, OSError) as exc:
        log.warning("great-expectations-proces gestopt (%s); de controles lopen verder in dit proces", exc)
        _worker = None
        process.kill()
        return None
    if status == "fout":  # the analyst sees one line (the run log keeps the worker's traceback)
        log.error("great-expectations in het tweede proces:\n%s", value)
        raise RuntimeError(f"great-expectations (tweede proces): {value.strip().splitlines()[-1]}")
    return value


def _serve(requests: Connection, answers: Connection) -> None:
    from data_contracts import suite

    suite._context()  # the import and the context: the seconds this process is for
    while True:
        try:
            source, frame, checks = requests.recv()
        except (EOFError, OSError):
            return
        try:
            answers.send(("ok", suite._run_gx_here(source, frame, checks)))
        except Exception:  # noqa: BLE001 - the main process raises it with the worker's traceback
            answers.send(("fout", traceback.format_exc()))


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))

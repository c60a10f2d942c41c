"""Static PNGs of the report's maps and charts (for e-mail and print), via kaleido with
Debian's Chromium, made after the report, off the month's critical path.

The report (`build_report`) does not wait for Chromium: it publishes `figuren/` with the plotly
specification of each figure (`<naam>.json`) and a list of them (`afbeeldingen.json`, with a
token of that report). The step `rapportage/afbeeldingen` (`make_pngs`; Dagster asset
`assets/reports/afbeeldingen.py`, started in the background by `risicoradar run`, or by the
sensor after a monthly run elsewhere) renders them and publishes `figuren/` again with the PNGs,
as a whole folder and only while the list still carries the same token: a report published in
between (a re-run of the month) is never given the images of its predecessor. Any failure only
skips the PNGs, with the reason in Dutch.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import threading
import uuid
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
PNG_TIMEOUT_S = 180
PNG_FOLDER = "figuren"
MANIFEST = "afbeeldingen.json"
LOCK = ".figuren.lock"


def browser() -> str | None:
    """The Chromium kaleido will use, or None when it is not there."""
    path = os.environ.get("BROWSER_PATH") or CHROMIUM
    return path if Path(path).exists() else None


def no_browser_message() -> str:
    return f"geen Chromium gevonden ({os.environ.get('BROWSER_PATH') or CHROMIUM}); PNG-afbeeldingen overgeslagen"


def _size(fig) -> tuple[int, int]:
    # maps (equal axes) need less width than the time series
    return (800 if fig.layout.yaxis.scaleanchor else 1100), int(fig.layout.height or 500)


def write_specs(items: list[tuple[object, str]], folder: Path) -> int:
    """Write each figure's plotly specification and the list of PNGs to make into `folder`
    (the report's `figuren/` before it is published). Returns the number of figures."""
    entries = []
    for fig, png in items:
        spec = Path(png).with_suffix(".json").name
        (folder / spec).write_text(fig.to_json(), encoding="utf-8")
        width, height = _size(fig)
        entries.append({"png": png, "spec": spec, "breedte": width, "hoogte": height})
    (folder / MANIFEST).write_text(json.dumps({"token": uuid.uuid4().hex, "figuren": entries}, indent=1),
                                   encoding="utf-8")
    return len(entries)


@contextlib.contextmanager
def figures_lock(month_folder: Path):
    """Serialises publishing `figuren/` between the report and the PNG step (two processes)."""
    fd = os.open(month_folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def manifest(month_folder: Path) -> dict | None:
    try:
        return json.loads((month_folder / PNG_FOLDER / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def pending(month_folder: Path) -> bool:
    """True when the month's report listed figures whose PNGs are not there yet."""
    listed = manifest(month_folder)
    if not listed or not listed["figuren"]:
        return False
    return not all((month_folder / PNG_FOLDER / e["png"]).exists() for e in listed["figuren"])


def export_pngs(items: list[tuple[object, Path, int, int]], timeout: float = PNG_TIMEOUT_S) -> tuple[list[Path], str]:
    """Static PNGs (figure, path, width, height) via kaleido; ([], reason) when that is not possible."""
    if not items:
        return [], ""
    path = browser()
    if path is None:
        return [], no_browser_message()
    os.environ["BROWSER_PATH"] = path
    outcome: dict = {}

    def run() -> None:
        try:
            import plotly.io as pio

            pio.write_images([f for f, *_ in items], [p for _, p, *_ in items], scale=1,
                             width=[w for *_, w, _ in items], height=[h for *_, h in items])
            outcome["ok"] = True
        except Exception as exc:  # noqa: BLE001 - any failure of the export only skips the PNGs
            outcome["fout"] = f"{type(exc).__name__}: {exc}"

    worker = threading.Thread(target=run, name="png-export", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return [], f"PNG-export duurde langer dan {timeout:.0f} s; afbeeldingen overgeslagen"
    if "ok" not in outcome:
        return [], f"PNG-export mislukt ({outcome.get('fout', 'onbekende fout')}); afbeeldingen overgeslagen"
    made = [p for _, p, *_ in items if p.exists() and p.stat().st_size > 0]
    return made, f"{len(made)} PNG-afbeeldingen gemaakt"


def make_pngs(month_folder: Path, timeout: float = PNG_TIMEOUT_S) -> tuple[list[Path], str]:
    """Render the PNGs the month's report listed and publish `figuren/` with them.
    Returns the published PNG paths and a Dutch line on what happened."""
    from assets.files import TMP_PREFIX, make_private, replace_dir

    listed = manifest(month_folder)
    if listed is None:
        return [], f"geen figuren om af te beelden in {month_folder / PNG_FOLDER} (maak eerst de maandrapportage)"
    import plotly.io as pio

    source = month_folder / PNG_FOLDER
    work = month_folder / f"{TMP_PREFIX}{PNG_FOLDER}-{uuid.uuid4().hex[:8]}"
    try:
        shutil.copytree(source, work)
        for old in work.glob("*.png"):
            old.unlink()
        items = [(pio.from_json((work / e["spec"]).read_text(encoding="utf-8"), skip_invalid=True),
                  work / e["png"], e["breedte"], e["hoogte"]) for e in listed["figuren"]]
        made, melding = export_pngs(items, timeout)
        if not made:
            return [], melding
        make_private(work)
        with figures_lock(month_folder):
            now = manifest(month_folder)
            if now is None or now.get("token") != listed["token"]:
                return [], "de maandrapportage is intussen opnieuw gemaakt; haar eigen afbeeldingsstap maakt de PNG's"
            replace_dir(work, source, f"{TMP_PREFIX}old-")
        return [source / p.name for p in made], melding
    finally:
        shutil.rmtree(work, ignore_errors=True)

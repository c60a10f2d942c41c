"""Static PNGs of the report's maps and charts (for e-mail and print), via kaleido with
Debian's Chromium. Any failure only skips the PNGs, with the reason in Dutch."""
from __future__ import annotations

import os
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
PNG_TIMEOUT_S = 180


def export_pngs(items: list[tuple[object, Path]], timeout: float = PNG_TIMEOUT_S) -> tuple[list[Path], str]:
    """Static PNGs via kaleido with Debian's Chromium; ([], reason) when that is not possible."""
    if not items:
        return [], ""
    browser = os.environ.get("BROWSER_PATH") or CHROMIUM
    if not Path(browser).exists():
        return [], f"geen Chromium gevonden ({browser}); PNG-afbeeldingen overgeslagen"
    os.environ["BROWSER_PATH"] = browser
    outcome: dict = {}

    def run() -> None:
        try:
            import plotly.io as pio

            # maps (equal axes) need less width than the time series
            pio.write_images([f for f, _ in items], [p for _, p in items], scale=1,
                             width=[800 if f.layout.yaxis.scaleanchor else 1100 for f, _ in items],
                             height=[int(f.layout.height or 500) for f, _ in items])
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
    made = [p for _, p in items if p.exists() and p.stat().st_size > 0]
    return made, f"{len(made)} PNG-afbeeldingen gemaakt"

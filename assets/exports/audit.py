"""Audit helpers of the exports module: the OS user and the code version (the audit tables are in
assets/schema.sql with the others)."""
from __future__ import annotations

import getpass
import subprocess
from functools import lru_cache


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers): still record something
        return "onbekend"


@lru_cache(maxsize=1)
def code_version() -> dict:
    """Package version and git commit of the running code ('onbekend' when not available)."""
    from importlib.metadata import PackageNotFoundError, version

    from assets.settings import PROJECT_DIR

    try:
        pakket = version("risicoradar")
    except PackageNotFoundError:
        pakket = "onbekend"
    commit, gewijzigd = "onbekend", None
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            commit = out.stdout.strip()
            diff = subprocess.run(["git", "diff-index", "--quiet", "HEAD", "--"], cwd=PROJECT_DIR,
                                  capture_output=True, timeout=10)
            gewijzigd = diff.returncode == 1
    except (OSError, subprocess.SubprocessError):
        pass
    return {"pakket": pakket, "git_commit": commit, "lokale_wijzigingen": gewijzigd}

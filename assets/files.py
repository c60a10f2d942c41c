"""Owner-only folders and files and atomic publishing (no pandas: the CLI uses these before it
knows whether it has work to do). Re-exported by assets/writing.py, the one writer of CSV and XLSX."""
from __future__ import annotations

import os
import stat
import shutil
import tempfile
import time
import uuid
from pathlib import Path


# --- private folders and files --------------------------------------------------------------------


def private_dir(path: Path) -> Path:
    """`path` as an owner-only folder: missing folders (parents too) are created 0700 and
    `path` itself is set to 0700; parents that exist already are left as they are."""
    missing = []
    for folder in [path, *path.parents]:
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # made meanwhile by a concurrent run
            pass
    path.chmod(0o700)
    return path


PRIVATE_UMASK = 0o077


def private_process() -> None:
    """Everything this process (and what it starts: Dagster's storage, DuckDB) creates from now on
    is owner-only."""
    os.umask(PRIVATE_UMASK)


def make_private(data: Path) -> int:
    """Owner-only for what is under `data` (root included): folders 0700, files without group/other
    bits. Symlinks are left alone. Returns how many changed."""
    data = Path(data)
    if not data.is_dir():
        return 0
    changed = 0
    for root, dirs, files in os.walk(data):
        for name, folder in [(root, True)] + [(os.path.join(root, d), True) for d in dirs] + \
                [(os.path.join(root, f), False) for f in files]:
            try:
                info = os.lstat(name)
            except FileNotFoundError:
                continue
            if stat.S_ISLNK(info.st_mode):
                continue
            mode = stat.S_IMODE(info.st_mode)
            wanted = 0o700 if folder else mode & 0o700
            if mode != wanted:
                os.chmod(name, wanted)
                changed += 1
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
    return changed


def write_private(path: Path, text: str) -> Path:
    """Write text atomically (temp file + rename) with mode 0600."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
    path.chmod(0o600)
    return path


def replace_dir(src: Path, dst: Path, aside_prefix: str) -> None:
    """Move a finished folder into place; an earlier one is renamed aside first, then removed,
    so a reader sees the old folder or the new one, never a mix."""
    old = None
    if dst.exists():
        old = dst.parent / f"{aside_prefix}{dst.name}-{uuid.uuid4().hex[:8]}"
        os.rename(dst, old)
    os.rename(src, dst)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --- atomic publishing -------------------------------------------------------------------------------

TMP_PREFIX = ".rr-tmp-"
# Temporary folders of a killed run: ours, and those of the RIEC export before it published
# through a Publication (they may hold an address list).
STALE_PREFIXES = (TMP_PREFIX, ".export_riec-tmp-")
STALE_AFTER_S = 3600


def remove_stale(folder: Path, max_age_s: int = STALE_AFTER_S) -> None:
    """Temporary folders in `folder` left by a killed run (older than an hour) are removed."""
    for prefix in STALE_PREFIXES:
        for old in folder.glob(f"{prefix}*"):
            try:
                if time.time() - old.stat().st_mtime > max_age_s:
                    shutil.rmtree(old, ignore_errors=True)
            except FileNotFoundError:
                pass


class Publication:
    """A private temporary folder whose items are moved into `target` on `publish()`.

        with Publication(target) as pub:
            write into pub.tmp ...
            pub.publish(["trends"])           # folders and files, in this order

    A folder replaces its earlier version as a whole (`replace_dir`), a file by a rename. On an
    exception nothing is moved and the temporary folder is removed.
    """

    def __init__(self, target: Path):
        self.target = target

    def __enter__(self) -> "Publication":
        private_dir(self.target.parent)
        private_dir(self.target)
        remove_stale(self.target)
        self.tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=self.target))
        self.tmp.chmod(0o700)
        return self

    def publish(self, names: list[str]) -> list[Path]:
        make_private(self.tmp)
        published = []
        for name in names:
            src, dst = self.tmp / name, self.target / name
            if not src.exists():
                continue
            if src.is_dir():
                replace_dir(src, dst, f"{TMP_PREFIX}old-")
            else:
                os.replace(src, dst)
            published.append(dst)
        return published

    def __exit__(self, *exc) -> bool:
        shutil.rmtree(self.tmp, ignore_errors=True)
        return False


def files_under(paths: list[Path]) -> list[Path]:
    out = []
    for path in paths:
        out += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return out

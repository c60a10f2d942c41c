"""Writing output files that only their owner can read (privacy by default)."""
from __future__ import annotations

import os
from pathlib import Path


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


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
    import shutil
    import uuid

    old = None
    if dst.exists():
        old = dst.parent / f"{aside_prefix}{dst.name}-{uuid.uuid4().hex[:8]}"
        os.rename(dst, old)
    os.rename(src, dst)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# Excel's limit is 1,048,576 rows including the header. The buurt trend table grows by one row per
# buurt per month: nationally (13.8 thousand buurten) it passes this after about six years.
EXCEL_MAX_RIJEN = 1_048_575


def past_in_excel(frame) -> bool:
    return len(frame) <= EXCEL_MAX_RIJEN


def write_sheet(writer, sheet: str, data) -> None:
    """One table as an Excel sheet: header row frozen, columns as wide as their first 200 values.
    Callers leave a table that does not fit (past_in_excel) to its CSV and say so."""
    from openpyxl.utils import get_column_letter

    if not past_in_excel(data):
        raise ValueError(f"blad {sheet}: {len(data)} rijen past niet in Excel (hoogstens {EXCEL_MAX_RIJEN})")
    data.to_excel(writer, sheet_name=sheet, index=False)
    ws = writer.sheets[sheet]
    ws.freeze_panes = "A2"
    for i, column in enumerate(data.columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in data[column].head(200).tolist()])
        ws.column_dimensions[get_column_letter(i)].width = min(60, width + 2)

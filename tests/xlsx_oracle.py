"""The workbook writer as it was before assets.xlsx (pandas' to_excel through openpyxl, cell by
cell): kept only as the oracle of tests/test_xlsx_writer.py and tests/benchmarks/bench_xlsx.py."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from assets.writing import _TEXT_KINDS, cells, formula_like, past_in_excel, too_big


def _put(writer, sheet: str, frame: pd.DataFrame, startrow: int = 0) -> pd.DataFrame:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    data = cells(frame)
    hostile = {}
    for j, name in enumerate(data.columns):
        values = data[name]
        if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in _TEXT_KINDS:
            data[name] = values.str.replace(ILLEGAL_CHARACTERS_RE, "", regex=True).where(
                values.map(type).eq(str), values)
            mask = formula_like(data[name])
            if mask.any():
                hostile[j] = np.flatnonzero(mask)
    data.to_excel(writer, sheet_name=sheet, index=False, startrow=startrow)
    ws = writer.sheets[sheet]
    for j, rows in hostile.items():
        for i in rows:
            cell = ws.cell(row=startrow + 2 + int(i), column=j + 1)
            cell.value = str(data.iat[int(i), j])
            cell.data_type = "s"
            cell.quotePrefix = True
    return data


def _write_sheet(writer, sheet: str, frame: pd.DataFrame) -> None:
    from openpyxl.utils import get_column_letter

    if not past_in_excel(frame):
        raise ValueError(f"blad {sheet}: {len(frame)} rijen past niet in Excel")
    data = _put(writer, sheet, frame)
    ws = writer.sheets[sheet]
    ws.freeze_panes = "A2"
    for i, column in enumerate(data.columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in data[column].head(200).tolist()])
        ws.column_dimensions[get_column_letter(i)].width = min(60, width + 2)


def write_xlsx_openpyxl(path: Path, sheets: Mapping[str, pd.DataFrame], toelichting: Sequence[pd.DataFrame]) -> Path:
    from openpyxl.utils import get_column_letter

    left_out = set(too_big(sheets))
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        row, widths = 0, {}
        for block in toelichting:
            block = _put(writer, "toelichting", block, startrow=row)
            row += len(block) + 2
            for i, column in enumerate(block.columns, start=1):
                longest = max([len(str(column))] + [len(str(v)) for v in block[column].tolist()])
                widths[i] = max(widths.get(i, 0), longest)
        for i, width in widths.items():
            writer.sheets["toelichting"].column_dimensions[get_column_letter(i)].width = min(120, width + 2)
        for name, frame in sheets.items():
            if name not in left_out:
                _write_sheet(writer, name, frame)
    return path

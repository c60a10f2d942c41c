"""Numbers as a Dutch reader writes them: `getal` (1.234,5) and `procent` (12,3 %).

One meaning of `procent` everywhere: the value is a percentage (12.34 -> '12,3 %') unless
`fractie=True` says it is a fraction (0.1234 -> '12,3 %').
"""
from __future__ import annotations

import math

import pandas as pd


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def getal(value, decimalen: int = 0) -> str:
    """1234.5 -> '1.234,5' (Dutch separators); None/NaN -> '–'."""
    if _missing(value):
        return "–"
    text = f"{float(value):,.{decimalen}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def procent(value, decimalen: int = 1, fractie: bool = False, leeg: str = "–") -> str:
    """12.34 -> '12,3 %' (fractie=True: 0.1234 -> '12,3 %'); None/NaN -> `leeg`."""
    if _missing(value):
        return leeg
    return f"{getal(float(value) * (100 if fractie else 1), decimalen)} %"

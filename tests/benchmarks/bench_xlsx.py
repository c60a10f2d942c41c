"""Benchmark: the workbook writer, old (pandas' to_excel through openpyxl, cell by cell;
tests/xlsx_oracle.py) against new (assets.writing.write_xlsx: sheet XML built column-wise).

    .venv/bin/python tests/benchmarks/bench_xlsx.py [--herhaal 3] [--werkmap /tmp/rr-bench-xlsx] [--alleen-nieuw]

Two workbooks of synthetic national-sized tables (no warehouse needed):

1. the trend table leegstand per buurt as the trend files write it (assets/reports/writers.py,
   unsuppressed): 14,400 buurten x 24 months = 345,600 rows x 8 columns (maand, buurtcode,
   buurtnaam, gemeentecode, woningen, leegstaand, leegstand_pct, woz_meegenomen);
2. the RIEC export's buurt trend, suppressed: 12,581 buurten x 24 months x 7 columns with counts
   and 'x' mixed in one column, ~2.2 M cells (what the national export writes).

Prints seconds per run, the median of `--herhaal` runs per writer, and the ratio old / new.
Each workbook is also read back with openpyxl (read-only) to check the row count.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))


def months(n: int) -> list[str]:
    return [f"{2024 + (10 + k) // 12}-{(10 + k) % 12 + 1:02d}" for k in range(n)]


def trend_frame(buurten: int = 14_400, maanden: int = 24) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = buurten * maanden
    woningen = rng.integers(0, 3000, n)
    leegstaand = (woningen * rng.uniform(0, 0.08, n)).astype(np.int64)
    return pd.DataFrame({
        "maand": np.repeat(months(maanden), buurten),
        "buurtcode": np.tile([f"BU{i:08d}" for i in range(buurten)], maanden),
        "buurtnaam": np.tile([f"Buurt {i % 997} van gemeente {i // 40}" for i in range(buurten)], maanden),
        "gemeentecode": np.tile([f"GM{i // 40:04d}" for i in range(buurten)], maanden),
        "woningen": woningen,
        "leegstaand": leegstaand,
        "leegstand_pct": np.where(woningen > 0, np.round(100 * leegstaand / np.maximum(woningen, 1), 4), np.nan),
        "woz_meegenomen": rng.random(n) < 0.9,
    })


def suppressed_frame(buurten: int = 12_581, maanden: int = 24) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    n = buurten * maanden
    woningen = rng.integers(0, 3000, n)
    leegstaand = (woningen * rng.uniform(0, 0.08, n)).astype(np.int64)
    small = leegstaand < 10

    def mixed(values):
        out = pd.Series(values, dtype=object)
        out[small] = "x"
        return out

    return pd.DataFrame({
        "maand": np.repeat(months(maanden), buurten),
        "buurtcode": np.tile([f"BU{i:08d}" for i in range(buurten)], maanden),
        "buurtnaam": np.tile([f"Buurt {i % 997} van gemeente {i // 40}" for i in range(buurten)], maanden),
        "woningen": pd.Series(woningen, dtype=object).where(woningen >= 10, "x"),
        "leegstaand": mixed(leegstaand),
        "leegstand_pct": mixed(np.round(100 * leegstaand / np.maximum(woningen, 1), 4)),
        "woz_meegenomen": rng.random(n) < 0.9,
    })


def run(writer, path: Path, sheet: str, frame: pd.DataFrame) -> float:
    toelichting = [pd.DataFrame({"toelichting": ["Benchmark", "=1+1"]})]
    start = time.perf_counter()
    writer(path, {sheet: frame}, toelichting)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--herhaal", type=int, default=3)
    parser.add_argument("--werkmap", type=Path, default=Path("/tmp/rr-bench-xlsx"))
    parser.add_argument("--alleen-nieuw", action="store_true", help="skip the old writer (minutes per run)")
    args = parser.parse_args()
    args.werkmap.mkdir(parents=True, exist_ok=True)

    from openpyxl import load_workbook

    from assets.writing import write_xlsx
    from xlsx_oracle import write_xlsx_openpyxl

    writers = {"nieuw": write_xlsx} if args.alleen_nieuw else {"oud": write_xlsx_openpyxl, "nieuw": write_xlsx}
    for label, sheet, frame in (("trend, 345,600 rijen x 8 kolommen", "leegstand_per_buurt", trend_frame()),
                                ("RIEC-buurttrend, onderdrukt", "leegstand_per_buurt", suppressed_frame())):
        print(f"{label}: {len(frame):,} rows x {frame.shape[1]} columns = {frame.size:,} cells", flush=True)
        medians = {}
        for name, writer in writers.items():
            path = args.werkmap / f"{name}.xlsx"
            times = [run(writer, path, sheet, frame) for _ in range(args.herhaal)]
            medians[name] = statistics.median(times)
            rows = sum(1 for _ in load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
            assert rows == len(frame) + 1, (name, rows)
            print(f"  {name:5s} runs {', '.join(f'{t:.1f}' for t in times)} s; median {medians[name]:.1f} s "
                  f"({medians[name] / frame.size * 1e6:.2f} µs a cell), {path.stat().st_size / 2**20:.1f} MiB", flush=True)
        if "oud" in medians:
            print(f"  ratio old / new: {medians['oud'] / medians['nieuw']:.1f}x", flush=True)


if __name__ == "__main__":
    main()

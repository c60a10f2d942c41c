"""Benchmark: validate a 1,000,000-row BRP file against its contract.

    .venv/bin/python tests/benchmarks/bench_contracts.py [--rows 1000000] [--repeat 3]

Writes a synthetic BRP file (and the matching BAG hoofdadressen) in a temporary folder, then
times `validate_file` with the BAG (quarantine and truncated-export rules on) and without it.
Prints the median of the runs and rows per second. The first run also pays for importing
great-expectations; it is reported separately.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv


def write_brp(folder: Path, rows: int, seed: int = 638, negative: int = 0) -> tuple[Path, pd.DataFrame]:
    """A valid BRP file of `rows` rows (with `negative` rows of ingeschrevenen -1) and its BAG hoofdadressen."""
    rng = np.random.default_rng(seed)
    n_bag = int(rows * 1.15)
    ids = pc.binary_join_element_wise("0638200", pc.utf8_lpad(pc.cast(pa.array(np.arange(n_bag)), pa.string()), 9, "0"), "")
    ids = ids.to_numpy(zero_copy_only=False)
    is_woning = rng.random(n_bag) < 0.9
    brp_ids = ids[np.sort(rng.choice(n_bag, rows, replace=False))]
    uit = rng.poisson(0.1, rows)
    ingeschrevenen = rng.integers(1, 6, rows)
    ingeschrevenen[rng.choice(rows, negative, replace=False)] = -1
    table = pa.table({
        "nummeraanduiding_id": pa.array(brp_ids, pa.string()),
        "peildatum": pa.array(["2026-10-31"] * rows, pa.string()),
        "ingeschrevenen": pa.array(ingeschrevenen),
        "briefadressen": pa.array(rng.poisson(0.05, rows)),
        "inschrijvingen": pa.array(rng.poisson(0.1, rows)),
        "uitschrijvingen": pa.array(uit),
        "vertrokken_onbekend": pa.array(np.minimum(uit, rng.poisson(0.02, rows))),
    })
    path = folder / ("brp" if not negative else "brp_fout") / "brp_adrestellingen_2026-10.csv"
    path.parent.mkdir(parents=True)
    with open(path, "wb") as fh:
        fh.write((";".join(table.column_names) + "\r\n").encode())
        pacsv.write_csv(table, fh, pacsv.WriteOptions(include_header=False, delimiter=";", quoting_style="none"))
    bag = pd.DataFrame({"nummeraanduiding_id": pd.array(ids, dtype=pd.StringDtype("pyarrow")), "is_woning": is_woning})
    return path, bag


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path, bag = write_brp(Path(tmp), args.rows)
        print(f"BRP-bestand: {args.rows:,} rijen, {path.stat().st_size / 1e6:.1f} MB, gemaakt in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        from data_contracts import validate_file

        first = validate_file(path, today=date(2026, 11, 15), bag_hoofdadressen=bag)
        print(f"eerste run (incl. import great-expectations): {time.perf_counter() - t0:.1f} s")
        assert not first.geweigerd, first.meldingen()[:3]

        for label, context in (("met BAG (quarantaine + afgebroken export)", {"bag_hoofdadressen": bag}), ("zonder BAG", {})):
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                result = validate_file(path, today=date(2026, 11, 15), **context)
                times.append(time.perf_counter() - t0)
                assert not result.geweigerd and len(result.frame) == args.rows
            median = statistics.median(times)
            print(f"{label}: mediaan {median:.2f} s over {args.repeat} runs "
                  f"({', '.join(f'{t:.2f}' for t in times)}), {args.rows / median:,.0f} rijen/s")

        bad_path, _ = write_brp(Path(tmp), args.rows, negative=1000)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = validate_file(bad_path, today=date(2026, 11, 15), bag_hoofdadressen=bag)
            times.append(time.perf_counter() - t0)
            assert result.geweigerd
        print(f"geweigerd bestand (1000 negatieve aantallen): mediaan {statistics.median(times):.2f} s; "
              f"{result.meldingen()[0][:110]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())

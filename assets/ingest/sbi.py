"""The SBI risk table (`config/sbi_risico.csv`): which SBI codes count as a risk sector."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

SBI_VERSIE = "SBI 2008"


def sbi_prefixes(path: Path) -> pd.DataFrame:
    """The SBI risk table as (categorie, soort, prefix) rows; ranges become their divisions."""
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("actief", "J").strip().upper() != "J":
                continue
            prefix = row["sbi2008_prefix"].strip()
            if "-" in prefix:
                low, high = (int(p) for p in prefix.split("-"))
                prefixes = [f"{d:02d}" for d in range(low, high + 1)]
            else:
                prefixes = [prefix.replace(".", "")]
            rows += [{"categorie": row["categorie"], "soort": row["soort"], "prefix": p} for p in prefixes]
    return pd.DataFrame(rows, columns=["categorie", "soort", "prefix"])

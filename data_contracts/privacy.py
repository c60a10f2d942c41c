"""Recognise person data in a delivered file: column names, BSN-like values, free text.

Data minimisation (AVG art. 5 lid 1 onder c): the pipeline works with counts per address and
never with data about persons. A column outside the contract is refused anyway; these checks
choose the explanation, and the BSN check also covers the contract's own columns. Values that
look like person data are never repeated in a message.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from data_contracts.contract import person_data_terms

BSN_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1], dtype=np.int64)
BSN_SHARE = 0.5  # a column is BSN-like when at least half of its filled-in values pass the 11-test

AVG_ADVIES = (
    "Lever alleen de kolommen van het contract en laat de export zonder deze kolom opnieuw maken. De risicoradar "
    "werkt volgens het beginsel van dataminimalisatie (AVG art. 5 lid 1 onder c) met aantallen per adres en nooit "
    "met gegevens over personen (zoals BSN, naam, geboortedatum, nationaliteit, geslacht of leeftijd). Verwijder "
    "dit bestand uit de inbox, want het bevat persoonsgegevens die hier niet opgeslagen mogen worden."
)
VRIJE_TEKST_ADVIES = (
    "Notities en toelichtingen horen in het eigen registratiesysteem, niet in de risicoradar: vrije tekst kan "
    "persoonsgegevens bevatten en wordt nooit ingelezen (AVG, dataminimalisatie). Verwijder de kolom, verwijder dit "
    "bestand uit de inbox en lever het opnieuw aan met alleen de kolommen van het contract."
)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def classify_column_name(name: str) -> str | None:
    """'persoon' for a name that points at person data, 'vrije_tekst' for notes, else None."""
    key = _key(name)
    if not key:
        return None
    terms = person_data_terms()
    if key in terms.get("not_person", []):
        return None
    person = terms["person_data"]
    if key in person.get("exact", []) or any(t in key for t in person.get("contains", [])):
        return "persoon"
    if any(t in key for t in terms["free_text"].get("contains", [])):
        return "vrije_tekst"
    return None


def elfproef(digits: np.ndarray) -> np.ndarray:
    """Boolean per row of a (n, 9) digit matrix: passes the BSN 11-test and is not all zeros."""
    total = digits.astype(np.int64) @ BSN_WEIGHTS
    return (total % 11 == 0) & (digits.sum(axis=1) > 0)


def bsn_like_count(values: pd.Series) -> int:
    """Number of values that are 9 digits passing the 11-test, when they make up the column; else 0."""
    notna = values.notna().to_numpy()
    if not notna.any():
        return 0
    # judged on the first 1000 filled-in values; the whole column only when they look like BSNs
    sample = values.iloc[np.flatnonzero(notna)[:1000]].astype(pd.StringDtype("pyarrow")).str.strip()
    if sample.str.fullmatch(r"[0-9]{9}").fillna(False).mean() < BSN_SHARE:
        return 0
    filled = values[notna].astype(pd.StringDtype("pyarrow")).str.strip()
    nine = filled[filled.str.fullmatch(r"[0-9]{9}").fillna(False).astype(bool)]
    if nine.empty:
        return 0
    digits = np.frombuffer("".join(nine.tolist()).encode("ascii"), dtype=np.uint8).reshape(-1, 9) - ord("0")
    passing = int(elfproef(digits).sum())
    return passing if passing >= BSN_SHARE * len(filled) else 0


def looks_like_free_text(values: pd.Series) -> bool:
    """Mostly multi-word text of some length (notes), judged on the first 1000 filled-in values."""
    filled = values.dropna().astype(pd.StringDtype("pyarrow")).str.strip()
    filled = filled[filled != ""].iloc[:1000]
    if filled.empty:
        return False
    words = filled.str.count(r"\s+") + 1
    return bool((words >= 4).mean() >= 0.5 and filled.str.len().mean() >= 20)

"""Secondary suppression: the fast search hides exactly the cells that the plain search hides.

assets/exports/suppression.py answers "can this hidden cell move?" and "which published cell
opens a way for it?" from a compact state (bit masks per row, counts between a few hubs, heaps of
open cells), so that a table of 13 thousand buurten takes a fraction of a second. The reference
below is the rule written out directly: a breadth-first search over every hidden cell of the
whole table for every question, as the module did before (quadratic, fine for small tables).
Both must take the same decisions, cell for cell, in the same order, on every kind of table the
exports publish (row and column totals, either, neither; zeros; totals below the threshold).
"""
from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd
import pytest

from assets.exports.suppression import recoverable_cells, suppress

THRESHOLD = 10


# --- the reference: the plain graph search ---------------------------------------------------------


class Reference:
    """The extended table (inner cells, row totals, column totals) as a graph: each cell an edge
    between the equation of its row and that of its column (node 0 when not published); a cell
    may move up (row -> column) and down (column -> row) unless that takes a count below zero
    (totals enter their equations with a minus sign)."""

    def __init__(self, values: np.ndarray, row_totals: bool, col_totals: bool):
        n_rows, n_cols = values.shape
        ext = values
        if row_totals:
            ext = np.column_stack([ext, values.sum(axis=1)])
        if col_totals:
            ext = np.vstack([ext, ext.sum(axis=0)])
        self.ext = ext
        er, ec = ext.shape
        self.cells = []  # (row node, column node, value, up allowed, down allowed, cost)
        big = int(ext.max(initial=0)) + 1
        for i in range(er):
            for j in range(ec):
                row_total, col_total = row_totals and j == n_cols, col_totals and i == n_rows
                r = i + 1 if row_totals and (i < n_rows or col_totals) else 0
                c = er + 1 + j if col_totals and (j < n_cols or row_totals) else 0
                v = int(ext[i, j])
                flipped = row_total != col_total
                up, down = (v > 0, True) if flipped else (True, v > 0)
                self.cells.append((r, c, v, up, down, v + (int(row_total) + int(col_total)) * big * 10))

    def _adjacency(self, hidden: set, exclude: int, reverse: bool = False) -> dict:
        adjacency: dict[int, list[int]] = {}
        for x in hidden:
            r, c, _v, up, down, _cost = self.cells[x]
            if x == exclude or (r == 0 and c == 0):
                continue
            for a, b, ok in ((r, c, up), (c, r, down)):
                if ok:
                    if reverse:
                        a, b = b, a
                    adjacency.setdefault(a, []).append(b)
        return adjacency

    @staticmethod
    def _reach(adjacency: dict, start: int) -> set:
        seen, queue = {start}, deque([start])
        while queue:
            for nxt in adjacency.get(queue.popleft(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    def can_move(self, hidden: set, x: int) -> bool:
        r, c, _v, up, down, _cost = self.cells[x]
        if r == 0 and c == 0:
            return True
        out = self._adjacency(hidden, x)
        return (up and r in self._reach(out, c)) or (down and c in self._reach(out, r))

    def open_cycle(self, hidden: set, x: int) -> int:
        r, c, _v, up, down, _cost = self.cells[x]
        out, into = self._adjacency(hidden, x), self._adjacency(hidden, x, reverse=True)
        close, extend = [], []
        for wanted, start, end in ((up, c, r), (down, r, c)):
            if not wanted:
                continue
            ahead, behind = self._reach(out, start), self._reach(into, end)
            for y, (yr, yc, _yv, y_up, y_down, cost) in enumerate(self.cells):
                if y in hidden or (yr == 0 and yc == 0):
                    continue
                if (y_up and yr in ahead and yc in behind) or (y_down and yc in ahead and yr in behind):
                    close.append((cost, y))
                if (y_up and yr in ahead and yc not in ahead) or (y_down and yc in ahead and yr not in ahead):
                    extend.append((cost, y))
        if not (close or extend):
            raise RuntimeError("geen cel meer om te verbergen")
        return min(close or extend)[1]

    def pinned(self, hidden: set) -> list[int]:
        return [x for x in sorted(hidden) if not self.can_move(hidden, x)]

    def protect(self) -> np.ndarray:
        hidden = {x for x, cell in enumerate(self.cells) if cell[2] < THRESHOLD}
        while True:
            pinned = self.pinned(hidden)
            if not pinned:
                return np.array([x in hidden for x in range(len(self.cells))]).reshape(self.ext.shape)
            for x in pinned:
                if not self.can_move(hidden, x):
                    hidden.add(self.open_cycle(hidden, x))


MARGINS = [(True, True), (True, False), (False, True), (False, False)]
MARGIN_IDS = ["rij+kolom", "rij", "kolom", "geen"]


def _same_decisions(values: np.ndarray, row_totals: bool, col_totals: bool) -> None:
    result = suppress(pd.DataFrame(values), THRESHOLD, row_totals=row_totals, col_totals=col_totals)
    expected = Reference(values, row_totals, col_totals).protect()
    hidden = result.hidden.to_numpy()
    assert (hidden == expected).all(), (
        f"andere cellen verborgen dan de referentie\nwaarden:\n{values}\nsnel:\n{hidden.astype(int)}\n"
        f"referentie:\n{expected.astype(int)}")


# --- the same decisions ------------------------------------------------------------------------------


@pytest.mark.parametrize("margins", MARGINS, ids=MARGIN_IDS)
def test_the_same_cells_are_hidden_as_by_the_plain_search_in_random_tables(margins):
    rng = np.random.default_rng(2026)
    values = [0, 0, 1, 2, 3, 5, 8, 9, 10, 11, 12, 15, 25, 40, 100]
    for _ in range(120):
        shape = (int(rng.integers(1, 10)), int(rng.integers(1, 6)))
        _same_decisions(rng.choice(values, size=shape), *margins)


@pytest.mark.parametrize("margins", MARGINS[:3], ids=MARGIN_IDS[:3])
def test_the_same_cells_are_hidden_in_a_long_table_like_vacancy_per_buurt(margins):
    # the shape of leegstand per buurt: many buurten, leegstaand mostly small, bewoond large,
    # a few small buurten below the threshold altogether (one secondary cell per buurt, rounds)
    rng = np.random.default_rng(71)
    woningen = rng.choice([0, 3, 8, 12, 40, 150, 600, 2000], size=150, p=[.02, .03, .05, .1, .2, .3, .2, .1])
    leegstaand = np.minimum(woningen, rng.choice([0, 1, 2, 4, 9, 10, 14, 30], size=150))
    values = np.column_stack([leegstaand, woningen - leegstaand])
    _same_decisions(values, *margins)
    # and the same per control-list aanleiding (three columns, mostly zeros)
    _same_decisions(rng.choice([0, 0, 0, 1, 2, 11], size=(80, 3)), *margins)


def test_the_same_cells_are_hidden_in_a_table_wider_than_the_bit_masks():
    # more than 61 columns: the masks are Python integers and the keys are not packed
    rng = np.random.default_rng(5)
    _same_decisions(rng.choice([0, 3, 12, 50], size=(3, 64)), True, True)


def test_the_pinned_cells_are_the_ones_the_plain_search_finds_for_any_hidden_pattern():
    rng = np.random.default_rng(11)
    for row_totals, col_totals in MARGINS:
        for _ in range(60):
            values = rng.choice([0, 1, 4, 10, 20, 60], size=(int(rng.integers(1, 8)), int(rng.integers(1, 5))))
            reference = Reference(values, row_totals, col_totals)
            hidden = rng.random(reference.ext.shape) < 0.45
            counts = pd.DataFrame(reference.ext)
            labels = [(r, c) for r in counts.index for c in counts.columns]
            expected = [labels[x] for x in reference.pinned(set(np.flatnonzero(hidden).tolist()))]
            assert recoverable_cells(counts, pd.DataFrame(hidden), row_totals, col_totals) == expected

"""Small-cell suppression for count tables that leave the municipality.

Rule (also written into every export manifest):

* **Primary**: every count below the threshold (default 10, `export.onderdrukkingsgrens` in
  instellingen.yaml) is hidden, zero included. Totals (margins) follow the same rule.
* **Secondary**: the published totals are computed from the unsuppressed data, so a hidden
  cell could be solved from them (a row with one hidden cell gives it away; two hidden zeros
  in a row with a known remainder of 0 give both away). More cells are hidden until no hidden
  cell can be recovered *exactly* from the published cells and totals, counts being
  non-negative. The cheapest cell that opens a way out is chosen: inner cells before totals,
  small values before large ones; the grand total only as a last resort.
* **Marker**: one neutral marker, `x`, for primary and secondary cells alike (as CBS uses
  "x = geheim"). `<10` would be untrue for a secondary cell of 57, and two markers would tell
  which hidden cells are below the threshold.
* **Percentages**: only when the denominator is at least the threshold, the numerator is at
  least the threshold, and neither is hidden in its table; otherwise the marker.

What it protects against: solving a hidden cell from the additive structure of one table
(rows, columns, totals) - "existential" disclosure. It does not guarantee a minimum width of
the interval in which a hidden cell must lie (tau-ARGUS protection levels), and it does not
know about other tables: publish each figure in one table only, or suppress the tables
together as one table.

How recovery is checked. Write the table with its totals as an extended table in which the
totals carry a minus sign: then every published row and column sums to zero. Hidden cells are
edges of a bipartite graph between the row and column equations (an equation that is not
published, e.g. when no row totals are shown, is one free "ground" node). A hidden cell can
take another value iff it lies on a cycle of hidden cells along which every cell that has to
go down is above zero: walking row -> column means +1, column -> row means -1. The constraint
matrix is totally unimodular, so this is exact for integer counts. The same search tells which
extra cell would open such a cycle.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import pandas as pd

MARKER = "x"
TOTAL = "Totaal"
DEFAULT_THRESHOLD = 10


@dataclass(frozen=True)
class Rule:
    """The suppression rule as applied (for the manifest and the README of an export)."""

    threshold: int = DEFAULT_THRESHOLD
    marker: str = MARKER

    def describe(self) -> dict:
        return {
            "drempel": self.threshold,
            "markering": self.marker,
            "primair": f"aantallen kleiner dan {self.threshold} (ook 0) en totalen kleiner dan {self.threshold} zijn verborgen",
            "secundair": (
                "aanvullende cellen zijn verborgen zodat geen verborgen cel exact uit rij- of kolomtotalen "
                "(berekend op de niet-onderdrukte gegevens) terug te rekenen is, rekening houdend met het feit "
                "dat aantallen niet negatief zijn"
            ),
            "percentages": (
                f"alleen getoond als teller en noemer beide minstens {self.threshold} zijn en geen van beide "
                "verborgen is; anders de markering"
            ),
            "betekenis_markering": (
                f"'{self.marker}' = verborgen: kleiner dan {self.threshold}, of verborgen om terugrekenen te voorkomen"
            ),
        }


def threshold_from(settings) -> int:
    """The threshold configured for the data folder (`export.onderdrukkingsgrens`)."""
    return settings.config.export.onderdrukkingsgrens


# --------------------------------------------------------------------------------------------
# The structure of a two-way table with (optional) totals, as a graph.


@dataclass
class _Structure:
    """Every cell of the extended table as an edge between a row-side and a column-side node.

    Node 0 is the ground (no published equation). `flipped` marks totals, which enter their
    row/column equation with a minus sign (so their bound is y <= 0 instead of y >= 0).
    """

    values: np.ndarray  # (n_cells,) int counts of the extended table, row-major
    row_node: np.ndarray  # (n_cells,) node on the row side
    col_node: np.ndarray  # (n_cells,) node on the column side
    flipped: np.ndarray  # (n_cells,) bool
    level: np.ndarray  # (n_cells,) 0 inner, 1 total, 2 grand total: preference when hiding
    n_nodes: int

    def arcs(self, hidden: np.ndarray, exclude: int | None = None) -> tuple[dict, dict]:
        """Forward and reverse adjacency (node -> [(node, cell)]) of the allowed moves.

        Increasing y of a cell walks row side -> column side; decreasing walks back. A move is
        not allowed when it would push a count below zero.
        """
        out: dict[int, list] = {}
        into: dict[int, list] = {}
        for cell in np.flatnonzero(hidden):
            if cell == exclude:
                continue
            r, c = int(self.row_node[cell]), int(self.col_node[cell])
            if r == 0 and c == 0:
                continue
            positive = self.values[cell] > 0
            up_ok = positive if self.flipped[cell] else True
            down_ok = True if self.flipped[cell] else positive
            if up_ok:
                out.setdefault(r, []).append((c, cell))
                into.setdefault(c, []).append((r, cell))
            if down_ok:
                out.setdefault(c, []).append((r, cell))
                into.setdefault(r, []).append((c, cell))
        return out, into


def _reach(adjacency: dict, start: int, n_nodes: int) -> np.ndarray:
    seen = np.zeros(n_nodes, dtype=bool)
    seen[start] = True
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt, _cell in adjacency.get(node, ()):
            if not seen[nxt]:
                seen[nxt] = True
                queue.append(nxt)
    return seen


def _structure(values: np.ndarray, row_totals: bool, col_totals: bool) -> tuple[_Structure, np.ndarray]:
    """Extended table (inner cells, then totals) and its graph. Returns (structure, extended values)."""
    n_rows, n_cols = values.shape
    ext = values
    if row_totals:
        ext = np.column_stack([ext, values.sum(axis=1)])
    if col_totals:
        ext = np.vstack([ext, ext.sum(axis=0)])
    er, ec = ext.shape
    # node ids: 0 ground; rows 1..er; columns er+1..er+ec (only where an equation is published)
    row_eq = np.zeros(er, dtype=bool)
    col_eq = np.zeros(ec, dtype=bool)
    if row_totals:
        row_eq[:n_rows] = True  # sum_j x_ij = x_i+
    if col_totals:
        col_eq[:n_cols] = True  # sum_i x_ij = x_+j
    if row_totals and col_totals:
        col_eq[n_cols] = True  # sum_i x_i+ = x_++
        row_eq[n_rows] = True  # sum_j x_+j = x_++
    row_ids = np.where(row_eq, np.arange(er) + 1, 0)
    col_ids = np.where(col_eq, np.arange(ec) + 1 + er, 0)
    rr, cc = np.meshgrid(np.arange(er), np.arange(ec), indexing="ij")
    is_row_total = (cc == n_cols) if row_totals else np.zeros_like(rr, dtype=bool)
    is_col_total = (rr == n_rows) if col_totals else np.zeros_like(rr, dtype=bool)
    flipped = is_row_total ^ is_col_total  # the grand total is minus twice: plus
    level = is_row_total.astype(int) + is_col_total.astype(int)
    structure = _Structure(
        values=ext.ravel().astype(np.int64),
        row_node=row_ids[rr].ravel(),
        col_node=col_ids[cc].ravel(),
        flipped=flipped.ravel(),
        level=level.ravel(),
        n_nodes=1 + er + ec,
    )
    return structure, ext


def _can_move(s: _Structure, hidden: np.ndarray, cell: int) -> bool:
    """Can hidden `cell` take another value, all published figures staying the same?"""
    r, c = int(s.row_node[cell]), int(s.col_node[cell])
    if r == 0 and c == 0:
        return True  # in no published equation at all
    out, _ = s.arcs(hidden, exclude=cell)
    positive = s.values[cell] > 0
    up_ok = positive if s.flipped[cell] else True
    down_ok = True if s.flipped[cell] else positive
    # up: r -> c through the cell, back c ~> r through other hidden cells; down: the reverse
    if up_ok and _reach(out, c, s.n_nodes)[r]:
        return True
    if down_ok and _reach(out, r, s.n_nodes)[c]:
        return True
    return False


def _moves(s: _Structure, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which way each cell may move without a count going below zero: (up, down)."""
    positive = s.values[cells] > 0
    flipped = s.flipped[cells]
    return np.where(flipped, positive, True), np.where(flipped, True, positive)


def _strong_components(n_nodes: int, arcs: list[tuple[int, int]]) -> np.ndarray:
    """Strongly connected component id per node (Kosaraju, iterative)."""
    out = [[] for _ in range(n_nodes)]
    back = [[] for _ in range(n_nodes)]
    for a, b in arcs:
        out[a].append(b)
        back[b].append(a)
    seen = np.zeros(n_nodes, dtype=bool)
    order = []
    for root in range(n_nodes):
        if seen[root]:
            continue
        seen[root] = True
        stack = [(root, iter(out[root]))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                order.append(node)
            elif not seen[nxt]:
                seen[nxt] = True
                stack.append((nxt, iter(out[nxt])))
    component = np.full(n_nodes, -1)
    label = 0
    for root in reversed(order):
        if component[root] >= 0:
            continue
        component[root] = label
        todo = [root]
        while todo:
            node = todo.pop()
            for prev in back[node]:
                if component[prev] < 0:
                    component[prev] = label
                    todo.append(prev)
        label += 1
    return component


def _bridges(n_nodes: int, edges: list[tuple[int, int]]) -> np.ndarray:
    """Per edge of an undirected multigraph: is it a bridge? (Tarjan, iterative; self-loops never.)"""
    adjacency = [[] for _ in range(n_nodes)]
    for e, (a, b) in enumerate(edges):
        if a != b:
            adjacency[a].append((b, e))
            adjacency[b].append((a, e))
    disc = np.full(n_nodes, -1)
    low = np.zeros(n_nodes, dtype=np.int64)
    bridge = np.zeros(len(edges), dtype=bool)
    time = 0
    for root in range(n_nodes):
        if disc[root] >= 0 or not adjacency[root]:
            continue
        disc[root] = low[root] = time
        time += 1
        stack = [(root, -1, iter(adjacency[root]))]
        while stack:
            node, via, it = stack[-1]
            step = next(it, None)
            if step is None:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > disc[parent]:
                        bridge[via] = True
                continue
            nxt, e = step
            if e == via:
                continue
            if disc[nxt] < 0:
                disc[nxt] = low[nxt] = time
                time += 1
                stack.append((nxt, e, iter(adjacency[nxt])))
            else:
                low[node] = min(low[node], disc[nxt])
    return bridge


def _pinned(s: _Structure, hidden: np.ndarray) -> list[int]:
    """Hidden cells that cannot take another value (see the module docstring).

    Fast paths: a cell that may move both ways is free when it lies on an undirected cycle of
    such cells; a cell that may move one way only (a zero) is free iff its ends are in one
    strongly connected component. Only the remaining cells get a search of their own.
    """
    cells = np.flatnonzero(hidden)
    cells = cells[~((s.row_node[cells] == 0) & (s.col_node[cells] == 0))]
    if cells.size == 0:
        return []
    r, c = s.row_node[cells], s.col_node[cells]
    up, down = _moves(s, cells)
    arcs = list(zip(r[up].tolist(), c[up].tolist())) + list(zip(c[down].tolist(), r[down].tolist()))
    component = _strong_components(s.n_nodes, arcs)
    both = up & down
    bridge = np.zeros(cells.size, dtype=bool)
    bridge[both] = _bridges(s.n_nodes, list(zip(r[both].tolist(), c[both].tolist())))
    pinned = []
    for k in range(cells.size):
        if not both[k]:
            if component[r[k]] != component[c[k]]:
                pinned.append(int(cells[k]))
        elif bridge[k] and not _can_move(s, hidden, int(cells[k])):
            pinned.append(int(cells[k]))
    return pinned


def _cost(s: _Structure) -> np.ndarray:
    big = float(s.values.max(initial=0) + 1)
    return s.values + s.level * big * 10


def _open_cycle(s: _Structure, hidden: np.ndarray, cell: int) -> int | None:
    """The cheapest published cell whose hiding lets `cell` move (or at least gets closer)."""
    out, into = s.arcs(hidden, exclude=cell)
    r, c = int(s.row_node[cell]), int(s.col_node[cell])
    positive = s.values[cell] > 0
    up_ok = positive if s.flipped[cell] else True
    down_ok = True if s.flipped[cell] else positive
    open_ = ~hidden
    open_[cell] = False
    candidates = open_ & ~((s.row_node == 0) & (s.col_node == 0))
    cand_pos = s.values > 0
    cand_up = np.where(s.flipped, cand_pos, True)  # may walk row -> column
    cand_down = np.where(s.flipped, True, cand_pos)  # may walk column -> row
    cost = _cost(s)
    best_close = np.zeros_like(hidden)
    best_extend = np.zeros_like(hidden)
    # a path start ~> end is wanted: from c to r (up) or from r to c (down)
    for wanted, start, end in ((up_ok, c, r), (down_ok, r, c)):
        if not wanted:
            continue
        ahead = _reach(out, start, s.n_nodes)  # reachable from start
        behind = _reach(into, end, s.n_nodes)  # can reach end
        a_row, a_col = ahead[s.row_node], ahead[s.col_node]
        b_row, b_col = behind[s.row_node], behind[s.col_node]
        close = candidates & ((cand_up & a_row & b_col) | (cand_down & a_col & b_row))
        extend = candidates & ((cand_up & a_row & ~a_col) | (cand_down & a_col & ~a_row))
        best_close |= close
        best_extend |= extend
    for pool in (best_close, best_extend):
        if pool.any():
            index = np.flatnonzero(pool)
            return int(index[np.argmin(cost[index])])
    return None


def _protect(s: _Structure, hidden: np.ndarray) -> np.ndarray:
    hidden = hidden.copy()
    while True:
        pinned = _pinned(s, hidden)
        if not pinned:
            return hidden
        for cell in pinned:
            if _can_move(s, hidden, cell):
                continue  # an earlier addition in this round already freed it
            extra = _open_cycle(s, hidden, cell)
            if extra is None:
                raise RuntimeError("secundaire onderdrukking vond geen cel meer om te verbergen")
            hidden[extra] = True


# --------------------------------------------------------------------------------------------
# Public API


@dataclass
class SuppressedTable:
    """A count table with its totals, which cells are hidden, and why."""

    counts: pd.DataFrame  # the true counts, totals included (row/column label TOTAL)
    hidden: pd.DataFrame  # bool, same shape
    primary: pd.DataFrame  # bool, same shape
    rule: Rule
    row_totals: bool
    col_totals: bool

    @property
    def secondary(self) -> pd.DataFrame:
        return self.hidden & ~self.primary

    def table(self) -> pd.DataFrame:
        """What may be published: counts, with the marker in hidden cells (object dtype)."""
        shown = self.counts.astype(object)
        return shown.mask(self.hidden, self.rule.marker)

    def recoverable(self) -> list[tuple]:
        """(row, column) labels of hidden cells that the published figures give away."""
        return recoverable_cells(self.counts, self.hidden, self.row_totals, self.col_totals)


def _inner(frame: pd.DataFrame, row_totals: bool, col_totals: bool) -> pd.DataFrame:
    rows = frame.index[:-1] if col_totals else frame.index
    cols = frame.columns[:-1] if row_totals else frame.columns
    return frame.loc[rows, cols]


def recoverable_cells(
    counts: pd.DataFrame, hidden: pd.DataFrame, row_totals: bool = True, col_totals: bool = True
) -> list[tuple]:
    """Hidden cells of an extended table (totals included, as from `suppress`) whose value
    follows exactly from the published cells and totals."""
    inner = _inner(counts, row_totals, col_totals).to_numpy(dtype=np.int64)
    s, _ext = _structure(inner, row_totals, col_totals)
    mask = hidden.to_numpy(dtype=bool).ravel()
    labels = [(r, c) for r in counts.index for c in counts.columns]
    return [labels[cell] for cell in _pinned(s, mask)]


def suppress(
    table: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    marker: str = MARKER,
    row_totals: bool = True,
    col_totals: bool = True,
) -> SuppressedTable:
    """Suppress a wide table of non-negative counts; totals are added and published.

    `row_totals` adds a TOTAL column (sum over the columns of each row); `col_totals` a TOTAL
    row. Leave a margin out when summing makes no sense (e.g. a stock over months).
    """
    values = table.fillna(0).to_numpy()
    if values.size and (values < 0).any():
        raise ValueError("suppress() expects non-negative counts")
    values = values.astype(np.int64)
    rule = Rule(threshold, marker)
    s, ext = _structure(values, row_totals, col_totals)
    index = list(table.index) + ([TOTAL] if col_totals else [])
    columns = list(table.columns) + ([TOTAL] if row_totals else [])
    counts = pd.DataFrame(ext, index=pd.Index(index, name=table.index.name), columns=pd.Index(columns, name=table.columns.name))
    primary = ext < threshold
    hidden = _protect(s, primary.ravel()).reshape(ext.shape) if ext.size else primary
    return SuppressedTable(
        counts=counts,
        hidden=pd.DataFrame(hidden, index=counts.index, columns=counts.columns),
        primary=pd.DataFrame(primary, index=counts.index, columns=counts.columns),
        rule=rule,
        row_totals=row_totals,
        col_totals=col_totals,
    )


def suppress_long(
    frame: pd.DataFrame,
    rows: str,
    columns: str,
    value: str,
    threshold: int = DEFAULT_THRESHOLD,
    marker: str = MARKER,
    row_totals: bool = True,
    col_totals: bool = True,
) -> tuple[pd.DataFrame, SuppressedTable]:
    """Suppress a count table given in long form (one row per `rows` x `columns` pair).

    Missing pairs count as 0. Returns the long table to publish (with TOTAL rows for the
    margins, `value` as object dtype holding ints or the marker) and the wide result.
    """
    wide = frame.pivot_table(index=rows, columns=columns, values=value, aggfunc="sum", fill_value=0, sort=True)
    result = suppress(wide, threshold, marker, row_totals, col_totals)
    published = result.table()
    published.index.name, published.columns.name = rows, columns
    long = published.stack(future_stack=True).rename(value).reset_index()
    long[value] = long[value].astype(object)
    return long, result


def percentage(
    numerator: pd.Series,
    denominator: pd.Series,
    threshold: int = DEFAULT_THRESHOLD,
    marker: str = MARKER,
    hidden: pd.Series | None = None,
    decimals: int = 1,
) -> pd.Series:
    """100 * numerator / denominator, or the marker where the denominator or the numerator is
    below the threshold, or where `hidden` (either count hidden in its table) is true."""
    num = pd.to_numeric(numerator, errors="coerce")
    den = pd.to_numeric(denominator, errors="coerce")
    hide = den.isna() | num.isna() | (den < threshold) | (num < threshold)
    if hidden is not None:
        hide |= hidden.fillna(True).astype(bool)
    pct = (100.0 * num / den.where(den > 0)).round(decimals)
    return pct.astype(object).mask(hide, marker)

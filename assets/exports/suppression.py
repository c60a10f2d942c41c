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

How it stays fast (13 thousand buurten x 24 months in an export). The tables are long and
narrow, so a path of hidden cells runs through a few column nodes (and the ground) with one row
at a time in between. `_Search` keeps per row the bit mask of the column nodes it can be entered
from and left to, and between column nodes how many rows lead from one to the other; a question
about one cell is then a closure over a handful of bits, and the cheapest candidate comes from a
heap per group of open cells that answer alike. The decisions are those of the plain search over
all cells (tests/test_suppression.py compares the two cell for cell).
"""
from __future__ import annotations

import heapq
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

    Node 0 is the ground (no published equation); rows are nodes 1..er and columns
    er+1..er+ec where their equation is published. `flipped` marks totals, which enter their
    row/column equation with a minus sign (so their bound is y <= 0 instead of y >= 0).
    """

    values: np.ndarray  # (n_cells,) int counts of the extended table, row-major
    row_node: np.ndarray  # (n_cells,) node on the row side
    col_node: np.ndarray  # (n_cells,) node on the column side
    flipped: np.ndarray  # (n_cells,) bool
    level: np.ndarray  # (n_cells,) 0 inner, 1 total, 2 grand total: preference when hiding
    n_nodes: int
    shape: tuple[int, int]  # (rows, columns) of the extended table


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
        shape=(er, ec),
    )
    return structure, ext


def _cost(s: _Structure) -> np.ndarray:
    big = float(s.values.max(initial=0) + 1)
    return s.values + s.level * big * 10


def _unique_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a non-negative integer matrix: the index of the first row with each
    distinct value, and per row the number of its value (np.unique(axis=0), with the columns
    packed into one integer when they fit: sorting packed keys is much faster)."""
    radix = matrix.max(axis=0, initial=0).astype(np.int64) + 1
    if float(np.prod(radix.astype(float))) < 2.0**62:
        key = np.zeros(matrix.shape[0], dtype=np.int64)
        for j in range(matrix.shape[1]):
            key = key * radix[j] + matrix[:, j]
        _values, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    else:
        _values, first, inverse = np.unique(matrix, axis=0, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _closure(start: int, adjacency: list[int]) -> int:
    """The hubs (bit mask) reachable from the hubs in `start`, these included."""
    reach = todo = start
    while todo:
        low = todo & -todo
        todo ^= low
        new = adjacency[low.bit_length() - 1] & ~reach
        reach |= new
        todo |= new
    return reach


class _Search:
    """The hidden cells of a table as moves between nodes, in a form that answers per cell in
    time independent of the number of rows.

    A move of a hidden cell goes between its row node and its column node (either may be the
    ground). Rows are many; columns and the ground - the *hubs*, numbered 0 (ground) and 1 + j
    (column j) - are few. A path of moves alternates between hubs and rows, so it is enough to
    know, per row, the hubs it has a move from and to (bit masks), and, between two hubs, in how
    many ways one leads to the other: through one row (a move into the row by one hidden cell
    and out of it by another) or directly (a cell of an unpublished row). What a node reaches is
    then a closure over a few bits, and which rows it reaches follows from their masks. Leaving
    one cell out (the cell whose freedom is asked) only changes the counts of its own row.

    The open cells are grouped by what decides whether hiding them opens a way: their column,
    their row's masks and their own moves; a heap per group keeps the cheapest (cost, index)
    first, so the cell chosen is the one the plain search over all cells would choose.
    """

    def __init__(self, s: _Structure, hidden: np.ndarray):
        er, ec = s.shape
        self.ec, self.k, self.n = ec, ec + 1, s.values.size
        col, row = s.col_node, s.row_node
        hub = np.where(col == 0, 0, col - er).astype(np.int64)  # column node er+1+j -> hub 1+j
        rows = np.where(row == 0, -1, row - 1).astype(np.int64)  # row node 1+i -> row i
        positive = s.values > 0
        up = np.where(s.flipped, positive, True)  # may move so that its y rises (row -> column)
        down = np.where(s.flipped, True, positive)  # may move so that its y falls (column -> row)
        ground = (row == 0) & (col == 0)  # in no published equation: free, never a candidate
        self.np_hub, self.np_rows, self.np_up, self.np_down, self.np_ground = hub, rows, up, down, ground
        self.hub, self.row, self.up, self.down = hub.tolist(), rows.tolist(), up.tolist(), down.tolist()
        self.ground = ground.tolist()
        cost = _cost(s).astype(float)
        self.cost = cost.tolist()
        self.hidden = bytearray(np.asarray(hidden, dtype=bool).tobytes())
        self.np_hidden = np.frombuffer(self.hidden, dtype=bool)

        k = self.k
        moving = self.np_hidden & ~ground
        in_rows = moving & (rows >= 0)
        cnt = np.zeros((k, k), dtype=np.int64)
        if self.n:
            # through one row: a cell that moves in (down) and another that moves out (up)
            row_of_line = rows.reshape(er, ec)[:, 0] >= 0
            into = (in_rows & down).reshape(er, ec)[row_of_line].astype(np.int64)
            out = (in_rows & up).reshape(er, ec)[row_of_line].astype(np.int64)
            pairs = into.T @ out
            np.fill_diagonal(pairs, 0)
            line_hub = hub[:ec]
            np.add.at(cnt, (line_hub[:, None], line_hub[None, :]), pairs)
            # directly: a cell of an unpublished row moves between the ground and its column
            direct = moving & (rows < 0)
            np.add.at(cnt, (np.zeros(int((direct & up).sum()), dtype=np.int64), hub[direct & up]), 1)
            np.add.at(cnt, (hub[direct & down], np.zeros(int((direct & down).sum()), dtype=np.int64)), 1)
        self.cnt = cnt.tolist()
        self.adj = [sum(1 << b for b in range(k) if self.cnt[a][b] > 0) for a in range(k)]
        self.radj = [sum(1 << a for a in range(k) if self.cnt[a][b] > 0) for b in range(k)]

        self.in_mask, self.out_mask = [0] * er, [0] * er
        self.groups: list[tuple] = []
        self.group_of: dict[tuple, int] = {}
        self.heaps: list[list] = []
        self.cell_group = [-1] * self.n
        self.qualifying: dict[tuple[int, int], tuple] = {}  # (ahead, behind) -> (closing groups, extending groups)
        self.reach: dict[int, int] = {}  # closures over the current adjacency, forward and back
        self.reach_back: dict[int, int] = {}
        open_cells = np.flatnonzero(~self.np_hidden & ~ground)
        if k <= 62:
            bits = np.left_shift(np.int64(1), hub)
            in_mask, out_mask = np.zeros(er, dtype=np.int64), np.zeros(er, dtype=np.int64)
            np.bitwise_or.at(in_mask, rows[in_rows & down], bits[in_rows & down])
            np.bitwise_or.at(out_mask, rows[in_rows & up], bits[in_rows & up])
            self.in_mask, self.out_mask = in_mask.tolist(), out_mask.tolist()
            if open_cells.size:
                r = rows[open_cells]
                is_row = r >= 0
                line = np.maximum(r, 0)
                keys = np.column_stack([
                    is_row, hub[open_cells], np.where(is_row, in_mask[line], 0), np.where(is_row, out_mask[line], 0),
                    up[open_cells], down[open_cells],
                ]).astype(np.int64)
                first, inverse = _unique_rows(keys)
                order = np.lexsort((open_cells, cost[open_cells], inverse))
                cells_sorted, groups_sorted = open_cells[order], inverse[order]
                bounds = np.flatnonzero(np.diff(groups_sorted)) + 1
                starts = np.concatenate([[0], bounds]).tolist()
                ends = np.concatenate([bounds, [order.size]]).tolist()
                costs_sorted = cost[cells_sorted].tolist()
                cells_list = cells_sorted.tolist()
                for g, key in enumerate(keys[first].tolist()):
                    self.group_of[tuple(key)] = g
                    self.groups.append(tuple(key))
                    a, b = starts[g], ends[g]
                    self.heaps.append(list(zip(costs_sorted[a:b], cells_list[a:b])))  # sorted: a heap
                group = np.full(self.n, -1, dtype=np.int64)
                group[open_cells] = inverse
                self.cell_group = group.tolist()
        else:  # more than 61 columns: the same, cell by cell
            for cell in np.flatnonzero(in_rows).tolist():
                i, bit = self.row[cell], 1 << self.hub[cell]
                if self.down[cell]:
                    self.in_mask[i] |= bit
                if self.up[cell]:
                    self.out_mask[i] |= bit
            for cell in open_cells.tolist():
                self._join(cell)

    # --- changing the state

    def _join(self, cell: int) -> None:
        """Put an open cell in the group of its current key."""
        i = self.row[cell]
        key = (1, self.hub[cell], self.in_mask[i], self.out_mask[i], int(self.up[cell]), int(self.down[cell])) \
            if i >= 0 else (0, self.hub[cell], 0, 0, int(self.up[cell]), int(self.down[cell]))
        g = self.group_of.get(key)
        if g is None:
            g = self.group_of[key] = len(self.groups)
            self.groups.append(key)
            self.heaps.append([])
            self.qualifying.clear()
        self.cell_group[cell] = g
        heapq.heappush(self.heaps[g], (self.cost[cell], cell))

    def _count(self, a: int, b: int) -> None:
        self.cnt[a][b] += 1
        if self.cnt[a][b] == 1:
            self.adj[a] |= 1 << b
            self.radj[b] |= 1 << a
            self.reach.clear()
            self.reach_back.clear()

    def hide(self, cell: int) -> None:
        self.hidden[cell] = 1
        self.cell_group[cell] = -1
        if self.ground[cell]:
            return
        h, u, d, i = self.hub[cell], self.up[cell], self.down[cell], self.row[cell]
        if i < 0:
            if u:
                self._count(0, h)
            if d:
                self._count(h, 0)
            return
        base = i * self.ec
        for other in range(base, base + self.ec):
            if other != cell and self.hidden[other]:
                if d and self.up[other]:
                    self._count(h, self.hub[other])
                if u and self.down[other]:
                    self._count(self.hub[other], h)
        in_mask = self.in_mask[i] | (1 << h if d else 0)
        out_mask = self.out_mask[i] | (1 << h if u else 0)
        if (in_mask, out_mask) != (self.in_mask[i], self.out_mask[i]):
            self.in_mask[i], self.out_mask[i] = in_mask, out_mask
            for other in range(base, base + self.ec):
                if not self.hidden[other]:
                    self._join(other)

    # --- questions

    def _without(self, cell: int) -> tuple[list[int] | None, list[int] | None, int, int]:
        """Hub adjacency (forward, reverse) without the moves of `cell` (None: the same as with
        them), and the masks of the hubs its row has a move from / to through its other hidden
        cells."""
        h, u, d, i = self.hub[cell], self.up[cell], self.down[cell], self.row[cell]
        take: dict[tuple[int, int], int] = {}
        into = out = 0
        if i < 0:
            if u:
                take[(0, h)] = 1
            if d:
                take[(h, 0)] = 1
        else:
            base = i * self.ec
            for other in range(base, base + self.ec):
                if other == cell or not self.hidden[other]:
                    continue
                hb = self.hub[other]
                if self.down[other]:
                    into |= 1 << hb
                    if u:
                        take[(hb, h)] = take.get((hb, h), 0) + 1
                if self.up[other]:
                    out |= 1 << hb
                    if d:
                        take[(h, hb)] = take.get((h, hb), 0) + 1
        adj = radj = None
        for (a, b), n in take.items():
            if self.cnt[a][b] <= n:  # the only ways from a to b go through the cell
                if adj is None:
                    adj, radj = self.adj[:], self.radj[:]
                adj[a] &= ~(1 << b)
                radj[b] &= ~(1 << a)
        return adj, radj, into, out

    def _ahead(self, start: int, adj: list[int] | None) -> int:
        if adj is not None:
            return _closure(start, adj)
        found = self.reach.get(start)
        if found is None:
            found = self.reach[start] = _closure(start, self.adj)
        return found

    def _behind(self, end: int, radj: list[int] | None) -> int:
        if radj is not None:
            return _closure(end, radj)
        found = self.reach_back.get(end)
        if found is None:
            found = self.reach_back[end] = _closure(end, self.radj)
        return found

    def can_move(self, cell: int) -> bool:
        """Can hidden `cell` take another value, all published figures staying the same? (It lies
        on a cycle of hidden cells along which every cell that has to go down is above zero.)"""
        if self.ground[cell]:
            return True
        adj, _radj, into, out = self._without(cell)
        bit = 1 << self.hub[cell]
        if self.row[cell] < 0:  # its row side is the ground
            into = out = 1
        # up: row -> column through the cell, back column ~> row; down: the reverse
        return bool((self.up[cell] and self._ahead(bit, adj) & into) or (self.down[cell] and self._ahead(out, adj) & bit))

    def pinned(self) -> list[int]:
        """Hidden cells that cannot take another value, in cell order. Cells whose row has the same
        pattern of hidden cells (and the same moves) get the same answer: one is asked per pattern."""
        hidden = self.np_hidden & ~self.np_ground
        cells = np.flatnonzero(hidden)
        if cells.size == 0:
            return []
        free = np.zeros(self.n, dtype=bool)
        rows = self.np_rows[cells]
        direct = cells[rows < 0]
        if direct.size:
            key = self.np_hub[direct] * 4 + self.np_up[direct] * 2 + self.np_down[direct]
            _values, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            answers = np.array([self.can_move(int(direct[f])) for f in first])
            free[direct] = answers[inverse.reshape(-1)]
        in_rows = cells[rows >= 0]
        if in_rows.size:
            ec = self.ec
            lines = np.unique(self.np_rows[in_rows])
            state = np.where(hidden, 1 + self.np_up + 2 * self.np_down, 0).astype(np.int8).reshape(-1, ec)[lines]
            first, inverse = _unique_rows(state)
            answers = np.zeros((first.size, ec), dtype=bool)
            for p, line in enumerate(lines[first].tolist()):
                for j in np.flatnonzero(state[first[p]]).tolist():
                    answers[p, j] = self.can_move(line * ec + j)
            free[(lines[:, None] * ec + np.arange(ec)).ravel()] = answers[inverse].ravel()
        return cells[~free[cells]].tolist()

    def _top(self, g: int, skip_row: int):
        """The cheapest open cell of group g outside row `skip_row`, as (cost, cell), or None."""
        heap, cell_group = self.heaps[g], self.cell_group
        while heap and cell_group[heap[0][1]] != g:
            heapq.heappop(heap)  # hidden since, or moved to another group
        if not heap or skip_row < 0 or self.row[heap[0][1]] != skip_row:
            return heap[0] if heap else None
        held = []
        while heap:
            cell = heap[0][1]
            if cell_group[cell] != g:
                heapq.heappop(heap)
            elif self.row[cell] == skip_row:
                held.append(heapq.heappop(heap))
            else:
                break
        top = heap[0] if heap else None
        for item in held:
            heapq.heappush(heap, item)
        return top

    def extra_for(self, cell: int) -> int | None:
        """None when hidden `cell` can move; else the cheapest published cell whose hiding lets it
        move (or at least gets closer): first among the cells that close a cycle, else among those
        that extend the reach. RuntimeError when there is none."""
        adj, radj, into, out = self._without(cell)
        h, i = self.hub[cell], self.row[cell]
        bit = 1 << h
        if i < 0:  # the row side is the ground
            into = out = 1
        # a path start ~> end is wanted: column to row (rising) or row to column (falling)
        ways = []
        if self.up[cell]:
            ahead = self._ahead(bit, adj)
            if ahead & into:
                return None
            ways.append((True, ahead))
        if self.down[cell]:
            ahead = self._ahead(out, adj)
            if ahead & bit:
                return None
            ways.append((False, ahead))
        searches = []
        for rising, ahead in ways:
            if i < 0:
                behind = self._behind(1 if rising else bit, radj)
                ahead_row = behind_row = False
            elif rising:
                behind = self._behind(into, radj)
                ahead_row, behind_row = False, True  # (ahead & into: it could move)
            else:
                behind = self._behind(bit, radj)
                ahead_row, behind_row = True, bool(out & behind)
            searches.append((ahead, behind, ahead_row, behind_row))
        # the cheapest cell that closes a path; only when there is none, the cheapest that extends it
        for closing in (True, False):
            best = None
            for ahead, behind, ahead_row, behind_row in searches:
                best = self._cheapest(closing, ahead, behind, i, ahead_row, behind_row, best)
            if best is not None:
                return best[1]
        raise RuntimeError("secundaire onderdrukking vond geen cel meer om te verbergen")

    def _qualify(self, ahead: int, behind: int) -> tuple[list[int], list[int]]:
        """The groups whose cells close a path (a move from a node ahead to a node behind), and
        those whose cells extend it (a move from a node ahead to a node not yet ahead); for the
        rows other than the asked cell's own."""
        closing, extending = [], []
        for g, (is_row, c, in_mask, out_mask, cu, cd) in enumerate(self.groups):
            if is_row:
                a_r, b_r = (in_mask & ahead) != 0, (out_mask & behind) != 0
            else:
                a_r, b_r = (ahead & 1) != 0, (behind & 1) != 0
            a_c, b_c = (ahead >> c) & 1, (behind >> c) & 1
            if (cu and a_r and b_c) or (cd and a_c and b_r):
                closing.append(g)
            if (cu and a_r and not a_c) or (cd and a_c and not a_r):
                extending.append(g)
        return closing, extending

    def _cheapest(self, closing: bool, ahead: int, behind: int, line: int, ahead_row: bool, behind_row: bool, best):
        """`best` or a cheaper open cell, as (cost, cell), that closes the path (`closing`) or
        extends it."""
        groups = self.qualifying.get((ahead, behind))
        if groups is None:
            groups = self.qualifying[(ahead, behind)] = self._qualify(ahead, behind)
        for g in groups[0 if closing else 1]:
            top = self._top(g, line)
            if top is not None and (best is None or top < best):
                best = top
        if line >= 0:  # the cells of the row itself: its masks differ without the cell
            base = line * self.ec
            for other in range(base, base + self.ec):
                if self.hidden[other]:
                    continue
                c, cu, cd = self.hub[other], self.up[other], self.down[other]
                a_c = (ahead >> c) & 1
                if closing:
                    hit = (cu and ahead_row and (behind >> c) & 1) or (cd and a_c and behind_row)
                else:
                    hit = (cu and ahead_row and not a_c) or (cd and a_c and not ahead_row)
                if hit:
                    top = (self.cost[other], other)
                    if best is None or top < best:
                        best = top
        return best

    def hidden_array(self) -> np.ndarray:
        return self.np_hidden.copy()


def _pinned(s: _Structure, hidden: np.ndarray) -> list[int]:
    """Hidden cells that cannot take another value (see the module docstring)."""
    return _Search(s, hidden).pinned()


def _protect(s: _Structure, hidden: np.ndarray) -> np.ndarray:
    """Secondary suppression: while a hidden cell is pinned, hide the cheapest cell that opens a
    way for it (pinned cells in cell order, each checked again after earlier additions)."""
    search = _Search(s, hidden)
    while True:
        pinned = search.pinned()
        if not pinned:
            return search.hidden_array()
        for cell in pinned:
            extra = search.extra_for(cell)  # None: an earlier addition in this round freed it
            if extra is not None:
                search.hide(extra)


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

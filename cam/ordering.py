"""Path ordering: the sequence, direction and entry point of paths that keeps air travel short.

A pure function on path end points, used by every operation. Greedy nearest neighbour over
candidate entry points (every vertex of a closed path, both ends of an open one) gives a first
tour; 2-opt and Or-opt moves then shorten it within a time budget. Precedence constraints (an
inner contour cut before the outer one that contains it) are respected throughout, and the
result is never longer than the input order, so ordering can only save time, never add risk.
"""

from __future__ import annotations

import math
import time
from array import array
from collections import deque
from collections.abc import Sequence

import numpy as np
from scipy.spatial import cKDTree

__all__ = ["OrderError", "air_travel", "order_paths"]

# Closed paths with many vertices are offered at most this many entry candidates (evenly spaced):
# the tour barely changes, and the candidate set stays small enough for 20,000 paths.
MAX_ENTRIES_PER_CLOSED = 16
NEIGHBOURS = 8  # precomputed nearest candidates per candidate for the greedy step
IMPROVE_NEIGHBOURS = 8  # nearest end points tried per position in 2-opt / Or-opt
IMPROVER_SETUP_S_PER_PATH = 6e-6  # measured: about 0.1 s to set up 20,000 paths

Order = list[tuple[int, bool, int]]


class OrderError(ValueError):
    """The precedence constraints cannot be satisfied (a cycle, or an unknown path index)."""


def order_paths(
    paths: Sequence[np.ndarray],
    closed: Sequence[bool],
    start: tuple[float, float] = (0.0, 0.0),
    budget_s: float = 0.3,
    must_precede: Sequence[tuple[int, int]] | None = None,
    *,
    returns: Sequence[bool] | None = None,
) -> Order:
    """Order paths to shorten air travel.

    paths: (n, 2) float arrays; closed: whether each path is a closed ring (first point not
    repeated); start: where the tool is before the first path; budget_s: wall-clock seconds the
    call may spend in all (the greedy tour is always finished, improvement stops at the budget);
    must_precede: (a, b) pairs meaning path a must be cut before path b.

    returns: per path, whether an open path's cut ends back at the end it began from (an even
    number of zigzag passes); such a path is left where it was entered.

    Returns [(index, reversed, start_vertex)] with every path exactly once: an open path is cut
    from its last point when reversed; a closed path is entered (and left) at start_vertex.
    """
    if returns is not None:
        return _order_returning(paths, closed, start, budget_s, must_precede, returns)
    deadline = time.perf_counter() + max(0.0, budget_s)
    n = len(paths)
    if len(closed) != n:
        raise ValueError(f"closed has {len(closed)} flags for {n} paths")
    if n == 0:
        return []
    succ, npred = _precedence(n, must_precede)
    flat = _Flat(paths, closed)
    tour = _greedy(flat, np.asarray(start, dtype=np.float64), succ, npred)
    # setting up the improvement costs a few microseconds a path: not worth starting late
    if deadline - time.perf_counter() > IMPROVER_SETUP_S_PER_PATH * flat.n:
        _Improver(flat, tour, succ).run(deadline)
    _settle_entries(flat, tour)
    result = tour.result()
    baseline = _Tour(np.asarray(start, dtype=np.float64), list(range(n)), [False] * n, [0] * n)
    if _respects(baseline.seq, succ) and baseline.length(flat) < tour.length(flat):
        return baseline.result()
    return result


def _as_rings(
    paths: Sequence[np.ndarray], closed: Sequence[bool], returns: Sequence[bool]
) -> tuple[list[np.ndarray], list[bool], list[bool]]:
    """An open path cut back to where it began is, for travel, a ring of its two ends."""
    ring = [
        bool(r) and not c and len(p) > 1 for p, c, r in zip(paths, closed, returns, strict=True)
    ]
    pts = [
        np.stack([np.asarray(p)[0], np.asarray(p)[-1]]) if g else p
        for p, g in zip(paths, ring, strict=True)
    ]
    return pts, [bool(c) or g for c, g in zip(closed, ring, strict=True)], ring


def _order_returning(
    paths: Sequence[np.ndarray],
    closed: Sequence[bool],
    start: tuple[float, float],
    budget_s: float,
    must_precede: Sequence[tuple[int, int]] | None,
    returns: Sequence[bool],
) -> Order:
    pts, as_closed, ring = _as_rings(paths, closed, returns)
    order = order_paths(pts, as_closed, start, budget_s, must_precede)
    # a two-end ring entered at vertex 1 is the open path cut from its last point
    return [(i, v == 1, 0) if ring[i] else (i, r, v) for i, r, v in order]


def air_travel(
    paths: Sequence[np.ndarray],
    closed: Sequence[bool],
    order: Order,
    start: tuple[float, float] = (0.0, 0.0),
    *,
    returns: Sequence[bool] | None = None,
) -> float:
    """Length of the straight XY links from start through the paths in the given order."""
    if returns is not None:
        pts, as_closed, ring = _as_rings(paths, closed, returns)
        order = [(i, False, int(r)) if ring[i] else (i, r, v) for i, r, v in order]
        return air_travel(pts, as_closed, order, start)
    seq = [o[0] for o in order]
    rev = [bool(o[1]) for o in order]
    vertex = [int(o[2]) for o in order]
    return _Tour(np.asarray(start, dtype=np.float64), seq, rev, vertex).length(_Flat(paths, closed))


def _workers(points: int) -> int:
    """Threads for a batch KD-tree query: starting them costs more than small queries take."""
    return -1 if points > 50_000 else 1


def _precedence(
    n: int, must_precede: Sequence[tuple[int, int]] | None
) -> tuple[list[list[int]] | None, list[int]]:
    npred = [0] * n
    if not must_precede:
        return None, npred
    succ: list[list[int]] = [[] for _ in range(n)]
    for a, b in must_precede:
        if not (0 <= a < n and 0 <= b < n) or a == b:
            raise OrderError(f"precedence ({a}, {b}) names no pair of distinct paths 0..{n - 1}")
        succ[a].append(b)
        npred[b] += 1
    return succ, npred


def _respects(seq: list[int], succ: list[list[int]] | None) -> bool:
    if succ is None:
        return True
    pos = {idx: k for k, idx in enumerate(seq)}
    return all(pos[a] < pos[b] for a in range(len(succ)) for b in succ[a])


class _Flat:
    """All paths' points in one array: path p owns rows off[p] .. off[p + 1] - 1."""

    def __init__(self, paths: Sequence[np.ndarray], closed: Sequence[bool]) -> None:
        arrays = [np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in paths]
        sizes = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
        if len(sizes) and sizes.min() == 0:
            raise ValueError(f"path {int(np.argmin(sizes))} has no points")
        self.xy = np.concatenate(arrays) if arrays else np.zeros((0, 2))
        self.off = np.concatenate([[0], np.cumsum(sizes)])
        self.closed = np.asarray(closed, dtype=bool)
        self.n = len(arrays)

    def ends(
        self, seq: list[int], rev: list[bool], vertex: list[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Flat row of the entry and the exit point of each path in a tour."""
        p = np.asarray(seq, dtype=np.int64)
        r = np.asarray(rev, dtype=bool)
        first, last = self.off[p], self.off[p + 1] - 1
        c = self.closed[p]
        at = first + np.asarray(vertex, dtype=np.int64)
        entry = np.where(c, at, np.where(r, last, first))
        exit_ = np.where(c, at, np.where(r, first, last))
        return entry, exit_


class _Tour:
    def __init__(self, start: np.ndarray, seq: list[int], rev: list[bool], vertex: list[int]):
        self.start, self.seq, self.rev, self.vertex = start, seq, rev, vertex

    def length(self, flat: _Flat) -> float:
        entry, exit_ = flat.ends(self.seq, self.rev, self.vertex)
        froms = np.vstack([self.start[None, :], flat.xy[exit_[:-1]]])
        return float(np.hypot(*(flat.xy[entry] - froms).T).sum())

    def result(self) -> Order:
        return list(zip(self.seq, self.rev, self.vertex, strict=True))


def _candidates(flat: _Flat) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entry candidates: (flat row, path, row of the matching exit)."""
    sizes = np.diff(flat.off)
    n_closed = int(flat.closed.sum())
    per_closed = min(MAX_ENTRIES_PER_CLOSED, max(2, 8_000 // max(1, n_closed)))
    # closed path: vertices 0, step, 2 step, ... (at most per_closed); open path: both ends
    step = np.where(flat.closed, np.maximum(1, -(-sizes // per_closed)), 1)
    count = np.where(flat.closed, -(-sizes // step), np.where(sizes > 1, 2, 1))
    path = np.repeat(np.arange(flat.n), count)
    k = np.arange(len(path)) - np.repeat(np.cumsum(count) - count, count)
    rows = flat.off[path] + np.where(flat.closed[path], k * step[path], k * (sizes[path] - 1))
    other = np.where(
        flat.closed[path], rows, np.where(k == 0, flat.off[path + 1] - 1, flat.off[path])
    )
    return rows, path, other


def _greedy(
    flat: _Flat, start: np.ndarray, succ: list[list[int]] | None, npred: list[int]
) -> _Tour:
    rows, cand_path_arr, other = _candidates(flat)
    m = len(rows)
    cand_xy = flat.xy[rows]
    # room for a path's own other candidates, which the greedy step skips
    most = int(np.bincount(cand_path_arr).max())
    k = min(NEIGHBOURS + most - 1, m)
    _, nbr = cKDTree(cand_xy).query(cand_xy, k=k, workers=_workers(m))
    nbrs = np.asarray(nbr).reshape(m, k)  # rows made Python lists only where the walk looks
    # the candidate whose row is a given exit row (open paths: the other end is a candidate)
    if m < 2 or (rows[1:] > rows[:-1]).all():  # candidates come in row order: a search
        exit_cand = np.searchsorted(rows, other).tolist()
    else:
        row_to_cand = dict(zip(rows.tolist(), range(m), strict=True))
        exit_cand = [row_to_cand[r] for r in other.tolist()]
    cand_path = cand_path_arr.tolist()
    cand_row = rows.tolist()
    cand_x, cand_y = cand_xy[:, 0].tolist(), cand_xy[:, 1].tolist()
    first_row = flat.off[:-1].tolist()
    closed = flat.closed.tolist()
    done = bytearray(flat.n)
    waiting = array("q", npred)
    done_now = np.frombuffer(done, dtype=np.uint8)  # views: always the loop's current flags
    waiting_now = np.frombuffer(waiting, dtype=np.int64)
    fallback = _Fallback(cand_xy, cand_path_arr, done, waiting)
    seq: list[int] = []
    rev: list[bool] = []
    vertex: list[int] = []
    cur = -1
    for _ in range(flat.n):
        pick = -1
        if cur >= 0:
            row = nbrs[cur].tolist()
            for c in row:
                p = cand_path[c]
                if not done[p] and not waiting[p]:
                    pick = c
                    break
        if pick < 0 and cur >= 0:
            # the neighbours' neighbours: usually a near, ready candidate without a tree search;
            # the ready ones found with numpy, in the order of the rows, then the nearest
            block = nbrs[row].ravel()
            owner = cand_path_arr[block]
            ready = block[(done_now[owner] == 0) & (waiting_now[owner] == 0)]
            best = math.inf
            x0, y0 = cand_x[cur], cand_y[cur]
            for c in ready.tolist():
                d = (cand_x[c] - x0) ** 2 + (cand_y[c] - y0) ** 2
                if d < best:
                    best, pick = d, c
        if pick < 0:
            pick = fallback.nearest(cand_xy[cur] if cur >= 0 else start, len(seq))
        p = cand_path[pick]
        done[p] = 1
        if succ is not None:
            for q in succ[p]:
                waiting[q] -= 1
        seq.append(p)
        if closed[p]:
            rev.append(False)
            vertex.append(cand_row[pick] - first_row[p])
        else:
            rev.append(cand_row[pick] != first_row[p])
            vertex.append(0)
        cur = exit_cand[pick]
    return _Tour(start, seq, rev, vertex)


class _Fallback:
    """Nearest ready candidate from anywhere: a KD-tree over the candidates still to cut,
    rebuilt when half of it is spent, then brute force if a local search finds nothing."""

    def __init__(
        self, xy: np.ndarray, cand_path: np.ndarray, done: bytearray, waiting: array
    ) -> None:
        self.xy = xy
        self.cand_path = cand_path
        # views on the greedy loop's own flags: no copying per step
        self.done = np.frombuffer(done, dtype=np.uint8)
        self.waiting = np.frombuffer(waiting, dtype=np.int64)
        self.done_flags, self.waiting_flags = done, waiting
        self.path_list = cand_path.tolist()
        self._rebuild()

    def _rebuild(self, n_done: int = 0) -> None:
        self.ids = np.flatnonzero(self.done[self.cand_path] == 0)
        self.tree = cKDTree(self.xy[self.ids]) if len(self.ids) else None
        self.ids_list = self.ids.tolist()
        self.built_at = n_done
        self.paths_left = len(self.done) - n_done

    def _usable(self, c: np.ndarray) -> np.ndarray:
        p = self.cand_path[c]
        return (self.done[p] == 0) & (self.waiting[p] == 0)

    def nearest(self, at: np.ndarray, n_done: int) -> int:
        if (n_done - self.built_at) * 2 > self.paths_left:
            self._rebuild(n_done)  # half the tree is spent: keep local searches short
        k = 16
        while self.tree is not None and k <= 256:
            kk = min(k, len(self.ids))
            _, idx = self.tree.query(at, k=kk)
            for j in np.atleast_1d(idx).tolist():
                c = self.ids_list[j]
                p = self.path_list[c]
                if not self.done_flags[p] and not self.waiting_flags[p]:
                    return c
            if kk == len(self.ids):
                break
            k *= 4
        # many spent candidates near here: shrink the tree to the live ones and search all
        self._rebuild(n_done)
        live = self.ids[self._usable(self.ids)]
        if len(live) == 0:
            raise OrderError("precedence constraints form a cycle: no path can be cut next")
        d = np.hypot(*(self.xy[live] - at).T)
        return int(live[int(np.argmin(d))])


def _settle_entries(flat: _Flat, tour: _Tour, rounds: int = 2) -> None:
    """Re-pick each closed path's entry vertex for its neighbours in the final tour.

    Vectorised over all vertices: each closed path takes the vertex minimising the link from
    the previous exit plus the link to the next entry; two rounds settle neighbouring closed
    paths. A choice is kept only where it shortens the tour.
    """
    seq = np.asarray(tour.seq, dtype=np.int64)
    if not flat.closed[seq].any():
        return
    for _ in range(rounds):
        entry, exit_ = flat.ends(tour.seq, tour.rev, tour.vertex)
        prev = np.vstack([tour.start[None, :], flat.xy[exit_[:-1]]])
        nxt = np.vstack([flat.xy[entry[1:]], flat.xy[entry[-1:]]])
        has_next = np.ones(len(seq), dtype=bool)
        has_next[-1] = False
        k = np.flatnonzero(flat.closed[seq])
        p = seq[k]
        sizes = flat.off[p + 1] - flat.off[p]
        owner = np.repeat(np.arange(len(k)), sizes)
        local = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        pts = flat.xy[flat.off[p][owner] + local]
        d = np.hypot(*(pts - prev[k][owner]).T)
        d = d + np.where(has_next[k][owner], np.hypot(*(pts - nxt[k][owner]).T), 0.0)
        starts = np.cumsum(sizes) - sizes
        hit = np.flatnonzero(d == np.minimum.reduceat(d, starts)[owner])
        first_hit = np.concatenate([[True], owner[hit][1:] != owner[hit][:-1]])
        best = local[hit[first_hit]]
        old = tour.vertex
        trial = list(old)
        for pos, v in zip(k.tolist(), best.tolist(), strict=True):
            trial[pos] = v
        candidate = _Tour(tour.start, tour.seq, tour.rev, trial)
        if candidate.length(flat) < tour.length(flat):
            tour.vertex = trial
        else:
            return


class _Improver:
    """2-opt and Or-opt on the tour, candidate moves taken from nearby end points.

    A path keeps its entry vertex (closed) during improvement; an open path flips direction
    when it lies in a reversed stretch. Link lengths are recomputed only where they change.
    """

    def __init__(self, flat: _Flat, tour: _Tour, succ: list[list[int]] | None) -> None:
        self.t = tour
        self.closed = flat.closed.tolist()
        self.succ = succ
        self.pred: list[list[int]] | None = None
        if succ is not None:
            self.pred = [[] for _ in succ]
            for a, bs in enumerate(succ):
                for b in bs:
                    self.pred[b].append(a)
        n = flat.n
        # end points: open path p -> ids f, f + 1 (first, last point); closed -> one id f
        p = np.arange(n)
        count = np.where(flat.closed, 1, 2)
        first_id = np.cumsum(count) - count
        vert = np.zeros(n, dtype=np.int64)
        vert[np.asarray(tour.seq)] = tour.vertex
        owner = np.repeat(p, count)
        second = np.arange(len(owner)) - first_id[owner]
        rows = np.where(
            flat.closed[owner],
            flat.off[owner] + vert[owner],
            np.where(second == 0, flat.off[owner], flat.off[owner + 1] - 1),
        )
        arr = flat.xy[rows]
        # end point coordinates, and the start (before the first path) as one more point
        self.ep_x = arr[:, 0].tolist() + [float(tour.start[0])]
        self.ep_y = arr[:, 1].tolist() + [float(tour.start[1])]
        self.start_id = len(arr)
        self.ep_path = owner.tolist()
        self.ep_first = first_id.tolist()
        k = min(IMPROVE_NEIGHBOURS + 1, len(arr))
        _, nbr = cKDTree(arr).query(arr, k=k, workers=_workers(len(arr)))
        self.nbrs = np.asarray(nbr).reshape(len(arr), k).tolist()
        self.pos = [0] * n
        for k2, q in enumerate(tour.seq):
            self.pos[q] = k2
        # entry / exit end point id of the path at each tour position, kept in step with moves
        self.ei: list[int] = []
        self.xi: list[int] = []
        for k2, q in enumerate(tour.seq):
            f = self.ep_first[q]
            one = self.closed[q]
            self.ei.append(f if one or not tour.rev[k2] else f + 1)
            self.xi.append(f if one or tour.rev[k2] else f + 1)

    def run(self, deadline: float) -> None:
        """Improve until no move helps or the deadline passes.

        A work queue of paths replaces full sweeps: after a move only the paths whose links
        changed are looked at again, so a converged tour costs nothing more.
        """
        n = len(self.t.seq)
        if n < 3:
            return
        queue = deque(self.t.seq)
        queued = [True] * n
        count = 0
        while queue:
            count += 1
            if (count & 63) == 0 and time.perf_counter() > deadline:
                return
            p = queue.popleft()
            queued[p] = False
            i = self.pos[p]
            touched = self._try_two_opt(i) or self._try_or_opt(i)
            for q in touched:
                if not queued[q]:
                    queued[q] = True
                    queue.append(q)

    def _ids_at(self, *positions: int) -> list[int]:
        n = len(self.t.seq)
        return [self.t.seq[k] for k in positions if 0 <= k < n]

    # -- 2-opt ---------------------------------------------------------------------------------
    def _try_two_opt(self, i: int) -> list[int]:
        # `_d` of the end points, inlined: the same hypots, summed in the same order
        xi, ei, pos, ep_path = self.xi, self.ei, self.pos, self.ep_path
        ex, ey, hypot = self.ep_x, self.ep_y, math.hypot
        n = len(xi)
        for e in self.nbrs[xi[i]]:
            j = pos[ep_path[e]]
            if j == i or xi[j] != e:
                continue
            a, b = (i, j) if i < j else (j, i)
            xa, xb, na = xi[a], xi[b], ei[a + 1]  # a < b < n: all three exist
            d1 = hypot(ex[xa] - ex[xb], ey[xa] - ey[xb])
            d3 = hypot(ex[xa] - ex[na], ey[xa] - ey[na])
            if b + 1 < n:
                nb = ei[b + 1]
                d2 = hypot(ex[na] - ex[nb], ey[na] - ey[nb])
                d4 = hypot(ex[xb] - ex[nb], ey[xb] - ey[nb])
            else:  # no path after b: no link to lengthen or shorten there
                d2 = d4 = 0.0
            delta = d1 + d2 - d3 - d4
            if delta < -1e-9 and self._reversal_allowed(a + 1, b):
                touched = self._ids_at(a, a + 1, b, b + 1)
                self._reverse(a + 1, b)
                return touched
        return []

    def _reversal_allowed(self, lo: int, hi: int) -> bool:
        if self.succ is None:
            return True
        for k in range(lo, hi + 1):
            for q in self.succ[self.t.seq[k]]:
                if lo <= self.pos[q] <= hi:
                    return False
        return True

    def _reverse(self, lo: int, hi: int) -> None:
        t = self.t
        t.seq[lo : hi + 1] = t.seq[lo : hi + 1][::-1]
        t.vertex[lo : hi + 1] = t.vertex[lo : hi + 1][::-1]
        closed = self.closed
        t.rev[lo : hi + 1] = [
            not r and not closed[p]  # a closed path keeps its entry, it is never reversed
            for r, p in zip(t.rev[lo : hi + 1][::-1], t.seq[lo : hi + 1], strict=True)
        ]
        ei, xi = self.ei[lo : hi + 1], self.xi[lo : hi + 1]
        self.ei[lo : hi + 1], self.xi[lo : hi + 1] = xi[::-1], ei[::-1]
        for k in range(lo, hi + 1):
            self.pos[t.seq[k]] = k

    # -- Or-opt (move one path elsewhere, either direction) -------------------------------------
    def _try_or_opt(self, a: int) -> list[int]:
        # `_d`, `_ent` and `_ext` inlined: the same hypots, summed in the same order; a link
        # to no path (after the last) is 0, the start stands before the first path
        t = self.t
        xi, ei, pos, ep_path = self.xi, self.ei, self.pos, self.ep_path
        ex, ey, hypot = self.ep_x, self.ep_y, math.hypot
        n = len(xi)
        start = self.start_id
        p = t.seq[a]
        before = xi[a - 1] if a > 0 else start
        own_in, own_out = ei[a], xi[a]
        if a + 1 < n:
            nxt = ei[a + 1]
            gain = hypot(ex[before] - ex[own_in], ey[before] - ey[own_in]) + hypot(
                ex[own_out] - ex[nxt], ey[own_out] - ey[nxt]
            )
            gain -= hypot(ex[before] - ex[nxt], ey[before] - ey[nxt])
        else:
            gain = hypot(ex[before] - ex[own_in], ey[before] - ey[own_in]) + 0.0
            gain -= 0.0
        if gain <= 1e-9:
            return []
        closed = self.closed[p]
        first = self.ep_first[p]
        flips = (False,) if closed else (False, True)
        for own in (first,) if closed else (first, first + 1):
            for e in self.nbrs[own]:
                q = ep_path[e]
                if q == p:
                    continue
                b = pos[q]
                # insert after b when e is q's exit, before b when e is q's entry
                after = b if xi[b] == e else b - 1
                if after == a or after == a - 1:
                    continue
                left = xi[after] if after >= 0 else start
                right = ei[after + 1] if after + 1 < n else -1
                for flip in flips:
                    come, go = (own_out, own_in) if flip else (own_in, own_out)
                    if right >= 0:
                        cost = hypot(ex[left] - ex[come], ey[left] - ey[come]) + hypot(
                            ex[go] - ex[right], ey[go] - ey[right]
                        )
                        cost -= hypot(ex[left] - ex[right], ey[left] - ey[right])
                    else:
                        cost = hypot(ex[left] - ex[come], ey[left] - ey[come]) + 0.0
                        cost -= 0.0
                    if cost < gain - 1e-9 and self._move_allowed(p, a, after):
                        touched = self._ids_at(a - 1, a, a + 1, after, after + 1)
                        self._move(a, after, flip)
                        return touched
        return []

    def _move_allowed(self, p: int, a: int, after: int) -> bool:
        if self.succ is None or self.pred is None:
            return True
        if after > a:  # p moves later: no successor of p may lie in (a, after]
            return all(not (a < self.pos[q] <= after) for q in self.succ[p])
        return all(not (after < self.pos[q] < a) for q in self.pred[p])

    def _move(self, a: int, after: int, flip: bool) -> None:
        t = self.t
        item = (t.seq.pop(a), t.rev.pop(a) ^ flip, t.vertex.pop(a))
        ends = (self.ei.pop(a), self.xi.pop(a))
        if flip:
            ends = (ends[1], ends[0])
        dest = after if after > a else after + 1
        t.seq.insert(dest, item[0])
        t.rev.insert(dest, item[1])
        t.vertex.insert(dest, item[2])
        self.ei.insert(dest, ends[0])
        self.xi.insert(dest, ends[1])
        for k in range(min(a, dest), max(a, dest) + 1):
            self.pos[t.seq[k]] = k

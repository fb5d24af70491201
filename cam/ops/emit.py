"""Linking contours into one toolpath: retract, rapid at safe height, descend, cut.

Every G0 starts and ends at safe_z: the tool leaves a contour with a vertical G1 up to safe_z,
rapids in XY, then comes down vertically on the next contour's first point - at the cutting
feed through air to AIR_CLEARANCE above Z0, then at the plunge feed to the level it resumes from.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from cam.arcs import Arc, arc_sweep
from cam.ops.passes import (
    CutSettings,
    Points,
    Prepared,
    approach_offset,
    cut_contour,
    prepare_contours,
)
from cam.ordering import Order
from cam.toolpath import KIND_CODES, Move, MoveArrays, MoveBuffer, MoveKind

__all__ = ["AIR_CLEARANCE", "Contour", "Linker", "move_lengths", "oriented", "start_after"]

# mm above Z0 where the descent slows to the plunge feed: enough for the stone's surface error
# after probing, small enough not to crawl through air. Pocket levels below the first come
# down through their own cleared ring at the plunge feed too: no vertical move below this
# height is ever faster than the plunge feed.
AIR_CLEARANCE = 0.5
_RAPID, _LINEAR = KIND_CODES[MoveKind.RAPID], KIND_CODES[MoveKind.LINEAR]
_ARC_CW, _ARC_CCW = KIND_CODES[MoveKind.ARC_CW], KIND_CODES[MoveKind.ARC_CCW]


@dataclass(frozen=True, slots=True)
class Contour:
    """One tool-centre path: (n, 2) machine mm, closed rings not repeating their first point."""

    points: np.ndarray
    closed: bool
    element_id: str


def oriented(contour: Contour, reverse: bool, vertex: int) -> np.ndarray:
    """The contour's points starting where the ordering enters it."""
    pts = contour.points
    if contour.closed:
        return np.concatenate([pts[vertex:], pts[:vertex]]) if vertex else pts
    return pts[::-1] if reverse else pts


class Linker:
    """Accumulates the moves of one toolpath (in `buffer`; `arrays()` hands them over).

    stay_down_within: the tool-centre area of a pocket (its first offset). Between two contours
    cut below the first level, the tool may skip the retract and rapid when the straight link
    lies inside that area: the whole area is then cleared down to the level being started, so
    the link is through air. It runs at AIR_CLEARANCE above that floor (never above Z0), and
    the last stretch down is at the plunge feed.
    """

    def __init__(
        self, safe_z: float, settings: CutSettings, stay_down_within: BaseGeometry | None = None
    ) -> None:
        self.safe_z = safe_z
        self.s = settings
        self.buffer = MoveBuffer()
        self._fits: dict[object, list] = {}  # arcs fitted per oriented contour, reused per level
        self._end: tuple[float, float] | None = None  # where the last contour stopped, still down
        self._area = stay_down_within
        if stay_down_within is not None:
            shapely.prepare(stay_down_within)

    def cut(
        self,
        pts: Points,
        closed: bool,
        top: float,
        depths: Sequence[float],
        key: object = None,
        prepared: Prepared | None = None,
    ) -> None:
        """Come down on the contour at Z = -top and cut it through depths; the tool stays
        down at its end until the next contour (or `finish`) says how to leave. prepared:
        the contour's entry from `cam.ops.passes.prepare_contours`, if made."""

        def approach(x: float, y: float) -> None:
            if self._end is not None and self._link_down(x, y, top):
                return
            self.finish()
            out = self.buffer
            out.add(_RAPID, x, y, self.safe_z)
            clear = AIR_CLEARANCE  # below this, even through cleared stone, at the plunge feed
            if clear < self.safe_z:
                out.add(_LINEAR, x, y, clear, self.s.feed)
            out.add(_LINEAR, x, y, -top, self.s.plunge_feed)

        cache = self._fits if key is not None else None
        self._end = cut_contour(
            pts, closed, top, depths, self.s, self.buffer, approach, cache, key, prepared
        )

    def _link_down(self, x: float, y: float, top: float) -> bool:
        """Link from the last contour's end to (x, y) without retracting, if that is safe."""
        if self._area is None or top <= 0.0 or self._end is None:
            return False
        ex, ey = self._end
        if not self._area.contains(
            LineString([(ex, ey), (x, y)]) if (ex, ey) != (x, y) else Point(x, y)
        ):
            return False
        z = min(-top + AIR_CLEARANCE, 0.0, self.safe_z)
        self.buffer.add(_LINEAR, ex, ey, z, self.s.feed)
        self.buffer.add(_LINEAR, x, y, z, self.s.feed)
        self.buffer.add(_LINEAR, x, y, -top, self.s.plunge_feed)
        self._end = None
        return True

    def finish(self) -> None:
        """Retract straight up to safe_z from wherever the last contour stopped."""
        if self._end is not None:
            ex, ey = self._end
            self.buffer.add(_LINEAR, ex, ey, self.safe_z, self.s.feed)
            self._end = None

    def arrays(self) -> MoveArrays:
        """Every move so far, as columns (`cam.toolpath.MoveArrays`)."""
        return self.buffer.arrays()

    def cut_all(
        self, contours: Sequence[Contour], order: Order, top: float, depths: Sequence[float]
    ) -> None:
        entries = [oriented(contours[i], r, v) for i, r, v in order]
        closed = [contours[i].closed for i, _, _ in order]
        rings = _enter_rings(entries, closed, top, depths, self.s)
        cuts: list[tuple[Points, bool, object]] = []
        for k, (idx, rev, vertex) in enumerate(order):
            ring = rings[k]
            if ring is None:
                cuts.append((entries[k], False, (idx, rev, vertex)))
            else:
                xs, ys, backwards = ring
                cuts.append(((xs, ys), True, (idx, backwards, vertex)))
        # every contour's arcs fitted in one batch, before the first is cut
        prepared = prepare_contours(cuts, self.s, self._fits)
        for (pts, is_closed, key), line in zip(cuts, prepared, strict=True):
            self.cut(pts, is_closed, top, depths, key, line)


def _enter_rings(
    entries: Sequence[np.ndarray],
    closed: Sequence[bool],
    top: float,
    depths: Sequence[float],
    s: CutSettings,
) -> list[tuple[list[float], list[float], bool] | None]:
    """For each closed contour (entries[k]: its points from the vertex the ordering chose),
    the ring arranged so the tool comes down exactly on that vertex and, of the two directions
    round, the one that stops nearer the next entry: (xs, ys, backwards). None for an open one.

    All rings at once: their segment lengths in one numpy call, the rest in plain Python on
    a few dozen points a ring, with the same arithmetic as `start_after` and `np.interp`, so
    the rings are exactly those they give (numpy's cost per call would dominate here)."""
    out: list[tuple[list[float], list[float], bool] | None] = [None] * len(entries)
    ks = [k for k, c in enumerate(closed) if c]
    if not ks:
        return out
    sizes = [len(entries[k]) for k in ks]
    allp = np.concatenate([entries[k] for k in ks])
    ends = np.cumsum(sizes)
    after = np.arange(1, len(allp) + 1)
    after[ends - 1] = ends - sizes  # each ring's last point is followed by its first
    step = allp[after] - allp
    seg_all = np.hypot(step[:, 0], step[:, 1]).tolist()
    xs_all, ys_all = allp[:, 0].tolist(), allp[:, 1].tolist()
    rings = []
    turns: list[tuple[int, float, float, float, float, float, float]] = []
    lo = 0
    for k, n in zip(ks, sizes, strict=True):
        xs, ys, seg = xs_all[lo : lo + n], ys_all[lo : lo + n], seg_all[lo : lo + n]
        lo += n
        cum = list(accumulate(seg, initial=0.0))
        length = cum[-1]
        offset = approach_offset(length, top, depths, s)
        rings.append((k, xs, ys, seg, cum, offset))
        if k + 1 < len(entries) and 0.0 < offset < length:
            # forward the tool stops `offset` along the ring, backwards `offset` before its end
            cx, cy = [*xs, xs[0]], [*ys, ys[0]]
            u = length - offset
            nx, ny = entries[k + 1][0].tolist()
            fwd = (_interp(offset, cum, cx), _interp(offset, cum, cy))
            turns.append((len(rings) - 1, *fwd, _interp(u, cum, cx), _interp(u, cum, cy), nx, ny))
    backwards = [False] * len(rings)
    if turns:
        r, fx, fy, bx, by, nx, ny = (np.array(col) for col in zip(*turns, strict=True))
        back = np.hypot(bx - nx, by - ny) < np.hypot(fx - nx, fy - ny)
        for j in r[back].tolist():
            backwards[j] = True
    for (k, xs, ys, seg, cum, offset), back in zip(rings, backwards, strict=True):
        if back:  # the same ring the other way round from its first point
            xs, ys, seg = [xs[0], *xs[:0:-1]], [ys[0], *ys[:0:-1]], seg[::-1]
            cum = list(accumulate(seg, initial=0.0))
        out[k] = (*_start_after(xs, ys, seg, cum, offset), back)
    return out


def _interp(x: float, xp: list[float], fp: list[float]) -> float:
    """`np.interp(x, xp, fp)` for one x in plain Python, to the bit: xp ascending, the
    segment found as numpy finds it (the last xp[j] <= x), the same formula."""
    n = len(xp)
    if x > xp[-1]:
        return fp[-1]
    if x < xp[0]:
        return fp[0]
    j = bisect_right(xp, x) - 1
    if j == n - 1 or xp[j] == x:
        return fp[j]
    slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    value = slope * (x - xp[j]) + fp[j]
    if value != value:  # NaN one way: try from the other end, as numpy does
        value = slope * (x - xp[j + 1]) + fp[j + 1]
        if value != value and fp[j] == fp[j + 1]:
            value = fp[j]
    return value


def _start_after(
    xs: list[float], ys: list[float], seg: list[float], cum: list[float], offset: float
) -> tuple[list[float], list[float]]:
    """`start_after` on a ring given as coordinate lists with its segment lengths and their
    running sums (as `start_after` computes them)."""
    if offset <= 1e-6 or offset >= cum[-1] - 1e-6:
        return xs, ys
    i = bisect_right(cum, offset) - 1
    if offset - cum[i] <= 1e-6:
        return xs[i:] + xs[:i], ys[i:] + ys[:i]
    if cum[i + 1] - offset <= 1e-6:
        j = (i + 1) % len(xs)
        return xs[j:] + xs[:j], ys[j:] + ys[:j]
    t = (offset - cum[i]) / seg[i]
    x1, y1 = (xs[i + 1], ys[i + 1]) if i + 1 < len(xs) else (xs[0], ys[0])
    px, py = xs[i] + t * (x1 - xs[i]), ys[i] + t * (y1 - ys[i])
    return [px, *xs[i + 1 :], *xs[: i + 1]], [py, *ys[i + 1 :], *ys[: i + 1]]


def start_after(ring: np.ndarray, offset: float) -> np.ndarray:
    """The closed ring rotated to start `offset` mm along it from ring[0] (a vertex is added
    there when it falls inside a segment: the same polygon, one point more)."""
    closed = np.vstack([ring, ring[:1]])
    seg = np.hypot(*np.diff(closed, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    if offset <= 1e-6 or offset >= cum[-1] - 1e-6:
        return ring
    i = int(np.searchsorted(cum, offset, side="right")) - 1
    # within a nanometre of a vertex is that vertex: no needle-short segments
    if offset - cum[i] <= 1e-6:
        return np.concatenate([ring[i:], ring[:i]])
    if cum[i + 1] - offset <= 1e-6:
        j = (i + 1) % len(ring)
        return np.concatenate([ring[j:], ring[:j]])
    t = (offset - cum[i]) / seg[i]
    point = closed[i] + t * (closed[i + 1] - closed[i])
    return np.concatenate([point[None, :], ring[i + 1 :], ring[: i + 1]])


def move_lengths(moves: Sequence[Move] | MoveArrays) -> tuple[float, float]:
    """(feed-move length, rapid length), XYZ mm, counted from the first move's position."""
    arrays = moves if isinstance(moves, MoveArrays) else MoveArrays.from_moves(moves)
    n = len(arrays)
    if not n:
        return 0.0, 0.0
    xyz = arrays.xyz
    kinds = arrays.kind[1:]
    step = np.diff(xyz, axis=0)
    d = np.sqrt((step**2).sum(axis=1))
    rapid_mask = kinds == _RAPID
    for k in np.flatnonzero(kinds >= _ARC_CW).tolist():
        x, y = float(xyz[k + 1, 0]), float(xyz[k + 1, 1])
        i, j = float(arrays.ij[k + 1, 0]), float(arrays.ij[k + 1, 1])
        px, py = xyz[k, 0], xyz[k, 1]
        arc = Arc(x, y, px + i, py + j, int(kinds[k]) == _ARC_CW)
        planar = abs(arc_sweep(px, py, arc)) * math.hypot(i, j)
        d[k] = math.hypot(planar, step[k, 2])
    return float(d[~rapid_mask].sum()), float(d[rapid_mask].sum())

"""Step-down passes and entries along one contour: the moves that actually cut.

Every operation ends here: a contour (open or closed polyline, tool-centre positions) is cut
from a starting depth `top` down through `depths`, entering by a ramp that runs ALONG the
contour (diamond burrs on jade dislike plunging) or by a vertical plunge. The tool centre never
leaves the contour while Z < 0, so whatever the contour is allowed to touch, the cut touches
no more.

Closed contours descend while they go round: each pass ramps over `l = step / tan(angle)` then
finishes the lap at the pass depth; after the last pass the ramp stretch is cut again so every
point reaches full depth. When the contour is shorter than the ramp, the descent is a helix
(one continuous slope over several laps, each lap deepening by less than a step) followed by
one full lap at depth.

Open contours zigzag: each pass starts at the end where the last one stopped, ramps out and
back over the first `l / 2` (or, when the path is shorter, runs end to end several times,
descending), then cuts the full length at the pass depth. No retract between passes.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import sub

import numpy as np

from cam.arcs import Arc, Line, fit_arcs, fit_arcs_many
from cam.toolpath import KIND_CODES, Move, MoveBuffer, MoveKind

__all__ = [
    "CutSettings",
    "approach_offset",
    "cut_contour",
    "prepare_contours",
    "open_cut_returns",
    "pass_depths",
    "ramp_feed",
]

# A contour's points: (n, 2) float, or (xs, ys) as two lists of float
Points = np.ndarray | tuple[list[float], list[float]]
# A contour shorter than this is a dot: plunged and retracted (mm; below machine resolution).
MIN_CONTOUR_LENGTH = 1e-4
_LINEAR = KIND_CODES[MoveKind.LINEAR]
_ARC_CW, _ARC_CCW = KIND_CODES[MoveKind.ARC_CW], KIND_CODES[MoveKind.ARC_CCW]
_SAME = 1e-6  # mm: arc lengths closer than this (a nanometre) are the same station
_SMALL = 48  # contours up to this many points are prepared in plain Python


def pass_depths(depth: float, step_down: float) -> tuple[float, ...]:
    """Equal steps down to `depth`, none deeper than `step_down` (positive mm, last == depth)."""
    n = max(1, math.ceil(depth / step_down - 1e-9))
    # rounded to 1e-12 mm so that 0.3 / 3 reads 0.1, not 0.09999999999999999
    return tuple(round(depth * k / n, 12) for k in range(1, n)) + (depth,)


def ramp_feed(feed: float, plunge_feed: float, ramp_angle_deg: float) -> float:
    """Feed along a ramp such that the Z component never exceeds the plunge feed."""
    s = math.sin(math.radians(ramp_angle_deg))
    return min(feed, plunge_feed / s) if s > 0 else feed


@dataclass(frozen=True, slots=True)
class CutSettings:
    """What one operation decides once for all its contours."""

    feed: float  # mm/min along flat stretches
    plunge_feed: float  # mm/min for vertical plunges
    ramp_feed: float  # mm/min along ramps (Z speed <= plunge_feed)
    ramp_slope: float | None  # tan(ramp angle); None = plunge vertically
    arc_tolerance: float | None  # fit G2/G3 on flat stretches within this; None = lines only


def _between(z0: float, z1: float, t: float) -> float:
    """z0 + t (z1 - z0), exactly z1 at t >= 1 and never outside [z0, z1] by rounding: a ramp
    must not dip a femtometre below the depth it was asked for."""
    if t >= 1.0:
        return z1
    z = z0 + (z1 - z0) * t
    return min(max(z, min(z0, z1)), max(z0, z1))


def _small_polyline(
    xs: list[float], ys: list[float], closed: bool
) -> tuple[list[float], list[float], list[float]]:
    """Plain Python for a few points: numpy's per-call cost would dominate. xs and ys are
    the caller's to give away (changed in place)."""
    steps = list(map(math.hypot, map(sub, xs[1:], xs[:-1]), map(sub, ys[1:], ys[:-1])))
    if not steps or min(steps) > _SAME:  # no duplicates to drop: every point, summed in order
        cum = list(accumulate(steps, initial=0.0))
    else:
        xs, ys, cum = _without_duplicates(zip(xs, ys, strict=True))
    if closed and len(xs) > 1:
        if math.hypot(xs[-1] - xs[0], ys[-1] - ys[0]) <= _SAME:
            xs.pop()
            ys.pop()
            cum.pop()
        total = cum[-1] + math.hypot(xs[0] - xs[-1], ys[0] - ys[-1])
        xs.append(xs[0])
        ys.append(ys[0])
        cum.append(total)
    return xs, ys, cum or [0.0]


def _without_duplicates(
    pts: Iterable[tuple[float, float]],
) -> tuple[list[float], list[float], list[float]]:
    """Points and running lengths, skipping each point within _SAME of the last one kept."""
    xs: list[float] = []
    ys: list[float] = []
    cum: list[float] = []
    total = 0.0
    for x, y in pts:
        if xs:
            d = math.hypot(x - xs[-1], y - ys[-1])
            if d <= _SAME:  # consecutive duplicates would make zero-length segments
                continue
            total += d
        xs.append(x)
        ys.append(y)
        cum.append(total)
    return xs, ys, cum


def _large_polyline(
    pts: np.ndarray, closed: bool
) -> tuple[list[float], list[float], list[float], np.ndarray]:
    if len(pts) > 1:  # consecutive duplicates would make zero-length segments
        step = np.hypot(*np.diff(pts, axis=0).T)
        pts = pts[np.concatenate([[True], step > _SAME])]
    if closed and len(pts) > 1:
        if np.hypot(*(pts[-1] - pts[0])) <= _SAME:
            pts = pts[:-1]
        pts = np.vstack([pts, pts[:1]])
    seg = np.hypot(*np.diff(pts, axis=0).T) if len(pts) > 1 else np.zeros(0)
    cum = np.concatenate([[0.0], np.cumsum(seg)]).tolist()
    return pts[:, 0].tolist(), pts[:, 1].tolist(), cum, pts


class _Polyline:
    """Arc-length lookup on a contour; closed contours repeat their first point at the end.
    Vertex k is (xs[k], ys[k]) at arc length cum[k]."""

    __slots__ = ("xs", "ys", "cum", "length", "closed", "_array")

    def __init__(self, points: Points, closed: bool) -> None:
        self._array: np.ndarray | None = None
        if isinstance(points, tuple):  # (xs, ys), lists of float
            xs, ys = points
            if len(xs) <= _SMALL:
                self.xs, self.ys, self.cum = _small_polyline(list(xs), list(ys), closed)
                self.length = self.cum[-1]
                self.closed = closed
                return
            points = np.column_stack([xs, ys])
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        if len(pts) <= _SMALL:
            self.xs, self.ys, self.cum = _small_polyline(
                pts[:, 0].tolist(), pts[:, 1].tolist(), closed
            )
        else:
            self.xs, self.ys, self.cum, self._array = _large_polyline(pts, closed)
        self.length = self.cum[-1]
        self.closed = closed

    def array(self) -> np.ndarray:
        """(n, 2) the vertices (a closed contour's first one repeated at the end)."""
        if self._array is None:
            self._array = np.column_stack([self.xs, self.ys]).reshape(-1, 2)
        return self._array

    def at(self, u: float) -> tuple[float, float]:
        """The point at arc length u (0 <= u <= length)."""
        cum, xs, ys = self.cum, self.xs, self.ys
        i = bisect_right(cum, u) - 1
        if i >= len(cum) - 1:
            return xs[-1], ys[-1]
        if i < 0:
            return xs[0], ys[0]
        t = (u - cum[i]) / (cum[i + 1] - cum[i])
        x0, y0, x1, y1 = xs[i], ys[i], xs[i + 1], ys[i + 1]
        return (x0 + t * (x1 - x0), y0 + t * (y1 - y0))

    def stations(self, u0: float, u1: float) -> tuple[list[float], list[float], list[float]]:
        """(xs, ys, distances from u0) of the vertices strictly between u0 and u1, then u1."""
        cum = self.cum
        # vertices within _SAME of either end are that end: no zero-length moves
        if u1 >= u0:
            a, b = bisect_right(cum, u0 + _SAME), bisect_left(cum, u1 - _SAME)
            xs, ys = self.xs[a:b], self.ys[a:b]
            d = [c - u0 for c in cum[a:b]]
        else:
            a, b = bisect_right(cum, u1 + _SAME), bisect_left(cum, u0 - _SAME)
            # the same vertices as walking down from b - 1 to a
            xs, ys = self.xs[a:b][::-1], self.ys[a:b][::-1]
            d = [u0 - c for c in cum[a:b][::-1]]
        x, y = self.at(u1)
        xs.append(x)
        ys.append(y)
        d.append(abs(u1 - u0))
        return xs, ys, d


Prepared = _Polyline  # what `prepare_contours` hands back, opaque to callers


class _Cutter:
    """Emits the moves of one contour into `out`, tracking the current position."""

    def __init__(
        self,
        line: _Polyline,
        settings: CutSettings,
        out: MoveBuffer,
        approach: Callable[[float, float], None],
    ) -> None:
        self.line, self.s, self.out, self.approach = line, settings, out, approach
        self.x, self.y = line.xs[0], line.ys[0]
        self._fitted: list[tuple[Line | Arc, int]] | None = None
        self._has_arcs = False
        self.cache: dict[object, list[tuple[Line | Arc, int]]] | None = None
        self.key: object = None

    def begin(self, u: float) -> None:
        """Bring the tool down at arc length u (the caller's approach moves)."""
        length = self.line.length
        if self.line.closed and length > 0:
            u %= length
        self.x, self.y = self.line.at(u)
        if isinstance(self.out, _ListBuffer):
            self.out.flush()  # the approach may append to the same list
        self.approach(self.x, self.y)

    def plunge(self, z: float) -> None:
        self.out.add(_LINEAR, self.x, self.y, z, self.s.plunge_feed)

    def leg(self, u0: float, u1: float, z0: float, z1: float) -> None:
        """Along the contour from arc length u0 to u1 (open coordinates), Z linear z0 -> z1.

        Flat legs are lines here; the arc-fitted flat stretches go through `flat_*`."""
        length = self.line.length
        u0, u1 = min(max(u0, 0.0), length), min(max(u1, 0.0), length)
        if abs(u1 - u0) <= _SAME:
            return
        xs, ys, ds = self.line.stations(u0, u1)
        total = abs(u1 - u0)
        out = self.out
        if z0 == z1:
            out.run(xs, ys, z1, self.s.feed)
        else:
            out.ramp(xs, ys, [_between(z0, z1, d / total) for d in ds], self.s.ramp_feed)
        self.x, self.y = xs[-1], ys[-1]

    def cyclic_leg(self, s0: float, s1: float, z0: float, z1: float) -> None:
        """Round a closed contour from s0 to s1 (any real numbers, s1 > s0), Z linear."""
        length = self.line.length
        shift = -math.floor(s0 / length + 1e-12) * length
        s0, s1 = s0 + shift, s1 + shift
        s = s0
        while s < s1 - 1e-12:
            lap_end = (math.floor(s / length + 1e-12) + 1) * length
            e = min(s1, lap_end)
            za = _between(z0, z1, (s - s0) / (s1 - s0))
            zb = _between(z0, z1, (e - s0) / (s1 - s0))
            base = lap_end - length
            self.leg(s - base, e - base, za, zb)
            s = e

    # -- flat stretches, arc-fitted once per contour ------------------------------------------
    def _elements(self) -> list[tuple[Line | Arc, int]] | None:
        """The contour as fitted elements, each with the index of the vertex it ends on;
        None when it is all straight lines (the fast paths then walk the vertices)."""
        if self._fitted is None and self.cache is not None and self.key in self.cache:
            self._fitted = self.cache[self.key]
            self._has_arcs = bool(self._fitted)
        if self._fitted is None:
            line = self.line
            tol = self.s.arc_tolerance
            fitted: list[tuple[Line | Arc, int]] = []
            if tol is not None and len(line.xs) >= 4:
                pts = line.array()[:-1] if line.closed else line.array()
                elements = fit_arcs(pts, line.closed, tol, arcs_only=True)
                fitted = _on_vertices(elements, line.xs, line.ys)
            self._has_arcs = any(isinstance(el, Arc) for el, _ in fitted)
            self._fitted = fitted if self._has_arcs else []
            if self.cache is not None:
                self.cache[self.key] = self._fitted
        return self._fitted if self._has_arcs else None

    def flat_forward(self, u_end: float, z: float) -> None:
        """From vertex 0 forward to arc length u_end at constant Z, arcs where fitted."""
        line, out, feed = self.line, self.out, self.s.feed
        cum = line.cum
        last = 0
        for el, j in self._elements() or ():
            if cum[j] > u_end + 1e-12:
                break
            self._emit(el, z, feed)
            last = j
        stop = bisect_left(cum, u_end - _SAME, last + 1)
        if stop > last + 1:
            out.run(line.xs[last + 1 : stop], line.ys[last + 1 : stop], z, feed)
            self.x, self.y = line.xs[stop - 1], line.ys[stop - 1]
        x, y = line.at(u_end)  # a vertex within _SAME of u_end is this point
        if (x, y) != (self.x, self.y):
            out.add(_LINEAR, x, y, z, feed)
        self.x, self.y = x, y

    def flat_backward(self, z: float) -> None:
        """From the last vertex back to vertex 0 of an open contour, arcs where fitted."""
        els = self._elements()
        xs, ys = self.line.xs, self.line.ys
        feed = self.s.feed
        if els is None:
            self.out.run(xs[-2::-1], ys[-2::-1], z, feed)
            self.x, self.y = xs[0], ys[0]
            return
        for k in range(len(els) - 1, -1, -1):
            el, _ = els[k]
            v = els[k - 1][1] if k > 0 else 0
            sx, sy = xs[v], ys[v]
            if isinstance(el, Arc):
                back: Line | Arc = Arc(sx, sy, el.cx, el.cy, not el.clockwise)
            else:
                back = Line(sx, sy)
            self._emit(back, z, feed)

    def _emit(self, el: Line | Arc, z: float, feed: float) -> None:
        if isinstance(el, Arc):
            kind = _ARC_CW if el.clockwise else _ARC_CCW
            self.out.add(kind, el.x, el.y, z, feed, el.cx - self.x, el.cy - self.y)
        else:
            self.out.add(_LINEAR, el.x, el.y, z, feed)
        self.x, self.y = el.x, el.y


def prepare_contours(
    contours: Sequence[tuple[Points, bool, object]],
    settings: CutSettings,
    cache: dict[object, list[tuple[Line | Arc, int]]],
) -> list[Prepared]:
    """Prepare many (points, closed, key) contours for `cut_contour` at once: each one's
    arc-length table, and the arcs of all of them fitted in one batched call into `cache`,
    exactly as `cut_contour` would fit each on its own when it first cuts a flat stretch.
    Keys already cached are left alone. Pass each result back as `cut_contour(prepared=)`."""
    lines = [_Polyline(points, closed) for points, closed, _ in contours]
    tol = settings.arc_tolerance
    if tol is None:
        return lines
    todo: list[tuple[object, _Polyline, np.ndarray, bool]] = []
    for line, (_, closed, key) in zip(lines, contours, strict=True):
        if key in cache or line.length < MIN_CONTOUR_LENGTH or len(line.xs) < 4:
            continue  # cached, a dot or too few vertices: cut_contour fits nothing new
        todo.append((key, line, line.array()[:-1] if closed else line.array(), closed))
    fits = fit_arcs_many([(pts, closed) for _, _, pts, closed in todo], tol, arcs_only=True)
    for (key, line, _, _), elements in zip(todo, fits, strict=True):
        fitted = _on_vertices(elements, line.xs, line.ys)
        cache[key] = fitted if any(isinstance(el, Arc) for el, _ in fitted) else []
    return lines


def _on_vertices(elements: list[Line | Arc], xs: list[float], ys: list[float]) -> list:
    """Pair each element with the index of the vertex it ends on ([] if one does not)."""
    out: list[tuple[Line | Arc, int]] = []
    j = 1
    n = len(xs)
    for el in elements:
        while j < n and (xs[j] != el.x or ys[j] != el.y):
            j += 1
        if j == n:
            return []  # not on our vertices: fall back to lines rather than guess
        out.append((el, j))
        j += 1
    return out


def cut_contour(
    points: Points,
    closed: bool,
    top: float,
    depths: Sequence[float],
    settings: CutSettings,
    out: MoveBuffer | list[Move],
    approach: Callable[[float, float], None],
    fit_cache: dict[object, list[tuple[Line | Arc, int]]] | None = None,
    fit_key: object = None,
    prepared: Prepared | None = None,
) -> tuple[float, float]:
    """Append the cutting moves of one contour to `out` (a `MoveBuffer`, or a list of
    `Move`); return where the tool stops (XY).

    points: (n, 2) float tool-centre positions, machine mm; a closed contour's first point is
    not repeated. The cut is organised around points[0]: closed contours finish their ramps
    there, open ones start there. `approach(x, y)` is called once, before any cutting move,
    with the point where the tool must arrive at Z = -top (top >= 0: material above that is
    already cleared). depths: positive, increasing, each deeper than top. fit_cache / fit_key:
    where to keep this contour's fitted arcs when the same contour is cut again (pocket levels).
    prepared: this contour's entry from `prepare_contours`, which saves building it again.
    """
    line = prepared if prepared is not None else _Polyline(points, closed)
    buffer = out if isinstance(out, MoveBuffer) else _ListBuffer(out)
    cutter = _Cutter(line, settings, buffer, approach)
    cutter.cache, cutter.key = fit_cache, fit_key
    if line.length < MIN_CONTOUR_LENGTH:
        cutter.begin(0.0)
        cutter.plunge(-depths[-1])  # a dot: drilled straight down (retract is the caller's)
    elif closed:
        _cut_closed(cutter, top, depths)
    else:
        _cut_open(cutter, top, depths)
    if isinstance(buffer, _ListBuffer):
        buffer.flush()
    return cutter.x, cutter.y


class _ListBuffer(MoveBuffer):
    """A `MoveBuffer` that hands its moves to a list of `Move`: flushed before the caller's
    `approach` runs (it may append its own moves to the same list) and at the end."""

    __slots__ = ("target",)

    def __init__(self, target: list[Move]) -> None:
        super().__init__()
        self.target = target

    def flush(self) -> None:
        if len(self):
            self.target.extend(self.moves())
            for column in (self.kind, self.x, self.y, self.z, self.feed, self.i, self.j):
                column.clear()


def approach_offset(
    length: float, top: float, depths: Sequence[float], settings: CutSettings
) -> float:
    """How far before points[0] (along a closed contour of this length) `cut_contour` comes
    down: the linker puts points[0] this far after the vertex it wants to enter at."""
    slope = settings.ramp_slope
    if slope is None or length < MIN_CONTOUR_LENGTH:
        return 0.0
    levels = [top, *depths]
    ramps = [(levels[k + 1] - levels[k]) / slope for k in range(len(depths))]
    if max(ramps) > length:
        return ((depths[-1] - top) / slope) % length
    return ramps[0]


def _cut_closed(c: _Cutter, top: float, depths: Sequence[float]) -> None:
    length, slope = c.line.length, c.s.ramp_slope
    if slope is None:
        c.begin(0.0)
        for d in depths:
            c.plunge(-d)
            c.flat_forward(length, -d)
        return
    levels = [top, *depths]
    ramps = [(levels[k + 1] - levels[k]) / slope for k in range(len(depths))]
    if max(ramps) > length:
        # helix: each lap deepens by length * slope < step; it ends on vertex 0 at full
        # depth, then one full lap
        s0 = -(depths[-1] - top) / slope
        c.begin(s0)
        c.cyclic_leg(s0, 0.0, -top, -depths[-1])
        c.flat_forward(length, -depths[-1])
        return
    # each ramp ends on vertex 0; the flat rest of the lap stops where the next ramp begins,
    # and the last lap goes all the way round, re-cutting the last ramp at full depth
    c.begin(-ramps[0])
    for k, d in enumerate(depths):
        c.cyclic_leg(-ramps[k], 0.0, -levels[k], -d)
        c.flat_forward(length if k == len(depths) - 1 else length - ramps[k + 1], -d)


def _end_to_end_runs(ramp: float, length: float) -> int:
    """0 when an open path takes its ramp out and back; else how many end-to-end runs."""
    return 0 if ramp <= 2.0 * length else math.ceil(ramp / length)


def open_cut_returns(
    length: float, top: float, depths: Sequence[float], settings: CutSettings
) -> bool:
    """Whether `cut_contour` on an open contour of this length stops at the end it started
    from (an even number of end-to-end runs), which the ordering must know."""
    if length < MIN_CONTOUR_LENGTH:
        return True
    at_start, prev, slope = True, top, settings.ramp_slope
    for d in depths:
        if slope is not None and _end_to_end_runs((d - prev) / slope, length) % 2 == 1:
            at_start = not at_start
        at_start = not at_start
        prev = d
    return at_start


def _cut_open(c: _Cutter, top: float, depths: Sequence[float]) -> None:
    length, slope = c.line.length, c.s.ramp_slope
    c.begin(0.0)
    at_start = True  # which end the tool is at
    prev = top
    for d in depths:
        here = 0.0 if at_start else length
        there = length - here
        if slope is None:
            c.plunge(-d)
        else:
            ramp = (d - prev) / slope
            m = _end_to_end_runs(ramp, length)
            if m == 0:
                # out and back over half the ramp each way, descending both ways
                mid = here + (ramp / 2.0 if at_start else -ramp / 2.0)
                c.leg(here, mid, -prev, -(prev + d) / 2.0)
                c.leg(mid, here, -(prev + d) / 2.0, -d)
            else:
                # shorter than the ramp: run end to end m times, descending
                a, b = here, there
                for i in range(m):
                    za, zb = -_between(prev, d, i / m), -_between(prev, d, (i + 1) / m)
                    c.leg(a, b, za, zb)
                    a, b = b, a
                if m % 2 == 1:
                    at_start = not at_start
        if at_start:
            c.flat_forward(length, -d)
        else:
            c.flat_backward(-d)
        at_start = not at_start
        prev = d

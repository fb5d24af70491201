"""Arc fitting: replace runs of polyline vertices that lie on a circle by G2/G3-ready arcs.

A flattened curve arrives as thousands of short segments; a controller runs them faster and
smoother as a few arcs. The guarantee this module keeps (and its tests check) is that the
Hausdorff distance between the output (arcs and lines) and the input polyline is at most
``tolerance``, so the cut never strays from the design by more than the budget it was given.

How one arc is accepted, for a run of vertices p_s .. p_e:

* the circle is fitted with its centre on the perpendicular bisector of p_s p_e (so the arc
  starts and ends exactly on input vertices and both radii agree to rounding error): an
  algebraic (Kasa) least-squares fit constrained to that line, solved in closed form, then
  one Gauss-Newton step on the geometric distances;
* every vertex is within ``tolerance`` of the circle, and every segment is too: the distance
  from the centre to a segment is the segment's innermost point, its endpoints the outermost,
  so ``r - dist(centre, segment) <= tolerance`` bounds the inward error exactly. Seen from the
  centre, each segment and its piece of arc span the same angles, so this one number bounds
  the distance in both directions (Hausdorff), not merely the vertices' radial error;
* the vertices advance monotonically around the centre in one direction, each segment by
  less than 90 degrees, the whole sweep at most ``max_sweep_deg`` (never a full circle, and
  the centre offsets I/J stay well conditioned), radius at most ``max_radius`` (so
  near-collinear vertices stay lines), and the sweep not numerically degenerate.

Runs grow greedily from each start. A first vectorized pass tries every start with the
short run lengths at once (straight stretches are skipped in bulk, short arcs taken as
found); a run that reaches the longest length tried grows by a guess from its neighbours,
doubling, then a batched bisection, so the work stays O(n log n).

Machine coordinates: Y is up, so counter-clockwise (G3) is the mathematical positive sense.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Arc", "Line", "arc_sweep", "fit_arcs", "fit_arcs_many", "sample_elements"]

_FIRST = 4  # run lengths tried per start in the first pass: most arcs are short
_FIRST_BLOCK = 128  # starts tried per call of the first pass
_WHOLE = 48  # vertices: a path this small is first tried with every run length at once
_BATCH_CELLS = 2048  # vertices x lengths per call beyond which the bisection narrows
_MIN_SAGITTA = 1e-6  # mm: an arc bulging less than this off its chord is a line
# runs checked per call of `_check_rows`: a batch of all a design's first passes is checked in
# slices this tall, whose temporaries stay in the processor's cache (each row is on its own)
_CHECK_ROWS = 8192


@dataclass(frozen=True, slots=True)
class Line:
    """Straight to (x, y)."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Arc:
    """Arc to (x, y) about the centre (cx, cy); clockwise is G2, counter-clockwise G3."""

    x: float
    y: float
    cx: float
    cy: float
    clockwise: bool


def fit_arcs(
    points: np.ndarray,
    closed: bool,
    tolerance: float,
    *,
    min_points: int = 4,
    max_radius: float = 500.0,
    max_sweep_deg: float = 180.0,
    arcs_only: bool = False,
) -> list[Line | Arc]:
    """Fit arcs to a polyline.

    points: (n, 2) float, machine mm. The output starts implicitly at points[0] and ends at
    points[-1], or back at points[0] when ``closed`` (the first point not repeated at the end).
    Every element ends exactly on an input vertex. Zero-length steps are dropped. arcs_only:
    [] when no arc is found (see `fit_arcs_many`).
    """
    return fit_arcs_many(
        [(points, closed)],
        tolerance,
        min_points=min_points,
        max_radius=max_radius,
        max_sweep_deg=max_sweep_deg,
        arcs_only=arcs_only,
    )[0]


def fit_arcs_many(
    paths: Sequence[tuple[np.ndarray, bool]],
    tolerance: float,
    *,
    min_points: int = 4,
    max_radius: float = 500.0,
    max_sweep_deg: float = 180.0,
    arcs_only: bool = False,
) -> list[list[Line | Arc]]:
    """`fit_arcs` of each (points, closed) path: the same elements, path by path.

    A design is hundreds of small contours, and fitting one costs a few calls of the vectorized
    check whatever its size; here the first calls of all the small paths (their whole-path
    try, their first pass) are made together, a few large calls instead of a thousand small
    ones. Each run is checked on its own row, so batching changes no result.

    arcs_only: a path where no arc is found gives [] instead of its lines (a caller that cuts
    such a path vertex by vertex need not have a `Line` made for every segment).
    """
    if tolerance <= 0 or not math.isfinite(tolerance):
        raise ValueError(f"tolerance must be a positive number of mm, got {tolerance!r}")
    if min_points < 3:
        raise ValueError(f"min_points must be at least 3, got {min_points}")
    limits = _Limits(tolerance, max_radius, math.radians(max_sweep_deg))
    coerced = [_coerce(p, c) for p, c in paths]
    zs = [pts[:, 0] + 1j * pts[:, 1] for pts in coerced]
    wholes = _whole_tries(zs, min_points, limits)
    # a first pass for the paths that will start with one (the others may never need it)
    short = min_points + _FIRST - 1
    firsts = _first_passes(
        [k for k, z in enumerate(zs) if (wholes.get(k) or (0,))[0] < short or len(z) > _WHOLE],
        zs,
        min_points,
        limits,
    )
    return [
        _fit(pts, z, min_points, limits, wholes.get(k, _UNTRIED), firsts.get(k), arcs_only)
        for k, (pts, z) in enumerate(zip(coerced, zs, strict=True))
    ]


_Found = tuple[int, complex, bool] | None
_UNTRIED: object = object()  # no whole-path try made in advance


def _fit(
    pts: np.ndarray,
    z: np.ndarray,
    min_points: int,
    limits: _Limits,
    whole0: object,
    prepared: _FirstPass | None,
    arcs_only: bool = False,
) -> list[Line | Arc]:
    """One path's elements. whole0: the whole-path try from vertex 0, if made in advance;
    prepared: its first pass, if built in advance; arcs_only: [] when no arc is found."""
    n = len(pts)
    out: list = []  # arcs, and (s, stop) for the lines from vertex s to vertex stop
    if n < 2:
        return out
    # a small path is tried whole from each start while it keeps giving long arcs (a ring:
    # two calls in all); the first pass takes over at the first short arc or straight part
    first = None
    if n > _WHOLE:
        first = prepared or _FirstPass(z, min_points, limits)
    s = 0
    while s < n - 1:
        if first is None:
            if s == 0 and whole0 is not _UNTRIED:
                found: _Found = whole0  # type: ignore[assignment]
            else:
                whole = np.arange(min_points, n - s + 1)
                found = _best_of(z, s, whole, limits) if len(whole) else None
            if found is None or found[0] < min_points + _FIRST - 1:
                first = prepared or _FirstPass(z, min_points, limits)
                continue
            length, centre, ccw = found
        elif not first.opens[s]:
            stop = int(first.next_open[s])
            out.append((s, stop))
            s = stop
            continue
        else:
            length, centre, ccw = first.arc(s)
            if length == first.top and n - s > length:  # may run on: grow it
                length, centre, ccw = _grow(z, s, (length, centre, ccw), first.guess(s), limits)
        e = s + length - 1
        out.append(
            Arc(
                float(pts[e, 0]),
                float(pts[e, 1]),
                float(pts[s, 0] + centre.real),
                float(pts[s, 1] + centre.imag),
                not ccw,
            )
        )
        s = e
    if arcs_only and all(type(el) is tuple for el in out):
        return []
    elements: list[Line | Arc] = []
    for el in out:
        if type(el) is tuple:
            _emit_lines(pts, el[0], el[1], elements)
        else:
            elements.append(el)
    return elements


def _whole_tries(zs: list[np.ndarray], m: int, limits: _Limits) -> dict[int, _Found]:
    """For every path of 2.._WHOLE vertices, `_best_of` from vertex 0 over every run length,
    paths of one size checked together."""
    by_size: dict[int, list[int]] = {}
    for k, z in enumerate(zs):
        if 2 <= len(z) <= _WHOLE:
            by_size.setdefault(len(z), []).append(k)
    out: dict[int, _Found] = {}
    for n, ks in by_size.items():
        lengths = np.arange(m, n + 1)
        if not len(lengths):
            out.update((k, None) for k in ks)
            continue
        q = np.stack([zs[k] - zs[k][0] for k in ks])
        rows = np.repeat(q, len(lengths), axis=0)
        ok, centres, ccw = _check(rows, np.tile(lengths - 1, len(ks)), limits)
        shape = (len(ks), len(lengths))
        ok, centres, ccw = ok.reshape(shape), centres.reshape(shape), ccw.reshape(shape)
        for row, k in enumerate(ks):
            good = np.flatnonzero(ok[row])
            if not len(good):
                out[k] = None
                continue
            j = int(good[-1])
            out[k] = (int(lengths[j]), complex(centres[row, j]), bool(ccw[row, j]))
    return out


def _first_passes(
    wanted: list[int], zs: list[np.ndarray], m: int, limits: _Limits
) -> dict[int, _FirstPass]:
    """The first pass of each wanted path of m.._FIRST_BLOCK vertices, their runs all checked
    in one call (such a path tries every start at once anyway)."""
    ks = [k for k in wanted if m <= len(zs[k]) <= _FIRST_BLOCK]
    if not ks:
        return {}
    lengths = np.arange(m, m + _FIRST)
    parts = [_run_rows(zs[k], np.arange(len(zs[k]) - m + 1), lengths) for k in ks]
    ok, centre, ccw = _check(
        np.concatenate([q for q, _, _ in parts]),
        np.concatenate([e for _, e, _ in parts]),
        limits,
    )
    ok &= np.concatenate([v for _, _, v in parts])
    out: dict[int, _FirstPass] = {}
    at = 0
    for k, (q, _, _) in zip(ks, parts, strict=True):
        shape = (len(q) // len(lengths), len(lengths))
        rows = slice(at, at + len(q))
        at += len(q)
        done = (ok[rows].reshape(shape), centre[rows].reshape(shape), ccw[rows].reshape(shape))
        out[k] = _FirstPass(zs[k], m, limits, done)
    return out


def _run_rows(
    z: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows `_check` takes for every (start, length): vertices relative to the start,
    each run's last index, and whether the run stays within the path."""
    span = int(lengths.max())
    padded = np.concatenate([z, np.full(span - 1, z[-1])])
    windows = np.lib.stride_tricks.sliding_window_view(padded, span)[starts]
    q = np.repeat(windows - windows[:, :1], len(lengths), axis=0)
    ends = np.tile(lengths - 1, len(starts))
    return q, ends, np.repeat(starts, len(lengths)) + ends < len(z)


def arc_sweep(x0: float, y0: float, arc: Arc) -> float:
    """Signed sweep (radians) of ``arc`` started at (x0, y0): positive counter-clockwise."""
    a0 = math.atan2(y0 - arc.cy, x0 - arc.cx)
    a1 = math.atan2(arc.y - arc.cy, arc.x - arc.cx)
    sweep = a1 - a0
    if arc.clockwise:
        while sweep >= 0.0:
            sweep -= 2.0 * math.pi
    else:
        while sweep <= 0.0:
            sweep += 2.0 * math.pi
    return sweep


def sample_elements(
    start: tuple[float, float], elements: list[Line | Arc], step: float
) -> np.ndarray:
    """Points along the elements from ``start``, at most ``step`` mm apart: (m, 2) float."""
    chunks = [np.array([start], dtype=float)]
    x0, y0 = start
    for el in elements:
        if isinstance(el, Arc):
            sweep = arc_sweep(x0, y0, el)
            r = math.hypot(x0 - el.cx, y0 - el.cy)
            k = max(1, math.ceil(abs(sweep) * r / step))
            ang = math.atan2(y0 - el.cy, x0 - el.cx) + sweep * np.arange(1, k + 1) / k
            chunk = np.column_stack([el.cx + r * np.cos(ang), el.cy + r * np.sin(ang)])
            chunk[-1] = (el.x, el.y)
        else:
            k = max(1, math.ceil(math.hypot(el.x - x0, el.y - y0) / step))
            f = np.arange(1, k + 1)[:, None] / k
            chunk = np.array([x0, y0]) + f * np.array([el.x - x0, el.y - y0])
        chunks.append(chunk)
        x0, y0 = el.x, el.y
    return np.vstack(chunks)


@dataclass(frozen=True, slots=True)
class _Limits:
    tolerance: float
    max_radius: float
    max_sweep: float  # radians


def _coerce(points: np.ndarray, closed: bool) -> np.ndarray:
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"points must be an (n, 2) array, got shape {pts.shape}")
    if not np.isfinite(pts).all():
        raise ValueError("points contain NaN or infinite coordinates")
    if closed and len(pts) > 1 and not np.array_equal(pts[0], pts[-1]):
        pts = np.vstack([pts, pts[:1]])
    return pts


def _emit_lines(pts: np.ndarray, s: int, stop: int, out: list[Line | Arc]) -> int:
    """Lines from vertex s to vertex ``stop``; returns ``stop``."""
    seg = pts[s + 1 : stop + 1]
    moved = np.any(seg != pts[s:stop], axis=1)
    out.extend([Line(x, y) for x, y in seg[moved].tolist()])
    return stop


class _FirstPass:
    """Which starts can open an arc, and how long the short ones are, found in bulk.

    Two vectorized levels instead of a call per start: every start is screened with the
    shortest run (min_points vertices), so straight stretches are skipped in bulk; the
    starts that pass are then tried, a block at a time and only when the walk reaches them
    (a long arc skips many), with every length up to min_points + _FIRST - 1. Short arcs are
    taken from there; runs that reach the longest length tried are grown further.
    """

    def __init__(
        self,
        z: np.ndarray,
        m: int,
        limits: _Limits,
        done: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """done: for a path of at most _FIRST_BLOCK vertices, `_runs` of every start, already
        checked (`_first_passes` checks many paths together)."""
        n = len(z)
        self._z, self._m, self._limits = z, m, limits
        self.top = m + _FIRST - 1
        self.opens = np.zeros(n, dtype=bool)  # a run of m vertices from here is an arc
        self.length = np.full(n, -1, dtype=np.int64)  # longest run tried (-1: not yet)
        self._centre = np.zeros(n, dtype=np.complex128)
        self._ccw = np.zeros(n, dtype=bool)
        if n <= _FIRST_BLOCK:  # one call does it all; screening first would only add one
            self._try(np.arange(max(n - m + 1, 0)), done)
            self.opens = self.length > 0
        elif n >= m:
            self.opens[: n - m + 1] = self._runs(np.arange(n - m + 1), np.array([m]))[0][:, 0]
        self.next_open = _next_index(self.opens)

    def arc(self, s: int) -> tuple[int, complex, bool]:
        if self.length[s] < 0:
            self._try(s + np.flatnonzero(self.opens[s : s + _FIRST_BLOCK]))
        return int(self.length[s]), complex(self._centre[s]), bool(self._ccw[s])

    def _try(
        self, starts: np.ndarray, done: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    ) -> None:
        if not len(starts):
            return
        ok, centre, ccw = done or self._runs(starts, np.arange(self._m, self.top + 1))
        col = ok.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1)  # the longest valid
        rows = np.arange(len(starts))
        self.length[starts] = np.where(ok.any(axis=1), self._m + col, 0)
        self._centre[starts] = centre[rows, col]
        self._ccw[starts] = ccw[rows, col]

    def guess(self, s: int) -> int:
        """A first length to try for a run from s: the starts after s that also reach the top
        length (as far as they have been tried) suggest the curve goes on that far."""
        ahead = self.length[s : s + _FIRST_BLOCK] == self.top
        reach = int(np.argmin(ahead)) if not ahead.all() else len(ahead)
        return reach + self.top - 1

    def _runs(
        self, starts: np.ndarray, lengths: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """_check for every (start, length): ok, centres and ccw, each (starts, lengths).

        Runs that would pass the last vertex are not valid.
        """
        q, ends, inside = _run_rows(self._z, starts, lengths)
        ok, centre, ccw = _check(q, ends, self._limits)
        ok &= inside
        shape = (len(starts), len(lengths))
        return ok.reshape(shape), centre.reshape(shape), ccw.reshape(shape)


def _next_index(flags: np.ndarray) -> np.ndarray:
    """For each index, the first index at or after it whose flag is set (len - 1 if none)."""
    n = len(flags)
    at = np.where(flags, np.arange(n), n - 1)
    return np.minimum.accumulate(at[::-1])[::-1]


def _grow(
    z: np.ndarray, s: int, best: tuple[int, complex, bool], guess: int, limits: _Limits
) -> tuple[int, complex, bool]:
    """Grow a valid run from s beyond its length best[0]: try ``guess``, gallop, then bisect."""
    rem = len(z) - s  # vertices available, counting s
    lo, hi = best[0], None
    reach = min(max(guess, 2 * lo), rem)
    if (reach - lo) * reach <= _BATCH_CELLS:  # every length up to the guess in one call
        found = _best_of(z, s, np.arange(lo + 1, reach + 1), limits)
        if found is None or found[0] < reach:
            return best if found is None else found
        best, lo = found, found[0]
        reach = min(2 * lo, rem)
    while hi is None and lo < rem:  # gallop
        trial = _best_of(z, s, np.array([reach]), limits)
        if trial is None:
            hi = reach
        else:
            best, lo = trial, trial[0]
            reach = min(2 * lo, rem)
    while hi is not None and hi - lo > 1:  # batched bisection of the gap (lo valid, hi not)
        # a batch costs (candidates x span): wide on short runs, plain bisection on long ones
        width = max(1, min(_BATCH_CELLS // hi, hi - lo - 1))
        cands = np.unique(lo + (hi - lo) * np.arange(1, width + 1) // (width + 1))
        found = _best_of(z, s, cands, limits)
        if found is None:
            hi = int(cands[0])
            continue
        best, lo = found, found[0]
        above = cands[cands > lo]
        hi = int(above[0]) if len(above) else hi
    return best


def _best_of(
    z: np.ndarray, s: int, lengths: np.ndarray, limits: _Limits
) -> tuple[int, complex, bool] | None:
    """Among runs from s of the given lengths, the longest valid one: (length, centre, ccw)."""
    span = int(lengths.max())
    q = z[s : s + span] - z[s]
    ok, centres, ccw = _check(q[None, :], lengths - 1, limits)
    good = np.flatnonzero(ok)
    if not len(good):
        return None
    k = int(good[-1])
    return int(lengths[k]), complex(centres[k]), bool(ccw[k])


def _check(
    q: np.ndarray, ends: np.ndarray, limits: _Limits
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`_check_rows`, a slice of at most _CHECK_ROWS runs at a time."""
    if len(q) == 1 or len(ends) <= _CHECK_ROWS:
        return _check_rows(q, ends, limits)
    parts = [
        _check_rows(q[k : k + _CHECK_ROWS], ends[k : k + _CHECK_ROWS], limits)
        for k in range(0, len(ends), _CHECK_ROWS)
    ]
    ok, centre, ccw = (np.concatenate(cols) for cols in zip(*parts, strict=True))
    return ok, centre, ccw


def _check_rows(
    q: np.ndarray, ends: np.ndarray, limits: _Limits
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit and validate K runs at once, points as complex numbers x + iy.

    q: (K, L) complex vertices relative to each run's start (q[:, 0] == 0), or (1, L) when
    all K runs share their vertices and differ only in length; ends: (K,) index of each
    run's last vertex (vertices past it are ignored). Returns ok (K,) bool, the centres (K,)
    complex relative to the start, and ccw (K,) bool.
    """
    k_runs = len(ends)
    vmask = np.arange(q.shape[1])[None, :] <= ends[:, None]
    smask = vmask[:, 1:]
    half = (q[0, ends] if len(q) == 1 else q[np.arange(k_runs), ends]) / 2.0
    hlen2 = half.real**2 + half.imag**2
    ok = hlen2 > 1e-18
    hlen2 = np.where(ok, hlen2, 1.0)  # degenerate runs are refused; keep their arithmetic finite
    normal = 1j * half / np.sqrt(hlen2)  # left of the chord
    t = _constrained_kasa(q, half, normal, vmask)
    ok &= np.isfinite(t)
    t = _gauss_newton_step(q, half, normal, hlen2, np.where(ok, t, 0.0), vmask)
    centre = half + t * normal
    r = np.sqrt(hlen2 + t * t)
    ok &= r <= limits.max_radius
    u = q - centre[:, None]
    d = np.abs(u)
    ok &= _max(np.abs(d - r[:, None]) * vmask, axis=1) <= limits.tolerance
    turn = np.conj(u[:, :-1]) * u[:, 1:]  # real part: dot, imaginary part: cross
    # inward error: r minus the distance from the centre to each segment (its nearest point)
    a, seg = u[:, :-1], u[:, 1:] - u[:, :-1]
    ss = np.maximum(seg.real**2 + seg.imag**2, 1e-24)
    tau = np.clip(-_dot(a, seg) / ss, 0.0, 1.0)
    inward = r[:, None] - np.abs(a + tau * seg)
    ok &= _max(inward * smask, axis=1) <= limits.tolerance
    ccw, sweep, monotone = _sweep(turn, smask)
    ok &= monotone & (sweep <= limits.max_sweep + 1e-12)
    ok &= r * (1.0 - np.cos(np.minimum(sweep, math.pi) / 2.0)) >= _MIN_SAGITTA
    return ok, centre, ccw


def _constrained_kasa(
    q: np.ndarray, half: np.ndarray, normal: np.ndarray, vmask: np.ndarray
) -> np.ndarray:
    """Offset t of the centre along the bisector normal minimizing the algebraic residual.

    With the centre c = half + t n (relative to the start), a vertex q's algebraic residual
    |q - c|^2 - r^2 is |q|^2 - 2 q.half - 2 t q.n: linear in t, solved in closed form. For
    vertices near the circle it is 2r times the geometric residual, so this is close to the
    geometric least-squares fit without iterating.
    """
    a = q.real**2 + q.imag**2 - 2.0 * _dot(q, half[:, None])
    b = _dot(q, normal[:, None]) * vmask
    with np.errstate(divide="ignore", invalid="ignore"):
        return _sum(a * b, axis=1) / (2.0 * _sum(b * b, axis=1))


def _gauss_newton_step(
    q: np.ndarray,
    half: np.ndarray,
    normal: np.ndarray,
    hlen2: np.ndarray,
    t: np.ndarray,
    vmask: np.ndarray,
) -> np.ndarray:
    """One Gauss-Newton step on t for the geometric residuals |q - c(t)| - r(t).

    On shallow, noisy runs (a dense flattening of a large radius) the algebraic fit weights
    the vertices badly; one geometric step lets such runs grow several times longer.
    """
    r = np.sqrt(hlen2 + t * t)
    u = q - (half + t * normal)[:, None]
    d = np.abs(u)
    f = (d - r[:, None]) * vmask
    g = (-_dot(u, normal[:, None]) / np.maximum(d, 1e-12) - (t / r)[:, None]) * vmask
    den = _sum(g * g, axis=1)
    return t - _sum(f * g, axis=1) / np.where(den > 0, den, 1.0)


def _sweep(turn: np.ndarray, smask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Direction, total sweep and monotonicity of each run as seen from its centre.

    turn: (K, L - 1) complex, conj(u_j) * u_(j+1) for the vertices u_j about the centre.
    """
    cross = turn.imag
    ccw = _sum(cross * smask, axis=1) > 0
    signed = np.where(ccw[:, None], cross, -cross)
    # each segment must advance (or stand still) and by less than a quarter turn
    monotone = np.all(((signed >= 0) & (turn.real > 0)) | ~smask, axis=1)
    sweep = _sum(np.arctan2(np.maximum(signed, 0.0), turn.real) * smask, axis=1)
    return ccw, sweep, monotone


_sum = np.add.reduce  # the ufunc methods skip the np.sum wrapper: this runs thousands of times
_max = np.maximum.reduce


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dot product of points held as complex numbers."""
    return a.real * b.real + a.imag * b.imag

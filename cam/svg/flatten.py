"""Curves to polylines with a guaranteed chord error, measured in output millimetres.

Every segment is mapped by its element's full affine map first (Béziers are affine
invariant, so subdividing the mapped control points is subdividing the mapped curve), and
the error is bounded in that output space:
- cubic Béziers (quadratics arrive raised to cubics): de Casteljau halving until both inner
  control points lie within the tolerance of the chord segment. The curve lies in the convex
  hull of its control points, and the set of points within the tolerance of a segment is
  convex, so the whole piece is within the tolerance of its chord.
- elliptical arcs: the arc is c + L(cos t, sin t) with L = A R(phi) diag(rx, ry) (A the
  linear part of the element's map). A chord spanning a parameter step d keeps the unit
  circle within 1 - cos(d/2) of it, and L stretches no distance more than its largest
  singular value s, so s (1 - cos(d/2)) <= tolerance bounds the sagitta.
- lines are exact.
All segments of a design are flattened together, in a few numpy passes, so a design of
tens of thousands of segments costs milliseconds rather than a Python loop per curve.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import chain
from operator import itemgetter

import numpy as np

from .pathdata import ARC, CUBIC, LINE, SubPath
from .transform import Affine

# Float noise guard: a bound computed to exactly the tolerance must not end up above it.
_SAFETY = 1.0 - 1e-9
_MAX_DEPTH = 64  # halvings of one cubic; reached only through absurd coordinates
_MAX_ARC_STEP = math.pi / 2.0  # keep at least four chords per full turn of a tiny circle


class SegmentLimitError(ValueError):
    """Flattening would produce more segments than allowed."""


class CoordinateOverflowError(ValueError):
    """Coordinates beyond floating point range once mapped."""


Polyline = tuple[np.ndarray, bool]  # ((n, 2) float64 points, closed)


_CODE = itemgetter(0)


class _Batch:
    """Segments of many subpaths gathered into flat lists, keyed by global order g.

    A subpath of straight lines only (polygons, polylines: most of a large design) is kept
    whole, its start and segments as (LINE, x, y) rows under consecutive g, with no Python
    step per segment."""

    def __init__(self) -> None:
        self.mats: list[Affine] = []
        self.line: list[tuple[float, float]] = []
        self.line_key: list[tuple[int, int]] = []  # (g, matrix)
        self.rows: list[tuple] = []  # (LINE, x, y) of straight-only subpaths
        self.row_blocks: list[tuple[int, int, int]] = []  # (first g, rows, matrix)
        self.cubic: list[tuple] = []
        self.cubic_key: list[tuple[int, int]] = []
        self.arc: list[tuple] = []
        self.arc_key: list[tuple[int, int]] = []
        self.sub_first: list[int] = []
        self.g = 0

    def add(self, mat: Affine, subs: Sequence[SubPath]) -> None:
        m = len(self.mats)
        self.mats.append(mat)
        for sub in subs:
            self.sub_first.append(self.g)
            if sub.segs and set(map(_CODE, sub.segs)) == {LINE}:
                self.rows.append((LINE, *sub.start))
                self.rows.extend(sub.segs)
                self.row_blocks.append((self.g, len(sub.segs) + 1, m))
                self.g += len(sub.segs) + 1
                continue
            self.line.append(sub.start)
            self.line_key.append((self.g, m))
            self.g += 1
            x, y = sub.start
            for seg in sub.segs:
                code = seg[0]
                if code == LINE:
                    self.line.append((seg[1], seg[2]))
                    self.line_key.append((self.g, m))
                elif code == CUBIC:
                    self.cubic.append((x, y) + seg[1:])
                    self.cubic_key.append((self.g, m))
                elif code == ARC:
                    self.arc.append((x, y) + seg[1:])
                    self.arc_key.append((self.g, m))
                x, y = seg[-2], seg[-1]
                self.g += 1


def _map(mats: np.ndarray, idx: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Apply matrix mats[idx[i]] to pts[i, ..., :]."""
    m = mats[idx]
    shape = (len(idx),) + (1,) * (pts.ndim - 2)
    a, b, c, d, e, f = (m[:, k].reshape(shape) for k in range(6))
    x, y = pts[..., 0], pts[..., 1]
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked by the caller
        return np.stack([a * x + c * y + e, b * x + d * y + f], axis=-1)


def _inner_dist2(ctrl: np.ndarray) -> np.ndarray:
    """Squared distance of each cubic's inner control points to its chord: (n, 2) from
    (n, 4, 2)."""
    a = ctrl[:, :1]
    ab = ctrl[:, 3:] - a
    len2 = (ab * ab).sum(axis=2)
    ap = ctrl[:, 1:3] - a
    u = np.clip((ap * ab).sum(axis=2) / np.where(len2 > 0.0, len2, 1.0), 0.0, 1.0)
    q = ap - u[:, :, None] * ab
    return (q * q).sum(axis=2)


def flatten_cubics(ctrl: np.ndarray, tol: float, budget: int):
    """Adaptive subdivision of (n, 4, 2) mapped cubics.

    Returns (owner, t, points): for every piece, the index of its cubic, the parameter at the
    piece's end and the end point. Each cubic's pieces come out in increasing t.
    """
    tol2 = (tol * _SAFETY) ** 2
    owner = np.arange(len(ctrl))
    t0 = np.zeros(len(ctrl))
    dt = np.ones(len(ctrl))
    out_owner, out_t, out_pts = [], [], []
    total = 0
    for depth in range(_MAX_DEPTH + 1):
        if not len(ctrl):
            break
        p3 = ctrl[:, 3]
        flat = _inner_dist2(ctrl).max(axis=1) <= tol2
        if depth == _MAX_DEPTH:
            flat[:] = True
        total += int(flat.sum())
        if total + 2 * int((~flat).sum()) > budget:
            raise SegmentLimitError("too many segments")
        out_owner.append(owner[flat])
        out_t.append(t0[flat] + dt[flat])
        out_pts.append(p3[flat])
        keep = ~flat
        c, owner, t0, dt = ctrl[keep], owner[keep], t0[keep], dt[keep] / 2.0
        k = len(c)
        ctrl = np.empty((2 * k, 4, 2))
        left, right = ctrl[:k], ctrl[k:]
        left[:, 0] = c[:, 0]
        right[:, 3] = c[:, 3]
        np.add(c[:, 0], c[:, 1], out=left[:, 1])
        left[:, 1] *= 0.5
        p12 = (c[:, 1] + c[:, 2]) * 0.5
        np.add(c[:, 2], c[:, 3], out=right[:, 2])
        right[:, 2] *= 0.5
        np.add(left[:, 1], p12, out=left[:, 2])
        left[:, 2] *= 0.5
        np.add(p12, right[:, 2], out=right[:, 1])
        right[:, 1] *= 0.5
        np.add(left[:, 2], right[:, 1], out=left[:, 3])
        left[:, 3] *= 0.5
        right[:, 0] = left[:, 3]
        owner = np.concatenate([owner, owner])
        t0 = np.concatenate([t0, t0 + dt])
        dt = np.concatenate([dt, dt])
    return np.concatenate(out_owner), np.concatenate(out_t), np.concatenate(out_pts)


def _arc_geometry(rows: np.ndarray):
    """Centre form of (n, 9) endpoint-form arcs (x0 y0 rx ry phi large sweep x1 y1), per
    SVG implementation notes F.6.5 and F.6.6 (radii too small are scaled up).

    Returns (is_line, cx, cy, rx, ry, phi_rad, theta1, dtheta).
    """
    x0, y0, rx, ry, phi, large, sweep, x1, y1 = rows.T
    is_line = (rx == 0.0) | (ry == 0.0) | ((x0 == x1) & (y0 == y1))
    rx = np.where(is_line, 1.0, rx)
    ry = np.where(is_line, 1.0, ry)
    rad = np.radians(phi)
    co, si = np.cos(rad), np.sin(rad)
    hx, hy = (x0 - x1) / 2.0, (y0 - y1) / 2.0
    xp = co * hx + si * hy
    yp = -si * hx + co * hy
    lam = (xp / rx) ** 2 + (yp / ry) ** 2
    grow = np.where(lam > 1.0, np.sqrt(lam), 1.0)
    rx, ry = rx * grow, ry * grow
    num = (rx * ry) ** 2 - (rx * yp) ** 2 - (ry * xp) ** 2
    den = (rx * yp) ** 2 + (ry * xp) ** 2
    coef = np.sqrt(np.maximum(num, 0.0) / np.where(den > 0.0, den, 1.0))
    # radii scaled up: the centre is the chord's midpoint exactly (num is only rounding)
    coef = np.where(lam >= 1.0, 0.0, coef)
    coef = np.where((large != 0) == (sweep != 0), -coef, coef)
    cxp = coef * rx * yp / ry
    cyp = -coef * ry * xp / rx
    cx = co * cxp - si * cyp + (x0 + x1) / 2.0
    cy = si * cxp + co * cyp + (y0 + y1) / 2.0
    ux, uy = (xp - cxp) / rx, (yp - cyp) / ry
    vx, vy = (-xp - cxp) / rx, (-yp - cyp) / ry
    theta1 = np.arctan2(uy, ux)
    dtheta = np.arctan2(ux * vy - uy * vx, ux * vx + uy * vy)
    cw = sweep == 0
    dtheta = np.where(cw & (dtheta > 0.0), dtheta - 2.0 * np.pi, dtheta)
    dtheta = np.where(~cw & (dtheta < 0.0), dtheta + 2.0 * np.pi, dtheta)
    return is_line, cx, cy, rx, ry, rad, theta1, dtheta


def flatten_arcs(rows: np.ndarray, mats: np.ndarray, idx: np.ndarray, tol: float):
    """Sample (n, 9) arcs under their maps mats[idx]. Returns (owner, t, points) like
    `flatten_cubics`; a degenerate arc (zero radius, no extent) is its straight line."""
    is_line, cx, cy, rx, ry, rad, theta1, dtheta = _arc_geometry(rows)
    m = mats[idx]
    a, b, c, d = m[:, 0], m[:, 1], m[:, 2], m[:, 3]
    co, si = np.cos(rad), np.sin(rad)
    l11, l12 = (a * co + c * si) * rx, (c * co - a * si) * ry
    l21, l22 = (b * co + d * si) * rx, (d * co - b * si) * ry
    frob = l11**2 + l12**2 + l21**2 + l22**2
    det = l11 * l22 - l12 * l21
    s = np.sqrt((frob + np.sqrt(np.maximum(frob**2 - 4.0 * det**2, 0.0))) / 2.0)
    ratio = np.minimum(tol * _SAFETY / np.maximum(s, 1e-300), 1.0)
    step = np.minimum(2.0 * np.arccos(1.0 - ratio), _MAX_ARC_STEP)
    n = np.where(is_line, 1, np.ceil(np.abs(dtheta) / step).astype(np.int64))
    n = np.maximum(n, 1)
    owner = np.repeat(np.arange(len(rows)), n)
    first = np.cumsum(n) - n
    k = np.arange(len(owner)) - first[owner] + 1
    frac = k / n[owner]
    t = theta1[owner] + dtheta[owner] * frac
    ct, st = np.cos(t), np.sin(t)
    centre = _map(mats, idx, np.stack([cx, cy], axis=1))[owner]
    pts = np.stack(
        [
            centre[:, 0] + l11[owner] * ct + l12[owner] * st,
            centre[:, 1] + l21[owner] * ct + l22[owner] * st,
        ],
        axis=1,
    )
    # the last sample of every arc is its mapped end point, exactly (no drift, no gap)
    last = first + n - 1
    pts[last] = _map(mats, idx, rows[:, 7:9])
    return owner, frac, pts


def flatten(
    items: Sequence[tuple[Affine, Sequence[SubPath]]],
    tol: float,
    max_segments: int,
    eps: float,
    finish: Callable[[np.ndarray], np.ndarray] | None = None,
) -> list[list[np.ndarray]]:
    """Flatten every subpath of every (map, subpaths) item.

    Returns, per item, one (n, 2) array per subpath (in order), consecutive duplicate points
    (closer than eps) removed; the closing of closed subpaths is left to the caller.
    finish, when given, maps all points at once (an isometry, such as the y flip to
    machine space, keeps the error bound) before they are split into subpaths.
    """
    batch = _Batch()
    for mat, subs in items:
        batch.add(mat, subs)
    if not batch.sub_first:
        return [[] for _ in items]
    mats = np.asarray(batch.mats, dtype=np.float64).reshape(-1, 6)
    lkey = np.asarray(batch.line_key, dtype=np.int64).reshape(-1, 2)
    parts_g = [lkey[:, 0]]
    parts_t = [np.ones(len(lkey))]
    parts_p = [_map(mats, lkey[:, 1], np.asarray(batch.line, dtype=np.float64).reshape(-1, 2))]
    if batch.rows:
        first, count, mat = np.asarray(batch.row_blocks, dtype=np.int64).T
        n = len(batch.rows)
        rows = np.fromiter(chain.from_iterable(batch.rows), dtype=np.float64, count=3 * n)
        offset = np.repeat(first - (np.cumsum(count) - count), count)
        parts_g.append(offset + np.arange(n))
        parts_t.append(np.ones(n))
        parts_p.append(_map(mats, np.repeat(mat, count), rows.reshape(n, 3)[:, 1:]))
    budget = max_segments - sum(len(g) for g in parts_g)
    if batch.arc:
        akey = np.asarray(batch.arc_key, dtype=np.int64)
        owner, t, pts = flatten_arcs(np.asarray(batch.arc, dtype=np.float64), mats, akey[:, 1], tol)
        budget -= len(owner)
        parts_g.append(akey[owner, 0])
        parts_t.append(t)
        parts_p.append(pts)
    if budget < 0:
        raise SegmentLimitError("too many segments")
    if batch.cubic:
        ckey = np.asarray(batch.cubic_key, dtype=np.int64)
        ctrl = np.asarray(batch.cubic, dtype=np.float64).reshape(-1, 4, 2)
        ctrl = _map(mats, ckey[:, 1], ctrl)
        if not np.isfinite(ctrl).all():
            raise CoordinateOverflowError("coordinates overflow once transformed")
        owner, t, pts = flatten_cubics(ctrl, tol, budget)
        parts_g.append(ckey[owner, 0])
        parts_t.append(t)
        parts_p.append(pts)
    g = np.concatenate(parts_g)
    pts = np.concatenate(parts_p)
    if len(g) > 1 and not (g[1:] > g[:-1]).all():  # straight lines only come in order
        order = np.lexsort((np.concatenate(parts_t), g))
        g = g[order]
        pts = pts[order]
    if not np.isfinite(pts).all():
        raise CoordinateOverflowError("coordinates overflow once transformed")
    starts = np.searchsorted(g, np.asarray(batch.sub_first))
    step2 = np.einsum("ij,ij->i", np.diff(pts, axis=0), np.diff(pts, axis=0))
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = step2 > eps * eps
    keep[starts] = True
    new_starts = np.cumsum(keep)[starts] - 1
    pts = pts[keep]
    if finish is not None:
        pts = finish(pts)
    bounds = [*new_starts.tolist(), len(pts)]
    pieces = [pts[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]  # np.split's views
    out: list[list[np.ndarray]] = []
    pos = 0
    for _, subs in items:
        out.append(pieces[pos : pos + len(subs)])
        pos += len(subs)
    return out

"""The cut at chosen points, exactly: how low the tool's edge came over each point.

The heightmap knows the cut only at cell centres, and a sharp V-bit's groove is narrower
than a cell: judging "every point of the path is cut to full depth" from cells would need a
slack as large as the V's flank over half a cell. Here each point is measured against every
piece of toolpath that can reach it, with the same envelope as `Heightmap.sweep` (exact on
level moves; on ramps a height the tool really reaches, at most `dz_step` high).

Points are bucketed on a coarse grid; each piece is paired with the points of the buckets
its reach overlaps, and the pairs are evaluated in numpy batches.
"""

from __future__ import annotations

import numpy as np

from cam.simulate.heightmap import _split
from cam.simulate.tools import ToolShape

__all__ = ["tool_heights_at"]

_BUCKET_MM = 0.25  # small enough that a piece meets few points it cannot reach
_PAIRS = 1 << 21  # (piece, point) pairs per numpy batch


def tool_heights_at(
    points: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    shape: ToolShape,
    *,
    top: float = 0.0,
    dz_step: float = 0.002,
    lateral: float = 0.0,
) -> np.ndarray:
    """(P,) lowest Z the tool's cutting edge reached over each of `points` (P, 2), moving
    along `start` -> `end` ((n, 3) tip positions); `top` where nothing reached below it.

    lateral: mm; the lowest reached anywhere within this distance of each point instead (the
    tool centre may run that far from a path and still follow it)."""
    if lateral < 0:
        raise ValueError(f"lateral must be >= 0, got {lateral!r}")
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    out = np.full(len(pts), top)
    a = np.asarray(start, dtype=np.float64).reshape(-1, 3)
    b = np.asarray(end, dtype=np.float64).reshape(-1, 3)
    low = np.minimum(a[:, 2], b[:, 2]) < top
    if not len(pts) or not low.any():
        return out
    a, b = _split(a[low], b[low], _BUCKET_MM, dz_step)
    reach = shape.reach(top - np.minimum(a[:, 2], b[:, 2])) + lateral
    origin = pts.min(axis=0)
    cell = np.floor((pts - origin) / _BUCKET_MM).astype(np.int64)
    nbx, nby = int(cell[:, 0].max()) + 1, int(cell[:, 1].max()) + 1
    order = np.argsort(cell[:, 1] * nbx + cell[:, 0], kind="stable")
    counts = np.bincount(cell[:, 1] * nbx + cell[:, 0], minlength=nbx * nby)
    first = np.cumsum(counts) - counts
    lo = np.floor((np.minimum(a[:, :2], b[:, :2]) - reach[:, None] - origin) / _BUCKET_MM)
    hi = np.floor((np.maximum(a[:, :2], b[:, :2]) + reach[:, None] - origin) / _BUCKET_MM)
    lo = np.clip(lo, 0, [nbx - 1, nby - 1]).astype(np.int64)
    hi = np.clip(hi, -1, [nbx - 1, nby - 1]).astype(np.int64)
    span = np.maximum(hi - lo + 1, 0)
    # every (piece, bucket) the piece can reach, then every (piece, point) in those buckets
    piece = np.repeat(np.arange(len(a)), span[:, 0] * span[:, 1])
    k = np.arange(len(piece)) - np.repeat(
        np.cumsum(span[:, 0] * span[:, 1]) - span[:, 0] * span[:, 1], span[:, 0] * span[:, 1]
    )
    bx = lo[piece, 0] + k % span[piece, 0]
    by = lo[piece, 1] + k // span[piece, 0]
    key = by * nbx + bx
    per = counts[key]
    ends = np.cumsum(per)
    cuts = np.searchsorted(ends, np.arange(_PAIRS, int(ends[-1]) if len(ends) else 0, _PAIRS))
    for s, e in zip(np.r_[0, cuts], np.r_[cuts, len(key)], strict=True):
        if e > s:
            pairs = (first[key[s:e]], per[s:e], piece[s:e])
            _pairs(out, pts, order, pairs, a, b, reach, shape, lateral)
    return out


def _pairs(
    out: np.ndarray,
    pts: np.ndarray,
    order: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    a: np.ndarray,
    b: np.ndarray,
    reach: np.ndarray,
    shape: ToolShape,
    lateral: float,
) -> None:
    """Lower `out` by every (piece, point) pair of the buckets in `pairs` (first point in
    `order`, number of points, piece)."""
    first, per, piece = pairs
    seg = np.repeat(piece, per)
    local = np.arange(len(seg)) - np.repeat(np.cumsum(per) - per, per)
    idx = order[np.repeat(first, per) + local]
    ab = b - a
    l2 = ab[:, 0] ** 2 + ab[:, 1] ** 2
    inv = np.divide(1.0, l2, out=np.zeros_like(l2), where=l2 > 0)
    dx = pts[idx, 0] - a[seg, 0]
    dy = pts[idx, 1] - a[seg, 1]
    abx, aby = ab[seg, 0], ab[seg, 1]
    t = np.clip((dx * abx + dy * aby) * inv[seg], 0.0, 1.0)
    d2 = (dx - t * abx) ** 2 + (dy - t * aby) ** 2
    near = d2 <= reach[seg] ** 2
    seg, idx, t, d2 = seg[near], idx[near], t[near], d2[near]
    val = a[seg, 2] + t * ab[seg, 2] + shape.profile_sq(_closer(d2, lateral))
    sloped = np.flatnonzero(ab[seg, 2] != 0)
    if len(sloped):  # as in the sweep: a ramp also counts at its two ends
        r2 = shape.radius**2
        ps, ss = pts[idx[sloped]], seg[sloped]
        for q in (a, b):
            e2 = _closer((ps[:, 0] - q[ss, 0]) ** 2 + (ps[:, 1] - q[ss, 1]) ** 2, lateral)
            at_end = np.where(e2 <= r2, q[ss, 2] + shape.profile_sq(np.minimum(e2, r2)), np.inf)
            val[sloped] = np.minimum(val[sloped], at_end)
    np.minimum.at(out, idx, val)


def _closer(d2: np.ndarray, lateral: float) -> np.ndarray:
    """Squared distances shortened by `lateral` (not below zero)."""
    if lateral == 0:
        return d2
    return np.maximum(np.sqrt(d2) - lateral, 0.0) ** 2

"""Engrave: the tool centre follows every visible path of the design, as drawn.

Detail finer than the tool is still cut as drawn (the contract is that the tool centre follows
the path), but the supervisor is told: a closed shape smaller than the tool, or strokes that run
closer together than the tool is wide, will show as one blurred groove.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from scipy.spatial import cKDTree

from cam.design import DesignPath
from cam.ops.emit import Contour

__all__ = ["crowded_elements", "engrave_contours"]

# How many element ids a warning names before it summarises the rest.
_NAMED_IN_WARNING = 5
# Samples along the paths for the crowding check, as a fraction of the tool diameter.
_SAMPLE_FRACTION = 0.5
# Beyond this many samples the crowding check is skipped (it is advice, not a safety check).
_MAX_SAMPLES = 40_000


def engrave_contours(
    paths: Sequence[DesignPath], tool_diameter: float, tolerance: float = 0.02
) -> tuple[list[Contour], list[str]]:
    """One contour per design path (already placed), and warnings about detail the tool blurs."""
    contours: list[Contour] = []
    for p in paths:
        pts = np.asarray(p.points, dtype=np.float64).reshape(-1, 2)
        if len(pts) == 0:
            continue
        contours.append(Contour(pts, bool(p.closed) and len(pts) > 2, p.element_id))
    small = [c.element_id or "(unnamed)" for c in _smaller_than(contours, tool_diameter)]
    warnings: list[str] = []
    if small:
        warnings.append(
            f"detail finer than the tool ({tool_diameter:.3f} mm): {len(small)} closed "
            f"path(s) smaller than the tool are cut as drawn but will not show their shape: "
            f"{_names(small)}"
        )
    crowded = crowded_elements(contours, tool_diameter, tolerance)
    if crowded:
        warnings.append(
            f"detail finer than the tool ({tool_diameter:.3f} mm): strokes closer together "
            f"than the tool is wide are cut as drawn but their grooves will merge: "
            f"{_names(crowded)}"
        )
    return contours, warnings


def _smaller_than(contours: Sequence[Contour], size: float) -> list[Contour]:
    """The closed contours whose bounding box is under `size` both ways (all at once)."""
    rings = [c for c in contours if c.closed]
    if not rings:
        return []
    pts = np.concatenate([c.points for c in rings])
    starts = np.cumsum([0] + [len(c.points) for c in rings[:-1]])
    extent = np.maximum.reduceat(pts, starts) - np.minimum.reduceat(pts, starts)
    return [c for c, e in zip(rings, extent.max(axis=1).tolist(), strict=True) if e < size]


def crowded_elements(
    contours: Sequence[Contour], tool_diameter: float, tolerance: float
) -> list[str]:
    """Elements with a stroke passing within one tool diameter of another stroke, or of a far
    part of itself, without touching it (touching strokes are one drawing, not crowding).

    Advice, not safety: designs sampling to more than _MAX_SAMPLES points are not checked."""
    if not contours:
        return []
    sampled = _samples(contours, tool_diameter * _SAMPLE_FRACTION, _MAX_SAMPLES)
    if sampled is None or len(sampled[0]) < 2:
        return []  # nothing to advise on (the face check refuses non-finite coordinates)
    samples, owner, along, period = sampled
    # an unbalanced tree is quicker to build and finds the same pairs
    tree = cKDTree(samples, balanced_tree=False, compact_nodes=False)
    pairs = tree.query_pairs(tool_diameter, output_type="ndarray")
    if len(pairs) == 0:
        return []
    a, b = pairs[:, 0], pairs[:, 1]
    oa, ob = np.minimum(owner[a], owner[b]), np.maximum(owner[a], owner[b])
    # a path bending back on itself counts when the two places are far apart along it
    gap = np.abs(along[a] - along[b])
    far_along = np.minimum(gap, period[a] - gap) > 3.0 * tool_diameter  # round a ring
    hairpin = np.unique(oa[(oa == ob) & far_along])
    n = len(contours)
    keys = np.unique(oa[oa != ob] * n + ob[oa != ob])
    ka, kb = keys // n, keys % n
    lines = _lines(contours)
    touching = shapely.distance(lines[ka], lines[kb]) <= 2.0 * tolerance
    ids = set(hairpin.tolist()) | set(ka[~touching].tolist()) | set(kb[~touching].tolist())
    return [contours[i].element_id or "(unnamed)" for i in sorted(ids)]


def _lines(contours: Sequence[Contour]) -> np.ndarray:
    geoms = []
    for c in contours:
        pts = np.vstack([c.points, c.points[:1]]) if c.closed else c.points
        geoms.append(shapely.LineString(pts) if len(pts) > 1 else shapely.Point(pts[0]))
    return np.array(geoms, dtype=object)


def _samples(
    contours: Sequence[Contour], step: float, limit: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Points at most `step` apart along every contour, all contours at once:
    (xy, contour index, arc length along the contour, the contour's period for closed ones
    (inf for open)); None when they would be more than `limit`, or a coordinate is not a
    finite number."""
    given = np.concatenate([c.points for c in contours])
    if not np.isfinite(given).all():
        return None
    raw = np.array([len(c.points) for c in contours])
    closed = np.array([c.closed for c in contours]) & (raw > 0)
    sizes = raw + closed  # a closed contour's first point again at its end
    n_rings = len(contours)
    owner_pt = np.repeat(np.arange(n_rings), sizes)
    local = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    local[local == raw[owner_pt]] = 0
    pts = given[(np.cumsum(raw) - raw)[owner_pt] + local]
    seg_ok = owner_pt[1:] == owner_pt[:-1]  # no segment joins two contours
    seg = np.diff(pts, axis=0)
    seg_len = np.where(seg_ok, np.hypot(*seg.T), 0.0)
    k = np.where(seg_ok, np.maximum(1, np.ceil(seg_len / step)).astype(np.int64), 0)
    if int(k.sum()) + n_rings > limit:
        return None
    cum = np.concatenate([[0.0], np.cumsum(seg_len)])
    start = cum[np.cumsum(sizes) - sizes]
    length = cum[np.cumsum(sizes) - 1] - start
    idx = np.repeat(np.arange(len(seg)), k)
    t = (np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)) / np.maximum(k[idx], 1)
    xy = np.vstack([pts[idx] + t[:, None] * seg[idx], pts[np.cumsum(sizes) - 1]])
    owner = np.concatenate([owner_pt[idx], np.arange(n_rings)])
    along = np.concatenate([cum[idx] + t * seg_len[idx], cum[np.cumsum(sizes) - 1]]) - start[owner]
    period = np.where(closed, length, np.inf)[owner]
    return xy, owner, along, period


def _names(ids: list[str]) -> str:
    named = ", ".join(f"'{e}'" for e in ids[:_NAMED_IN_WARNING])
    more = f" and {len(ids) - _NAMED_IN_WARNING} more" if len(ids) > _NAMED_IN_WARNING else ""
    return named + more

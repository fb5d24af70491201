"""stroke-dasharray: a dashed stroke shows only its dashes, so only they are cut.

Dash lengths are user-space lengths along the path (measured before the element's transform),
the pattern restarts at every subpath and runs on across a closed subpath's closing segment,
and stroke-dashoffset shifts where it starts. A zero-length dash is a dot when the caps are
round or square (it shows), and nothing otherwise.
"""

from __future__ import annotations

import numpy as np


class DashLimitError(ValueError):
    """A pattern so fine that the dashes would outnumber the segment limit."""


def dash(
    pts: np.ndarray,
    closed: bool,
    pattern: tuple[float, ...],
    offset: float,
    to_user: np.ndarray,
    dots: bool,
    budget: int,
) -> list[np.ndarray]:
    """The dashes of one polyline (machine mm) as polylines; `to_user` is the 2x2 linear
    map from machine mm back to the element's user units (to measure lengths there)."""
    if closed and len(pts) > 1:
        pts = np.vstack([pts, pts[:1]])
    if len(pts) < 2:
        return [pts] if dots else []
    steps = np.diff(pts, axis=0)
    lengths = np.hypot(*(steps @ to_user.T).T)
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    total = float(cum[-1])
    period = float(sum(pattern))
    if total <= 0 or period <= 0:
        return [pts]
    # dash intervals [start, end] along the path, with the pattern shifted by the offset
    shift = offset % period
    bounds = np.concatenate([[0.0], np.cumsum(pattern)])  # dash i is [b[2i], b[2i+1]]
    first = -shift
    count = int(np.ceil((total + shift) / period)) + 1
    if count * len(pattern) // 2 > budget:
        raise DashLimitError("too many dashes")
    starts = (first + period * np.arange(count))[:, None] + bounds[0:-1:2][None, :]
    ends = (first + period * np.arange(count))[:, None] + bounds[1::2][None, :]
    starts, ends = starts.ravel(), ends.ravel()
    keep = (ends >= 0) & (starts <= total)
    out: list[np.ndarray] = []
    for s0, e0 in zip(starts[keep], ends[keep], strict=True):
        if e0 - s0 <= 0:  # a zero-length dash: a dot with round or square caps
            if dots:
                out.append(_at(pts, cum, float(s0))[None, :])
            continue
        s, e = max(float(s0), 0.0), min(float(e0), total)
        if e - s <= 0:
            continue
        inside = (cum > s) & (cum < e)
        piece = np.vstack([_at(pts, cum, s), pts[inside], _at(pts, cum, e)])
        out.append(piece)
    return out


def _at(pts: np.ndarray, cum: np.ndarray, s: float) -> np.ndarray:
    """The point at arc length s (user units) along the polyline."""
    i = int(np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(pts) - 2))
    seg = cum[i + 1] - cum[i]
    t = 0.0 if seg <= 0 else (s - cum[i]) / seg
    return pts[i] + (pts[i + 1] - pts[i]) * t


def parse_pattern(values: list[float]) -> tuple[float, ...] | None:
    """A dash pattern ready to use, or None for a solid stroke: an odd count is repeated,
    a negative value makes the property invalid, a zero sum draws a solid line."""
    if not values or any(v < 0 for v in values) or sum(values) <= 0:
        return None
    if len(values) % 2:
        values = values * 2
    return tuple(values)

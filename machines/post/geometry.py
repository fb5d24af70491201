"""Arc geometry shared by the posts and the estimator: sweep, splitting and chords.

An arc goes from `start` to `end` (x, y) about `centre`, clockwise (G2) or not (G3); Z, when
it changes, changes linearly with the swept angle (a helix), as every controller does.
"""

from __future__ import annotations

import math

import numpy as np

FULL_TURN = 2.0 * math.pi


def sweep(
    start: tuple[float, float],
    end: tuple[float, float],
    centre: tuple[float, float],
    clockwise: bool,
) -> float:
    """The swept angle in radians, in (0, 2 pi]; start == end is a full turn."""
    a0 = math.atan2(start[1] - centre[1], start[0] - centre[0])
    a1 = math.atan2(end[1] - centre[1], end[0] - centre[0])
    delta = (a0 - a1) if clockwise else (a1 - a0)
    delta %= FULL_TURN
    if delta <= 1e-12:
        delta = FULL_TURN
    return delta


def arc_points(
    start: tuple[float, float, float],
    end: tuple[float, float, float],
    centre: tuple[float, float],
    clockwise: bool,
    chord_error: float,
) -> np.ndarray:
    """(n, 3) points along the arc, `start` excluded and `end` included exactly, whose chords
    stray from the arc by at most `chord_error`. The radius is blended from the start radius
    to the end radius, so a slightly inconsistent arc still lands exactly on its end point."""
    r0 = math.hypot(start[0] - centre[0], start[1] - centre[1])
    r1 = math.hypot(end[0] - centre[0], end[1] - centre[1])
    theta = sweep(start[:2], end[:2], centre, clockwise)
    r = max(r0, r1)
    if r <= chord_error:
        n = 1
    else:
        step = 2.0 * math.acos(max(-1.0, 1.0 - chord_error / r))
        n = max(1, math.ceil(theta / step))
    t = np.arange(1, n + 1, dtype=float) / n
    a0 = math.atan2(start[1] - centre[1], start[0] - centre[0])
    ang = a0 - t * theta if clockwise else a0 + t * theta
    rad = r0 + (r1 - r0) * t
    pts = np.column_stack(
        [
            centre[0] + rad * np.cos(ang),
            centre[1] + rad * np.sin(ang),
            start[2] + (end[2] - start[2]) * t,
        ]
    )
    pts[-1] = end
    return pts


def arc_midpoint(
    start: tuple[float, float, float],
    end: tuple[float, float, float],
    centre: tuple[float, float],
    clockwise: bool,
) -> tuple[float, float, float]:
    """The point halfway along the arc (by angle), on the start radius."""
    r0 = math.hypot(start[0] - centre[0], start[1] - centre[1])
    theta = sweep(start[:2], end[:2], centre, clockwise)
    a0 = math.atan2(start[1] - centre[1], start[0] - centre[0])
    a = a0 - theta / 2 if clockwise else a0 + theta / 2
    return (centre[0] + r0 * math.cos(a), centre[1] + r0 * math.sin(a), (start[2] + end[2]) / 2)

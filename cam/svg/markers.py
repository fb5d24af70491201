"""Marker positions and orientations on a path's vertices (SVG 2, "Markers").

Every segment end is a vertex; a closed subpath also ends at its start point again (after its
closing segment). marker-start goes on the first vertex of the whole path, marker-end on the
last, marker-mid on every other one. The "auto" orientation bisects the incoming and outgoing
directions; at a subpath's first vertex only the outgoing one counts (or, if the subpath is
closed, the closing segment's direction comes in), at its last only the incoming one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .pathdata import ARC, CUBIC, LINE, SubPath


@dataclass(frozen=True, slots=True)
class Vertex:
    x: float
    y: float
    angle_in: float | None  # degrees, direction of the path arriving here
    angle_out: float | None  # degrees, direction of the path leaving here

    def angle(self) -> float:
        """The "auto" orientation: the bisector of the in and out directions."""
        a, b = self.angle_in, self.angle_out
        if a is None:
            return b if b is not None else 0.0
        if b is None:
            return a
        if abs(b - a) > 180.0:
            b += 360.0 if b < a else -360.0
        return (a + b) / 2.0


def _deg(dx: float, dy: float) -> float | None:
    if dx == 0.0 and dy == 0.0:
        return None
    return math.degrees(math.atan2(dy, dx))


def _first(*vectors: tuple[float, float]) -> float | None:
    for dx, dy in vectors:
        found = _deg(dx, dy)
        if found is not None:
            return found
    return None


def _arc_tangents(p0: tuple[float, float], seg: tuple) -> tuple[float | None, float | None]:
    """Directions at the start and end of an endpoint-form arc (SVG implementation notes
    F.6.5, radii scaled up as F.6.6 says; zero radii make a line)."""
    _, rx, ry, phi, large, sweep, x, y = seg
    x0, y0 = p0
    if rx == 0 or ry == 0 or (x0 == x and y0 == y):
        d = _deg(x - x0, y - y0)
        return d, d
    rx, ry = abs(rx), abs(ry)
    co, si = math.cos(math.radians(phi)), math.sin(math.radians(phi))
    dx2, dy2 = (x0 - x) / 2.0, (y0 - y) / 2.0
    x1p, y1p = co * dx2 + si * dy2, -si * dx2 + co * dy2
    lam = (x1p / rx) ** 2 + (y1p / ry) ** 2
    if lam > 1:
        rx, ry = rx * math.sqrt(lam), ry * math.sqrt(lam)
    num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p
    den = rx * rx * y1p * y1p + ry * ry * x1p * x1p
    coef = math.sqrt(max(num / den, 0.0)) if den else 0.0
    if large == sweep:
        coef = -coef
    cxp, cyp = coef * rx * y1p / ry, -coef * ry * x1p / rx
    t1 = math.atan2((y1p - cyp) / ry, (x1p - cxp) / rx)
    t2 = math.atan2((-y1p - cyp) / ry, (-x1p - cxp) / rx)
    sign = 1.0 if sweep else -1.0

    def tangent(t: float) -> float | None:
        # derivative of (rx cos t, ry sin t) rotated by phi, in the sweep's direction
        dx, dy = -rx * math.sin(t) * sign, ry * math.cos(t) * sign
        return _deg(co * dx - si * dy, si * dx + co * dy)

    return tangent(t1), tangent(t2)


def _segment_ends(p0: tuple[float, float], seg: tuple) -> tuple[float | None, float | None]:
    """(direction leaving p0, direction arriving at the segment's end)."""
    kind = seg[0]
    if kind == LINE:
        d = _deg(seg[1] - p0[0], seg[2] - p0[1])
        return d, d
    if kind == CUBIC:
        _, x1, y1, x2, y2, x, y = seg
        start = _first((x1 - p0[0], y1 - p0[1]), (x2 - p0[0], y2 - p0[1]), (x - p0[0], y - p0[1]))
        end = _first((x - x2, y - y2), (x - x1, y - y1), (x - p0[0], y - p0[1]))
        return start, end
    if kind == ARC:
        return _arc_tangents(p0, seg)
    raise ValueError(f"unknown segment kind {kind}")


def _end(seg: tuple) -> tuple[float, float]:
    return seg[-2], seg[-1]


def vertices(subpaths: list[SubPath]) -> list[Vertex]:
    """Every vertex of a path, in order, with its in and out directions."""
    out: list[Vertex] = []
    for sub in subpaths:
        segs = list(sub.segs)
        if sub.closed:
            segs.append((LINE, *sub.start))  # the closing segment ends at a vertex, even empty
        dirs = []
        point = sub.start
        for seg in segs:
            dirs.append(_segment_ends(point, seg))
            point = _end(seg)
        if not segs:
            out.append(Vertex(sub.start[0], sub.start[1], None, None))
            continue
        first_in = dirs[-1][1] if sub.closed else None
        out.append(Vertex(sub.start[0], sub.start[1], first_in, dirs[0][0]))
        for i, seg in enumerate(segs):
            x, y = _end(seg)
            arriving = dirs[i][1]
            if i + 1 < len(segs):
                leaving = dirs[i + 1][0]
            else:
                leaving = dirs[0][0] if sub.closed else None
            out.append(Vertex(x, y, arriving, leaving))
    return out

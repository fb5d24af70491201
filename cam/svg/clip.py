"""clip-path as browsers apply it: only what lies inside the clipping region is visible.

A <clipPath> (clipPathUnits="userSpaceOnUse", the default every editor writes) is the union
of its shapes' areas, each by its clip-rule. What is cut of a clipped element is what shows:
the part of each stroke's centre line inside the region, and the outline of the fill's area
intersected with the region (its edge along the clip boundary included, as the visible edge
of the fill). Nested clips (on ancestors) intersect. A clip that contains the whole element,
as the artboard clip of Figma exports does, changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, polygonize, unary_union


def area(rings: Sequence[np.ndarray], rule: str) -> BaseGeometry:
    """The area closed rings paint under an SVG fill or clip rule (nonzero / evenodd)."""
    rings = [np.asarray(r, dtype=np.float64) for r in rings if len(r) >= 3]
    if not rings:
        return Polygon()
    if len(rings) == 1:
        poly = Polygon(rings[0])
        if poly.is_valid:
            return poly  # one simple ring paints its inside under either rule
    lines = [LineString(np.vstack([r, r[:1]])) for r in rings]
    keep = []
    for face in polygonize(unary_union(lines)):
        p = face.representative_point()
        w = sum(_winding(p.x, p.y, r) for r in rings)
        if (w % 2 == 1) if rule == "evenodd" else (w != 0):
            keep.append(face)
    return unary_union(keep) if keep else Polygon()


def _winding(px: float, py: float, ring: np.ndarray) -> int:
    a, b = ring, np.roll(ring, -1, axis=0)
    cross = (b[:, 0] - a[:, 0]) * (py - a[:, 1]) - (px - a[:, 0]) * (b[:, 1] - a[:, 1])
    up = (a[:, 1] <= py) & (b[:, 1] > py) & (cross > 0)
    down = (a[:, 1] > py) & (b[:, 1] <= py) & (cross < 0)
    return int(up.sum() - down.sum())


def polygons_of(geom: BaseGeometry) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon) and not g.is_empty]


def clip_fill(
    rings: Sequence[np.ndarray], rule: str, region: BaseGeometry
) -> list[np.ndarray] | None:
    """The rings of a fill's visible area, or None when the region leaves it whole."""
    painted = area(rings, rule)
    if painted.is_empty or region.covers(painted):
        return None
    out: list[np.ndarray] = []
    for poly in polygons_of(painted.intersection(region)):
        for ring in (poly.exterior, *poly.interiors):
            pts = np.asarray(ring.coords, dtype=np.float64)[:-1]
            if len(pts) >= 3:
                out.append(pts)
    return out


def clip_line(
    pts: np.ndarray, closed: bool, region: BaseGeometry
) -> list[tuple[np.ndarray, bool]] | None:
    """The visible pieces of a centre line, or None when the region leaves it whole."""
    if len(pts) == 1:
        return None if region.covers(Point(pts[0])) else []
    line = LineString(np.vstack([pts, pts[:1]]) if closed else pts)
    if region.covers(line):
        return None
    inside = line.intersection(region)
    pieces = [g for g in _lines(inside) if g.length > 0]
    if len(pieces) > 1:
        merged = linemerge(MultiLineString(pieces))
        pieces = [g for g in _lines(merged) if g.length > 0]
    return [(np.asarray(g.coords, dtype=np.float64), False) for g in pieces]


def _lines(geom: BaseGeometry) -> list[LineString]:
    if geom.is_empty:
        return []
    if isinstance(geom, LineString):
        return [geom]
    out: list[LineString] = []
    for g in getattr(geom, "geoms", []):
        out.extend(_lines(g))
    return out


def intersect(regions: Sequence[BaseGeometry]) -> BaseGeometry:
    result = regions[0]
    for r in regions[1:]:
        result = shapely.intersection(result, r)
    return result

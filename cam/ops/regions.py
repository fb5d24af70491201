"""Filled regions as shapely geometry, and the tool-radius offsets pockets and profiles share.

A FillRegion's rings are turned into area by the SVG fill rule: the rings are noded into
faces, and each face is inside when its winding number is non-zero ("nonzero") or odd
("evenodd"). Offsets are shapely buffers with round joins whose arcs are divided finely enough
that the polygonal offset stays within a quarter of the tolerance of the true one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from cam.design import FillRegion
from cam.errors import ToolError
from cam.ops.emit import Contour
from cam.svg.clip import area

__all__ = [
    "check_holes",
    "check_offset",
    "fill_geometry",
    "name_rings",
    "offset",
    "polygons",
    "ring_precedence",
    "rings_of",
]


def fill_geometry(fill: FillRegion) -> BaseGeometry:
    """The area a FillRegion paints, honouring its fill rule (the same reading as the SVG
    import gives clip paths: `cam.svg.clip.area`)."""
    rings = [np.asarray(r, dtype=np.float64).reshape(-1, 2) for r in fill.rings]
    return area(rings, "evenodd" if fill.fill_rule == "evenodd" else "nonzero")


def quad_segs(radius: float, tolerance: float) -> int:
    """Segments per quarter circle so a chord strays at most tolerance / 4 from the arc."""
    if radius <= tolerance / 4:
        return 1
    half_angle = math.acos(1.0 - (tolerance / 4) / radius)
    return max(1, math.ceil((math.pi / 4) / half_angle))


def offset(geom: BaseGeometry, distance: float, tolerance: float) -> BaseGeometry:
    """Round-joined offset: inward for negative distance."""
    q = quad_segs(abs(distance), tolerance)
    return geom.buffer(distance, quad_segs=q, join_style="round")


def polygons(geom: BaseGeometry) -> list[Polygon]:
    """The non-empty polygons of a geometry (Polygon, MultiPolygon or collection)."""
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return [p for p in geom.geoms if not p.is_empty]
    return [p for g in getattr(geom, "geoms", []) for p in polygons(g)]


def check_offset(fill_id: str, geom: BaseGeometry, radius: float, tolerance: float) -> None:
    """Refuse a region that vanishes or splits when the tool centre keeps `radius` inside."""
    for part in polygons(geom):
        inner = polygons(offset(part, -radius, tolerance))
        xmin, ymin, xmax, ymax = part.bounds
        size = f"{xmax - xmin:.3f} x {ymax - ymin:.3f} mm"
        if not inner:
            raise ToolError(
                f"element '{fill_id}': a filled part ({size}) is narrower than the tool "
                f"(diameter {2 * radius:.3f} mm) and cannot be cut with it"
            )
        if len(inner) > 1:
            raise ToolError(
                f"element '{fill_id}': a filled part ({size}) has a neck narrower than the "
                f"tool (diameter {2 * radius:.3f} mm); the tool would leave it uncut"
            )


def check_holes(fill_id: str, geom: BaseGeometry, radius: float, tolerance: float) -> None:
    """Refuse a hole the tool cannot run round from outside (an outside profile would lose it)."""
    for part in polygons(geom):
        for ring in part.interiors:
            hole = Polygon(ring)
            if offset(hole, -radius, tolerance).is_empty:
                xmin, ymin, xmax, ymax = hole.bounds
                raise ToolError(
                    f"element '{fill_id}': a hole ({xmax - xmin:.3f} x {ymax - ymin:.3f} mm) is "
                    f"narrower than the tool (diameter {2 * radius:.3f} mm) and would be lost"
                )


def rings_of(polys: Iterable[Polygon], element_id: str) -> list[Contour]:
    """Every exterior and interior ring as a closed contour (first point not repeated)."""
    out = []
    for poly in polys:
        for ring in (poly.exterior, *poly.interiors):
            pts = np.asarray(ring.coords, dtype=np.float64)[:-1, :2]
            if len(pts) >= 3:
                out.append(Contour(pts, True, element_id))
    return out


def ring_precedence(contours: Sequence[Contour]) -> list[tuple[int, int]]:
    """(inner, outer) pairs: a ring lying inside another closed ring is cut before it.

    One spatial-index query for all rings: a ring's first point inside a larger ring."""
    if len(contours) < 2:
        return []
    polys = shapely.make_valid(np.array([Polygon(c.points) for c in contours], dtype=object))
    areas = shapely.area(polys)
    probe = shapely.points(np.array([c.points[0] for c in contours]))
    inner, outer = shapely.STRtree(polys).query(probe, predicate="within")
    keep = (inner != outer) & (areas[inner] < areas[outer])
    return list(zip(inner[keep].tolist(), outer[keep].tolist(), strict=True))


def name_rings(
    contours: Sequence[Contour], named: Sequence[tuple[str, BaseGeometry]]
) -> list[Contour]:
    """Each contour labelled with the element nearest its first point (for messages)."""
    if len(named) == 1:
        return [Contour(c.points, c.closed, named[0][0]) for c in contours]
    out = []
    for c in contours:
        x, y = float(c.points[0, 0]), float(c.points[0, 1])
        d = [shapely.distance(g, shapely.Point(x, y)) for _, g in named]
        out.append(Contour(c.points, c.closed, named[int(np.argmin(d))][0]))
    return out

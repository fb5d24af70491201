"""Profile inside / outside: the fill outlines offset by the tool radius (compensation is ours,
never G41/G42), so the cutter's edge runs exactly on the drawn outline."""

from __future__ import annotations

from collections.abc import Sequence

from shapely.ops import unary_union

from cam.design import FillRegion
from cam.ops.emit import Contour
from cam.ops.regions import (
    check_holes,
    check_offset,
    fill_geometry,
    name_rings,
    offset,
    polygons,
    ring_precedence,
    rings_of,
)

__all__ = ["profile_contours"]


def profile_contours(
    fills: Sequence[FillRegion], radius: float, inside: bool, tolerance: float = 0.02
) -> tuple[list[Contour], list[tuple[int, int]], list[str]]:
    """Tool-centre contours, (inner, outer) precedence pairs, and warnings.

    Inside: the region shrunk by the radius (refused where a part vanishes or splits, since
    the cut would miss drawn detail). Outside: the region grown by the radius (refused where a
    hole is narrower than the tool); regions closer together than the tool diameter merge,
    which is said in a warning.
    """
    warnings: list[str] = []
    contours: list[Contour] = []
    geoms = [(f.element_id, fill_geometry(f)) for f in fills]
    if inside:
        for fill_id, geom in geoms:
            check_offset(fill_id, geom, radius, tolerance)
        region = unary_union([g for _, g in geoms])  # overlapping fills share one outline
        contours = rings_of(polygons(offset(region, -radius, tolerance)), "")
    else:
        for fill_id, geom in geoms:
            check_holes(fill_id, geom, radius, tolerance)
        parts = sum(len(polygons(g)) for _, g in geoms)
        merged = polygons(offset(unary_union([g for _, g in geoms]), radius, tolerance))
        if len(merged) < parts:
            warnings.append(
                f"parts closer together than the tool diameter ({2 * radius:.3f} mm) are "
                f"profiled as one outline"
            )
        contours = rings_of(merged, "")
    contours = name_rings(contours, geoms)
    return contours, ring_precedence(contours), warnings

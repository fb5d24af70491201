"""Pocket: clear the whole area of the filled regions, contour-parallel, inside out.

The tool centre runs on offsets of the region at r, r + w, r + 2w, ... (r the tool radius, w the
stepover) until nothing is left. Every point of the clearable area lies within w of the
innermost offset that contains it, so with w <= r the floor is cleared everywhere the tool can
reach; a larger stepover is reduced to the tool radius, with a warning. Rings lying inside
another ring are cut before it: each level starts at the heart of the pocket and works out to
the walls, and the tool centre never crosses the first offset, so the cutter never leaves the
region.
"""

from __future__ import annotations

from collections.abc import Sequence

from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from cam.design import FillRegion
from cam.ops.emit import Contour
from cam.ops.regions import (
    check_offset,
    fill_geometry,
    name_rings,
    offset,
    polygons,
    ring_precedence,
    rings_of,
)

__all__ = ["pocket_area", "pocket_rings"]

# Safety stop on the number of offsets: a 1 m pocket with a 0.1 mm tool at 0.04 mm stepover.
MAX_LEVELS = 25_000


def pocket_rings(
    fills: Sequence[FillRegion], radius: float, stepover: float, tolerance: float = 0.02
) -> tuple[list[Contour], list[tuple[int, int]], list[str]]:
    """Tool-centre rings of the pocket, (inner, outer) precedence pairs, and warnings."""
    warnings: list[str] = []
    step = stepover * 2.0 * radius
    if step > radius:
        warnings.append(
            f"stepover {stepover:g} of the tool diameter reduced to 0.5 so that the pocket "
            f"floor is cleared between rings"
        )
        step = radius
    named = [(f.element_id, fill_geometry(f)) for f in fills]
    for fill_id, geom in named:
        check_offset(fill_id, geom, radius, tolerance)
    region = unary_union([g for _, g in named])  # overlapping fills are one pocket
    contours: list[Contour] = []
    for k in range(MAX_LEVELS):
        level = polygons(offset(region, -(radius + k * step), tolerance))
        if not level:
            break
        contours += rings_of(level, "")
    contours = name_rings(contours, named)
    return contours, ring_precedence(contours), warnings


def pocket_area(
    fills: Sequence[FillRegion], radius: float, tolerance: float = 0.02
) -> BaseGeometry:
    """Where the tool centre may go in the pocket: the filled area shrunk by the tool radius."""
    region = unary_union([fill_geometry(f) for f in fills])
    return offset(region, -radius, tolerance)

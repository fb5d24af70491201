"""Replay a G-code program on a heightmap of the stone and check it against the design.

Our second line of defence for the first law: a program is approved only when the simulated
cut removes the design's stone, at the asked depth, inside the face, and nothing else.

    result = simulate(gcode, tool, (0, 0, 60, 40), depth=0.3, design_paths=design.paths)
    result.report.ok, result.report.reasons, result.png
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from shapely.geometry.base import BaseGeometry

from cam.simulate.errors import SimulationError
from cam.simulate.gcode import CUT, RAPID, Motion, read_gcode
from cam.simulate.heightmap import Face, Heightmap
from cam.simulate.render import render_png
from cam.simulate.report import (
    DEFAULT_MIN_IOU,
    FidelityReport,
    compare,
    engrave_region,
    polylines,
)
from cam.simulate.surface import Surface, surface_grid
from cam.simulate.tools import ToolShape, cut_radius, shape_of
from cam.toolpath import Tool

__all__ = [
    "CUT",
    "RAPID",
    "DEFAULT_TOLERANCE",
    "Face",
    "FidelityReport",
    "Heightmap",
    "Motion",
    "SimulationError",
    "SimulationResult",
    "Surface",
    "ToolShape",
    "compare",
    "cut_radius",
    "engrave_region",
    "fit_face",
    "polylines",
    "read_gcode",
    "render_png",
    "shape_of",
    "simulate",
]

# Band around the design region inside which stone may go: the contract's flattening
# tolerance (0.02 mm) plus 0.01 mm for the posts' 4-decimal rounding and the polygonal
# buffer of the region.
DEFAULT_TOLERANCE = 0.03
FIT_MARGIN = 1.0  # mm of untouched stone shown around a fitted map


def fit_face(motion: Motion, paths: Sequence[Any] | None, margin: float) -> Face:
    """The smallest face holding every move below Z0 and every design point, plus `margin`."""
    boxes = []
    cut = motion.bounds(below_z=0.0)
    if cut is not None:
        boxes.append(cut)
    pts = polylines(paths or [])
    if pts:
        allp = np.concatenate(pts)
        boxes.append((*allp.min(axis=0), *allp.max(axis=0)))
    if not boxes:
        raise SimulationError("the program cuts nothing and no design is given: nothing to show")
    b = np.array(boxes, dtype=np.float64)
    return (
        float(b[:, 0].min() - margin),
        float(b[:, 1].min() - margin),
        float(b[:, 2].max() + margin),
        float(b[:, 3].max() + margin),
    )


@dataclass(frozen=True)
class SimulationResult:
    heightmap: Heightmap
    report: FidelityReport
    png: bytes  # empty when not asked for
    motion: Motion


def simulate(
    gcode_text: str,
    tool: Tool,
    face: Face | None,
    *,
    depth: float,
    resolution: float = 0.05,
    design_paths: Sequence[Any] | None = None,
    region: BaseGeometry | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    initial: np.ndarray | None = None,
    png: bool = True,
    min_iou: float = DEFAULT_MIN_IOU,
    rotary_diameter: float | None = None,
    band_along: str = "x",
    surface: Surface | None = None,
    outline: BaseGeometry | None = None,
) -> SimulationResult:
    """Cut `gcode_text` with `tool` on `face` (xmin, ymin, xmax, ymax, machine mm) and check it.

    `face` None fits the map around every cut and the design (no edge-of-face check then).
    The design region is `region` when given (pockets, profiles), else the engraving region
    of `design_paths` (objects with `.points`/`.closed`, or (n, 2) arrays); with neither the
    report cannot be ok; `min_iou` > 0 also requires that much overlap of carved and
    region cells (by default the overlap is only reported).
    `initial` is the stone's (ny, nx) surface, flat Z0 by default. `surface` is the stone's
    top as a function z(x, y) (arrays in and out; Z0 at the crown, negative where it falls),
    for a program laid onto a curved face: the map starts from it, and every depth (too deep,
    full depth along the paths, the region the groove may take) is measured from the surface
    under the tool (`cam.simulate.surface`). `outline` (a shapely polygon, the face's shape)
    is where the stone is: stone removed past it is a cut past the face's edge.
    A rotary program (A words, G93) is read round a band of `rotary_diameter` mm wrapped along
    `band_along` (as `cam.rotary` wraps it) and replayed on the unrolled band: `face`, the
    design and the picture are then in the unrolled band's coordinates.
    Raises `SimulationError` for a program the reader cannot follow.
    """
    shape = shape_of(tool)
    motion = read_gcode(gcode_text, rotary_diameter=rotary_diameter, band_along=band_along)
    if face is None:
        if initial is not None:
            raise ValueError("an initial surface needs the face it covers")
        face = fit_face(motion, design_paths, shape.radius + FIT_MARGIN)
    if surface is not None and initial is not None:
        raise ValueError("give the stone's surface as `initial` or as `surface`, not both")
    hm = Heightmap.for_face(face, resolution, initial)
    if surface is not None:
        hm.initial[...] = hm.z[...] = surface_grid(surface, *hm.centres())
    off_face = hm.sweep(motion.start, motion.end, shape)
    if region is None and design_paths is not None:
        region = engrave_region(design_paths, shape, depth, surface)
    report = compare(
        hm,
        region,
        depth,
        tolerance,
        paths=design_paths,
        shape=shape,
        motion=motion,
        off_face=off_face,
        min_iou=min_iou,
        surface=surface,
        outline=outline,
    )
    image = render_png(hm, depth=depth, highlight=report.outside_cells) if png else b""
    return SimulationResult(hm, report, image, motion)

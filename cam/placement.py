"""Placing a design on a piece's face, and proving that the cut stays on the stone.

    placement = place(design, face, tool, mode="fit", margin=0.5)
    check_containment(design, placement, face, tool, margin=0.5)   # raises PlacementError

A placement maps the design's machine coordinates onto the face's (cam.toolpath.Placement:
scale, then rotate, then offset; the face's coordinates are described in cam.pieces.faces).
What must stay on the stone is the whole cut, tool radius included, with `margin` mm of stone
kept clear of every edge, the rim of a hole as much as the outside:

| operation   | the cut is                         | checked as                             |
|-------------|------------------------------------|----------------------------------------|
| engrave     | each path widened by the radius r  | path inside the face shrunk by margin+r |
| pocket      | the filled area                    | fill inside the face shrunk by margin   |
| profile-in  | the filled area                    | fill inside the face shrunk by margin   |
| profile-out | the filled area grown by 2r        | fill inside the face shrunk by margin+2r |
| vcarve      | the filled area (the cone's groove meets the surface on the outline) | as pocket |
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel, unary_union

from cam.design import Design
from cam.errors import DesignError, PlacementError
from cam.pieces.faces import QUAD_SEGS, Face
from cam.toolpath import Placement, Tool

__all__ = ["MODES", "centre_region", "check_containment", "place"]

MODES = ("fit", "centre", "explicit")
# how far the cut reaches beyond the geometry that is checked, in tool radii
REACH = {"engrave": 1.0, "pocket": 0.0, "profile-in": 0.0, "profile-out": 2.0, "vcarve": 0.0}
# The fit scans scales downward from the largest the face's extent allows, by this ratio, down
# to SCAN_FLOOR of it, then bisects the last step: designs that fit only in a band of scales
# (a circle round a disc's hole) are found as long as the band is wider than one step.
SCAN_RATIO = 0.85
# Round a hole the design may fit only in a narrow band of scales (a circle on a ring): there
# the top of the range is scanned in 1 % steps first, down to FINE_DOWN_TO of the top.
FINE_RATIO = 0.99
FINE_DOWN_TO = 0.3
SCAN_FLOOR = 1e-3
BISECT_STEPS = 40
FIT_BACKOFF = 1e-9  # relative
# overflow below this is float noise on a point exactly on the limit, not a cut off the stone
CONTAIN_EPS = 1e-6  # mm
# positions tried across an annulus from the hole's rim to the outer edge, then refined
RING_ANCHORS = 9
REFINE_STEPS = 24
# overflow sampling: points this far apart along what lies outside, at most SAMPLE_MAX of them
SAMPLE_STEP = 0.01
SAMPLE_MAX = 20000


@dataclass(frozen=True)
class _Cut:
    """The geometry to check, per element, in the design's own coordinates."""

    items: list[tuple[str, BaseGeometry]]
    reach: float

    def whole(self) -> BaseGeometry:
        return unary_union([g for _, g in self.items])


def centre_region(
    face: Face, tool: Tool, margin: float = 0.5, operation: str = "engrave"
) -> BaseGeometry:
    """Where the tool centre may go on `face` once the cut is contained: the boundary shrunk
    by margin + tool radius (a V-bit's tip runs into the corners of its region: margin only).
    """
    inset = 0.0 if operation == "vcarve" else tool.radius
    return _shrunk(face, margin + inset)


def place(
    design: Design,
    face: Face,
    tool: Tool,
    *,
    mode: str = "fit",
    scale: float | None = None,
    rotation_deg: float = 0.0,
    offset: Sequence[float] | None = None,
    margin: float = 0.5,
    operation: str = "engrave",
) -> Placement:
    """The placement of `design` on `face`, checked; PlacementError when it cannot fit.

    fit: the largest uniform scale (at `rotation_deg`) that keeps the cut inside the face less
    the margin; the design's centre goes on `offset` when given, else on the face's centre,
    or, on a face with a hole, wherever on the ring between hole and rim lets it be largest.
    centre: the design's centre on the face's centre (or `offset`), at `scale` (default 1).
    explicit: `scale` (default 1), `rotation_deg` and `offset` (default 0, 0) as given.
    """
    _check_args(mode, scale, rotation_deg, offset, margin)
    cut = _cut(design, operation)
    if mode == "explicit":
        ox, oy = offset if offset is not None else (0.0, 0.0)
        placement = Placement(scale or 1.0, rotation_deg, float(ox), float(oy))
    elif mode == "centre":
        anchor = tuple(offset) if offset is not None else (0.0, 0.0)
        placement = _anchored(cut, scale or 1.0, rotation_deg, anchor)
    else:
        placement = _fit(design, cut, face, tool, rotation_deg, offset, margin)
    check_containment(design, placement, face, tool, margin, operation=operation)
    return placement


def check_containment(
    design: Design,
    placement: Placement,
    face: Face,
    tool: Tool,
    margin: float = 0.5,
    *,
    operation: str = "engrave",
) -> None:
    """Raise PlacementError naming the worst overflow (mm, edge, element, where) when any part
    of the cut, tool radius and margin included, leaves the face."""
    cut = _cut(design, operation)
    if _shrunk(face, margin + cut.reach * tool.radius).is_empty:
        raise _too_narrow(face, tool, margin)
    allowed = _shrunk(face, margin + cut.reach * tool.radius - CONTAIN_EPS)
    move = _mover(placement)
    worst: tuple[float, str, float, float] | None = None
    for element, geom in cut.items:
        placed = shapely.transform(geom, move)
        if not np.isfinite(shapely.get_coordinates(placed)).all():
            raise DesignError(f"element '{element}' has coordinates that are not finite numbers")
        if allowed.contains(placed):
            continue
        depth, x, y = _deepest(placed.difference(allowed), allowed)
        if worst is None or depth > worst[0]:
            worst = (depth, element, x, y)
    if worst is None:
        return
    depth, element, x, y = worst
    raise PlacementError(
        f"design overflows face '{face.name}' by {depth:.2f} mm over the {_edge(face, x, y)} at "
        f"element '{element}', near X{x:.1f} Y{y:.1f} (placement {placement.describe()}; "
        f"tool radius {tool.radius:g} mm and margin {margin:g} mm kept clear)"
    )


# -- the fit --------------------------------------------------------------------------------------


def _fit(
    design: Design,
    cut: _Cut,
    face: Face,
    tool: Tool,
    rotation_deg: float,
    offset: Sequence[float] | None,
    margin: float,
) -> Placement:
    allowed = _shrunk(face, margin + cut.reach * tool.radius)
    if allowed.is_empty:
        raise _too_narrow(face, tool, margin)
    shapely.prepare(allowed)
    centre = _centre(cut)
    a = math.radians(rotation_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    base = shapely.transform(cut.whole(), lambda p: (p - centre) @ rot.T)
    bx0, by0, bx1, by1 = base.bounds
    ax0, ay0, ax1, ay1 = allowed.bounds
    extents = [(ax1 - ax0) / w for w in (bx1 - bx0,) if w > 0]
    extents += [(ay1 - ay0) / h for h in (by1 - by0,) if h > 0]
    s_top = min(extents) if extents else 1.0  # a single dot has no size to fit

    def fits(s: float, anchor: tuple[float, float]) -> bool:
        return bool(allowed.contains(shapely.transform(base, lambda p: p * s + anchor)))

    def best(anchor: tuple[float, float]) -> float:
        fine = face.has_hole and anchor == (0.0, 0.0)
        return _largest_scale(lambda s: fits(s, anchor), s_top, fine)

    if offset is not None:
        anchors = [(float(offset[0]), float(offset[1]))]
    else:
        anchors = [(0.0, 0.0)] + _ring_anchors(face, margin + cut.reach * tool.radius)
    scored = [(best(p), p) for p in anchors]
    s, anchor = max(scored, key=lambda t: t[0])  # first wins a tie: the centre
    if offset is None and face.has_hole and anchor != (0.0, 0.0):
        s, anchor = _refine_on_ring(best, anchors, s, anchor)
    if s <= 0.0:
        raise PlacementError(
            f"design '{design.title}' cannot fit face '{face.name}' at any scale: however small, "
            f"its cut with tool {tool.name} (radius {tool.radius:g} mm) and a {margin:g} mm margin "
            "crosses an edge or the hole"
        )
    return _anchored(cut, s, rotation_deg, anchor)


def _largest_scale(fits: Callable[[float], bool], s_top: float, fine: bool = False) -> float:
    """The largest s <= s_top with fits(s), by a downward scan then bisection; 0 if none.

    fine: scan the top of the range in small steps first, for a design that fits only in a
    narrow band of scales (a circle on a ring).
    """
    s, above = s_top * (1.0 - FIT_BACKOFF), None  # a design that exactly touches still fits
    while s >= s_top * SCAN_FLOOR:
        if fits(s):
            break
        ratio = FINE_RATIO if fine and s > s_top * FINE_DOWN_TO else SCAN_RATIO
        above, s = s, s * ratio
    else:
        return 0.0
    if above is None:
        return s
    lo, hi = s, above
    for _ in range(BISECT_STEPS):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    # a hair inside the limit, so the same placement computed another way still fits
    return max(lo * (1.0 - FIT_BACKOFF), s)


def _ring_anchors(face: Face, inset: float) -> list[tuple[float, float]]:
    """Points on the +Y axis across the ring between the hole's rim and the outer edge (the
    design reads upright at the top of a disc)."""
    if not face.has_hole:
        return []
    hole_top = max(y for _, y in face.boundary.interiors[0].coords) + inset
    outer_top = face.bounds[3] - inset
    if outer_top <= hole_top:
        return []
    ys = np.linspace(hole_top, outer_top, RING_ANCHORS + 2)[1:-1]
    return [(0.0, float(y)) for y in ys]


def _refine_on_ring(
    best: Callable[[tuple[float, float]], float],
    anchors: list[tuple[float, float]],
    s: float,
    anchor: tuple[float, float],
) -> tuple[float, tuple[float, float]]:
    """Golden-section search of the anchor's height between its two neighbours."""
    ys = sorted(y for _, y in anchors[1:])
    i = ys.index(anchor[1])
    lo, hi = ys[max(i - 1, 0)], ys[min(i + 1, len(ys) - 1)]
    g = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(REFINE_STEPS):
        y1, y2 = hi - g * (hi - lo), lo + g * (hi - lo)
        s1, s2 = best((0.0, y1)), best((0.0, y2))
        for sv, yv in ((s1, y1), (s2, y2)):
            if sv > s:
                s, anchor = sv, (0.0, yv)
        lo, hi = (lo, y2) if s1 >= s2 else (y1, hi)
    return s, anchor


def _anchored(cut: _Cut, scale: float, rotation_deg: float, anchor: Sequence[float]) -> Placement:
    """The placement that puts the design's centre on `anchor`: off = anchor - R (s c)."""
    cx, cy = _centre(cut)
    a = math.radians(rotation_deg)
    rx = scale * (math.cos(a) * cx - math.sin(a) * cy)
    ry = scale * (math.sin(a) * cx + math.cos(a) * cy)
    return Placement(scale, rotation_deg, float(anchor[0]) - rx, float(anchor[1]) - ry)


# -- geometry helpers -----------------------------------------------------------------------------


def _cut(design: Design, operation: str) -> _Cut:
    if operation not in REACH:
        raise PlacementError(f"unknown operation {operation!r}: one of {', '.join(REACH)}")
    items: list[tuple[str, BaseGeometry]] = []
    if operation == "engrave":
        for path in design.paths:
            pts = np.asarray(path.points, dtype=np.float64).reshape(-1, 2)
            if len(pts) == 1:
                items.append((path.element_id, Point(pts[0])))
            elif len(pts) > 1:
                ring = np.vstack([pts, pts[:1]]) if path.closed and len(pts) > 2 else pts
                items.append((path.element_id, LineString(ring)))
    else:
        from cam.ops.regions import fill_geometry  # the fill rule, as the pocket applies it

        items = [(f.element_id, fill_geometry(f)) for f in design.fills]
        items = [(e, g) for e, g in items if not g.is_empty]
    if not items:
        what = "paths" if operation == "engrave" else "filled regions"
        raise DesignError(f"nothing to place: the design has no {what} for {operation}")
    return _Cut(items, REACH[operation])


def _centre(cut: _Cut) -> np.ndarray:
    x0, y0, x1, y1 = cut.whole().bounds
    return np.array([(x0 + x1) / 2.0, (y0 + y1) / 2.0])


def _mover(p: Placement) -> Callable[[np.ndarray], np.ndarray]:
    a = math.radians(p.rotation_deg)
    m = p.scale * np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    off = np.array([p.offset_x, p.offset_y])
    return lambda pts: pts @ m.T + off


def _shrunk(face: Face, distance: float) -> BaseGeometry:
    return face.boundary.buffer(-distance, quad_segs=QUAD_SEGS) if distance > 0 else face.boundary


def _deepest(outside: BaseGeometry, allowed: BaseGeometry) -> tuple[float, float, float]:
    """(distance beyond `allowed`, x, y) of the farthest sampled point of `outside`."""
    step = max(SAMPLE_STEP, outside.length / SAMPLE_MAX) if outside.length > 0 else SAMPLE_STEP
    pts = [shapely.get_coordinates(shapely.segmentize(outside, step))]
    for poly in getattr(outside, "geoms", [outside]):
        if poly.geom_type == "Polygon" and poly.area > 0:
            pts.append(np.asarray(polylabel(poly, tolerance=SAMPLE_STEP).coords))
    coords = np.concatenate(pts) if pts else np.zeros((0, 2))
    if len(coords) == 0:  # a sliver with no extent: it only touches the edge
        x0, y0, _, _ = outside.bounds
        return 0.0, x0, y0
    d = shapely.distance(shapely.points(coords), allowed)
    k = int(np.argmax(d))
    return float(d[k]), float(coords[k, 0]), float(coords[k, 1])


def _edge(face: Face, x: float, y: float) -> str:
    """Which edge of the face the point (x, y) has crossed: the nearest ring of the boundary."""
    p = Point(x, y)
    holes = [(ring.distance(p), "inner edge (hole)") for ring in face.boundary.interiors]
    outer = face.boundary.exterior.distance(p)
    if holes and min(holes)[0] < outer:
        return min(holes)[1]
    xmin, ymin, xmax, ymax = face.bounds
    side = int(np.argmax([xmin - x, x - xmax, ymin - y, y - ymax]))
    return f"outer edge ({('left', 'right', 'bottom', 'top')[side]})"


def _too_narrow(face: Face, tool: Tool, margin: float) -> PlacementError:
    return PlacementError(
        f"face '{face.name}' has no room for the tool: {face.describe()} is narrower than the "
        f"tool {tool.name} ({tool.diameter:g} mm) plus a {margin:g} mm margin on each side"
    )


def _check_args(
    mode: str,
    scale: float | None,
    rotation_deg: float,
    offset: Sequence[float] | None,
    margin: float,
) -> None:
    if mode not in MODES:
        raise PlacementError(f"unknown placement mode {mode!r}: one of {', '.join(MODES)}")
    if scale is not None and not (math.isfinite(scale) and scale > 0):
        raise PlacementError(f"scale must be a positive number, got {scale!r}")
    if mode == "fit" and scale is not None:
        raise PlacementError("fit chooses the scale: give mode 'centre' or 'explicit' with a scale")
    if not math.isfinite(rotation_deg):
        raise PlacementError(f"rotation must be a finite number of degrees, got {rotation_deg!r}")
    if offset is not None and (len(offset) != 2 or not all(math.isfinite(v) for v in offset)):
        raise PlacementError(f"offset must be two finite numbers (X, Y mm), got {offset!r}")
    if not (math.isfinite(margin) and margin >= 0):
        raise PlacementError(f"margin must be a number of mm >= 0, got {margin!r}")

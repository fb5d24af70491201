"""The fidelity report: does the simulated cut match what the design asks, and nothing else?

The design region is the stone that SHOULD go: for engraving, the design's paths buffered by
the radius of the groove the tool leaves at the requested depth. A cell counts as carved when
more than `eps` of stone left it. The checks, each a reason when it fails:

- outside: no carved cell lies outside the region grown by the tolerance band;
- depth: nothing is cut deeper than the requested depth (plus `depth_tolerance`);
- full depth: at every point of every design path (sampled every cell width) the tool came
  to the requested depth (minus `depth_tolerance`) within `tolerance` of the point: the
  tool centre may run that far from the path. Measured exactly against the moves, not the
  cells, so a sharp V-bit's narrow bottom is judged as precisely as a ball's;
- overlap: carved area and region agree (IoU >= `min_iou`; reported only by default);
- motion: no rapid below the stone's top (a crash), no cut with the spindle stopped, no cut
  reaching past the edge of the face.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

from cam.simulate.gcode import Motion
from cam.simulate.heightmap import Heightmap, _split
from cam.simulate.probe import tool_heights_at
from cam.simulate.surface import Surface, shifted_groove, surface_at, uphill
from cam.simulate.tools import ToolShape

__all__ = ["FidelityReport", "compare", "engrave_region", "polylines"]

DEFAULT_EPS = 0.001  # mm of removal below which a cell counts as untouched: float noise, dust
DEFAULT_DEPTH_TOLERANCE = 0.01  # mm: the machine's own repeatability is about this
# The overlap is reported, not judged, unless a caller asks: outside + full depth + depth
# already say "this design and nothing else", and on grooves a few cells wide (a sharp V-bit
# at 0.05 mm is 0.06 mm wide) the raster IoU of a correct cut can fall well below 1.
DEFAULT_MIN_IOU = 0.0
HISTOGRAM_BINS = 10


@dataclass(frozen=True)
class FidelityReport:
    """What the simulated cut did against what the design asks. Areas in mm^2, depths in mm."""

    ok: bool
    reasons: tuple[str, ...]
    depth: float  # requested
    tolerance: float  # band around the region, mm
    max_depth: float
    carved_mm2: float
    region_mm2: float | None
    iou: float | None
    outside_mm2: float | None
    outside_max_depth: float | None
    uncut_mm: float | None  # length of design path not cut to full depth
    depth_histogram: tuple[tuple[float, float, float], ...]  # (from mm, to mm, area mm^2)
    rapid_cuts: tuple[tuple[int, float], ...] = ()  # (line, lowest Z) of rapids into stone
    spindle_off_cuts: tuple[int, ...] = ()  # lines cutting with the spindle stopped
    off_face_cuts: tuple[int, ...] = ()  # lines whose cut reaches past the face
    # a rotary program: the band's diameter (mm) and the axis it was unrolled along
    rotary_diameter: float | None = None
    band_along: str | None = None
    # depths measured from a curved surface (a dome), not from a flat stone at Z0
    curved_surface: bool = False
    # (ny, nx) bool: cells carved outside the region and its band, for the picture; not
    # part of the record
    outside_cells: np.ndarray | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("outside_cells")
        return doc

    def summary(self) -> str:
        head = "cut matches the design" if self.ok else "cut REFUSED"
        lines = [
            f"{head}: max depth {self.max_depth:.3f} mm (asked {self.depth:.3f}), "
            f"carved {self.carved_mm2:.2f} mm2"
            + (f", IoU {self.iou:.3f}" if self.iou is not None else "")
            + (f", outside {self.outside_mm2:.3f} mm2" if self.outside_mm2 is not None else "")
        ]
        if self.rotary_diameter is not None:
            lines.append(
                f"  rotary program: A axis round a band of diameter {self.rotary_diameter:.3f} "
                f"mm, simulated on the band unrolled (along {self.band_along})"
            )
        if self.curved_surface:
            lines.append(
                "  on a curved face: depths measured from the stone's surface under the tool"
            )
        lines += [f"  - {r}" for r in self.reasons]
        return "\n".join(lines)


def polylines(paths: Iterable[Any]) -> list[np.ndarray]:
    """(n, 2) arrays from design paths (objects with `.points` and `.closed`) or arrays;
    a closed path gets its first point repeated at the end."""
    out = []
    for p in paths:
        pts = np.asarray(getattr(p, "points", p), dtype=np.float64).reshape(-1, 2)
        if getattr(p, "closed", False) and len(pts) > 2:
            pts = np.vstack([pts, pts[:1]])
        if len(pts):
            out.append(pts)
    return out


def engrave_region(
    paths: Iterable[Any], shape: ToolShape, depth: float, surface: Surface | None = None
) -> BaseGeometry:
    """The stone an engraving of `paths` at `depth` removes: the paths buffered by the width
    of the groove at that depth (polygonal, so very slightly inside the true region).

    On a curved `surface` (depth below the local surface, the tool dropped onto the stone)
    the groove each point leaves on its slope is added: it lies a little uphill of the path
    (`cam.simulate.surface`)."""
    radius = shape.width_radius(depth)
    if radius <= 0:
        raise ValueError(f"depth must be positive, got {depth!r}")
    lines = [pts for pts in polylines(paths) if len(pts) > 1]
    dots = [Point(pts[0]) for pts in polylines(paths) if len(pts) == 1]
    parts: list[BaseGeometry] = [Point(d).buffer(radius, quad_segs=16) for d in dots]
    if lines:
        geom = MultiLineString(lines) if len(lines) > 1 else LineString(lines[0])
        parts.append(geom.buffer(radius, quad_segs=16))
    if not parts:
        raise ValueError("no design paths to engrave")
    if surface is not None:
        parts.append(shifted_groove(polylines(paths), shape, depth, surface))
    return shapely.union_all(parts)


def compare(
    heightmap: Heightmap,
    design_region: BaseGeometry | None,
    depth: float,
    tolerance: float,
    *,
    paths: Sequence[Any] | None = None,
    shape: ToolShape | None = None,
    motion: Motion | None = None,
    off_face: np.ndarray | None = None,
    eps: float = DEFAULT_EPS,
    depth_tolerance: float = DEFAULT_DEPTH_TOLERANCE,
    min_iou: float = DEFAULT_MIN_IOU,
    surface: Surface | None = None,
    outline: BaseGeometry | None = None,
) -> FidelityReport:
    """Check the carved `heightmap` against `design_region` (None: the outside check cannot
    be made, and the report is not ok). `paths` (design polylines) and `shape` enable the
    full-depth check; `motion` (and `off_face`, from `Heightmap.sweep`) the motion checks.

    `surface` is the stone's z(x, y) the map started from (its `initial`): depths are then
    measured from the surface under the tool, exactly at the tip and the path's points.
    `outline` is the face's shape: stone removed past it is a cut past the face's edge."""
    if not depth > 0 or tolerance < 0:
        raise ValueError(f"depth must be > 0 and tolerance >= 0, got {depth!r}, {tolerance!r}")
    removed = heightmap.removed
    carved = removed > eps
    cell = heightmap.cell_area
    max_depth = float(removed.max()) if removed.size else 0.0
    if motion is not None and len(motion):
        # the tip itself is the deepest point of the tool; a sharp V-bit's tip may pass
        # between cell centres, so the moves are read as well as the map
        max_depth = max(max_depth, _tip_depth(heightmap, motion, surface))
    reasons: list[str] = []
    if max_depth > depth + depth_tolerance:
        reasons.append(
            f"cuts {max_depth:.3f} mm deep: {max_depth - depth:.3f} mm deeper than the "
            f"requested {depth:.3f} mm"
        )
    area = _region_checks(heightmap, carved, design_region, tolerance, min_iou, reasons)
    uncut = None
    if paths is not None:
        floor = depth - depth_tolerance
        uncut, air = _uncut_length(
            heightmap, paths, shape, floor, tolerance, motion, surface, depth
        )
        if uncut > 0:
            below = " below the stone's surface" if surface is not None else ""
            reasons.append(
                f"{uncut:.2f} mm of the design's paths are not cut to full depth{below}"
                + (
                    f"; along {air:.2f} mm the tool passes above the stone (cutting air "
                    "where the surface falls away: the program does not follow it)"
                    if air > 0
                    else ""
                )
            )
    rapid, spindle, face = _motion_checks(motion, off_face, float(heightmap.initial.max()))
    past = 0.0
    if outline is not None:
        face, past = _past_outline(heightmap, carved, outline, shape, motion, face)
    if rapid:
        reasons.append(
            f"{len(rapid)} rapid move(s) into the stone, first at line {rapid[0][0]} "
            f"(Z {rapid[0][1]:.3f})"
        )
    if spindle:
        reasons.append(f"cutting with the spindle stopped, first at line {spindle[0]}")
    if face or past > 0:
        outside = f", {past:.3f} mm2 past its outline" if past > 0 else ""
        first = f", first at line {face[0]}" if face else ""
        reasons.append(f"cut reaches past the edge of the face{outside}{first}")
    return FidelityReport(
        ok=not reasons,
        reasons=tuple(reasons),
        depth=depth,
        tolerance=tolerance,
        max_depth=max_depth,
        carved_mm2=float(carved.sum() * cell),
        depth_histogram=_histogram(removed[carved], depth, cell),
        uncut_mm=uncut,
        rapid_cuts=rapid,
        spindle_off_cuts=spindle,
        off_face_cuts=face,
        rotary_diameter=motion.rotary_diameter if motion is not None else None,
        band_along=motion.band_along if motion is not None else None,
        curved_surface=surface is not None,
        **area,
    )


def _region_checks(
    hm: Heightmap,
    carved: np.ndarray,
    region: BaseGeometry | None,
    tolerance: float,
    min_iou: float,
    reasons: list[str],
) -> dict[str, Any]:
    none = {
        "region_mm2": None,
        "iou": None,
        "outside_mm2": None,
        "outside_max_depth": None,
        "outside_cells": None,
    }
    if region is None:
        reasons.append("no design region given: cannot confirm the cut stays inside the design")
        return none
    xs, ys = hm.centres()
    rows, cols = np.nonzero(carved)
    px, py = xs[cols], ys[rows]
    shapely.prepare(region)
    inside = shapely.contains_xy(region, px, py)
    # the region's area is counted in cells too, so the IoU compares like with like
    region_cells = _cells_in(hm, region)
    band = region.buffer(tolerance, quad_segs=16) if tolerance > 0 else region
    shapely.prepare(band)
    # cells already inside the region need no second test against the larger band
    in_band = inside.copy()
    in_band[~inside] = shapely.contains_xy(band, px[~inside], py[~inside])
    cell = hm.cell_area
    outside = ~in_band
    outside_mm2 = float(outside.sum() * cell)
    outside_max = float(hm.removed[rows[outside], cols[outside]].max()) if outside.any() else 0.0
    region_mm2 = region_cells * cell
    hit = float(inside.sum() * cell)
    union = region_mm2 + carved.sum() * cell - hit
    iou = hit / union if union > 0 else 0.0
    if outside_mm2 > 0:
        where = np.argmax(hm.removed[rows, cols] * outside)
        reasons.append(
            f"stone removed outside the design: {outside_mm2:.3f} mm2, up to "
            f"{outside_max:.3f} mm deep (e.g. at X{px[where]:.2f} Y{py[where]:.2f})"
        )
    if iou < min_iou:
        reasons.append(f"carved area matches the design region poorly: IoU {iou:.3f} < {min_iou}")
    cells = np.zeros(carved.shape, dtype=bool)
    cells[rows[outside], cols[outside]] = True
    return {
        "region_mm2": region_mm2,
        "iou": iou,
        "outside_mm2": outside_mm2,
        "outside_max_depth": outside_max,
        "outside_cells": cells,
    }


def _cells_in(hm: Heightmap, region: BaseGeometry) -> int:
    """How many cell centres of the map lie in the (prepared) `region`."""
    if region.is_empty:
        return 0
    xs, ys = hm.centres()
    x0, y0, x1, y1 = region.bounds
    cx = xs[(xs >= x0) & (xs <= x1)]
    cy = ys[(ys >= y0) & (ys <= y1)]
    if not len(cx) or not len(cy):
        return 0
    gx, gy = np.meshgrid(cx, cy)
    return int(shapely.contains_xy(region, gx.ravel(), gy.ravel()).sum())


def _uncut_length(
    hm: Heightmap,
    paths: Sequence[Any],
    shape: ToolShape | None,
    floor: float,
    lateral: float,
    motion: Motion | None,
    surface: Surface | None = None,
    depth: float = 0.0,
) -> tuple[float, float]:
    """Length of design path where the tool never came within `lateral` mm at `floor` depth,
    and the part of it where the tool went below the stone's top but not into the stone
    under the path (it cut air: the surface falls away there).

    With the motion and the tool, each sample of the path is measured exactly against the
    moves (`probe`); on a curved `surface` at the point uphill of it where the tool, dropped
    onto the slope and lowered `depth`, cuts deepest. Without, from the cell holding it,
    allowing for the depth the tool's profile loses between the path and the cell's centre
    (coarse for sharp V-bits)."""
    lines = polylines(paths)
    if not lines:
        return 0.0, 0.0
    step = hm.resolution
    sampled = [_resample(pts, step) for pts in lines]
    samples = np.concatenate([s for s, _ in sampled])
    weight = np.concatenate([w for _, w in sampled])
    air = np.zeros(len(samples), dtype=bool)
    if motion is not None and shape is not None and len(motion):
        top = float(hm.initial.max())
        if surface is not None:
            slope, u = uphill(surface, samples)
            samples = samples + shape.on_slope(depth, slope).contact[:, None] * u
            surface_z = surface_at(surface, samples)
        else:
            surface_z = _initial_at(hm, samples)
        surface_z[np.isnan(hm.sample(samples))] = np.nan  # off the map: never counted as cut
        reached = tool_heights_at(
            samples, motion.start, motion.end, shape, top=top, lateral=lateral
        )
        got = surface_z - np.minimum(surface_z, reached)
        air = (reached < top) & ~(got > DEFAULT_EPS)
    else:
        off = step * math.sqrt(0.5) + lateral
        slack = 0.0 if shape is None else float(shape.profile(np.array(off)))
        got = hm.sample(samples) + slack
    short = ~(got >= floor)  # nan (off the map) counts as uncut
    return float(weight[short].sum()), float(weight[short & air].sum())


def _tip_depth(hm: Heightmap, motion: Motion, surface: Surface | None = None) -> float:
    """Deepest the tool's tip went below the stone's surface under it, over every move's ends
    (a straight move is lowest at one of them; on a curved surface, at a piece's ends,
    pieces as long as a cell)."""
    if surface is None:
        ends = np.concatenate([motion.start, motion.end])
    else:
        a, b = _split(motion.start, motion.end, hm.resolution, math.inf)
        ends = np.concatenate([a, b])
    below = ends[:, 2] < float(hm.initial.max())
    if not below.any():
        return 0.0
    low = ends[below]
    under = _initial_at(hm, low[:, :2]) if surface is None else surface_at(surface, low[:, :2])
    return float(max((under - low[:, 2]).max(), 0.0))


def _initial_at(hm: Heightmap, xy: np.ndarray) -> np.ndarray:
    """The stone's surface before cutting at the cells holding `xy` (clamped to the map)."""
    ny, nx = hm.initial.shape
    i = np.clip(np.floor((xy[:, 0] - hm.xmin) / hm.resolution), 0, nx - 1).astype(np.int64)
    j = np.clip(np.floor((xy[:, 1] - hm.ymin) / hm.resolution), 0, ny - 1).astype(np.int64)
    return hm.initial[j, i]


def _past_outline(
    hm: Heightmap,
    carved: np.ndarray,
    outline: BaseGeometry,
    shape: ToolShape | None,
    motion: Motion | None,
    face: tuple[int, ...],
) -> tuple[tuple[int, ...], float]:
    """Stone removed past the face's `outline` (a disc's rim, its hole): the lines that
    removed it added to `face` (those past the map's edge), and its area, mm^2."""
    xs, ys = hm.centres()
    rows, cols = np.nonzero(carved)
    shapely.prepare(outline)
    past = ~shapely.contains_xy(outline, xs[cols], ys[rows])
    if not past.any():
        return face, 0.0
    lines: set[int] = set(face)
    if motion is not None and shape is not None and len(motion):
        # the segments reaching a cell past the outline are the culprits
        low = np.minimum(motion.start[:, 2], motion.end[:, 2]) < float(hm.initial.max())
        cut = np.flatnonzero(low)
        segs = shapely.linestrings(np.stack([motion.start[cut, :2], motion.end[cut, :2]], axis=1))
        points = shapely.points(xs[cols[past]], ys[rows[past]])
        hit = shapely.STRtree(segs).query(
            points, predicate="dwithin", distance=shape.radius + hm.resolution
        )
        lines |= {int(v) for v in motion.line[cut[np.unique(hit[1])]]}
    return tuple(sorted(lines)), float(past.sum() * hm.cell_area)


def _resample(pts: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Points every <= `step` along a polyline and the path length each one stands for."""
    if len(pts) == 1:  # a dot stands for one sample's worth of path
        return pts, np.full(1, step)
    seg = np.diff(pts, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    n = np.maximum(1, np.ceil(lengths / step)).astype(np.int64)
    idx = np.repeat(np.arange(len(seg)), n)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(n) - n, n)
    t = (k / n[idx])[:, None]
    samples = np.vstack([pts[idx] + t * seg[idx], pts[-1:]])
    weight = np.append(lengths[idx] / n[idx], 0.0)
    return samples, weight


def _motion_checks(
    motion: Motion | None, off_face: np.ndarray | None, top: float
) -> tuple[tuple[tuple[int, float], ...], tuple[int, ...], tuple[int, ...]]:
    if motion is None or not len(motion):
        return (), (), ()
    low_z = np.minimum(motion.start[:, 2], motion.end[:, 2])
    below = low_z < top
    # a rapid straight up out of the groove removes nothing; any other rapid in stone crashes
    lift = (motion.end[:, 2] > motion.start[:, 2]) & np.all(
        motion.start[:, :2] == motion.end[:, :2], axis=1
    )
    rapid = below & motion.is_rapid & ~lift
    rapid_lines: dict[int, float] = {}
    for line, z in zip(motion.line[rapid].tolist(), low_z[rapid].tolist(), strict=True):
        rapid_lines[line] = min(z, rapid_lines.get(line, z))
    spindle = np.unique(motion.line[below & ~motion.spindle])
    face = np.unique(motion.line[off_face]) if off_face is not None else np.array([], int)
    return (
        tuple(rapid_lines.items()),
        tuple(int(v) for v in spindle),
        tuple(int(v) for v in face),
    )


def _histogram(
    depths: np.ndarray, depth: float, cell: float
) -> tuple[tuple[float, float, float], ...]:
    """Carved area per band of depth: ten bands from 0 to the requested depth, then deeper."""
    deepest = float(depths.max()) if depths.size else 0.0
    edges = np.append(np.linspace(0.0, depth, HISTOGRAM_BINS + 1), max(deepest, depth + 1e-6))
    counts, _ = np.histogram(depths, bins=edges)
    return tuple(
        (float(lo), float(hi), float(c * cell))
        for lo, hi, c in zip(edges[:-1], edges[1:], counts, strict=True)
    )

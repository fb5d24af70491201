"""V-carving (阴刻 with a V-bit): filled regions cut by a cone whose depth follows their width.

At a point of the region's medial axis the largest inscribed circle has radius r; a V-bit of
included angle a and tip radius t whose tip runs there at depth (r - t) / tan(a / 2) opens a
groove exactly r wide at the surface, touching the outline on both sides. Running the tip
along the whole medial axis carves the region with sharp walls meeting the stone's surface
on the outline. The medial axis is found from a dense sampling of the outline: the vertices
of its Voronoi diagram that lie inside the region, joined by the Voronoi ridges between them;
r at each point is its distance to the true outline (never to the samples), so the depth
never exceeds what the outline allows.

Depth is capped at `max_depth`. Where the cap is reached (r > cap width w = t + max_depth
tan(a/2)) the cone leaves a floor at the cap depth that the axis alone does not clear: it is
cleared with contour-parallel rings inside the region shrunk by w, at a stepover that keeps
the ridges between rings below `scallop`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import shapely
from scipy.spatial import Voronoi
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from cam.design import FillRegion
from cam.errors import DesignError, ToolError
from cam.ops.emit import AIR_CLEARANCE, Contour, Linker
from cam.ops.passes import CutSettings, pass_depths, ramp_feed
from cam.ops.regions import fill_geometry, offset, polygons, rings_of
from cam.toolpath import CuttingParams, Move, MoveKind, Tool, ToolKind, Toolpath

__all__ = ["VCarveOptions", "medial_axis", "vcarve_toolpath"]

MAX_SAMPLES = 200_000  # outline samples: beyond, the Voronoi diagram costs seconds
MAX_RINGS = 25_000  # safety stop on clearing offsets


@dataclass(frozen=True)
class VCarveOptions:
    """max_depth: mm, the cap; spacing: mm between outline samples (and between points along
    the axis); scallop: mm, the ridge left between clearing rings on the capped floor."""

    max_depth: float
    safe_z: float = 3.0
    tolerance: float = 0.02
    spacing: float = 0.05
    scallop: float = 0.05


def medial_axis(region: BaseGeometry, spacing: float) -> list[np.ndarray]:
    """Chains of the region's (approximate) medial axis: polylines (n, 2), each point at most
    `spacing` from the next."""
    samples = _outline_samples(region, spacing)
    if len(samples) < 4:
        return []
    vor = Voronoi(samples)
    inside = shapely.contains_xy(region, vor.vertices[:, 0], vor.vertices[:, 1])
    ridges = np.array([r for r in vor.ridge_vertices if -1 not in r], dtype=np.int64)
    if not len(ridges):
        return []
    ridges = ridges[inside[ridges].all(axis=1)]
    chains = _chains(ridges)
    if not chains and inside.any():  # a disc: every vertex at the centre, no ridge between
        centre = vor.vertices[inside][
            np.argmax(shapely.distance(region.boundary, shapely.points(vor.vertices[inside])))
        ]
        return [centre[None, :]]
    return [_densify(vor.vertices[c], spacing) for c in chains]


def vcarve_toolpath(
    fills: Sequence[FillRegion], tool: Tool, params: CuttingParams, options: VCarveOptions
) -> tuple[Toolpath, list[str]]:
    """The V-carve of the filled regions and its warnings, or `ToolError` / `DesignError`."""
    if tool.kind is not ToolKind.VBIT or not 0.0 < tool.angle_deg < 180.0:
        raise ToolError(
            f"V-carving needs a V-bit with an angle; {tool.name} is a {tool.kind.value}"
        )
    if not (math.isfinite(options.max_depth) and options.max_depth > 0):
        raise ToolError(f"max depth must be a positive number of mm, got {options.max_depth!r}")
    region = unary_union([fill_geometry(f) for f in fills])
    if region.is_empty:
        raise DesignError("nothing to carve: V-carving cuts filled regions and the design has none")
    tan_half = math.tan(math.radians(tool.angle_deg) / 2.0)
    tip = tool.tip_diameter / 2.0
    warnings: list[str] = []
    full = (tool.radius - tip) / tan_half  # deeper, the cone's widest part is buried
    if options.max_depth > full + 1e-9:
        warnings.append(
            f"V-carve depth capped at {full:.3f} mm, not {options.max_depth:g} mm: deeper, "
            f"{tool.name} ({tool.diameter:g} mm) cannot open the groove wide enough"
        )
        options = replace(options, max_depth=full)
    cap_w = tip + options.max_depth * tan_half  # half-width of the groove at the cap depth
    settings = _settings(params)
    levels = pass_depths(options.max_depth, params.step_down)
    linker = Linker(options.safe_z, settings)
    chains = _order([c for p in polygons(region) for c in medial_axis(p, options.spacing)])
    depths = [_depth(region, c, tip, tan_half, options.max_depth) for c in chains]
    top = 0.0
    for level in levels:
        for pts, d in zip(chains, depths, strict=True):
            if d.max() > top + 1e-9:  # this chain still has stone above its depth
                _cut_chain(linker, pts, np.minimum(d, level), settings, options.safe_z)
        top = level
    rings, floor_warnings = _floor_rings(region, cap_w, tip, tan_half, options)
    warnings += floor_warnings
    for ring in rings:
        linker.cut(ring.points, True, 0.0, levels)
    linker.finish()
    deepest = max((float(d.max()) for d in depths), default=0.0)
    if rings:
        deepest = options.max_depth
    tp = Toolpath.from_arrays(
        "vcarve", tool, params, max(deepest, 1e-6), len(levels), options.safe_z, linker.arrays()
    )
    return tp, warnings


def _outline_samples(region: BaseGeometry, spacing: float) -> np.ndarray:
    chunks = []
    for poly in polygons(region):
        for ring in (poly.exterior, *poly.interiors):
            n = max(8, math.ceil(ring.length / spacing))
            if n > MAX_SAMPLES:
                raise DesignError(
                    f"outline of {ring.length:.0f} mm is too long to V-carve at "
                    f"{spacing:g} mm sampling"
                )
            pts = shapely.line_interpolate_point(ring, np.arange(n) * ring.length / n)
            chunks.append(shapely.get_coordinates(pts))
    pts = np.unique(np.concatenate(chunks), axis=0) if chunks else np.zeros((0, 2))
    if len(pts) > MAX_SAMPLES:
        raise DesignError(f"{len(pts)} outline samples is too many to V-carve")
    return pts


def _chains(edges: np.ndarray) -> list[list[int]]:
    """Split a graph (edges (m, 2) of vertex ids) into chains between branch and end points
    (and loops)."""
    adj: dict[int, list[int]] = {}
    for a, b in edges.tolist():
        adj.setdefault(a, []).append(b)
        adj.setdefault(b, []).append(a)
    used: set[tuple[int, int]] = set()
    chains = []
    starts = [v for v, n in adj.items() if len(n) != 2] + list(adj)  # ends first, loops last
    for s in starts:
        for nxt in adj[s]:
            if (s, nxt) in used:
                continue
            chain, prev, cur = [s], s, nxt
            used.update({(s, nxt), (nxt, s)})
            while True:
                chain.append(cur)
                if len(adj[cur]) != 2 or cur == s:
                    break
                step = adj[cur][0] if adj[cur][0] != prev else adj[cur][1]
                if (cur, step) in used:
                    break
                used.update({(cur, step), (step, cur)})
                prev, cur = cur, step
            chains.append(chain)
    return chains


def _densify(pts: np.ndarray, spacing: float) -> np.ndarray:
    """The polyline with points added so that none is more than `spacing` from the next."""
    if len(pts) < 2:
        return pts
    seg = np.hypot(*np.diff(pts, axis=0).T)
    n = np.maximum(1, np.ceil(seg / spacing).astype(np.int64))
    k = np.repeat(np.arange(len(seg)), n)  # segment of each new point
    t = (np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n) + 1) / np.repeat(n, n)
    return np.vstack([pts[:1], pts[k] + t[:, None] * (pts[k + 1] - pts[k])])


def _depth(
    region: BaseGeometry, pts: np.ndarray, tip: float, tan_half: float, cap: float
) -> np.ndarray:
    """Depth (positive mm) at each axis point: (r - tip) / tan(a/2), within [0, cap]."""
    r = shapely.distance(region.boundary, shapely.points(pts))
    return np.clip((r - tip) / tan_half, 0.0, cap)


def _order(chains: list[np.ndarray]) -> list[np.ndarray]:
    """Nearest next chain first (either end), from the origin: short rapids."""
    left, out, here = list(chains), [], np.zeros(2)
    while left:
        ends = np.array([[c[0], c[-1]] for c in left])  # (k, 2, 2)
        d = np.hypot(*(ends - here).transpose(2, 0, 1))
        k, end = np.unravel_index(int(np.argmin(d)), d.shape)
        c = left.pop(int(k))
        c = c[::-1] if end == 1 else c
        out.append(c)
        here = c[-1]
    return out


def _cut_chain(
    linker: Linker, pts: np.ndarray, depth: np.ndarray, s: CutSettings, safe_z: float
) -> None:
    """Down on the chain's first point, along it with Z following the depth, up again. The
    feed is lowered where Z changes fast so Z never moves faster than the plunge feed."""
    linker.finish()
    m = linker.buffer
    x0, y0 = float(pts[0, 0]), float(pts[0, 1])
    m.append(Move(MoveKind.RAPID, x0, y0, safe_z))
    if AIR_CLEARANCE < safe_z:
        m.append(Move(MoveKind.LINEAR, x0, y0, AIR_CLEARANCE, s.feed))
    m.append(Move(MoveKind.LINEAR, x0, y0, -float(depth[0]), s.plunge_feed))
    z = -depth
    step = np.hypot(np.hypot(*np.diff(pts, axis=0).T), np.diff(z))
    dz = np.abs(np.diff(z))
    with np.errstate(divide="ignore"):
        feed = np.minimum(s.feed, np.where(dz > 0, s.plunge_feed * step / dz, np.inf))
    for k in range(1, len(pts)):
        m.append(
            Move(
                MoveKind.LINEAR, float(pts[k, 0]), float(pts[k, 1]), float(z[k]), float(feed[k - 1])
            )
        )
    m.append(Move(MoveKind.LINEAR, float(pts[-1, 0]), float(pts[-1, 1]), safe_z, s.feed))


def _floor_rings(
    region: BaseGeometry, cap_w: float, tip: float, tan_half: float, o: VCarveOptions
) -> tuple[list[Contour], list[str]]:
    """Rings clearing the floor at the cap depth: inside the region shrunk by the cap width."""
    step = 2.0 * (tip + o.scallop * tan_half)
    rings: list[Contour] = []
    for k in range(MAX_RINGS):
        level = polygons(offset(region, -(cap_w + k * step), o.tolerance))
        if not level:
            break
        rings += rings_of(level, "floor")
    warnings = []
    if rings:
        warnings.append(
            f"V-carve capped at {o.max_depth:g} mm where the design is wider than "
            f"{2 * cap_w:.3f} mm: its floor is cleared in {len(rings)} ring(s) "
            f"{step:.3f} mm apart"
        )
    return rings[::-1], warnings  # innermost first: each ring cuts into cleared stone


def _settings(p: CuttingParams) -> CutSettings:
    plunge = p.ramp_angle_deg >= 90.0
    return CutSettings(
        feed=p.feed,
        plunge_feed=p.plunge_feed,
        ramp_feed=ramp_feed(p.feed, p.plunge_feed, p.ramp_angle_deg),
        ramp_slope=None if plunge else math.tan(math.radians(p.ramp_angle_deg)),
        arc_tolerance=None,
    )

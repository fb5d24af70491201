"""Surface following: a toolpath planned for a flat stone (Z0 everywhere) laid onto a curved one.

    followed = follow_toolpath(toolpath, mesh_or_z_function, tolerance=0.02)

Every cutting move is cut into pieces short enough that the surface between their ends stays
within the tolerance of a straight line (arcs are flattened first), and each point is lowered
onto the stone: Z = drop-cutter Z there + the move's Z below Z0. Depth is thus measured from
the local surface, vertically, as the deepest the tool reaches below it within its footprint
(the drop-cutter height is where that deepest reach is zero). Rapids and retracts go to one
safe height above the highest point of the surface. Where the surface under a cut is steeper
than the tool can meet with its cutting end (a V-bit's flank, a burr's shank) the toolpath is
refused, naming the place; steep but reachable places are warned about (the groove's depth
normal to the surface shrinks with the cosine of the slope).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from cam.errors import SurfaceError
from cam.surface.dropcutter import Cutter, DropCutter
from cam.surface.lines import flatten_arcs
from cam.toolpath import Move, MoveKind, Program, Tool, ToolKind, Toolpath

__all__ = [
    "FollowOptions",
    "Followed",
    "follow_program",
    "follow_toolpath",
    "mesh_from_function",
    "reach_deg",
]

ZFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]

# Ball and flat burrs: past this slope the shank above the cutting end rubs the wall.
SHANK_LIMIT_DEG = 80.0
_MAX_ROUNDS = 12  # halvings per segment: 0.5 mm / 2^12 is far below machine resolution


@dataclass(frozen=True)
class FollowOptions:
    """tolerance: mm between the followed path and the true offset surface, checked at the
    middle of every piece; max_step: mm, the longest piece before checking (a bump narrower
    than this between two samples could be missed); grid_step: mm, the sampling of a z(x, y)
    function into a mesh; warn_slope_deg: steeper surfaces under a cut are reported;
    max_slope_deg: steeper ones are refused (None: what the tool can reach, `reach_deg`);
    slope_probe: mm, the half-width of the finite difference the slope is measured over."""

    tolerance: float = 0.02
    max_step: float = 0.5
    grid_step: float = 0.2
    warn_slope_deg: float = 45.0
    max_slope_deg: float | None = None
    slope_probe: float = 0.05


@dataclass
class Followed:
    """The followed toolpath, its warnings, and the highest surface point under it (mm)."""

    toolpath: Toolpath
    warnings: list[str] = field(default_factory=list)
    top: float = 0.0


def reach_deg(tool: Tool) -> float:
    """The steepest surface (degrees from horizontal) the tool meets with its cutting end."""
    if tool.kind is ToolKind.VBIT:
        return min(90.0 - tool.angle_deg / 2.0, SHANK_LIMIT_DEG)
    return SHANK_LIMIT_DEG


def mesh_from_function(
    z: ZFunction, bounds: tuple[float, float, float, float], step: float
) -> tuple[np.ndarray, np.ndarray]:
    """A grid mesh of z(x, y) over (xmin, ymin, xmax, ymax): (vertices (v, 3), faces (f, 3)).

    Between grid points the mesh is linear: its error is at most step^2 / 8 times the
    surface's largest curvature (0.0005 mm for a 0.2 mm step on a 10 mm sphere)."""
    xmin, ymin, xmax, ymax = bounds
    nx = max(2, math.ceil((xmax - xmin) / step) + 1)
    ny = max(2, math.ceil((ymax - ymin) / step) + 1)
    if nx * ny > 4_000_000:
        raise SurfaceError(f"surface grid of {nx} x {ny} points is too large: use a coarser step")
    gx, gy = np.meshgrid(np.linspace(xmin, xmax, nx), np.linspace(ymin, ymax, ny))
    gz = np.broadcast_to(np.asarray(z(gx, gy), dtype=np.float64), gx.shape)
    if not np.isfinite(gz).all():
        raise SurfaceError("the surface function gave a value that is not a finite number")
    vertices = np.column_stack([gx.ravel(), gy.ravel(), gz.ravel()])
    k = np.arange(ny - 1)[:, None] * nx + np.arange(nx - 1)[None, :]
    k = k.ravel()
    faces = np.concatenate(
        [np.column_stack([k, k + 1, k + nx + 1]), np.column_stack([k, k + nx + 1, k + nx])]
    )
    return vertices, faces


def follow_program(
    program: Program, surface: object, options: FollowOptions = FollowOptions()
) -> Program:
    """Every toolpath of the program followed onto the surface; warnings joined."""
    toolpaths, warnings = [], list(program.warnings)
    for tp in program.toolpaths:
        f = follow_toolpath(tp, surface, options)
        toolpaths.append(f.toolpath)
        warnings += f.warnings
    safe = max(tp.safe_z for tp in toolpaths) if toolpaths else program.safe_z
    return replace(program, toolpaths=toolpaths, safe_z=safe, warnings=warnings)


def follow_toolpath(
    tp: Toolpath, surface: object, options: FollowOptions = FollowOptions()
) -> Followed:
    """The toolpath on the surface: a mesh (anything with `vertices` and `faces`), a
    `DropCutter` for this tool, or a vectorized function z(x, y)."""
    _check(options)
    moves = flatten_arcs(tp.moves, options.tolerance / 2.0)
    dc = _dropper(surface, tp, moves, options)
    segs = _segments(moves)
    pts, seg_of, z_rel, floors = _densify(segs, dc, options)
    cutting = z_rel < 0
    _refuse_off_stone(pts, floors, cutting)
    top = float(max(dc.top, floors[np.isfinite(floors)].max(initial=-np.inf)))
    safe = max(top, 0.0) + tp.safe_z
    z_out = np.where(z_rel >= tp.safe_z - 1e-9, safe, floors + z_rel)
    warnings = _slopes(dc, pts[cutting], tp.tool, options)
    out = _moves(moves, segs, seg_of, pts, z_out, safe)
    cut_z = [m.z for m in out if m.kind is not MoveKind.RAPID]
    depth = max(tp.depth, -min(cut_z, default=0.0))
    return Followed(replace(tp, moves=out, safe_z=safe, depth=depth), warnings, top)


def _check(o: FollowOptions) -> None:
    for name in ("tolerance", "max_step", "grid_step", "slope_probe"):
        v = getattr(o, name)
        if not (math.isfinite(v) and v > 0):
            raise SurfaceError(f"{name} must be a positive number of mm, got {v!r}")


def _dropper(surface: object, tp: Toolpath, moves: Sequence[Move], o: FollowOptions) -> DropCutter:
    if isinstance(surface, DropCutter):
        return surface
    cutter = Cutter.from_tool(tp.tool)
    if hasattr(surface, "vertices") and hasattr(surface, "faces"):
        return DropCutter(surface.vertices, surface.faces, cutter)
    if callable(surface):
        xy = np.array([(m.x, m.y) for m in moves]) if moves else np.zeros((1, 2))
        margin = cutter.radius + o.max_step + o.slope_probe
        lo, hi = xy.min(axis=0) - margin, xy.max(axis=0) + margin
        v, f = mesh_from_function(surface, (lo[0], lo[1], hi[0], hi[1]), o.grid_step)
        return DropCutter(v, f, cutter)
    raise SurfaceError(f"cannot follow a surface given as {type(surface).__name__}")


@dataclass(frozen=True, slots=True)
class _Seg:
    """One feed move, from where the tool was: (x0, y0, z0) -> (x1, y1, z1)."""

    index: int
    start: tuple[float, float, float]
    end: tuple[float, float, float]


def _segments(moves: Sequence[Move]) -> list[_Seg]:
    """Every feed move from where the tool was (vertical ones too: their XY is mapped)."""
    segs, here = [], None
    for k, m in enumerate(moves):
        end = (m.x, m.y, m.z)
        if m.kind is not MoveKind.RAPID:
            segs.append(_Seg(k, here if here is not None else end, end))
        here = end
    return segs


def _densify(
    segs: Sequence[_Seg], dc: DropCutter, o: FollowOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Points along every segment, refined by halving until the surface at each piece's
    middle is within the tolerance of the chord. Returns xy (n, 2), segment (n,), the
    planned Z below Z0 (n,) and the drop-cutter Z (n,)."""
    if not segs:
        empty = np.zeros(0)
        return np.zeros((0, 2)), empty.astype(np.int64), empty, empty
    a = np.array([s.start for s in segs])
    b = np.array([s.end for s in segs])
    length = np.hypot(*(b[:, :2] - a[:, :2]).T)
    n = np.maximum(1, np.ceil(length / o.max_step).astype(np.int64))
    seg = np.repeat(np.arange(len(segs)), n + 1)
    first = np.concatenate([[0], np.cumsum(n + 1)[:-1]])
    u = (np.arange(len(seg)) - np.repeat(first, n + 1)) / np.repeat(n, n + 1)
    h = dc.drop(_at(a, b, seg, u))
    open_ = np.ones(len(seg), dtype=bool)  # the piece starting here is still to be checked
    for _ in range(_MAX_ROUNDS):
        k = np.flatnonzero(open_[:-1] & (seg[:-1] == seg[1:]))
        if not len(k):
            break
        um = (u[k] + u[k + 1]) / 2.0
        hm = dc.drop(_at(a, b, seg[k], um))
        with np.errstate(invalid="ignore"):  # off the stone at both ends: nothing to refine
            bad = np.abs(hm - (h[k] + h[k + 1]) / 2.0) > o.tolerance
        open_[:] = False
        open_[k[bad]] = True
        seg = np.concatenate([seg, seg[k[bad]]])
        u = np.concatenate([u, um[bad]])
        h = np.concatenate([h, hm[bad]])
        open_ = np.concatenate([open_, np.ones(int(bad.sum()), dtype=bool)])
        order = np.lexsort((u, seg))
        seg, u, h, open_ = seg[order], u[order], h[order], open_[order]
    xy = _at(a, b, seg, u)
    z_rel = a[seg, 2] + (b[seg, 2] - a[seg, 2]) * u
    return xy, seg, z_rel, h


def _at(a: np.ndarray, b: np.ndarray, seg: np.ndarray, u: np.ndarray) -> np.ndarray:
    return a[seg, :2] + (b[seg, :2] - a[seg, :2]) * u[:, None]


def _refuse_off_stone(pts: np.ndarray, floors: np.ndarray, cutting: np.ndarray) -> None:
    off = cutting & ~np.isfinite(floors)
    if off.any():
        x, y = pts[int(np.argmax(off))]
        raise SurfaceError(
            f"no stone under the tool at X{x:.3f} Y{y:.3f}: the cut leaves the surface"
        )


def _slopes(dc: DropCutter, pts: np.ndarray, tool: Tool, o: FollowOptions) -> list[str]:
    if not len(pts):
        return []
    e = o.slope_probe
    probe = np.concatenate([pts + (e, 0), pts - (e, 0), pts + (0, e), pts - (0, e)])
    z = dc.drop(probe).reshape(4, -1)
    with np.errstate(invalid="ignore"):
        grad = np.hypot(z[0] - z[1], z[2] - z[3]) / (2 * e)
    grad = np.where(np.isfinite(grad), grad, np.inf)  # the stone's edge: no slope to trust
    slope = np.degrees(np.arctan(grad))
    worst = int(np.argmax(slope))
    x, y = pts[worst]
    limit = o.max_slope_deg if o.max_slope_deg is not None else reach_deg(tool)
    if slope[worst] > limit:
        raise SurfaceError(
            f"surface slope {slope[worst]:.1f} deg at X{x:.3f} Y{y:.3f} is steeper than "
            f"{tool.name} can cut with its end (at most {limit:.1f} deg): its side would cut"
        )
    steep = slope > o.warn_slope_deg
    if not steep.any():
        return []
    return [
        f"surface steeper than {o.warn_slope_deg:g} deg under {int(steep.sum())} cut point(s), "
        f"steepest {slope[worst]:.1f} deg at X{x:.3f} Y{y:.3f}: depth there is vertical, "
        f"{math.cos(math.radians(slope[worst])):.0%} of it square to the surface"
    ]


def _moves(
    moves: Sequence[Move],
    segs: Sequence[_Seg],
    seg_of: np.ndarray,
    pts: np.ndarray,
    z_out: np.ndarray,
    safe: float,
) -> list[Move]:
    """The new moves: each feed move replaced by its densified points (its start omitted:
    it is where the previous move ended)."""
    by_move = {s.index: i for i, s in enumerate(segs)}
    bounds = np.searchsorted(seg_of, np.arange(len(segs) + 1))
    out: list[Move] = []
    for k, m in enumerate(moves):
        if m.kind is MoveKind.RAPID:
            out.append(Move(MoveKind.RAPID, m.x, m.y, safe))
            continue
        i = by_move[k]
        s, e = int(bounds[i]), int(bounds[i + 1])
        out.extend(
            Move(MoveKind.LINEAR, float(p[0]), float(p[1]), float(z), m.feed)
            for p, z in zip(pts[s + 1 : e], z_out[s + 1 : e], strict=True)
        )
    return out

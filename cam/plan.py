"""The plan: one call from a design and cutting options to a neutral `Program`.

    program = plan_program(design, PlanOptions(tool=tool, params=params, depth=0.3))

Order of work, each step refusing with a named `cam.errors` exception rather than producing a
partial program: check the options; apply the placement; build the operation's tool-centre
contours; check that every contour lies on the allowed face; order the contours; cut them
through the step-down passes; sum lengths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from cam.design import Design, FillRegion
from cam.errors import DesignError, PlacementError, PlanOptionsError
from cam.gcpause import collector_paused
from cam.ops.emit import Contour, Linker, move_lengths
from cam.ops.engrave import engrave_contours
from cam.ops.passes import CutSettings, open_cut_returns, pass_depths, ramp_feed
from cam.ops.pocket import pocket_area, pocket_rings
from cam.ops.profile import profile_contours
from cam.ops.vcarve import VCarveOptions, vcarve_toolpath
from cam.ordering import order_paths
from cam.toolpath import CuttingParams, Placement, Program, Tool, Toolpath

__all__ = ["ENTRIES", "OPERATIONS", "PlanOptions", "check_face", "place_design", "plan_program"]

OPERATIONS = ("engrave", "pocket", "profile-in", "profile-out", "vcarve")
ENTRIES = ("auto", "ramp", "plunge")
# Arc fitting leaves this much of the tolerance unused: the post-processor rounds to 4 decimals.
ROUNDING_MARGIN = 0.001


@dataclass(frozen=True)
class PlanOptions:
    """How to cut one design. Lengths in mm, feeds in mm/min (in `params`)."""

    tool: Tool
    params: CuttingParams
    operation: str = "engrave"  # engrave | pocket | profile-in | profile-out
    depth: float = 0.3  # positive; Z never below -depth
    safe_z: float = 3.0  # above Z0; every G0 happens at exactly this height
    tolerance: float = 0.02  # total chord tolerance allowed against the true design
    arcs: bool = True  # fit G2/G3 arcs on constant-Z stretches
    placement: Placement = field(default_factory=Placement)  # applied before anything else
    # allowed region (xmin, ymin, xmax, ymax) for the tool CENTRE; None = [0, W] x [0, H]
    face: tuple[float, float, float, float] | None = None
    entry: str = "auto"  # auto | ramp | plunge (auto = ramp: diamond burrs dislike plunging)
    ordering_budget_s: float = 0.3  # wall-clock time for ordering, improvement included
    job: str = ""


def plan_program(design: Design, options: PlanOptions) -> Program:
    """Plan the whole program, or raise a `cam.errors.CamError` that says why not."""
    with collector_paused():
        return _plan(design, options)


def _plan(design: Design, options: PlanOptions) -> Program:
    _check_options(options)
    placed = place_design(design, options.placement)
    face = options.face or (0.0, 0.0, float(design.width_mm), float(design.height_mm))
    if options.operation == "vcarve":  # its own toolpath: depth follows the region's width
        return _vcarve_program(design, placed, options, face)
    depths = pass_depths(options.depth, options.params.step_down)
    warnings = list(design.warnings)
    contours, precedence, op_warnings = _contours(placed, options)
    warnings += op_warnings
    check_face(contours, face, options.tolerance)
    settings = _settings(options, placed)
    order = order_paths(
        [c.points for c in contours],
        [c.closed for c in contours],
        start=(0.0, 0.0),
        budget_s=options.ordering_budget_s,
        must_precede=precedence or None,
        returns=_returns(contours, depths, settings),
    )
    if options.operation == "pocket":
        area = pocket_area(placed.fills, options.tool.radius, options.tolerance)
        linker = Linker(options.safe_z, settings, stay_down_within=area)
        top = 0.0
        for d in depths:  # the whole pocket level by level, inner rings first in each level
            linker.cut_all(contours, order, top, (d,))
            top = d
    else:
        linker = Linker(options.safe_z, settings)
        linker.cut_all(contours, order, 0.0, depths)
    linker.finish()
    toolpath = Toolpath.from_arrays(
        operation=options.operation,
        tool=options.tool,
        params=options.params,
        depth=options.depth,
        passes=len(depths),
        safe_z=options.safe_z,
        arrays=linker.arrays(),
    )
    return _program(design, options, toolpath, warnings)


def _vcarve_program(
    design: Design, placed: Design, options: PlanOptions, face: tuple[float, float, float, float]
) -> Program:
    """V-carve (cam.ops.vcarve): options.depth is the depth cap."""
    fills = _fills(placed, "vcarve")
    outlines = [Contour(r, True, f.element_id) for f in fills for r in f.rings if len(r)]
    check_face(outlines, face, options.tolerance)  # the tip stays inside the outlines
    vopts = VCarveOptions(options.depth, options.safe_z, options.tolerance)
    toolpath, op_warnings = vcarve_toolpath(fills, options.tool, options.params, vopts)
    return _program(design, options, toolpath, list(design.warnings) + op_warnings)


def _program(
    design: Design, options: PlanOptions, toolpath: Toolpath, warnings: list[str]
) -> Program:
    """One operation's toolpath as a whole program, with its cut and rapid lengths."""
    cut, rapid = move_lengths(toolpath.move_arrays())
    return Program(
        job=options.job,
        design=design.title,
        placement=options.placement,
        toolpaths=[toolpath],
        safe_z=options.safe_z,
        warnings=warnings,
        cut_length_mm=cut,
        rapid_length_mm=rapid,
    )


def place_design(design: Design, placement: Placement) -> Design:
    """The design moved onto the work: p' = R(rotation) @ (scale * p) + offset.

    The flattening tolerance scales with the design: a curve flattened within t is within
    scale * t of the true curve after scaling.
    """
    if placement == Placement():
        return design
    a = math.radians(placement.rotation_deg)
    m = placement.scale * np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    off = np.array([placement.offset_x, placement.offset_y])

    def move(pts: np.ndarray) -> np.ndarray:
        return np.asarray(pts, dtype=np.float64).reshape(-1, 2) @ m.T + off

    paths = tuple(replace(p, points=move(p.points)) for p in design.paths)
    fills = tuple(replace(f, rings=tuple(move(r) for r in f.rings)) for f in design.fills)
    return replace(design, paths=paths, fills=fills, tolerance=design.tolerance * placement.scale)


def check_face(
    contours: list[Contour], face: tuple[float, float, float, float], tolerance: float
) -> None:
    """Refuse when any tool-centre point lies outside the face by more than the tolerance
    (or is not a finite number at all)."""
    xmin, ymin, xmax, ymax = face
    pts = np.concatenate([c.points for c in contours])
    owner = np.repeat(np.arange(len(contours)), [len(c.points) for c in contours])
    bad = ~np.isfinite(pts).all(axis=1)
    if bad.any():
        element = contours[int(owner[int(np.argmax(bad))])].element_id
        raise DesignError(f"element '{element}' has coordinates that are not finite numbers")
    over = np.stack(
        [xmin - pts[:, 0], pts[:, 0] - xmax, ymin - pts[:, 1], pts[:, 1] - ymax], axis=1
    )
    row, side = np.unravel_index(int(np.argmax(over)), over.shape)
    if over[row, side] <= tolerance:
        return
    edge = ("left", "right", "bottom", "top")[side]
    coord = float(pts[row, side // 2])
    k = int(owner[row])
    over_mm = float(over[row, side])
    axis, sign, limit = {
        "left": ("x", "<", xmin),
        "right": ("x", ">", xmax),
        "bottom": ("y", "<", ymin),
        "top": ("y", ">", ymax),
    }[edge]
    raise PlacementError(
        f"design extends {over_mm:.3f} mm beyond the face's {edge} edge "
        f"({axis} = {coord:.3f} mm {sign} {limit:.3f} mm) at element '{contours[k].element_id}'"
    )


def _contours(
    placed: Design, options: PlanOptions
) -> tuple[list[Contour], list[tuple[int, int]], list[str]]:
    op = options.operation
    if op == "engrave":
        if not placed.paths:
            raise DesignError("nothing to carve: the design has no visible paths")
        contours, warnings = engrave_contours(
            placed.paths, options.tool.diameter, options.tolerance
        )
        if not contours:
            raise DesignError("nothing to carve: the design's paths have no points")
        return contours, [], warnings
    fills = _fills(placed, op)
    if op == "pocket":
        return pocket_rings(fills, options.tool.radius, options.params.stepover, options.tolerance)
    return profile_contours(
        fills, options.tool.radius, inside=(op == "profile-in"), tolerance=options.tolerance
    )


def _fills(placed: Design, op: str) -> tuple[FillRegion, ...]:
    if not placed.fills:
        raise DesignError(
            f"nothing to carve: {op} cuts filled regions and the design has none "
            f"(engrave follows its {len(placed.paths)} path(s) instead)"
        )
    return placed.fills


def _returns(
    contours: list[Contour], depths: tuple[float, ...], settings: CutSettings
) -> list[bool]:
    """Which open contours end where they began (zigzag passes), for the ordering."""
    out = []
    for c in contours:
        if c.closed:
            out.append(False)
            continue
        length = float(np.hypot(*np.diff(c.points, axis=0).T).sum()) if len(c.points) > 1 else 0.0
        out.append(open_cut_returns(length, 0.0, depths, settings))
    return out


def _settings(options: PlanOptions, placed: Design) -> CutSettings:
    p = options.params
    plunge = options.entry == "plunge" or p.ramp_angle_deg >= 90.0
    arc_tol = options.tolerance - placed.tolerance - ROUNDING_MARGIN if options.arcs else None
    return CutSettings(
        feed=p.feed,
        plunge_feed=p.plunge_feed,
        ramp_feed=ramp_feed(p.feed, p.plunge_feed, p.ramp_angle_deg),
        ramp_slope=None if plunge else math.tan(math.radians(p.ramp_angle_deg)),
        arc_tolerance=arc_tol if arc_tol is not None and arc_tol > 0 else None,
    )


def _positive(name: str, value: float, why: str = "") -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise PlanOptionsError(f"{name} must be a positive number of mm{why}, got {value!r}")


def _check_options(o: PlanOptions) -> None:
    if o.operation not in OPERATIONS:
        raise PlanOptionsError(f"unknown operation {o.operation!r}: one of {', '.join(OPERATIONS)}")
    if o.entry not in ENTRIES:
        raise PlanOptionsError(f"unknown entry {o.entry!r}: one of {', '.join(ENTRIES)}")
    _positive("depth", o.depth)
    _positive("safe_z", o.safe_z, " above the stone's surface (Z0)")
    _positive("step_down", o.params.step_down)
    _positive("tolerance", o.tolerance)
    _positive("tool diameter", o.tool.diameter)
    for name, feed in (("feed", o.params.feed), ("plunge_feed", o.params.plunge_feed)):
        if not (math.isfinite(feed) and feed > 0):
            raise PlanOptionsError(f"{name} must be a positive number of mm/min, got {feed!r}")
    if not (0.0 < o.params.ramp_angle_deg <= 90.0):
        raise PlanOptionsError(
            f"ramp angle must be in (0, 90] degrees, got {o.params.ramp_angle_deg!r}"
        )
    if o.operation == "pocket" and not (0.0 < o.params.stepover <= 1.0):
        raise PlanOptionsError(
            f"stepover must be in (0, 1] of the tool diameter, got {o.params.stepover!r}"
        )
    pl = o.placement
    if not (math.isfinite(pl.scale) and pl.scale > 0):
        raise PlacementError(f"placement scale must be a positive number, got {pl.scale!r}")
    if not all(math.isfinite(v) for v in (pl.rotation_deg, pl.offset_x, pl.offset_y)):
        raise PlacementError(f"placement must be finite numbers, got {pl.describe()}")
    if o.face is not None:
        xmin, ymin, xmax, ymax = o.face
        if not (xmin < xmax and ymin < ymax):
            raise PlacementError(f"face {o.face!r} is empty: need xmin < xmax and ymin < ymax")

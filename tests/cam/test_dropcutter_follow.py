"""Surface following on a dome: the depth below the local stone surface, sampled along the
output moves against the analytic sphere, is the planned depth within the tolerance."""

from __future__ import annotations

import math

import numpy as np
import pytest
import trimesh

from cam.design import Design, DesignPath
from cam.errors import SurfaceError
from cam.plan import PlanOptions, plan_program
from cam.surface.follow import FollowOptions, follow_program, follow_toolpath, mesh_from_function
from cam.toolpath import CuttingParams, Move, MoveKind, Tool, ToolKind, Toolpath

RS = 30.0  # dome radius; its top is Z0 at X0 Y0
BALL = Tool("ball-1.0", ToolKind.BALL, 1.0)
PARAMS = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=0.5)
TOL = 0.02


def sphere_z(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.sqrt(np.maximum(RS * RS - x * x - y * y, 0.0)) - RS


def ball_tip_on_sphere(xy: np.ndarray, r: float) -> np.ndarray:
    """Exact drop-cutter of a ball of radius r on the sphere: centre at RS + r from O."""
    rho2 = (xy**2).sum(axis=1)
    return np.sqrt((RS + r) ** 2 - rho2) - RS - r


def dome_mesh() -> trimesh.Trimesh:
    m = trimesh.creation.icosphere(subdivisions=6, radius=RS)
    m.apply_translation([0, 0, -RS])
    return m.slice_plane([0, 0, -12.0], [0, 0, 1])


def plan(paths: list[tuple[np.ndarray, bool]], depth: float, entry: str = "plunge") -> Toolpath:
    dp = tuple(
        DesignPath(np.asarray(p, float), c, f"e{k}", "stroke") for k, (p, c) in enumerate(paths)
    )
    design = Design(40.0, 40.0, dp, (), 0.005, "dome test")
    options = PlanOptions(
        tool=BALL, params=PARAMS, depth=depth, entry=entry, face=(-30, -30, 30, 30), arcs=True
    )
    return plan_program(design, options).toolpaths[0]


def ring(cx: float, cy: float, r: float, n: int = 200) -> np.ndarray:
    a = np.linspace(0, 2 * math.pi, n, endpoint=False)
    return np.column_stack([cx + r * np.cos(a), cy + r * np.sin(a)])


PATHS = [
    (ring(0.0, 0.0, 12.0), True),
    (ring(3.0, -2.0, 4.0), True),
    (np.array([[-15.0, -10.0], [15.0, 12.0]]), False),
]


def _samples(moves: list[Move], across: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Points along every feed move (ends and 3 inner points): xy (n, 2), z (n,).
    across: only the moves that travel in XY (not plunges and retracts)."""
    xyz = np.array([(m.x, m.y, m.z) for m in moves])
    keep = np.array([m.kind is not MoveKind.RAPID for m in moves[1:]])
    if across:
        keep &= np.hypot(*(xyz[1:, :2] - xyz[:-1, :2]).T) > 0
    a, b = xyz[:-1][keep], xyz[1:][keep]
    t = np.linspace(0.0, 1.0, 5)[:, None, None]
    p = (a + t * (b - a)).reshape(-1, 3)
    return p[:, :2], p[:, 2]


@pytest.mark.parametrize("surface", ["mesh", "function"])
@pytest.mark.parametrize("depth", [0.2, 0.45])
def test_depth_below_the_local_surface_is_the_planned_depth(surface: str, depth: float) -> None:
    tp = plan(PATHS, depth)
    assert any(m.kind in (MoveKind.ARC_CW, MoveKind.ARC_CCW) for m in tp.moves)
    source = dome_mesh() if surface == "mesh" else sphere_z
    f = follow_toolpath(tp, source, FollowOptions(tolerance=TOL))
    xy, z = _samples(f.toolpath.moves, across=True)
    below = ball_tip_on_sphere(xy, BALL.radius) - z  # the tool's deepest reach under the stone
    cutting = below > 0.0
    assert cutting.sum() > 1000
    # the plan cuts across the stone only at full depth (plunge entry, one pass)
    np.testing.assert_allclose(below[cutting], depth, atol=TOL)
    xy, z = _samples(f.toolpath.moves)
    below = ball_tip_on_sphere(xy, BALL.radius) - z
    assert below.max() <= depth + TOL  # never deeper than asked, anywhere on any move
    assert not any(m.kind in (MoveKind.ARC_CW, MoveKind.ARC_CCW) for m in f.toolpath.moves)


def test_ramps_stay_between_the_surface_and_the_depth() -> None:
    depth = 0.4
    tp = plan(PATHS, depth, entry="ramp")
    f = follow_toolpath(tp, sphere_z, FollowOptions(tolerance=TOL))
    xy, z = _samples(f.toolpath.moves)
    below = ball_tip_on_sphere(xy, BALL.radius) - z
    assert below.max() <= depth + TOL
    assert (below > depth - TOL).sum() > 100


def test_rapids_at_one_safe_height_above_the_highest_point() -> None:
    tp = plan(PATHS, 0.3)
    f = follow_toolpath(tp, sphere_z)
    rapids = [m for m in f.toolpath.moves if m.kind is MoveKind.RAPID]
    assert rapids and {m.z for m in rapids} == {f.toolpath.safe_z}
    assert f.toolpath.safe_z >= f.top + tp.safe_z - 1e-9
    assert f.top == pytest.approx(0.0, abs=0.01)  # the dome's top is Z0
    lowest = min(m.z for m in f.toolpath.moves)
    assert f.toolpath.depth >= -lowest  # the posts' floor admits every move


def test_steep_flank_refused_for_a_v_bit_with_the_place() -> None:
    vbit = Tool("v60", ToolKind.VBIT, 3.0, angle_deg=60.0)  # reaches 60 deg
    line = Toolpath(
        "engrave",
        vbit,
        PARAMS,
        0.2,
        1,
        3.0,
        [
            Move(MoveKind.RAPID, 0.0, 0.0, 3.0),
            Move(MoveKind.LINEAR, 0.0, 0.0, -0.2, 60.0),
            Move(MoveKind.LINEAR, 28.0, 0.0, -0.2, 300.0),  # out to where the dome is ~69 deg
            Move(MoveKind.LINEAR, 28.0, 0.0, 3.0, 300.0),
        ],
    )
    with pytest.raises(SurfaceError, match=r"slope \d+\.\d deg at X2\d\.\d+ Y"):
        follow_toolpath(line, sphere_z)


def test_moderate_slope_is_a_warning_naming_the_steepest_place() -> None:
    tp = plan([(np.array([[0.0, 0.0], [25.0, 0.0]]), False)], 0.2)  # reaches ~56 deg
    f = follow_toolpath(tp, sphere_z)
    assert len(f.warnings) == 1 and "steeper than 45 deg" in f.warnings[0]
    assert "X2" in f.warnings[0]


def test_off_the_stone_is_refused() -> None:
    v, faces = mesh_from_function(sphere_z, (-5, -5, 5, 5), 0.5)
    tp = plan([(np.array([[0.0, 0.0], [15.0, 0.0]]), False)], 0.2)
    with pytest.raises(SurfaceError, match="no stone under the tool"):
        follow_toolpath(tp, trimesh.Trimesh(v, faces))


def test_program_followed_keeps_every_toolpath_and_its_warnings() -> None:
    dp = (DesignPath(ring(0.0, 0.0, 5.0), True, "r", "stroke"),)
    design = Design(40.0, 40.0, dp, (), 0.005, "t")
    prog = plan_program(
        design, PlanOptions(tool=BALL, params=PARAMS, depth=0.2, face=(-20, -20, 20, 20))
    )
    out = follow_program(prog, sphere_z)
    assert len(out.toolpaths) == 1 and out.safe_z == out.toolpaths[0].safe_z
    zs = [m.z for m in out.toolpaths[0].moves if m.kind is not MoveKind.RAPID]
    assert min(zs) < -0.2  # lowered onto the dome's flank, not left at the flat plan's Z


LEAF = """<svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="12mm" viewBox="0 0 20 12">
  <path id="leaf" d="M1 6 C 6 0, 14 0, 19 6 C 14 12, 6 12, 1 6 Z" fill="none" stroke="black"/>
  <path id="vein" d="M2 6 L 18 6" fill="none" stroke="black"/>
</svg>"""


def _gcode_points(gcode: str) -> np.ndarray:
    """(x, y, z) after every G1 line, from a small modal reader."""
    pos = {"X": 0.0, "Y": 0.0, "Z": 0.0}
    mode, out = None, []
    for line in gcode.splitlines():
        if line.startswith(("(", "%")):
            continue
        words = dict((w[0], w[1:]) for w in line.split())
        if words.get("G") in ("0", "1"):
            mode = words["G"]
        for axis in "XYZ":
            if axis in words:
                pos[axis] = float(words[axis])
        if mode == "1" and any(a in words for a in "XYZ"):
            out.append((pos["X"], pos["Y"], pos["Z"]))
    return np.array(out)


def test_carve_on_a_buckle_dome_follows_its_surface() -> None:
    from cam.pieces import PieceSpec, get_face
    from machines.carve import CarveOptions, carve

    buckle = PieceSpec.parse("buckle:outer=30,inner=6,thickness=6")
    depth = 0.2
    options = CarveOptions(
        piece=buckle,
        face_name="dome",
        fit="fit",
        depth=depth,
        follow_surface=True,
        machine="rotary-4axis-linuxcnc",
    )
    result = carve(LEAF.encode(), options)
    assert not any("falls" in w for w in result.report["warnings"])
    face = get_face(buckle, "dome")
    pts = _gcode_points(result.gcode)
    surface = face.surface_z(pts[:, 0], pts[:, 1])
    # the tool's tip never goes more than the depth under the stone at its own XY
    assert np.all(pts[:, 2] >= surface - depth - TOL)
    # and where the dome has fallen away, the cut has gone down with it: below the stone there
    low = surface < -0.5
    cutting = pts[:, 2] < surface
    assert (low & cutting).sum() > 0.5 * low.sum() > 10


def test_a_flat_burr_follows_the_dome_on_its_rim() -> None:
    """A flat end touches a convex dome on its rim: the exact height is the sphere at the
    rim's point nearest the top; depth below that is the planned depth."""
    flat = Tool("cyl-1.0", ToolKind.FLAT, 1.0)
    line = Toolpath(
        "engrave",
        flat,
        PARAMS,
        0.2,
        1,
        3.0,
        [
            Move(MoveKind.RAPID, -15.0, 4.0, 3.0),
            Move(MoveKind.LINEAR, -15.0, 4.0, -0.2, 60.0),
            Move(MoveKind.LINEAR, 15.0, 4.0, -0.2, 300.0),
            Move(MoveKind.LINEAR, 15.0, 4.0, 3.0, 300.0),
        ],
    )
    f = follow_toolpath(line, sphere_z, FollowOptions(tolerance=TOL))
    xy, z = _samples(f.toolpath.moves, across=True)
    rho = np.hypot(*xy.T)
    exact = np.sqrt(RS**2 - np.maximum(rho - flat.radius, 0.0) ** 2) - RS
    np.testing.assert_allclose(exact - z, 0.2, atol=TOL)

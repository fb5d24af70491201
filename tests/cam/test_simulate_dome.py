"""The cut simulator on a domed face: the stone starts from the dome's surface and every depth
is measured from the surface under the tool. A program laid onto the dome passes; the same
design cut flat below Z0 cuts air where the dome falls away; one step too deep, or a cut past
the face's rim, is refused."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from shapely.geometry import Point

from cam.pieces import PieceSpec, get_face
from cam.simulate import simulate
from cam.simulate.surface import uphill
from cam.simulate.tools import ToolShape
from cam.toolpath import Placement, Tool, ToolKind
from machines.carve import CarveOptions, carve
from machines.simulate_cli import check_program

LEAF = """<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="40mm" viewBox="0 0 60 40">
  <path d="M10 30 C20 5 40 5 50 30" fill="none" stroke="black"/>
  <path d="M12 32 L48 32" fill="none" stroke="black"/>
  <circle cx="30" cy="20" r="6" fill="none" stroke="black"/>
</svg>"""
BUCKLE = PieceSpec.from_dimensions(
    "buckle", {"outer_diameter_mm": "30", "thickness_mm": "6", "dome_height_mm": "3"}
)
DOME = get_face(BUCKLE, "dome")
DEPTH = 0.3
RES = 0.1  # mm: coarse enough to be quick, fine enough for a 1 mm ball's groove
BALL = Tool("ball-1.0", ToolKind.BALL, 1.0)


def _carved(follow: bool, tool: str = "ball-1.0") -> tuple[str, Placement]:
    options = CarveOptions(
        piece=BUCKLE, face_name="dome", fit="fit", follow_surface=follow, tool=tool, depth=DEPTH
    )
    result = carve(LEAF.encode(), options)
    p = result.report["placement"]
    return result.gcode, Placement(p["scale"], p["rotation_deg"], p["offset_x"], p["offset_y"])


@pytest.fixture(scope="module")
def followed() -> tuple[str, Placement]:
    return _carved(follow=True)


def _check(gcode: str, placement: Placement, tool: str = "ball-1.0", **kw: object):
    return check_program(
        gcode,
        LEAF.encode(),
        tool,
        DEPTH,
        placement=placement,
        resolution=RES,
        face=DOME.bounds,
        surface=DOME.surface_z,
        outline=DOME.boundary,
        **kw,  # type: ignore[arg-type]
    )


def test_a_program_laid_onto_the_dome_passes(followed: tuple[str, Placement]) -> None:
    gcode, placement = followed
    # the program does go down with the dome: far below Z0 on the flanks
    zs = [float(z) for z in re.findall(r"\bZ(-?\d+\.\d+)", gcode)]
    assert min(zs) < -2.0
    report = _check(gcode, placement).report
    assert report.ok, report.reasons
    assert report.curved_surface and "curved face" in report.summary()
    assert report.outside_mm2 == 0.0 and report.uncut_mm == 0.0
    assert report.iou is not None and report.iou > 0.9
    # depth reached: the requested depth below the local surface, not 2-3 mm below Z0
    assert report.max_depth == pytest.approx(DEPTH, abs=0.01)
    deep = sum(a for lo, hi, a in report.depth_histogram if lo >= 0.8 * DEPTH)
    assert deep > 0.2 * report.carved_mm2


def test_judged_from_a_flat_stone_the_followed_program_is_far_too_deep(
    followed: tuple[str, Placement],
) -> None:
    """Why the surface is needed: the same program on a flat stone at Z0."""
    gcode, placement = followed
    report = check_program(
        gcode, LEAF.encode(), "ball-1.0", DEPTH, placement=placement, resolution=RES
    ).report
    assert not report.ok and report.max_depth > 2.0


def test_a_flat_program_on_the_dome_is_refused_for_cutting_air() -> None:
    gcode, placement = _carved(follow=False)
    report = _check(gcode, placement).report
    assert not report.ok
    [reason] = [r for r in report.reasons if "not cut to full depth" in r]
    assert "below the stone's surface" in reason and "passes above the stone" in reason
    assert "cutting air" in reason
    # the flat cut only reaches the stone near the crown: nowhere near the depth
    assert report.max_depth < DEPTH - 0.05
    assert report.uncut_mm is not None and report.uncut_mm > 20.0


def _deepest_line(gcode: str) -> int:
    """Index of the G1 line whose Z is deepest below the dome at its X Y."""
    lines = gcode.splitlines()
    best, where = -math.inf, -1
    pos, mode = {"X": 0.0, "Y": 0.0}, ""
    for k, line in enumerate(lines):
        if line.startswith(("(", "%")):
            continue
        mode = next(iter(re.findall(r"\bG([0-3])\b", line)), mode)
        words = dict(re.findall(r"([XYZ])(-?\d+\.?\d*)", line))
        pos.update({a: float(v) for a, v in words.items() if a in "XY"})
        if mode == "1" and "Z" in words:
            below = float(DOME.surface_z(pos["X"], pos["Y"])) - float(words["Z"])
            if below > best:
                best, where = below, k
    assert best == pytest.approx(DEPTH, abs=0.01)
    return where


def test_one_followed_move_a_tenth_deeper_is_refused(followed: tuple[str, Placement]) -> None:
    gcode, placement = followed
    lines = gcode.splitlines()
    k = _deepest_line(gcode)
    z = float(re.search(r"Z(-?\d+\.\d+)", lines[k]).group(1))  # type: ignore[union-attr]
    lines[k] = re.sub(r"Z-?\d+\.\d+", f"Z{z - 0.1:.4f}", lines[k])
    report = _check("\n".join(lines) + "\n", placement).report
    assert not report.ok
    assert report.max_depth == pytest.approx(DEPTH + 0.1, abs=0.01)
    assert any("deeper than the requested" in r for r in report.reasons)


def _line_program(x0: float, y0: float, x1: float, y1: float, z: float) -> str:
    return (
        "G21 G90\nM3 S20000\nG0 Z3\n"
        f"G0 X{x0} Y{y0}\nG1 Z{z} F100\nG1 X{x1} Y{y1} F300\nG0 Z3\nM5\nM30\n"
    )


def test_a_cut_past_the_dome_s_rim_is_a_cut_past_the_face() -> None:
    # along the diagonal the box goes on past the disc: 3.5 mm under the crown the tool
    # still meets the dome's slope beyond its rim (r 15 mm), where there is no stone
    program = _line_program(10, 10, 11.5, 11.5, -3.5)
    result = simulate(
        program,
        BALL,
        DOME.bounds,
        depth=DEPTH,
        resolution=RES,
        design_paths=[np.array([[10.0, 10.0], [11.5, 11.5]])],
        surface=DOME.surface_z,
        outline=DOME.boundary,
        png=False,
    )
    report = result.report
    assert not report.ok
    [reason] = [r for r in report.reasons if "past the edge of the face" in r]
    assert "past its outline" in reason and "first at line 6" in reason
    assert report.off_face_cuts[0] == 6  # the cut, then the lift out of it
    # the same cut without the outline: only its depth is wrong, the face is not checked
    plain = simulate(
        program,
        BALL,
        DOME.bounds,
        depth=DEPTH,
        resolution=RES,
        design_paths=[np.array([[10.0, 10.0], [11.5, 11.5]])],
        surface=DOME.surface_z,
        png=False,
    ).report
    assert not any("past the edge" in r for r in plain.reasons)


def test_a_cut_into_a_buckle_s_hole_is_a_cut_past_the_face() -> None:
    face = get_face(PieceSpec.parse("buckle:outer=30,inner=8,thickness=6,dome=3"), "dome")
    program = _line_program(-6, 0, -2, 0, -0.4)  # runs from the dome into the hole (r 4)
    report = simulate(
        program,
        BALL,
        face.bounds,
        depth=DEPTH,
        resolution=RES,
        design_paths=[np.array([[-6.0, 0.0], [-2.0, 0.0]])],
        surface=face.surface_z,
        outline=face.boundary,
        png=False,
    ).report
    assert any("past the edge of the face" in r for r in report.reasons)


def test_a_flat_surface_function_judges_as_the_flat_stone_does() -> None:
    program = _line_program(2, 2, 8, 2, -0.3)
    paths = [np.array([[2.0, 2.0], [8.0, 2.0]])]
    face = (0.0, 0.0, 10.0, 4.0)
    plain = simulate(program, BALL, face, depth=DEPTH, resolution=RES, design_paths=paths).report
    level = simulate(
        program,
        BALL,
        face,
        depth=DEPTH,
        resolution=RES,
        design_paths=paths,
        surface=lambda x, y: np.zeros(np.broadcast(x, y).shape),
        outline=Point(5, 2).buffer(20),
        png=False,
    ).report
    assert plain.ok and level.ok
    assert (level.max_depth, level.carved_mm2, level.iou) == (
        plain.max_depth,
        plain.carved_mm2,
        plain.iou,
    )


def test_the_surface_is_given_once() -> None:
    with pytest.raises(ValueError, match="not both"):
        simulate(
            _line_program(2, 2, 8, 2, -0.3),
            BALL,
            (0.0, 0.0, 10.0, 4.0),
            depth=DEPTH,
            initial=np.zeros((40, 100)),
            surface=DOME.surface_z,
        )


@pytest.mark.parametrize(
    "shape",
    [
        ToolShape(ToolKind.BALL, 0.5),
        ToolShape(ToolKind.FLAT, 0.5),
        ToolShape(ToolKind.VBIT, 1.0, math.radians(30), 0.05),
        ToolShape(ToolKind.VBIT, 1.0, math.radians(45), 0.0),
    ],
    ids=["ball", "flat", "cone-60", "vbit-90"],
)
@pytest.mark.parametrize("angle", [0.0, 8.0, 21.0, 35.0])
def test_the_groove_on_a_slope_matches_a_brute_force_drop(shape: ToolShape, angle: float) -> None:
    """On a plane rising along +x: drop the tool by brute force over a fine grid of its
    underside, lower it DEPTH, and compare the deepest cut's place and the groove's outline
    with `on_slope`."""
    s = math.tan(math.radians(angle))
    g = np.linspace(-shape.radius, shape.radius, 401)
    gx, gy = np.meshgrid(g, g)
    d = np.hypot(gx, gy)
    inside = d <= shape.radius
    under = shape.profile(d)  # the underside above the tip
    tip = np.max((s * gx - under)[inside])  # drop-cutter: touches the plane z = s x
    cut = (s * gx) - (tip - DEPTH + under)  # stone removed, vertically
    cut[~inside] = -np.inf
    groove = shape.on_slope(DEPTH, np.array([s]))
    step = g[1] - g[0]
    deepest = np.unravel_index(np.argmax(cut), cut.shape)
    assert cut[deepest] == pytest.approx(DEPTH, abs=1e-9)
    # the deepest cut is where on_slope says (a flat end is cut evenly across at 0 degrees)
    at_contact = s * groove.contact[0] - (tip - DEPTH + shape.profile(groove.contact[0]))
    assert at_contact == pytest.approx(DEPTH, abs=1e-6)
    # every cut point lies in the circle about the shifted centre
    xs, ys = gx[cut > 0], gy[cut > 0]
    far = np.hypot(xs - groove.shift[0], ys).max()
    assert far <= groove.radius[0] + 2 * step


def test_uphill_points_up_the_dome() -> None:
    slope, u = uphill(DOME.surface_z, np.array([[0.0, 0.0], [10.0, 0.0], [0.0, -12.0]]))
    assert slope[0] == pytest.approx(0.0, abs=1e-9)
    assert slope[1] == pytest.approx(10.0 / math.sqrt(39.0**2 - 10.0**2), rel=1e-4)
    np.testing.assert_allclose(u[1:], [[-1.0, 0.0], [0.0, 1.0]], atol=1e-9)

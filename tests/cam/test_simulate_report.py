"""The simulator passes right programs and catches deliberately wrong ones."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from cam.simulate import (
    Heightmap,
    compare,
    engrave_region,
    shape_of,
    simulate,
)
from cam.toolpath import Tool, ToolKind

BALL = Tool("ball-1.0", ToolKind.BALL, 1.0)
FACE = (0.0, 0.0, 40.0, 20.0)
LINE = [np.array([[10.0, 10.0], [30.0, 10.0]])]
RES = 0.1


def line_program(
    dx: float = 0.0, depth: float = 0.3, extra: str = "", spindle: str = "M3 S20000"
) -> str:
    return f"""%
(engrave a 20 mm line)
G21 G90 G17
G1 Z5 F500
G0 X{10 + dx:.4f} Y10
{spindle}
M8
G1 Z-{depth:.4f} F100
G1 X{30 + dx:.4f} F600
G1 Z5
{extra}
M5 M9
M30
%"""


def run(text: str, *, depth: float = 0.3, paths=LINE, tool: Tool = BALL, face=FACE):
    return simulate(text, tool, face, depth=depth, resolution=RES, design_paths=paths, png=False)


def test_the_right_program_passes() -> None:
    report = run(line_program()).report
    assert report.ok, report.reasons
    assert report.iou is not None and report.iou > 0.95
    assert report.outside_mm2 == 0.0
    assert report.uncut_mm == 0.0
    assert report.max_depth == pytest.approx(0.3, abs=0.005)
    groove = 20 * 2 * math.sqrt(0.25 - 0.04) + math.pi * (0.25 - 0.04)
    assert report.carved_mm2 == pytest.approx(groove, rel=0.1)


def test_shifted_by_a_millimetre_fails() -> None:
    report = run(line_program(dx=1.0)).report
    assert not report.ok
    assert report.outside_mm2 > 0.5
    assert report.outside_max_depth == pytest.approx(0.3, abs=0.005)
    assert report.uncut_mm == pytest.approx(1.0, abs=0.25)
    assert any("outside the design" in r for r in report.reasons)


def test_cutting_a_tenth_too_deep_is_reported() -> None:
    report = run(line_program(depth=0.4)).report
    assert not report.ok
    assert report.max_depth == pytest.approx(0.4, abs=0.005)
    assert any("deeper than the requested 0.300" in r for r in report.reasons)
    assert report.depth_histogram[-1][2] > 0  # area in the "too deep" band


def test_too_shallow_leaves_the_path_uncut() -> None:
    report = run(line_program(depth=0.2)).report
    assert not report.ok
    assert report.uncut_mm == pytest.approx(20.0, abs=0.2)


def test_an_extra_cut_outside_the_region_fails() -> None:
    extra = "G0 X35 Y15\nG1 Z-0.2 F100\nG1 X38 F600\nG1 Z5"
    report = run(line_program(extra=extra)).report
    assert not report.ok
    assert report.outside_mm2 == pytest.approx(
        3 * 2 * math.sqrt(0.25 - 0.09) + math.pi * 0.16, rel=0.25
    )
    assert report.outside_max_depth == pytest.approx(0.2, abs=0.005)


def test_a_rapid_through_the_stone_is_flagged() -> None:
    report = run(line_program(extra="G0 X20 Y10\nG0 Z-0.1\nG0 X25\nG0 Z5")).report
    assert not report.ok
    assert [line for line, _ in report.rapid_cuts] == [12, 13]
    assert report.rapid_cuts[0][1] == pytest.approx(-0.1)
    assert any("rapid move(s) into the stone" in r for r in report.reasons)


def test_a_rapid_straight_up_out_of_the_groove_is_not_a_crash() -> None:
    text = line_program().replace("G1 X30.0000 F600\nG1 Z5", "G1 X30.0000 F600\nG0 Z5")
    report = run(text).report
    assert report.ok, report.reasons


def test_cutting_with_the_spindle_stopped_is_flagged() -> None:
    report = run(line_program(spindle="S20000")).report
    assert not report.ok
    assert report.spindle_off_cuts[0] == 8


def test_a_cut_past_the_face_is_flagged() -> None:
    path = [np.array([[30.0, 10.0], [39.9, 10.0]])]
    text = (
        line_program()
        .replace("X10.0000 Y10", "X30.0000 Y10")
        .replace("X30.0000 F600", "X39.9000 F600")
    )
    report = run(text, paths=path).report
    assert not report.ok
    assert report.off_face_cuts == (9, 10)  # the cut and the lift out of it


def test_a_missing_path_fails() -> None:
    second = np.array([[10.0, 15.0], [30.0, 15.0]])
    report = run(line_program(), paths=[LINE[0], second]).report
    assert not report.ok
    assert report.uncut_mm == pytest.approx(20.0, abs=0.2)
    assert report.iou is not None and report.iou < 0.6


def test_without_a_design_the_cut_is_never_approved() -> None:
    result = simulate(line_program(), BALL, FACE, depth=0.3, resolution=RES, png=False)
    assert not result.report.ok
    assert result.report.outside_mm2 is None
    assert "no design region" in result.report.reasons[0]


def _arc_program(words: str, mode: str) -> str:
    # a full circle of radius 5 about (20, 10), in two halves, at depth 0.3
    return f"""G21 G90 {mode}
G1 Z5 F500
G0 X25 Y10
M3 S20000
G1 Z-0.3 F100
{words}
G1 Z5
M30
"""


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("G91.1", "G3 X15 Y10 I-5 J0 F600\nG3 X25 Y10 I5 J0"),
        ("G90.1", "G3 X15 Y10 I20 J10 F600\nG3 X25 Y10 I20 J10"),
        ("G91.1", "G2 X15 Y10 I-5 J0 F600\nG2 X25 Y10 I5 J0"),
        ("G90.1", "G2 X15 Y10 I20 J10 F600\nG2 X25 Y10 I20 J10"),
    ],
    ids=["ccw-incremental", "ccw-absolute", "cw-incremental", "cw-absolute"],
)
def test_arcs_carve_the_analytic_circle(mode: str, words: str) -> None:
    t = np.linspace(0, math.tau, 721)
    circle = [np.column_stack([20 + 5 * np.cos(t), 10 + 5 * np.sin(t)])]
    result = run(_arc_program(words, mode), paths=circle)
    assert result.report.ok, result.report.reasons
    # the annulus the ball leaves, computed from the circle alone
    hm = result.heightmap
    xs, ys = hm.centres()
    rho = np.hypot(*np.meshgrid(xs - 20, ys - 10))
    w = math.sqrt(0.25 - 0.04)
    carved = hm.removed > 0.005
    assert carved[np.abs(rho - 5) < w - 0.02].all()
    assert not carved[np.abs(rho - 5) > w + 0.02].any()


def test_a_wrong_centre_mode_is_caught() -> None:
    """Absolute centre words read as incremental put the circle somewhere else entirely."""
    t = np.linspace(0, math.tau, 721)
    circle = [np.column_stack([20 + 5 * np.cos(t), 10 + 5 * np.sin(t)])]
    text = _arc_program("G3 X15 Y10 I-5 J0 F600\nG3 X25 Y10 I5 J0", "G90.1")
    with pytest.raises(Exception, match="arc end is not on the circle"):
        run(text, paths=circle)


def test_compare_takes_any_region_and_histogram_adds_up() -> None:
    hm = Heightmap.for_face((0, 0, 10, 10), RES)
    shape = shape_of(Tool("cyl-2", ToolKind.FLAT, 2.0))
    hm.sweep(np.array([[5.0, 5.0, 1.0]]), np.array([[5.0, 5.0, -0.23]]), shape)
    report = compare(hm, Point(5, 5).buffer(1.0, quad_segs=64), 0.5, 0.03)
    assert report.outside_mm2 == 0.0
    assert report.iou == pytest.approx(1.0, abs=0.02)
    assert sum(a for _, _, a in report.depth_histogram) == pytest.approx(report.carved_mm2)
    by_band = {round(lo, 3): a for lo, _, a in report.depth_histogram}
    assert by_band[0.2] == pytest.approx(report.carved_mm2)  # all of it 0.23 deep
    assert report.ok  # shallower than asked is fine without paths to check
    small = compare(hm, Point(5, 5).buffer(0.5), 0.5, 0.03)
    assert not small.ok
    assert small.outside_mm2 == pytest.approx(math.pi * (1 - 0.53**2), rel=0.05)
    json.dumps(small.to_dict())  # the report travels as JSON


def test_engrave_region_is_the_groove_width() -> None:
    region = engrave_region(LINE, shape_of(BALL), 0.3)
    w = math.sqrt(0.25 - 0.04)
    assert region.area == pytest.approx(40 * w + math.pi * w * w, rel=1e-3)
    assert region.contains(Point(20, 10 + w - 0.01))
    assert not region.contains(Point(20, 10 + w + 0.01))


VBIT = Tool("v60", ToolKind.VBIT, 2.0, angle_deg=60.0, tip_diameter=0.2)
FLAT = Tool("cyl-1.0", ToolKind.FLAT, 1.0)


def _polyline_program(pts: np.ndarray, depth: float, shift: tuple[float, float]) -> str:
    p = pts + np.array(shift)
    body = "\n".join(f"G1 X{x:.4f} Y{y:.4f}" for x, y in p[1:])
    return (
        f"G21 G90\nG1 Z3 F500\nG0 X{p[0, 0]:.4f} Y{p[0, 1]:.4f}\nM3 S20000\n"
        f"G1 Z-{depth:.4f} F100\n{body}\nG1 Z3\nM30\n"
    )


@settings(max_examples=15, deadline=None)
@given(
    tool=st.sampled_from([BALL, VBIT, FLAT]),
    coords=st.lists(st.floats(3.0, 17.0), min_size=4, max_size=8).filter(lambda c: len(c) % 2 == 0),
    depth=st.floats(0.05, 0.4),
    angle=st.floats(0, 2 * math.pi),
)
def test_any_faithful_engraving_passes_and_any_shifted_one_fails(
    tool, coords, depth, angle
) -> None:
    pts = np.array(coords).reshape(-1, 2)
    assume(np.hypot(*np.diff(pts, axis=0).T).sum() > 1.0)
    face = (0.0, 0.0, 20.0, 20.0)
    good = run(
        _polyline_program(pts, depth, (0, 0)), depth=depth, paths=[pts], tool=tool, face=face
    )
    assert good.report.ok, good.report.reasons
    shift = (0.3 * math.cos(angle), 0.3 * math.sin(angle))
    bad = run(_polyline_program(pts, depth, shift), depth=depth, paths=[pts], tool=tool, face=face)
    assert not bad.report.ok


SHARP_V = Tool("v60-sharp", ToolKind.VBIT, 2.0, angle_deg=60.0)


@pytest.mark.parametrize("res", [0.1, 0.05])
@pytest.mark.parametrize("off", [0.0, 0.02])
def test_hairline_v_grooves_within_tolerance_are_not_refused(res: float, off: float) -> None:
    """A sharp V-bit 0.05 mm deep cuts a groove 0.06 mm wide: a few cells or fewer. Its cut,
    even 0.02 mm beside the path (the contract's tolerance), is right and must pass."""
    t = np.linspace(0, 2 * np.pi, 400)
    circle = np.column_stack([10 + 5 * np.cos(t), 10 + 5 * np.sin(t)])
    run_at = circle * (5 + off) / 5 + 10 * (1 - (5 + off) / 5)  # a circle 0.02 mm larger
    body = "\n".join(f"G1 X{x:.4f} Y{y:.4f}" for x, y in run_at[1:])
    gcode = (
        f"G21 G90\nG1 Z3 F500\nG0 X{run_at[0, 0]:.4f} Y{run_at[0, 1]:.4f}\nM3 S20000\n"
        f"G1 Z-0.05 F100\n{body}\nG1 Z3\nM30\n"
    )
    result = simulate(
        gcode, SHARP_V, (0, 0, 20, 20), depth=0.05, resolution=res, design_paths=[circle], png=False
    )
    assert result.report.ok, result.report.reasons
    assert result.report.iou is not None and result.report.iou > 0.3  # reported all the same

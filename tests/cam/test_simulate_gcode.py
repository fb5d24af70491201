"""The simulator's G-code reader: modal state, units, arcs in both I/J modes, strict refusals."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.simulate import CUT, RAPID, SimulationError, read_gcode

GOLDEN = Path(__file__).resolve().parents[1] / "machines" / "golden"

HEAD = "G21 G90\nG0 Z5\nG0 X0 Y0\nM3 S20000\n"


def test_lines_modal_motion_comments_and_line_numbers() -> None:
    m = read_gcode(
        "%\n"
        "N10 G21 G90 (metric, absolute)\n"
        "N20 G0 Z5 ; safe\n"
        "N30 G0 X1 Y2\n"
        "N40 M3 S18000\n"
        "N50 G1 Z-0.2 F100\n"
        "N60 X11 F500\n"
        "N70 Y12\n"
        "N80 G0 Z5\n"
        "N90 M30\n"
        "%\n"
    )
    assert m.ended
    # the first rapid comes from wherever the machine stood: positioning, nothing to draw
    np.testing.assert_allclose(m.start[0], [1, 2, 5])
    np.testing.assert_allclose(m.end, [[1, 2, -0.2], [11, 2, -0.2], [11, 12, -0.2], [11, 12, 5]])
    np.testing.assert_allclose(m.start[1:], m.end[:-1])
    assert m.kind.tolist() == [CUT, CUT, CUT, RAPID]
    assert m.line.tolist() == [6, 7, 8, 9]
    np.testing.assert_allclose(m.feed[:3], [100, 500, 500])
    assert math.isnan(m.feed[3])
    assert m.spindle.all()


def test_inches_and_incremental_distances() -> None:
    m = read_gcode("G20 G90\nG0 Z0.2\nG0 X1 Y1\nG91\nG1 X0.5 Z-0.3 F10\nG90 G21\nG0 Z5\n")
    np.testing.assert_allclose(m.start[0], [25.4, 25.4, 5.08])
    np.testing.assert_allclose(m.end[0], [38.1, 25.4, 5.08 - 7.62])
    assert m.feed[0] == pytest.approx(254.0)
    np.testing.assert_allclose(m.end[1], [38.1, 25.4, 5.0])


def test_program_stops_at_m30_and_reports_machine_state() -> None:
    m = read_gcode(HEAD + "M8\nT4 M6\nG4 P1.5\nG1 Z-0.1 F50\nM5 M9\nG0 Z3\nM30\nG0 X99\n")
    assert m.ended
    assert m.end[:, 0].max() == 0.0  # nothing after M30 is read
    assert m.tool_changes == ((6, 4),)
    assert m.dwell_s == pytest.approx(1.5)
    assert m.coolant.tolist() == [True, False]
    assert m.spindle.tolist() == [True, False]
    assert not read_gcode(HEAD).ended


def _radii(m, cx: float, cy: float) -> np.ndarray:
    pts = np.concatenate([m.start[:, :2], m.end[:, :2]])
    return np.hypot(pts[:, 0] - cx, pts[:, 1] - cy)


@pytest.mark.parametrize(
    ("mode", "centre_words"), [("G91.1", "I0 J10"), ("G90.1", "I10 J20"), ("", "R10")]
)
def test_quarter_arc_in_every_centre_form(mode: str, centre_words: str) -> None:
    # from (10, 10) to (20, 20) counter-clockwise about (10, 20): the quarter on the right
    m = read_gcode(f"G21 G90 {mode}\nG0 Z1\nG0 X10 Y10\nG3 X20 Y20 {centre_words} F300\n")
    assert (m.kind == CUT).all()
    np.testing.assert_allclose(m.start[0], [10, 10, 1])
    np.testing.assert_allclose(m.end[-1], [20, 20, 1])
    r = _radii(m, 10, 20)
    assert np.abs(r - 10).max() < 1e-9
    mids = (m.start[:, :2] + m.end[:, :2]) / 2
    sagitta = 10 - np.hypot(mids[:, 0] - 10, mids[:, 1] - 20)
    assert sagitta.max() <= 0.001 + 1e-12
    assert (m.end[:, 0] >= 10 - 1e-9).all()  # right of the centre: the short way round


def test_clockwise_takes_the_other_side() -> None:
    m = read_gcode("G21 G90\nG0 Z1\nG0 X10 Y10\nG2 X20 Y20 I0 J10 F300\n")
    # clockwise from (10, 10) about (10, 20) goes left and over the top: three quarters
    assert m.end[:, 0].min() == pytest.approx(0.0, abs=1e-3)
    assert m.end[:, 1].max() == pytest.approx(30.0, abs=1e-3)


def test_full_circle_and_helix() -> None:
    m = read_gcode("G21 G90\nG0 Z0\nG0 X5 Y0\nG2 X5 Y0 Z-1 I-5 J0 F100\n")
    np.testing.assert_allclose(_radii(m, 0, 0), 5, atol=1e-9)
    turned = np.unwrap(np.arctan2(m.end[:, 1], m.end[:, 0]))
    assert turned[-1] - math.atan2(m.start[0, 1], m.start[0, 0]) == pytest.approx(-math.tau)
    # Z falls linearly with the angle swept
    swept = turned - math.atan2(m.start[0, 1], m.start[0, 0])
    np.testing.assert_allclose(m.end[:, 2], swept / math.tau, atol=1e-9)


def test_negative_radius_takes_the_long_way() -> None:
    m = read_gcode("G21 G90\nG0 Z1\nG0 X10 Y10\nG3 X20 Y20 R-10 F300\n")
    # centre (20, 10): counter-clockwise from (10, 10) to (20, 20) the long way round
    np.testing.assert_allclose(_radii(m, 20, 10), 10, atol=1e-9)
    assert m.end[:, 1].min() == pytest.approx(0.0, abs=1e-3)


@settings(max_examples=60, deadline=None)
@given(
    cx=st.floats(-50, 50),
    cy=st.floats(-50, 50),
    r=st.floats(0.05, 40),
    a0=st.floats(0, math.tau),
    a1=st.floats(0, math.tau),
    cw=st.booleans(),
    absolute=st.booleans(),
)
def test_arcs_stay_on_their_circle(cx, cy, r, a0, a1, cw, absolute) -> None:
    sx, sy = cx + r * math.cos(a0), cy + r * math.sin(a0)
    ex, ey = cx + r * math.cos(a1), cy + r * math.sin(a1)
    centre = f"I{cx:.6f} J{cy:.6f}" if absolute else f"I{cx - sx:.6f} J{cy - sy:.6f}"
    text = (
        f"G21 G90 {'G90.1' if absolute else 'G91.1'}\nG0 Z1\nG0 X{sx:.6f} Y{sy:.6f}\n"
        f"{'G2' if cw else 'G3'} X{ex:.6f} Y{ey:.6f} {centre} F100\n"
    )
    m = read_gcode(text, arc_tolerance=0.002)
    assert np.abs(_radii(m, cx, cy) - r).max() < 1e-4
    np.testing.assert_allclose(m.end[-1, :2], [float(f"{ex:.6f}"), float(f"{ey:.6f}")])
    angles = np.unwrap(np.arctan2(m.end[:, 1] - cy, m.end[:, 0] - cx))
    steps = np.diff(np.concatenate([[math.atan2(sy - cy, sx - cx)], angles]))
    steps = (steps + math.pi) % math.tau - math.pi
    assert ((steps <= 1e-9) if cw else (steps >= -1e-9)).all()  # the asked direction only
    chords = np.hypot(*(m.end[:, :2] - m.start[:, :2]).T)
    sagitta = r - np.sqrt(np.maximum(r * r - (chords / 2) ** 2, 0))
    assert sagitta.max() <= 0.002 + 1e-6


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("G0 Z5\nG28\n", "line 2: unsupported G code G28"),
        ("G0 Z5\nG18\n", "line 2: only the XY plane"),
        ("G0 Z5\nM98 P100\n", "line 2: unsupported M code M98"),
        ("G0 Z5\nG0 X1 Y1\nG1 A90 F100\n", "line 3: A90: a rotary program needs the band's"),
        ("G0 Z5\nG93\n", "line 2: G93 inverse-time feed: a rotary program needs the band's"),
        ("G0 Z5\nG0 X1 Y1\nG1 B90 F100\n", "line 3: unsupported word B90"),
        ("G0 Z5\nG0 X0 Y0\nG1 Z-1\n", "line 3: cutting move before any feed rate"),
        ("G1 Z-1 F100\n", "line 1: move into the stone from an unknown position"),
        ("G0 X1 Y1 Z5\n", "line 1: X/Y motion before Z is set"),
        ("G0 Z1\nG0 X0 Y0\nG2 X10 Y0 I4 J0 F100\n", "line 3: arc end is not on the circle"),
        ("G0 Z1\nG0 X0 Y0\nG2 X10 Y0 F100\n", "line 3: arc without I/J or R"),
        ("G0 Z1\nG0 X0 Y0\nG1 G0 X1\n", "line 3: two motion commands"),
        ("G0 Z1\nG0 X0 Y0 (open\n", "line 2: unbalanced comment"),
        ("G0 Z1\nG0 X0 Y0\nX1 X2\n", "line 3: word X given twice"),
        ("G0 Z1\nG0 X0 Y0\nG1 X1 F100 ?\n", "line 3: cannot read"),
        ("G80\nX1\n", "line 2: axis words without a motion mode"),
        ("G0 Z1\nG0 X0 Y0\nG2 X0 Y0 I1 J0 P2 F100\n", "line 3: P word outside G4 or G64"),
        ("G0 Z1\nG0 X0 Y0\nG2 X0 Y0 I1 J0 F100\nI1 J0\n", "line 4: I/J/K/R without an end point"),
    ],
)
def test_refuses_what_it_cannot_follow(text: str, needle: str) -> None:
    with pytest.raises(SimulationError) as err:
        read_gcode(text)
    assert needle in str(err.value)


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.nc")), ids=lambda p: p.name)
def test_reads_every_dialect_our_posts_write(path: Path) -> None:
    m = read_gcode(path.read_text())
    assert m.ended
    below = np.minimum(m.start[:, 2], m.end[:, 2]) < 0
    assert below.any()
    assert m.spindle[below].all()
    assert not (below & (m.kind == RAPID)).any()  # posts retract with G1 before any G0

"""The test-side G-code reader must itself be right: it flags what breaks the contract."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.gcode_reader import check_contract, grbl_line_ok, grbl_program_errors, read

SQUARE = [(np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]]), True)]
GOOD = """%
(a square, 0.2 deep)
G21 G90 G17
G1 Z3 F500
M3 S20000
G4 P2
M8
G0 X0 Y0
G1 Z-0.2 F60
X10 F250
Y10
X0
Y0
G1 Z3
G0 X0 Y0
M5 M9
M30
%
"""


def test_good_program_passes() -> None:
    assert check_contract(GOOD, SQUARE, depth=0.2, safe_z=3.0, tolerance=0.02) == []


def test_reader_yields_segments_with_modal_state() -> None:
    r = read(GOOD)
    cuts = [s for s in r.segments if s.cutting]
    assert [s.end[:2] for s in cuts[1:5]] == [(10, 0), (10, 10), (0, 10), (0, 0)]
    assert all(s.feed == 250 for s in cuts[1:5]) and cuts[0].feed == 60
    assert all(s.spindle_on for s in cuts)
    assert math.isnan(r.segments[0].start[0])  # the start is unknown


def test_arcs_are_flattened_on_their_circle_and_inches_converted() -> None:
    r = read("G20 G90\nG0 X1 Y0 Z1\nG3 X-1 Y0 I-1 J0 F10\n")
    arc = r.segments[-1]
    radius = np.hypot(arc.points[:, 0], arc.points[:, 1])
    assert np.allclose(radius, 25.4) and arc.points[:, 1].min() >= -1e-9
    assert r.inch_used


def test_absolute_ij_with_g90_1() -> None:
    r = read("G21 G90 G90.1\nG0 X10 Y0 Z1\nG2 X0 Y-10 I0 J0 F10\n")
    pts = r.segments[-1].points
    assert np.allclose(np.hypot(pts[:, 0], pts[:, 1]), 10)


def _violations(program: str, depth: float = 0.2) -> str:
    return " | ".join(check_contract(program, SQUARE, depth=depth, safe_z=3.0, tolerance=0.02))


def test_flags_a_cut_too_deep() -> None:
    assert "deeper than -0.2" in _violations(GOOD.replace("Z-0.2 F60", "Z-0.25 F60"))


def test_flags_a_low_rapid() -> None:
    bad = GOOD.replace("G1 Z3\nG0 X0 Y0", "G1 Z1\nG0 X0 Y0")
    assert "G0 with an end below the safe height" in _violations(bad)


def test_flags_a_rapid_that_plunges() -> None:
    bad = GOOD.replace("G0 X0 Y0\nG1 Z-0.2", "G0 X0 Y0 Z0.5\nG1 Z-0.2")
    assert "G0 with an end below" in _violations(bad)


def test_flags_cutting_without_spindle() -> None:
    assert "before the spindle is on" in _violations(GOOD.replace("M3 S20000", "M3 S0"))
    assert "before the spindle is on" in _violations(GOOD.replace("M3 S20000\n", ""))


def test_flags_missing_units_absolute_and_end() -> None:
    text = _violations(GOOD.replace("G21 G90 G17", "G17").replace("M30", ""))
    assert "G21" in text and "G90" in text and "M30" in text


def test_flags_a_cut_off_the_design() -> None:
    bad = GOOD.replace("X10 F250", "X10 Y0.05 F250")  # 0.05 mm off the bottom edge
    assert "off the design" in _violations(bad)


def test_flags_design_not_cut_at_full_depth() -> None:
    bad = GOOD.replace("Y10\nX0\nY0", "Y10\nG1 Z-0.1\nX0\nY0")  # top and left edge too shallow
    assert "not cut at full depth" in _violations(bad)


def test_flags_unreadable_and_nested_comments() -> None:
    assert "unreadable" in _violations(GOOD.replace("(a square, 0.2 deep)", "(a (nested) one)"))
    assert "unreadable" in _violations(GOOD.replace("X10 F250", "X10 F250 ?"))


@pytest.mark.parametrize(
    "line",
    [
        "G21",
        "G90 G17 G94",
        "G1 X1.0000 Y-2.5000 F250",
        "M3 S22000",
        "G4 P3",
        "M8",
        "M5 M9",
        "(MSG,Change the burr)",
        "M0",
        "G2 X1 Y1 I0.5 J0.5",
        "M30",
        "Z3.0000 F60",
    ],
)
def test_grbl_accepts(line: str) -> None:
    assert grbl_line_ok(line) is None


@pytest.mark.parametrize(
    "line,why",
    [
        ("%", "%"),
        ("T1 M6", "T words"),
        ("M6", "M6"),
        ("M7", "M7"),
        ("G64 P0.01", "G64"),
        ("G43 H1", "G43"),
        ("O100 sub", "unreadable"),
        ("G0 G1 X1", "modal group motion"),
        ("G90 G91", "modal group distance"),
        ("M3 M5", "modal group spindle"),
        ("X1 X2", "repeated X"),
        ("G4", "G4 without P"),
        ("(a (b) c)", "nested"),
        ("(Design: 莲)", "non-ASCII"),
        ("G1 X" + "1" * 70, "longer than 70"),
    ],
)
def test_grbl_refuses(line: str, why: str) -> None:
    problem = grbl_line_ok(line)
    assert problem is not None and why in problem


def test_grbl_program_rules_that_need_state() -> None:
    errors = dict(grbl_program_errors("G21\nG0 X0 Y0 Z3\nG1 Z-0.1\n"))
    assert "before any F" in errors[3]
    errors = dict(grbl_program_errors("G0 X10 Y0\nG2 X0 Y-10.1 I-10 J0 F100\n"))
    assert "error 33" in errors[2]
    errors = dict(grbl_program_errors("G0 X10 Y0\nG2 X0 I-10 J0 F100\n"))
    assert "both X and Y" in errors[2]
    errors = dict(grbl_program_errors("G0 X10 Y0\nG2 X10 Y0 I-10 J0 F100\n"))
    assert "full circle" in errors[2]
    assert grbl_program_errors("G0 X10 Y0\nG2 X0 Y-10.004 I-10 J0 F100\n") == []

"""Time estimate: trapezoids, junction speeds, never faster than length / feed."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.toolpath import Move
from machines.estimate import estimate
from machines.profiles import get_machine
from tests.machines.programs import CCW, SAFE, L, R, program, two_tool_program

# a plain machine for hand computation: same limits on every axis
M = dataclasses.replace(
    get_machine("engraver-3axis-grbl"),
    max_rate={"x": 6000.0, "y": 6000.0, "z": 6000.0},
    acceleration={"x": 100.0, "y": 100.0, "z": 100.0},
    junction_deviation=0.01,
)


def trapezoid(length: float, v: float, a: float, v0: float = 0.0, v1: float = 0.0) -> float:
    """Hand formula: accelerate v0 -> v, cruise, decelerate v -> v1 (mm, mm/s, mm/s^2)."""
    da, dd = (v * v - v0 * v0) / (2 * a), (v * v - v1 * v1) / (2 * a)
    assert da + dd <= length
    return (v - v0) / a + (v - v1) / a + (length - da - dd) / v


def test_single_long_move_accelerates_cruises_and_decelerates() -> None:
    e = estimate([Move(L, 100, 0, 0, 600)], M, start=(0, 0, 0))
    assert e.seconds == pytest.approx(trapezoid(100, 10, 100))  # 10.1 s
    assert e.seconds > 100 / 10  # never the bare length / feed
    assert e.cut_length_mm == pytest.approx(100) and e.rapid_length_mm == 0


def test_short_move_never_reaches_its_feed() -> None:
    # 0.5 mm at 600 mm/min with 100 mm/s^2: peak speed sqrt(a * L) = 7.07 mm/s < 10 mm/s
    e = estimate([Move(L, 0.5, 0, 0, 600)], M, start=(0, 0, 0))
    assert e.seconds == pytest.approx(2 * math.sqrt(0.5 / 100))


def test_right_angle_corner_slows_to_the_junction_speed() -> None:
    e = estimate([Move(L, 100, 0, 0, 600), Move(L, 100, 100, 0, 600)], M, start=(0, 0, 0))
    # GRBL: sin(theta/2) = sqrt((1 - cos theta) / 2) with cos theta = 0 at a right angle;
    # acceleration along the junction direction (-1, 1)/sqrt2 is limited to 100 * sqrt2
    sin_half = math.sqrt(0.5)
    vj = math.sqrt(100 * math.sqrt(2) * 0.01 * sin_half / (1 - sin_half))
    assert vj == pytest.approx(1.848, abs=1e-3)
    expected = trapezoid(100, 10, 100, 0, vj) + trapezoid(100, 10, 100, vj, 0)
    assert e.seconds == pytest.approx(expected, rel=1e-9)


def test_straight_continuation_keeps_full_speed() -> None:
    two = estimate([Move(L, 50, 0, 0, 600), Move(L, 100, 0, 0, 600)], M, start=(0, 0, 0))
    one = estimate([Move(L, 100, 0, 0, 600)], M, start=(0, 0, 0))
    assert two.seconds == pytest.approx(one.seconds)


def test_reversal_stops_the_machine() -> None:
    e = estimate([Move(L, 100, 0, 0, 600), Move(L, 0, 0, 0, 600)], M, start=(0, 0, 0))
    assert e.seconds == pytest.approx(2 * trapezoid(100, 10, 100))


def test_axis_rate_limits_the_feed_along_the_move() -> None:
    slow_z = dataclasses.replace(M, max_rate={"x": 6000.0, "y": 6000.0, "z": 60.0})
    e = estimate([Move(L, 0, 0, -10, 600)], slow_z, start=(0, 0, 0))
    assert e.seconds == pytest.approx(trapezoid(10, 1.0, 100))  # Z capped at 1 mm/s


def test_rapids_run_at_the_machine_rate() -> None:
    e = estimate([Move(R, 300, 0, SAFE)], M, start=(0, 0, SAFE))
    assert e.seconds == pytest.approx(trapezoid(300, 100, 100))
    assert e.rapid_length_mm == pytest.approx(300) and e.cut_length_mm == 0


def test_arc_length_and_time() -> None:
    e = estimate([Move(CCW, 10, 0, 0, 600, -10, 0)], M, start=(10, 0, 0))  # full circle r=10
    assert e.cut_length_mm == pytest.approx(2 * math.pi * 10, rel=1e-4)
    assert e.seconds > e.cut_length_mm / 10


def test_program_adds_dwell_and_tool_change() -> None:
    one = estimate(program(), M)
    assert one.dwell_seconds == M.spindle_spinup_seconds and one.tool_change_seconds == 0
    two = estimate(two_tool_program(), M)
    assert two.tool_change_seconds == M.tool_change_seconds
    assert two.dwell_seconds == 2 * M.spindle_spinup_seconds
    assert len(two.per_toolpath) == 2
    assert two.seconds == pytest.approx(
        two.motion_seconds + two.dwell_seconds + two.tool_change_seconds
    )
    assert sum(two.per_toolpath) == pytest.approx(two.motion_seconds)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-50, 50), st.floats(-50, 50), st.floats(-1, 0), st.floats(30, 3000)),
        min_size=1,
        max_size=30,
    )
)
def test_never_shorter_than_length_over_feed(points) -> None:
    moves = [Move(L, x, y, z, f) for x, y, z, f in points]
    e = estimate(moves, M, start=(0.0, 0.0, 0.0))
    prev, bound = np.zeros(3), 0.0
    for x, y, z, f in points:
        p = np.array([x, y, z])
        bound += np.linalg.norm(p - prev) / (f / 60)
        prev = p
    assert e.seconds >= bound * (1 - 1e-9) - 1e-6  # moves under 1e-9 mm take no time


def test_hundred_thousand_moves_estimate_above_length_over_feed() -> None:
    # speed is measured in benchmarks/, not asserted here
    rng = np.random.default_rng(7)
    xy = np.cumsum(rng.uniform(-1, 1, (100_000, 2)), axis=0)
    moves = [Move(L, float(x), float(y), -0.1, 300.0) for x, y in xy]
    e = estimate(moves, M)
    assert e.seconds > e.cut_length_mm / 5

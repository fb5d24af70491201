"""Rotary wrap: A from the length along the band, wrap then unwrap gives the design back,
arcs flattened within the tolerance, tip feed times, the unrolled preview."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.design import Design, DesignPath
from cam.errors import RotaryError
from cam.plan import PlanOptions, plan_program
from cam.rotary import (
    angle_of,
    preview_svg,
    tip_minutes,
    unwrap_moves,
    unwrap_toolpath,
    wrap_moves,
    wrap_toolpath,
)
from cam.toolpath import CuttingParams, Move, MoveKind, Tool, ToolKind, Toolpath

BALL = Tool("ball-0.5", ToolKind.BALL, 0.5)
PARAMS = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=0.1)
D = 62.0


def test_a_quarter_of_the_band_is_ninety_degrees() -> None:
    assert angle_of(math.pi * D / 4, D) == pytest.approx(90.0)
    m = wrap_moves([Move(MoveKind.LINEAR, 3.0, math.pi * D / 2, -0.2, 300.0)], D)[0]
    assert (m.x, m.y, m.z, m.a) == (3.0, 0.0, -0.2, pytest.approx(180.0))


kinds = st.sampled_from([MoveKind.RAPID, MoveKind.LINEAR])
coords = st.floats(-90.0, 90.0, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(
    moves=st.lists(st.tuples(kinds, coords, coords, st.floats(-1, 3)), min_size=1, max_size=40),
    d=st.floats(20.0, 120.0),
)
@pytest.mark.parametrize("along", ["y", "x"])
def test_wrap_then_unwrap_returns_the_design(along, moves, d) -> None:
    flat = [
        Move(k, x * d / 120.0, y * d / 120.0, z, None if k is MoveKind.RAPID else 300.0)
        for k, x, y, z in moves
    ]
    back = unwrap_moves(wrap_moves(flat, d, along=along), d, along=along)
    assert len(back) == len(flat)
    for a, b in zip(flat, back, strict=True):
        assert b.kind is a.kind and b.a is None and b.feed == a.feed
        assert abs(b.x - a.x) <= 1e-6 and abs(b.y - a.y) <= 1e-6 and abs(b.z - a.z) <= 1e-6


def test_planned_engrave_with_arcs_wraps_and_unwraps_onto_its_design() -> None:
    a = np.linspace(0, 2 * math.pi, 200, endpoint=False)
    ring = np.column_stack([20 + 8 * np.cos(a), 50 + 8 * np.sin(a)])
    design = Design(40.0, 100.0, (DesignPath(ring, True, "ring", "stroke"),), (), 0.005, "t")
    tp = plan_program(design, PlanOptions(tool=BALL, params=PARAMS, depth=0.2)).toolpaths[0]
    assert any(m.kind is MoveKind.ARC_CCW or m.kind is MoveKind.ARC_CW for m in tp.moves)
    wrapped = wrap_toolpath(tp, D, tolerance=0.01)
    assert wrapped.rotary_diameter == D
    assert all(m.a is not None and m.y == 0.0 for m in wrapped.moves)
    assert all(m.kind in (MoveKind.RAPID, MoveKind.LINEAR) for m in wrapped.moves)
    back = unwrap_toolpath(wrapped)
    xy = np.array([(m.x, m.y) for m in back.moves if m.z < 0])
    off = np.abs(np.hypot(xy[:, 0] - 20, xy[:, 1] - 50) - 8)
    assert off.max() <= 0.005 + 0.01  # the design's flattening plus the arcs' flattening
    with pytest.raises(RotaryError, match="already wrapped"):
        wrap_toolpath(wrapped, D)


def test_along_x_turns_the_design_a_quarter_without_mirroring_it() -> None:
    # a right-handed L: +x then +y. Turned (x, y) -> (y, -x) it must stay right-handed
    pts = [(0.0, 0.0), (10.0, 0.0), (10.0, 5.0)]
    moves = [Move(MoveKind.LINEAR, x, y, -0.1, 300.0) for x, y in pts]
    wrapped = wrap_moves(moves, D, along="x")
    band = [(m.x, float(m.a) * math.pi * D / 360.0) for m in wrapped]
    assert band[1] == pytest.approx((0.0, -10.0)) and band[2] == pytest.approx((5.0, -10.0))
    (ax, ay), (bx, by), (cx, cy) = band
    assert (bx - ax) * (cy - by) - (by - ay) * (cx - bx) == pytest.approx(50.0)  # same turn
    with pytest.raises(RotaryError, match="x or y"):
        wrap_moves(moves, D, along="z")


def test_a_design_longer_than_the_band_is_refused() -> None:
    moves = [Move(MoveKind.RAPID, 0, 0, 3), Move(MoveKind.LINEAR, 0, math.pi * D + 1, -0.1, 300)]
    with pytest.raises(RotaryError, match="more than its circumference"):
        wrap_moves(moves, D)
    with pytest.raises(RotaryError, match="diameter"):
        wrap_moves(moves, 0.0)


def test_tip_minutes_count_the_turn_at_the_tip_radius() -> None:
    quarter = Move(MoveKind.LINEAR, 0.0, 0.0, 0.0, 300.0, a=90.0)
    assert tip_minutes((0.0, 0.0, 0.0), quarter, 0.0, D) == pytest.approx(math.pi * D / 4 / 300)
    deep = Move(MoveKind.LINEAR, 4.0, 0.0, -1.0, 300.0, a=90.0)
    turn = (D / 2 - 1.0) * math.pi / 2
    expected = math.sqrt(16 + turn**2) / 300
    assert tip_minutes((0.0, 0.0, -1.0), deep, 0.0, D) == pytest.approx(expected)
    with pytest.raises(RotaryError, match="feed"):
        tip_minutes((0, 0, 0), Move(MoveKind.LINEAR, 1, 0, 0, None, a=1.0), 0.0, D)


def test_preview_is_the_unrolled_band_with_the_cut() -> None:
    moves = [
        Move(MoveKind.RAPID, 5, 10, 3),
        Move(MoveKind.LINEAR, 5, 10, -0.2, 60),
        Move(MoveKind.LINEAR, 15, 40, -0.2, 300),
        Move(MoveKind.LINEAR, 15, 40, 3, 300),
    ]
    tp = wrap_toolpath(Toolpath("engrave", BALL, PARAMS, 0.2, 1, 3.0, moves), D)
    root = ET.fromstring(preview_svg(tp))
    paths = [p.get("d") for p in root.iter("{http://www.w3.org/2000/svg}path")]
    cut = paths[-1].split()
    assert len(cut) == 2  # one cut segment, from (5, 10) to (15, 40) on the band
    (x0, y0), (x1, y1) = (tuple(map(float, s[1:].split(","))) for s in cut)
    assert x1 - x0 == pytest.approx(10.0) and y0 - y1 == pytest.approx(30.0)  # y drawn upwards
    assert float(root.get("height").rstrip("m")) >= math.pi * D

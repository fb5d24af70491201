"""Moves as columns (`MoveArrays`, `MoveBuffer`) and toolpaths that make `Move` objects only
when asked: the same moves, the same G-code, whichever form a toolpath holds."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from cam.ops.emit import move_lengths
from cam.ops.passes import CutSettings, cut_contour
from cam.plan import PlanOptions, plan_program
from cam.svg import load_svg
from cam.toolpath import (
    CuttingParams,
    Move,
    MoveArrays,
    MoveBuffer,
    MoveKind,
    Tool,
    ToolKind,
    Toolpath,
)
from machines.estimate import estimate
from machines.post import render
from machines.profiles import get_machine

R, L, CW, CCW = MoveKind.RAPID, MoveKind.LINEAR, MoveKind.ARC_CW, MoveKind.ARC_CCW
TOOL = Tool("ball-0.5", ToolKind.BALL, 0.5)
PARAMS = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=0.1)
DATE = datetime(2026, 1, 1, tzinfo=UTC)
MOVES = [
    Move(R, 0.0, 0.0, 3.0),
    Move(L, 0.0, 0.0, -0.1, 60.0),
    Move(L, 5.0, 0.0, -0.1, 300.0),
    Move(CCW, 10.0, 5.0, -0.1, 300.0, 0.0, 5.0),
    Move(CW, 5.0, 10.0, -0.1, None, -5.0, 0.0),
    Move(L, 5.0, 10.0, 3.0, 300.0),
]
SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="30mm" viewBox="0 0 40 30">
<path d="M5 5 C 10 0, 20 0, 25 5 S 35 20, 30 25" fill="none" stroke="#000"/>
<circle cx="12" cy="18" r="6" fill="none" stroke="#000"/>
<polyline points="2,2 3,2 3,2.0000001 4,3" fill="none" stroke="#000"/>
<rect x="30" y="3" width="6" height="6" fill="none" stroke="#000"/>
</svg>"""


def test_columns_round_trip_every_field() -> None:
    moves = [*MOVES, Move(L, 1.0, 2.0, -0.05, 100.0, a=12.5)]
    arrays = MoveArrays.from_moves(moves)
    assert arrays.kind.tolist() == [0, 1, 1, 3, 2, 1, 1]
    assert np.isnan(arrays.feed[[0, 4]]).all()
    assert arrays.a is not None and np.isnan(arrays.a[:-1]).all() and arrays.a[-1] == 12.5
    assert arrays.to_moves() == moves
    assert arrays.to_moves(3, 5) == moves[3:5]
    assert MoveArrays.from_moves(MOVES).a is None


def test_buffer_appends_the_moves_it_is_given() -> None:
    buf = MoveBuffer()
    buf.append(MOVES[0])
    buf.add(1, 0.0, 0.0, -0.1, 60.0)
    buf.run([1.0, 2.0], [0.5, 0.25], -0.1, 300.0)
    buf.add(2, 4.0, 0.0, -0.1, None, 1.0, -1.0)
    assert len(buf) == 5 and buf.last() == (4.0, 0.0, -0.1)
    assert buf.moves() == [
        MOVES[0],
        Move(L, 0.0, 0.0, -0.1, 60.0),
        Move(L, 1.0, 0.5, -0.1, 300.0),
        Move(L, 2.0, 0.25, -0.1, 300.0),
        Move(CW, 4.0, 0.0, -0.1, None, 1.0, -1.0),
    ]


def test_toolpath_from_columns_makes_moves_on_first_read_only() -> None:
    tp = Toolpath.from_arrays("engrave", TOOL, PARAMS, 0.1, 1, 3.0, MoveArrays.from_moves(MOVES))
    assert tp.made_moves() is None and tp.move_count() == len(MOVES)
    columns = tp.move_arrays()
    assert tp.move_arrays() is columns  # nothing made, nothing copied
    assert tp.moves == MOVES
    assert tp.moves is tp.moves and tp.made_moves() is tp.moves
    assert tp.move_arrays() is columns  # the list still holds exactly those moves


def test_a_changed_move_list_is_the_truth() -> None:
    tp = Toolpath.from_arrays("engrave", TOOL, PARAMS, 0.1, 1, 3.0, MoveArrays.from_moves(MOVES))
    columns = tp.move_arrays()
    tp.moves[2] = Move(L, 6.0, 0.0, -0.1, 300.0)
    assert tp.move_arrays() is not columns
    assert tp.move_arrays().xyz[2].tolist() == [6.0, 0.0, -0.1]
    tp.moves.append(Move(R, 0.0, 0.0, 3.0))
    assert tp.move_count() == len(MOVES) + 1 and tp.move_arrays().kind[-1] == 0
    tp.moves = MOVES[:2]
    assert tp.move_count() == 2 and tp.move_arrays().xyz.shape == (2, 3)


def test_replace_and_equality_see_the_moves() -> None:
    tp = Toolpath.from_arrays("engrave", TOOL, PARAMS, 0.1, 1, 3.0, MoveArrays.from_moves(MOVES))
    listed = Toolpath("engrave", TOOL, PARAMS, 0.1, 1, 3.0, list(MOVES))
    assert tp == listed
    shorter = replace(tp, moves=MOVES[:3])
    assert shorter.moves == MOVES[:3] and tp.move_count() == len(MOVES)
    assert replace(tp, depth=0.2).moves == MOVES


def test_lengths_are_the_same_from_moves_and_columns() -> None:
    assert move_lengths(MOVES) == move_lengths(MoveArrays.from_moves(MOVES))
    cut, rapid = move_lengths(MOVES)
    assert rapid == 0.0  # from the first move, which is the only rapid
    # down 3.1, 5 along, a quarter turn CCW and three quarters CW of radius 5, up 3.1
    assert cut == pytest.approx(3.1 + 5.0 + (0.25 + 0.75) * 2 * math.pi * 5.0 + 3.1)


def test_cut_contour_writes_the_same_moves_to_a_list_or_a_buffer() -> None:
    s = CutSettings(300.0, 60.0, 250.0, math.tan(math.radians(3.0)), None)
    square = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]])
    for pts, closed in ((square, True), (square, False), (square[:2] * 0.01, False)):
        listed: list[Move] = []
        buf = MoveBuffer()

        def approach_list(x: float, y: float, out: list[Move] = listed) -> None:
            out.append(Move(R, x, y, 3.0))

        def approach_buf(x: float, y: float, out: MoveBuffer = buf) -> None:
            out.add(0, x, y, 3.0)

        end_a = cut_contour(pts, closed, 0.0, (0.1, 0.2), s, listed, approach_list)
        end_b = cut_contour(pts, closed, 0.0, (0.1, 0.2), s, buf, approach_buf)
        assert end_a == end_b
        assert listed[0].kind is R  # the approach comes first, then the cut
        assert listed == buf.moves()


@pytest.mark.parametrize("arcs", [False, True])
@pytest.mark.parametrize("dialect", ["grbl", "linuxcnc", "mach3"])
def test_planned_columns_post_exactly_like_their_moves(arcs: bool, dialect: str) -> None:
    design = load_svg(SVG, tolerance=0.01)
    options = PlanOptions(tool=TOOL, params=PARAMS, depth=0.2, tolerance=0.02, arcs=arcs)
    program = plan_program(design, options)
    tp = program.toolpaths[0]
    assert tp.made_moves() is None  # the planner hands over columns
    machine = get_machine("engraver-3axis-grbl")
    from_columns = render(program, machine, dialect=dialect, date=DATE)
    assert tp.made_moves() is None  # posting needs no Move objects
    as_list = replace(program, toolpaths=[replace(tp, moves=list(tp.moves))])
    assert as_list.toolpaths[0].move_arrays() is not tp.move_arrays()
    assert render(as_list, machine, dialect=dialect, date=DATE) == from_columns
    assert estimate(as_list, machine) == estimate(program, machine)
    assert (program.cut_length_mm, program.rapid_length_mm) == move_lengths(tp.moves)

"""Property tests: whatever the numbers, the written program keeps the contract."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.toolpath import Move
from machines.post import render
from machines.post.text import comment_lines, fmt, quantize_up, to_ascii
from machines.profiles import get_machine
from tests.gcode_reader import check_contract, grbl_program_errors
from tests.machines.programs import SAFE, L, R, program

MACHINES = [get_machine(n) for n in ("engraver-3axis-grbl", "generic-mach3")]
coords = st.floats(-20, 20, allow_nan=False, allow_infinity=False)


@settings(max_examples=25, deadline=None)
@given(
    points=st.lists(st.tuples(coords, coords), min_size=2, max_size=6),
    depth=st.floats(0.01, 2.0),
    passes=st.integers(1, 3),
)
def test_polyline_engrave_keeps_the_contract(points, depth, passes) -> None:
    cur = np.array(points)
    moves = [Move(R, cur[0, 0], cur[0, 1], SAFE)]
    for k in range(1, passes + 1):  # there and back: each pass starts where the last ended
        z = -depth * k / passes
        moves.append(Move(L, cur[0, 0], cur[0, 1], z, 60))
        moves += [Move(L, x, y, z, 250) for x, y in cur[1:]]
        cur = cur[::-1]
    moves.append(Move(L, cur[0, 0], cur[0, 1], SAFE, 60))
    prog = program(moves, depth=depth, passes=passes)
    design = [(np.array(points), False)]
    for machine in MACHINES:
        text = render(prog, machine)
        assert check_contract(text, design, depth, SAFE, 0.02) == []
        if machine.dialect == "grbl":
            assert grbl_program_errors(text) == []


@given(st.floats(-10, 0, allow_nan=False), st.floats(-10, 0, allow_nan=False))
def test_rounding_never_goes_below_a_floor_the_value_respects(value, floor) -> None:
    if value >= floor:
        assert quantize_up(value, floor) >= floor - 1e-12
        assert abs(quantize_up(value, floor) - value) <= 1e-4 + 1e-12


@given(st.floats(-1e4, 1e4, allow_nan=False))
def test_fmt_has_four_decimals_and_no_negative_zero(value) -> None:
    text = fmt(value)
    assert text != "-0.0000" and len(text.split(".")[1]) == 4
    assert abs(float(text) - value) <= 0.00005 + 1e-9


@given(st.text(max_size=300), st.integers(20, 120))
def test_comments_are_ascii_unnested_and_short(text, width) -> None:
    for line in comment_lines(text, width):
        assert line.isascii() and len(line) <= width
        assert line.startswith("(") and line.endswith(")")
        assert "(" not in line[1:-1] and ")" not in line[1:-1] and ";" not in line
    assert to_ascii(text).isascii()

"""Runs of feed moves written in bulk (machines.post.runs) must read exactly as move by move."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import machines.post.program as post_program
from cam.toolpath import Move
from machines.errors import PostError
from machines.post import render
from machines.post.runs import quantize_array
from machines.post.text import quantize
from machines.profiles import get_machine
from tests.machines.programs import CCW, CW, SAFE, L, R, program

DATE = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
MACHINE = get_machine("engraver-3axis-grbl")


def _both(prog, monkeypatch: pytest.MonkeyPatch, dialect: str = "grbl") -> tuple[str, str]:
    """(bulk text, move-by-move text) of one program."""
    bulk = render(prog, MACHINE, dialect=dialect, date=DATE)
    monkeypatch.setattr(post_program, "WHOLE_TOOLPATH", False)
    runs = render(prog, MACHINE, dialect=dialect, date=DATE)
    monkeypatch.setattr(post_program, "MIN_RUN", 10**9)
    one_by_one = render(prog, MACHINE, dialect=dialect, date=DATE)
    monkeypatch.undo()
    assert runs == one_by_one  # the run-by-run way, where the whole toolpath is not taken
    return bulk, one_by_one


# values at and near the 4-decimal ties (x.xxxx5), where rounding must match `round` exactly
_ties = st.integers(-2_000_000, 2_000_000).map(lambda k: (k + 0.5) / 10_000)
_coords = st.one_of(st.floats(-200, 200, allow_nan=False), _ties, st.sampled_from([0.0, -0.0]))


@given(st.lists(_coords, min_size=1, max_size=200))
def test_quantize_array_is_quantize(values: list[float]) -> None:
    got = quantize_array(np.array(values, dtype=float))
    want = [quantize(v) for v in values]
    assert got.tolist() == want
    assert not np.signbit(got[got == 0]).any()  # never -0.0


_z = st.one_of(
    st.floats(-0.2, 0.0),
    st.sampled_from([-0.2, -0.19999995, -0.20000004, 0.0, -0.00004, -0.00005, 0.5]),
)
_feed = st.sampled_from([250.0, 60.0, 123.4567, 250.0004, 99.9996])


@st.composite
def _arc(draw: st.DrawFn, x0: float, y0: float) -> Move:
    """An arc from (x0, y0): short and long sweeps either way, chords down to nothing, and
    end points off the circle (radii that disagree), so every way of writing one is taken."""
    r = draw(st.sampled_from([0.0004, 0.01, 0.5, 3.0, 40.0]))
    start = draw(st.floats(0.0, 2 * math.pi))
    sweep = draw(st.sampled_from([1e-5, 0.3, 1.5, math.pi - 1e-4, math.pi, 3.5, 2 * math.pi]))
    cw = draw(st.booleans())
    off = draw(st.sampled_from([0.0, 0.0, 0.0015, 0.003]))
    cx, cy = x0 - r * math.cos(start), y0 - r * math.sin(start)
    end = start - sweep if cw else start + sweep
    x, y = cx + (r + off) * math.cos(end), cy + (r + off) * math.sin(end)
    return Move(CW if cw else CCW, x, y, draw(_z), draw(_feed), cx - x0, cy - y0)


@st.composite
def _runs(draw: st.DrawFn) -> list[Move]:
    """Rapids down to cuts of random lengths: the runs between them are the bulk path's work."""
    moves: list[Move] = []
    for _ in range(draw(st.integers(1, 4))):
        x0, y0 = draw(_coords), draw(_coords)
        moves.append(Move(R, x0, y0, SAFE))
        moves.append(Move(L, x0, y0, -0.1, 60.0))
        n = draw(st.integers(1, 40))
        for _ in range(n):
            if draw(st.integers(0, 3)) == 0:
                moves.append(draw(_arc(x0, y0)))
                x0, y0 = moves[-1].x, moves[-1].y
                continue
            # repeated points (no motion after rounding) are part of the test
            if draw(st.booleans()):
                x0, y0 = draw(_coords), draw(_coords)
            moves.append(Move(L, x0, y0, draw(_z), draw(_feed)))
        moves.append(Move(L, x0, y0, SAFE, 60.0))
    return moves


@settings(max_examples=60, deadline=None)
@given(_runs())
def test_bulk_runs_read_as_move_by_move(moves: list[Move]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        bulk, one_by_one = _both(program(moves, depth=0.2), mp)
    assert bulk == one_by_one


def test_arcs_are_written_in_bulk_as_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ring of quarter arcs and lines, round and round: the bulk path takes it whole."""
    moves = [Move(R, 10, 0, SAFE), Move(L, 10, 0, -0.1, 60)]
    for _ in range(5):
        moves += [
            Move(CCW, 0, 10, -0.1, 250, -10, 0),
            Move(L, -5, 10, -0.1, 250),
            Move(L, -10, 10, -0.1, 250),
            Move(CCW, -20, 0, -0.1, 250, 0, -10),
            Move(CW, -10, 10, -0.2, 250, 10, 0),
            Move(L, 10, 0, -0.2, 250),
        ]
    moves.append(Move(L, 10, 0, SAFE, 60))
    taken: list[tuple[str, bool]] = []
    whole_writer, run_writer = post_program.write_toolpath, post_program.write_feed_run

    def whole(*args: object) -> bool:
        taken.append(("toolpath", whole_writer(*args)))  # type: ignore[arg-type]
        return taken[-1][1]

    def run(*args: object) -> bool:
        taken.append(("run", run_writer(*args)))  # type: ignore[arg-type]
        return taken[-1][1]

    monkeypatch.setattr(post_program, "write_toolpath", whole)
    monkeypatch.setattr(post_program, "write_feed_run", run)
    bulk, one_by_one = _both(program(moves, depth=0.2), monkeypatch)
    # the whole toolpath, arcs included, in one pass; then (the toolpath way turned off) the
    # whole run in one pass
    assert taken == [("toolpath", True), ("run", True)]
    assert bulk == one_by_one
    assert bulk.count("G3 ") + bulk.count("G2 ") >= 10 and "I-10.0000 J0.0000" in bulk


@pytest.mark.parametrize("dialect", ["grbl", "linuxcnc", "mach3"])
def test_bulk_runs_in_every_dialect(dialect: str, monkeypatch: pytest.MonkeyPatch) -> None:
    moves = [Move(R, 1, 1, SAFE), Move(L, 1, 1, -0.2, 60)]
    moves += [Move(L, 1 + k * 0.01, 1 + (k % 3) * 0.02, -0.2, 250) for k in range(50)]
    moves += [Move(L, 1.49, 1.0, SAFE, 60)]
    bulk, one_by_one = _both(program(moves, depth=0.2), monkeypatch, dialect)
    assert bulk == one_by_one
    assert bulk.count("\nX") + bulk.count("\nG1 X") >= 40  # the run was written


def test_a_run_under_the_depth_is_still_refused() -> None:
    moves = [Move(R, 1, 1, SAFE), Move(L, 1, 1, -0.1, 60)]
    moves += [Move(L, 1 + k * 0.1, 1, -0.1, 250) for k in range(20)]
    moves += [Move(L, 3.5, 1, -0.25, 250), Move(L, 3.5, 1, SAFE, 60)]
    with pytest.raises(PostError, match="below the toolpath depth"):
        render(program(moves, depth=0.2), MACHINE, date=DATE)


def test_a_run_with_a_zero_feed_is_still_refused() -> None:
    moves = [Move(R, 1, 1, SAFE), Move(L, 1, 1, -0.1, 60)]
    moves += [Move(L, 1 + k * 0.1, 1, -0.1, 250) for k in range(20)]
    moves += [Move(L, 3.5, 1, -0.1, 0.0001), Move(L, 3.5, 1, SAFE, 60)]
    with pytest.raises(PostError, match="rounds to zero"):
        render(program(moves, depth=0.2), MACHINE, date=DATE)


def _taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What `write_toolpath` answered on each toolpath offered to it."""
    taken: list[bool] = []
    whole_writer = post_program.write_toolpath

    def whole(*args: object) -> bool:
        taken.append(whole_writer(*args))  # type: ignore[arg-type]
        return taken[-1]

    monkeypatch.setattr(post_program, "write_toolpath", whole)
    return taken


def test_rapids_and_cuts_go_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    moves = []
    for k in range(3):  # three squares: rapid, down, round, up
        x = 5.0 * k
        moves += [Move(R, x, 0, SAFE), Move(R, x, 0, SAFE), Move(L, x, 0, -0.1, 60)]
        moves += [Move(L, x + 2, 0, -0.1, 250), Move(L, x + 2, 2, -0.1, 250)]
        moves += [Move(L, x, 2, -0.1, 250), Move(L, x, 0, -0.1, 250), Move(L, x, 0, SAFE, 250)]
    taken = _taken(monkeypatch)
    bulk, one_by_one = _both(program(moves, depth=0.2), monkeypatch)
    assert taken == [True]
    assert bulk == one_by_one
    assert bulk.count("\nG0 X") == 3  # the repeated rapid writes nothing


def test_a_rapid_straight_up_out_of_the_cut_is_left_to_the_writer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A vertical rapid out of the stone becomes a G1 at the plunge feed, move by move."""
    moves = [Move(R, 1, 1, SAFE), Move(L, 1, 1, -0.1, 60)]
    moves += [Move(L, 1 + k * 0.1, 1, -0.1, 250) for k in range(20)]
    moves += [Move(R, 2.9, 1, SAFE), Move(R, 5, 5, SAFE), Move(L, 5, 5, -0.1, 60)]
    moves += [Move(L, 5 + k * 0.1, 5, -0.1, 250) for k in range(20)] + [Move(L, 7, 5, SAFE, 60)]
    taken = _taken(monkeypatch)
    bulk, one_by_one = _both(program(moves, depth=0.2), monkeypatch)
    assert taken == [False]
    assert bulk == one_by_one
    assert "\nX2.9000\nZ3.0000 F60\nG0 X5.0000 Y5.0000\n" in bulk


def test_a_rapid_across_the_stone_is_still_refused() -> None:
    moves = [Move(R, 1, 1, SAFE), Move(L, 1, 1, -0.1, 60)]
    moves += [Move(L, 1 + k * 0.1, 1, -0.1, 250) for k in range(20)]
    moves += [Move(R, 5, 5, SAFE), Move(L, 5, 5, SAFE, 60)]
    with pytest.raises(PostError, match="across the stone"):
        render(program(moves, depth=0.2), MACHINE, date=DATE)

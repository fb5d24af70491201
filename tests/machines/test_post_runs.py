"""Runs of G1 written in bulk (machines.post.runs) must read exactly as move by move."""

from __future__ import annotations

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
from tests.machines.programs import SAFE, L, R, program

DATE = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
MACHINE = get_machine("engraver-3axis-grbl")


def _both(prog, monkeypatch: pytest.MonkeyPatch, dialect: str = "grbl") -> tuple[str, str]:
    """(bulk text, move-by-move text) of one program."""
    bulk = render(prog, MACHINE, dialect=dialect, date=DATE)
    monkeypatch.setattr(post_program, "MIN_RUN", 10**9)
    one_by_one = render(prog, MACHINE, dialect=dialect, date=DATE)
    monkeypatch.undo()
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
def _runs(draw: st.DrawFn) -> list[Move]:
    """Rapids down to cuts of random lengths: the runs between them are the bulk path's work."""
    moves: list[Move] = []
    for _ in range(draw(st.integers(1, 4))):
        x0, y0 = draw(_coords), draw(_coords)
        moves.append(Move(R, x0, y0, SAFE))
        moves.append(Move(L, x0, y0, -0.1, 60.0))
        n = draw(st.integers(1, 40))
        for _ in range(n):
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

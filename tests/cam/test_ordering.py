"""Path ordering: each path once, precedence kept, never worse than the input order, fast."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.ordering import OrderError, air_travel, order_paths

coord = st.floats(-100, 100, allow_nan=False, allow_infinity=False)


@st.composite
def path_sets(draw: st.DrawFn) -> tuple[list[np.ndarray], list[bool]]:
    n = draw(st.integers(1, 25))
    paths, closed = [], []
    for _ in range(n):
        k = draw(st.integers(1, 6))
        pts = np.array(draw(st.lists(st.tuples(coord, coord), min_size=k, max_size=k)))
        paths.append(pts)
        closed.append(draw(st.booleans()) and k >= 3)
    return paths, closed


def _is_permutation(order: list[tuple[int, bool, int]], n: int) -> bool:
    return sorted(i for i, _, _ in order) == list(range(n))


@settings(max_examples=150, deadline=None)
@given(data=path_sets(), start=st.tuples(coord, coord))
def test_each_path_once_and_never_worse_than_input(
    data: tuple[list[np.ndarray], list[bool]], start: tuple[float, float]
) -> None:
    paths, closed = data
    order = order_paths(paths, closed, start=start, budget_s=0.05)
    assert _is_permutation(order, len(paths))
    for idx, rev, vertex in order:
        assert 0 <= vertex < len(paths[idx])
        assert not (closed[idx] and rev)  # closed paths are entered at a vertex, not reversed
    identity = [(i, False, 0) for i in range(len(paths))]
    assert (
        air_travel(paths, closed, order, start) <= air_travel(paths, closed, identity, start) + 1e-9
    )


@settings(max_examples=100, deadline=None)
@given(data=path_sets(), seed=st.integers(0, 2**31 - 1))
def test_precedence_is_respected(data: tuple[list[np.ndarray], list[bool]], seed: int) -> None:
    paths, closed = data
    n = len(paths)
    rng = np.random.default_rng(seed)
    # random DAG: edges only from a lower to a higher rank in a random ranking
    rank = rng.permutation(n)
    pairs = [
        (int(a), int(b))
        for a in range(n)
        for b in range(n)
        if rank[a] < rank[b] and rng.random() < 0.2
    ]
    order = order_paths(paths, closed, budget_s=0.05, must_precede=pairs)
    assert _is_permutation(order, n)
    pos = {idx: k for k, (idx, _, _) in enumerate(order)}
    assert all(pos[a] < pos[b] for a, b in pairs)


def test_collinear_segments_are_chained_end_to_end() -> None:
    # segments along a line, shuffled and some drawn backwards: the best tour walks the line
    rng = np.random.default_rng(3)
    segs = [np.array([[2.0 * k, 0.0], [2.0 * k + 1.0, 0.0]]) for k in range(30)]
    perm = rng.permutation(30)
    paths = [segs[k][::-1] if k % 3 == 0 else segs[k] for k in perm]
    order = order_paths(paths, [False] * 30, start=(0.0, 0.0))
    assert air_travel(paths, [False] * 30, order) == pytest.approx(29.0)


def test_closed_paths_are_entered_at_their_nearest_vertex() -> None:
    square = np.array([[10.0, 10.0], [11.0, 10.0], [11.0, 11.0], [10.0, 11.0]])
    order = order_paths([square], [True], start=(20.0, 20.0))
    assert order == [(0, False, 2)]


def test_open_path_is_reversed_when_its_far_end_is_nearer() -> None:
    seg = np.array([[50.0, 0.0], [1.0, 0.0]])
    assert order_paths([seg], [False], start=(0.0, 0.0)) == [(0, True, 0)]


def test_cyclic_precedence_is_refused() -> None:
    pts = [np.array([[0.0, 0.0], [1.0, 0.0]])] * 2
    with pytest.raises(OrderError, match="cycle"):
        order_paths(pts, [False, False], must_precede=[(0, 1), (1, 0)])


def test_improvement_beats_greedy_on_random_segments() -> None:
    rng = np.random.default_rng(7)
    paths = [rng.random(2) * 100 + rng.normal(size=(2, 2)) for _ in range(400)]
    closed = [False] * 400
    greedy = air_travel(paths, closed, order_paths(paths, closed, budget_s=0.0))
    improved = air_travel(paths, closed, order_paths(paths, closed, budget_s=0.3))
    assert improved < greedy


def test_twenty_thousand_paths_each_once() -> None:
    # speed is measured in benchmarks/cam.py, not asserted here
    rng = np.random.default_rng(11)
    base = rng.random((20_000, 1, 2)) * 300
    paths = list(base + rng.normal(size=(20_000, 2, 2)))
    closed = [False] * 20_000
    order = order_paths(paths, closed, budget_s=0.2)
    assert _is_permutation(order, 20_000)


@settings(max_examples=80, deadline=None)
@given(data=path_sets(), flags=st.lists(st.booleans(), min_size=25, max_size=25))
def test_paths_that_return_to_their_entry_are_ordered_as_such(
    data: tuple[list[np.ndarray], list[bool]], flags: list[bool]
) -> None:
    paths, closed = data
    returns = flags[: len(paths)]
    order = order_paths(paths, closed, budget_s=0.05, returns=returns)
    assert _is_permutation(order, len(paths))
    identity = [(i, False, 0) for i in range(len(paths))]
    travel = air_travel(paths, closed, order, returns=returns)
    assert travel <= air_travel(paths, closed, identity, returns=returns) + 1e-9


def test_a_returning_stroke_is_left_where_it_was_entered() -> None:
    # two strokes; cut back and forth an even number of times, the first ends at its start
    a = np.array([[0.0, 0.0], [50.0, 0.0]])
    b = np.array([[0.0, 1.0], [50.0, 1.0]])
    plain = order_paths([a, b], [False, False])
    back = order_paths([a, b], [False, False], returns=[True, True])
    assert air_travel([a, b], [False, False], plain) == pytest.approx(1.0)
    assert air_travel([a, b], [False, False], back, returns=[True, True]) == pytest.approx(1.0)
    assert back[1][1] is False  # b entered at its near end (0, 1), next to where a left off

"""fit_arcs_many: many paths fitted together give each path exactly what it gets alone."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.arcs import Arc, Line, fit_arcs, fit_arcs_many


def _key(elements: list[Line | Arc]) -> list[tuple[object, ...]]:
    return [
        (type(e).__name__, e.x, e.y, *((e.cx, e.cy, e.clockwise) if isinstance(e, Arc) else ()))
        for e in elements
    ]


@st.composite
def _path(draw: st.DrawFn) -> tuple[np.ndarray, bool]:
    """Arcs, straight stretches and noise: short, ring-sized and long enough to screen."""
    n = draw(st.integers(1, 160))
    radius = draw(st.floats(0.05, 80.0))
    sweep = draw(st.floats(0.1, 2 * math.pi))
    noise = draw(st.sampled_from([0.0, 1e-4, 5e-3]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0.0, sweep, n))
    pts = radius * np.column_stack([np.cos(t), np.sin(t)]) + rng.normal(0.0, noise, (n, 2))
    if draw(st.booleans()):  # a straight tail
        pts[n // 2 :, 1] = pts[n // 2, 1]
    return pts, draw(st.booleans())


@settings(max_examples=40, deadline=None)
@given(st.lists(_path(), min_size=1, max_size=12), st.sampled_from([0.002, 0.009, 0.05]))
def test_batched_equals_one_by_one(paths: list[tuple[np.ndarray, bool]], tol: float) -> None:
    together = fit_arcs_many(paths, tol)
    assert len(together) == len(paths)
    for (pts, closed), got in zip(paths, together, strict=True):
        assert _key(got) == _key(fit_arcs(pts, closed, tol))


def test_rings_of_one_size_are_each_fitted_as_arcs() -> None:
    """Paths of the same size are checked together: each still gets its own circle."""
    t = np.linspace(0.0, 2 * math.pi, 40, endpoint=False)
    rings = [(np.column_stack([cx + r * np.cos(t), r * np.sin(t)]), True) for cx, r in
             [(0.0, 1.0), (10.0, 2.0), (20.0, 3.0)]]  # fmt: skip
    fitted = fit_arcs_many(rings, 0.02)  # chords of the largest sag by 0.01 mm
    for (pts, _), elements, cx in zip(rings, fitted, (0.0, 10.0, 20.0), strict=True):
        arcs = [e for e in elements if isinstance(e, Arc)]
        assert arcs and all(e.cx == pytest.approx(cx, abs=1e-6) for e in arcs)
        assert (elements[-1].x, elements[-1].y) == (pts[0, 0], pts[0, 1])  # back to the start


def test_refuses_a_bad_tolerance() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        fit_arcs_many([(np.zeros((3, 2)), False)], 0.0)


def test_arcs_only_gives_nothing_for_a_path_without_arcs_and_the_same_elements_otherwise():
    straight = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.5], [3.0, 0.0], [4.0, 0.0]])
    t = np.linspace(0.0, np.pi, 40)
    bend = np.column_stack([10.0 + 5.0 * np.cos(t), 5.0 * np.sin(t)])
    both = np.vstack([straight, bend + [0.0, 1.0]])
    paths = [(straight, False), (bend, False), (both, False), (straight[:4], True)]
    plain = fit_arcs_many(paths, 0.01)
    only = fit_arcs_many(paths, 0.01, arcs_only=True)
    assert all(isinstance(el, Line) for el in plain[0]) and len(plain[0]) == 4
    assert only[0] == [] and only[3] == []
    assert any(isinstance(el, Arc) for el in plain[2]) and any(
        isinstance(el, Line) for el in plain[2]
    )
    assert only[1] == plain[1] and only[2] == plain[2]


def test_runs_checked_in_slices_give_the_same_elements(monkeypatch: pytest.MonkeyPatch) -> None:
    import cam.arcs as arcs

    rng = np.random.default_rng(5)
    paths = []
    for k in range(30):
        t = np.linspace(0.0, rng.uniform(1.0, 6.0), int(rng.integers(5, 90)))
        r = rng.uniform(0.5, 20.0)
        pts = np.column_stack([r * np.cos(t), r * np.sin(t)]) + rng.normal(0, 1e-3, (len(t), 2))
        pts[: len(pts) // 3, 1] = np.linspace(pts[0, 1] - 5.0, pts[0, 1], len(pts) // 3)
        paths.append((pts + 10.0 * k, bool(k % 2)))
    whole = fit_arcs_many(paths, 0.01)
    monkeypatch.setattr(arcs, "_CHECK_ROWS", 7)
    sliced = fit_arcs_many(paths, 0.01)
    assert [_key(e) for e in sliced] == [_key(e) for e in whole]
    assert any(isinstance(el, Arc) for elements in whole for el in elements)

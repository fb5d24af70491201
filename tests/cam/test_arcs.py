"""Arc fitting: the output never strays from the polyline by more than the tolerance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

from cam.arcs import Arc, Line, fit_arcs

TOL = 0.02


# --- an independent reading of the output -------------------------------------------------


def _sweep(start: np.ndarray, arc: Arc) -> float:
    a0 = math.atan2(start[1] - arc.cy, start[0] - arc.cx)
    a1 = math.atan2(arc.y - arc.cy, arc.x - arc.cx)
    if arc.clockwise:
        return -((a0 - a1) % (2 * math.pi))
    return (a1 - a0) % (2 * math.pi)


def _densify(start: np.ndarray, elements: list[Line | Arc], step: float) -> np.ndarray:
    out = [np.asarray(start, dtype=float)[None, :]]
    here = np.asarray(start, dtype=float)
    for el in elements:
        end = np.array([el.x, el.y])
        if isinstance(el, Arc):
            r = math.hypot(*(here - (el.cx, el.cy)))
            sweep = _sweep(here, el)
            k = max(2, math.ceil(abs(sweep) * r / step))
            a = math.atan2(here[1] - el.cy, here[0] - el.cx) + sweep * np.linspace(0, 1, k)
            out.append(np.column_stack([el.cx + r * np.cos(a), el.cy + r * np.sin(a)]))
        else:
            k = max(2, math.ceil(np.linalg.norm(end - here) / step))
            out.append(here + np.linspace(0, 1, k)[:, None] * (end - here))
        here = end
    return np.vstack(out)


def _polyline_elements(points: np.ndarray, closed: bool) -> list[Line | Arc]:
    pts = np.vstack([points[1:], points[:1]]) if closed else points[1:]
    return [Line(float(x), float(y)) for x, y in pts]


def _hausdorff(points: np.ndarray, closed: bool, elements: list[Line | Arc]) -> float:
    step = TOL / 10  # each measured distance exceeds the true one by at most step / 2
    a = _densify(points[0], elements, step)
    b = _densify(points[0], _polyline_elements(points, closed), step)
    return max(cKDTree(a).query(b)[0].max(), cKDTree(b).query(a)[0].max())


def _ends(elements: list[Line | Arc]) -> list[np.ndarray]:
    return [np.array([el.x, el.y]) for el in elements]


# --- generated polylines -------------------------------------------------------------------


def _arc_piece(rng: np.random.Generator, start: np.ndarray, noise: float) -> np.ndarray:
    r = rng.uniform(0.3, 30.0)
    heading = rng.uniform(0, 2 * math.pi)
    centre = start + r * np.array([math.cos(heading), math.sin(heading)])
    a0 = heading + math.pi
    sweep = rng.uniform(0.2, 2 * math.pi) * rng.choice([-1.0, 1.0])
    n = int(rng.integers(4, 300))
    a = a0 + sweep * np.linspace(0, 1, n)[1:]
    pts = centre + r * np.column_stack([np.cos(a), np.sin(a)])
    return pts + rng.normal(0, noise, pts.shape)


def _line_piece(rng: np.random.Generator, start: np.ndarray, noise: float) -> np.ndarray:
    end = start + rng.uniform(-15, 15, 2)
    n = int(rng.integers(2, 60))
    pts = start + np.linspace(0, 1, n)[1:, None] * (end - start)
    return pts + rng.normal(0, noise, pts.shape)


def _zigzag_piece(rng: np.random.Generator, start: np.ndarray, noise: float) -> np.ndarray:
    n = int(rng.integers(3, 80))
    step = rng.uniform(0.01, 2.0)
    amp = rng.uniform(0.005, 1.0)
    k = np.arange(1, n)
    pts = start + np.column_stack([k * step, (k % 2) * amp])
    return pts + rng.normal(0, noise, pts.shape)


@st.composite
def polylines(draw: st.DrawFn) -> tuple[np.ndarray, bool]:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # noise below and above the tolerance: above it, arcs must be refused where they'd stray
    noise = draw(st.sampled_from([0.0, 0.001, 0.005, 0.015, 0.05]))
    kinds = draw(st.lists(st.sampled_from(["arc", "line", "zigzag"]), min_size=1, max_size=5))
    pieces = [rng.uniform(0, 150, (1, 2))]
    makers = {"arc": _arc_piece, "line": _line_piece, "zigzag": _zigzag_piece}
    for kind in kinds:
        pieces.append(makers[kind](rng, pieces[-1][-1], noise))
    return np.vstack(pieces), draw(st.booleans())


# --- the guarantee -------------------------------------------------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(polylines())
def test_output_stays_within_tolerance_of_the_polyline(case: tuple[np.ndarray, bool]) -> None:
    points, closed = case
    elements = fit_arcs(points, closed, TOL)
    # the sampling step adds at most half a step to either distance
    assert _hausdorff(points, closed, elements) <= TOL + TOL / 20


@settings(max_examples=120, deadline=None)
@given(polylines())
def test_elements_end_on_input_vertices_in_order(case: tuple[np.ndarray, bool]) -> None:
    points, closed = case
    elements = fit_arcs(points, closed, TOL)
    path = np.vstack([points, points[:1]]) if closed else points
    cursor = 0
    for end in _ends(elements):
        hits = np.flatnonzero(np.all(path[cursor + 1 :] == end, axis=1))
        assert len(hits), f"{end} is not a later input vertex"
        cursor += 1 + int(hits[0])
    assert np.array_equal(_ends(elements)[-1], path[-1])


@settings(max_examples=120, deadline=None)
@given(polylines())
def test_arcs_are_controller_safe(case: tuple[np.ndarray, bool]) -> None:
    points, closed = case
    here = points[0]
    for el in fit_arcs(points, closed, TOL):
        end = np.array([el.x, el.y])
        if isinstance(el, Arc):
            centre = np.array([el.cx, el.cy])
            r0, r1 = np.linalg.norm(here - centre), np.linalg.norm(end - centre)
            assert abs(r0 - r1) <= 1e-6  # GRBL refuses radii differing by 0.005 mm
            assert r0 <= 500.0
            assert 0 < abs(_sweep(here, el)) <= math.pi + 1e-9
        here = end


# --- recovering known arcs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("centre", "radius", "n"),
    [((10.0, 20.0), 5.0, 200), ((-40.0, 3.0), 0.8, 48), ((75.0, 75.0), 60.0, 5000)],
)
def test_sampled_circle_becomes_two_half_turns_about_its_centre(
    centre: tuple[float, float], radius: float, n: int
) -> None:
    a = np.linspace(0, 2 * math.pi, n, endpoint=False) + 0.3
    points = np.asarray(centre) + radius * np.column_stack([np.cos(a), np.sin(a)])
    elements = fit_arcs(points, True, TOL)
    assert all(isinstance(el, Arc) for el in elements)
    assert len(elements) <= 3  # a full turn needs two arcs of at most 180 degrees
    for el in elements:
        assert isinstance(el, Arc)
        assert math.hypot(el.cx - centre[0], el.cy - centre[1]) <= 1e-3
        assert abs(math.hypot(el.x - el.cx, el.y - el.cy) - radius) <= 1e-3
    assert (elements[-1].x, elements[-1].y) == tuple(points[0])


@pytest.mark.parametrize("direction", [1.0, -1.0])
def test_direction_follows_the_vertices(direction: float) -> None:
    # machine Y is up: increasing angle is counter-clockwise (G3), decreasing clockwise (G2)
    a = direction * np.linspace(0, math.pi / 2, 40)
    points = np.column_stack([30 * np.cos(a), 30 * np.sin(a)])
    elements = fit_arcs(points, False, TOL)
    assert len(elements) == 1
    arc = elements[0]
    assert isinstance(arc, Arc)
    assert arc.clockwise is (direction < 0)
    assert abs(arc.cx) < 1e-6 and abs(arc.cy) < 1e-6


def test_arc_within_a_path_keeps_its_corners_as_lines() -> None:
    corner = np.array([[0.0, 0.0], [10.0, 0.0]])
    a = np.linspace(-math.pi / 2, 0, 30)
    quarter = np.column_stack([10 + 5 * np.cos(a), 5 + 5 * np.sin(a)])[1:]
    points = np.vstack([corner, quarter, [[15.0, 20.0], [0.0, 20.0]]])
    elements = fit_arcs(points, False, TOL)
    kinds = [type(el).__name__ for el in elements]
    assert kinds == ["Line", "Arc", "Line", "Line"]
    arc = elements[1]
    assert isinstance(arc, Arc) and not arc.clockwise
    assert (arc.cx, arc.cy) == pytest.approx((10.0, 5.0), abs=1e-6)


def test_collinear_and_polygon_vertices_stay_lines() -> None:
    line = np.column_stack([np.linspace(0, 50, 100), np.linspace(0, 20, 100)])
    assert all(isinstance(el, Line) for el in fit_arcs(line, False, TOL))
    # a hexagon's vertices lie on a circle, but its sides stand far inside it
    a = np.linspace(0, 2 * math.pi, 6, endpoint=False)
    hexagon = 10 * np.column_stack([np.cos(a), np.sin(a)])
    elements = fit_arcs(hexagon, True, TOL)
    assert len(elements) == 6 and all(isinstance(el, Line) for el in elements)


def test_noise_above_tolerance_is_not_smoothed_away() -> None:
    rng = np.random.default_rng(7)
    a = np.linspace(0, math.pi, 400)
    points = 20 * np.column_stack([np.cos(a), np.sin(a)]) + rng.normal(0, 0.1, (400, 2))
    elements = fit_arcs(points, False, TOL)
    assert _hausdorff(points, False, elements) <= TOL + TOL / 20
    assert sum(isinstance(el, Line) for el in elements) > 100


def test_zero_length_steps_are_dropped() -> None:
    points = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [2.0, 1.0]])
    assert fit_arcs(points, False, TOL) == [Line(1.0, 0.0), Line(2.0, 1.0)]


def test_closed_path_already_repeating_its_first_point_is_not_doubled() -> None:
    square = np.array([[0.0, 0.0], [5.0, 0.0], [5.0, 5.0], [0.0, 5.0], [0.0, 0.0]])
    assert len(fit_arcs(square, True, TOL)) == 4


@pytest.mark.parametrize(
    ("points", "tolerance"),
    [
        (np.zeros((5, 3)), TOL),
        (np.array([[0.0, 0.0], [np.nan, 1.0]]), TOL),
        (np.zeros((5, 2)), 0.0),
        (np.zeros((5, 2)), -1.0),
    ],
)
def test_bad_input_is_refused(points: np.ndarray, tolerance: float) -> None:
    with pytest.raises(ValueError):
        fit_arcs(points, False, tolerance)



"""Flattening keeps every point of the true curve within the tolerance, in output space.

The true curves come from svgpathtools (an independent implementation of SVG's Béziers and
endpoint arcs), mapped by the affine transform with plain numpy.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree
from svgpathtools import Arc, CubicBezier, QuadraticBezier

from cam.svg.flatten import SegmentLimitError, flatten
from cam.svg.pathdata import parse_path_data

coord = st.floats(-50, 50, allow_nan=False)
point = st.tuples(coord, coord)
entry = st.floats(-3, 3, allow_nan=False)
shift = st.floats(-20, 20, allow_nan=False)


@st.composite
def affine(draw):
    """Any non-degenerate affine map: rotation, skew, non-uniform scale, mirror."""
    a, b, c, d = draw(entry), draw(entry), draw(entry), draw(entry)
    assume(abs(a * d - b * c) > 0.05)
    return (a, b, c, d, draw(shift), draw(shift))


def _map(m, z: np.ndarray) -> np.ndarray:
    x, y = z.real, z.imag
    return np.column_stack([m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]])


def _vectorized(curve):
    """t (array) -> complex points of the svgpathtools curve, with its own geometry."""
    if isinstance(curve, Arc):
        co, si = curve.rot_matrix.real, curve.rot_matrix.imag
        rx, ry, c = curve.radius.real, curve.radius.imag, curve.center

        def arc(t):
            ang = np.radians(curve.theta + t * curve.delta)
            x = rx * co * np.cos(ang) - ry * si * np.sin(ang) + c.real
            y = rx * si * np.cos(ang) + ry * co * np.sin(ang) + c.imag
            return x + 1j * y

        return arc
    poly = curve.poly()
    return lambda t: np.polyval(poly.coeffs, t)


def _on_curve_error(vertices: np.ndarray, f, m) -> float:
    """Largest distance from a vertex to the mapped curve: golden-section search around
    each of the vertex's nearest dense samples (several, for loops and cusps)."""
    ts = np.linspace(0, 1, 20001)
    _, j = cKDTree(_map(m, f(ts))).query(vertices, k=6)
    j = j.ravel()
    target = np.repeat(vertices, 6, axis=0)
    lo, hi = ts[np.maximum(j - 1, 0)], ts[np.minimum(j + 1, len(ts) - 1)]
    g = (math.sqrt(5) - 1) / 2

    def dist(t):
        return np.hypot(*(_map(m, f(t)) - target).T)

    for _ in range(60):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        closer = dist(a) < dist(b)
        hi, lo = np.where(closer, b, hi), np.where(closer, lo, a)
    return float(dist((lo + hi) / 2).reshape(-1, 6).min(axis=1).max())


def _dist_to_polyline(samples: np.ndarray, poly: np.ndarray) -> np.ndarray:
    if len(poly) == 1:
        poly = np.vstack([poly, poly])
    a, b = poly[:-1], poly[1:]
    ab = b - a
    len2 = (ab * ab).sum(axis=1)
    ap = samples[:, None, :] - a[None]
    u = np.clip((ap * ab[None]).sum(axis=2) / np.where(len2 > 0, len2, 1.0), 0.0, 1.0)
    q = ap - u[..., None] * ab[None]
    return np.sqrt((q * q).sum(axis=2)).min(axis=1)


def _check(d: str, curve, m, tol: float) -> np.ndarray:
    (poly,) = flatten([(m, parse_path_data(d))], tol, 10**7, 1e-9)[0]
    f = _vectorized(curve)
    assert abs(f(np.array([0.37]))[0] - curve.point(0.37)) < 1e-9  # the oracle is svgpathtools
    samples = _map(m, f(np.linspace(0, 1, 3000)))
    # every point of the true curve is within the tolerance of the polyline
    assert _dist_to_polyline(samples, poly).max() <= tol + 1e-9
    # every vertex is a point of the curve
    assert _on_curve_error(poly, f, m) <= 1e-5  # the oracle itself is noisy near 1e-6
    # the ends are exact and no point repeats
    assert np.allclose(poly[0], samples[0]) and np.allclose(poly[-1], samples[-1])
    assert (np.hypot(*np.diff(poly, axis=0).T) > 1e-9).all()
    return poly


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
tolerance = st.sampled_from([0.005, 0.02, 0.1])


@SETTINGS
@given(point, point, point, point, affine(), tolerance)
def test_cubic_within_tolerance(p0, p1, p2, p3, m, tol):
    d = "M{} {} C{} {} {} {} {} {}".format(*p0, *p1, *p2, *p3)
    curve = CubicBezier(*(complex(*p) for p in (p0, p1, p2, p3)))
    _check(d, curve, m, tol)


@SETTINGS
@given(point, point, point, affine(), tolerance)
def test_quadratic_within_tolerance(p0, p1, p2, m, tol):
    d = "M{} {} Q{} {} {} {}".format(*p0, *p1, *p2)
    curve = QuadraticBezier(*(complex(*p) for p in (p0, p1, p2)))
    _check(d, curve, m, tol)


radius = st.floats(0.5, 40, allow_nan=False)


@SETTINGS
@given(
    point,
    point,
    radius,
    radius,
    st.floats(-360, 360),
    st.booleans(),
    st.booleans(),
    affine(),
    tolerance,
)
def test_arc_within_tolerance(p0, p1, rx, ry, phi, large, sweep, m, tol):
    assume(math.dist(p0, p1) > 1e-3)
    d = f"M{p0[0]} {p0[1]} A{rx} {ry} {phi} {int(large)} {int(sweep)} {p1[0]} {p1[1]}"
    curve = Arc(complex(*p0), complex(rx, ry), phi, large, sweep, complex(*p1))
    _check(d, curve, m, tol)


def test_flat_parts_get_few_points():
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    (line_like,) = flatten(
        [(identity, parse_path_data("M0 0 C10 0 20 0 30 0"))], 0.02, 10**6, 1e-9
    )[0]
    assert len(line_like) == 2
    (curvy,) = flatten([(identity, parse_path_data("M0 0 C0 30 30 30 30 0"))], 0.02, 10**6, 1e-9)[0]
    assert 10 < len(curvy) < 200


def test_error_is_measured_after_the_transform():
    small = parse_path_data("M0 0 A1 1 0 0 1 2 0")
    (unit,) = flatten([((1.0, 0, 0, 1.0, 0, 0), small)], 0.02, 10**6, 1e-9)[0]
    (big,) = flatten([((100.0, 0, 0, 100.0, 0, 0), small)], 0.02, 10**6, 1e-9)[0]
    # the same arc scaled 100x needs about 10x the chords (sagitta ~ r d^2 / 8)
    assert len(big) > 5 * len(unit)
    centre = np.array([100.0, 0.0])
    mid = (big[1:] + big[:-1]) / 2
    assert (100.0 - np.hypot(*(mid - centre).T)).max() <= 0.02 + 1e-9


def test_segment_budget_refuses():
    subs = parse_path_data("M0 0 C0 1000 1000 1000 1000 0")
    with pytest.raises(SegmentLimitError):
        flatten([((1.0, 0, 0, 1.0, 0, 0), subs)], 0.0001, 100, 1e-9)


def test_many_items_keep_their_order_and_subpaths():
    items = [
        ((1.0, 0, 0, 1.0, float(i), 0), parse_path_data("M0 0 L1 0 M0 1 A1 1 0 0 1 2 1"))
        for i in range(50)
    ]
    out = flatten(items, 0.02, 10**6, 1e-9)
    assert len(out) == 50
    for i, (first, second) in enumerate(out):
        assert first.tolist() == [[i, 0], [i + 1, 0]]
        assert second[0].tolist() == [i, 1] and np.allclose(second[-1], [i + 2, 1])


def test_straight_only_subpaths_mixed_with_curves_keep_every_point_in_order():
    """Straight-only subpaths take a shortcut through the batch: interleaved with curved
    ones, lone moves and other maps, every point still comes out where it belongs."""
    shapes = [
        "M0 0 L3 0 L3 2 L0 2 Z M5 5 L6 6",  # straight only, two subpaths
        "M1 1 L2 1 C3 1 3 3 2 3 L1 3",  # straight and curved
        "M7 7",  # a lone move
        "M4 0 L4 1 L5 1 L5 0",
    ]
    items = [
        ((2.0, 0.0, 0.0, -1.0, 10.0 * k, 1.0), parse_path_data(d))
        for k in range(3)
        for d in shapes
    ]
    out = flatten(items, 0.01, 10**6, 1e-9)
    assert [len(subs) for subs in out] == [2, 1, 1, 1] * 3
    for k in range(3):
        a, b, c, d = out[4 * k : 4 * k + 4]
        x0 = 10.0 * k
        assert a[0].tolist() == [[x0, 1.0], [x0 + 6, 1.0], [x0 + 6, -1.0], [x0, -1.0]]
        assert a[1].tolist() == [[x0 + 10, -4.0], [x0 + 12, -5.0]]
        assert b[0][:2].tolist() == [[x0 + 2, 0.0], [x0 + 4, 0.0]]
        assert b[0][-1].tolist() == [x0 + 2, -2.0] and len(b[0]) > 5
        assert c[0].tolist() == [[x0 + 14, -6.0]]
        assert d[0].tolist() == [[x0 + 8, 1.0], [x0 + 8, 0.0], [x0 + 10, 0.0], [x0 + 10, 1.0]]

"""The heightmap sweep against closed-form tool envelopes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.simulate import Heightmap, cut_radius, shape_of
from cam.toolpath import Tool, ToolKind

BALL = Tool("ball-1.0", ToolKind.BALL, 1.0)
FLAT = Tool("cyl-1.0", ToolKind.FLAT, 1.0)
VBIT = Tool("v60", ToolKind.VBIT, 3.0, angle_deg=60.0, tip_diameter=0.2)
TOOLS = [BALL, FLAT, VBIT]


def _distance_to_segment(hm: Heightmap, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    xs, ys = hm.centres()
    px, py = np.meshgrid(xs, ys)
    ab = b - a
    l2 = float(ab @ ab)
    t = np.clip(((px - a[0]) * ab[0] + (py - a[1]) * ab[1]) / l2, 0, 1) if l2 else 0 * px
    return np.hypot(px - a[0] - t * ab[0], py - a[1] - t * ab[1])


def _expected(tool: Tool, d: np.ndarray, z: float) -> np.ndarray:
    """Closed-form heights after a horizontal pass at `z`, written out per tool kind."""
    r = tool.radius
    if tool.kind is ToolKind.FLAT:
        cut = np.full_like(d, z)
    elif tool.kind is ToolKind.BALL:
        cut = z + r - np.sqrt(np.clip(r * r - d * d, 0, None))
    else:
        cut = z + np.clip(d - tool.tip_diameter / 2, 0, None) / math.tan(
            math.radians(tool.angle_deg / 2)
        )
    return np.where(d <= r, np.minimum(cut, 0.0), 0.0)


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
def test_horizontal_pass_matches_the_closed_form_envelope(tool: Tool) -> None:
    hm = Heightmap.for_face((0, 0, 12, 8), 0.1)
    a, b = np.array([2.03, 3.01]), np.array([9.47, 5.2])
    hm.sweep(np.array([[*a, -0.4]]), np.array([[*b, -0.4]]), shape_of(tool))
    np.testing.assert_allclose(
        hm.z, _expected(tool, _distance_to_segment(hm, a, b), -0.4), atol=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(
    tool=st.sampled_from(TOOLS),
    pts=st.lists(st.floats(1.0, 9.0), min_size=4, max_size=4),
    z=st.floats(-1.0, -0.01),
)
def test_any_horizontal_segment_is_exact(tool: Tool, pts: list[float], z: float) -> None:
    hm = Heightmap.for_face((0, 0, 10, 10), 0.1)
    a, b = np.array(pts[:2]), np.array(pts[2:])
    hm.sweep(np.array([[*a, z]]), np.array([[*b, z]]), shape_of(tool))
    np.testing.assert_allclose(hm.z, _expected(tool, _distance_to_segment(hm, a, b), z), atol=1e-9)


@settings(max_examples=12, deadline=None)
@given(
    tool=st.sampled_from([BALL, VBIT]),
    pts=st.lists(st.floats(3.0, 7.0), min_size=4, max_size=4),
    z0=st.floats(-0.8, 0.3),
    z1=st.floats(-0.8, 0.3),
)
def test_ramps_never_cut_more_than_the_tool_and_stay_close(tool, pts, z0, z1) -> None:
    """Against dense sampling of the tool along the ramp: the map never goes below a height
    the tool really reaches (less the sampling's own error) and stays within dz_step of it."""
    hm = Heightmap.for_face((1, 1, 9, 9), 0.1)
    a, b = np.array([*pts[:2], z0]), np.array([*pts[2:], z1])
    shape = shape_of(tool)
    hm.sweep(a[None], b[None], shape, dz_step=0.002)
    xs, ys = hm.centres()
    px, py = np.meshgrid(xs, ys)
    samples = a + np.linspace(0, 1, 2001)[:, None] * (b - a)
    d = np.hypot(px[None] - samples[:, 0, None, None], py[None] - samples[:, 1, None, None])
    heights = np.where(d <= shape.radius, samples[:, 2, None, None] + shape.profile(d), 0.0)
    ref = np.minimum(heights.min(axis=0), 0.0)
    assert hm.z.min() >= min(z0, z1, 0.0) - 1e-12
    assert hm.z.max() <= 0.0
    if tool.kind is ToolKind.VBIT:  # a Lipschitz profile bounds the reference's own error
        step = float(np.linalg.norm(b - a)) / 2000
        slack = step * (1 / math.tan(shape.half_angle) + 1)
        assert (hm.z >= ref - slack - 1e-9).all()
        assert (hm.z <= ref + 0.002 + slack + 1e-9).all()
    else:
        # the ball's edge is steep: compare where the reference is well inside the footprint
        assert (hm.z >= ref - 0.01).all()
        assert (hm.z <= ref + 0.002 + 1e-9)[ref < -0.05].all()


def test_plunge_is_a_round_hole_at_the_bottom_depth() -> None:
    hm = Heightmap.for_face((0, 0, 4, 4), 0.05)
    hm.sweep(np.array([[2.0, 2.0, 3.0]]), np.array([[2.0, 2.0, -0.5]]), shape_of(FLAT))
    xs, ys = hm.centres()
    d = np.hypot(*np.meshgrid(xs - 2.0, ys - 2.0))
    np.testing.assert_array_equal(hm.z, np.where(d <= 0.5, -0.5, 0.0))
    assert (hm.z < 0).sum() * hm.cell_area == pytest.approx(math.pi * 0.25, rel=0.03)


def test_order_of_moves_does_not_matter_and_moves_above_the_stone_cut_nothing() -> None:
    rng = np.random.default_rng(7)
    a = np.column_stack([rng.uniform(1, 9, 50), rng.uniform(1, 9, 50), rng.uniform(-0.5, 0.5, 50)])
    b = np.column_stack([rng.uniform(1, 9, 50), rng.uniform(1, 9, 50), rng.uniform(-0.5, 0.5, 50)])
    one = Heightmap.for_face((0, 0, 10, 10), 0.1)
    two = Heightmap.for_face((0, 0, 10, 10), 0.1)
    one.sweep(a, b, shape_of(BALL))
    two.sweep(b[::-1], a[::-1], shape_of(BALL))
    np.testing.assert_allclose(one.z, two.z, atol=1e-12)
    above = Heightmap.for_face((0, 0, 10, 10), 0.1)
    above.sweep(a + [0, 0, 0.6], b + [0, 0, 0.6], shape_of(BALL))
    assert (above.z == 0).all()


def test_long_moves_are_split_without_changing_the_groove() -> None:
    whole = Heightmap.for_face((0, 0, 60, 10), 0.1)
    whole.sweep(np.array([[1.0, 5.0, -0.3]]), np.array([[59.0, 5.0, -0.3]]), shape_of(BALL))
    xs = np.linspace(1, 59, 117)
    parts = Heightmap.for_face((0, 0, 60, 10), 0.1)
    starts = np.column_stack([xs[:-1], np.full(116, 5.0), np.full(116, -0.3)])
    ends = np.column_stack([xs[1:], np.full(116, 5.0), np.full(116, -0.3)])
    parts.sweep(starts, ends, shape_of(BALL))
    np.testing.assert_allclose(whole.z, parts.z, atol=1e-12)


def test_cuts_past_the_face_are_reported() -> None:
    hm = Heightmap.for_face((0, 0, 10, 10), 0.1)
    a = np.array([[5.0, 5.0, -0.2], [9.8, 5.0, -0.2], [9.8, 5.0, 1.0]])
    b = np.array([[9.0, 5.0, -0.2], [12.0, 5.0, -0.2], [12.0, 5.0, 1.0]])
    assert hm.sweep(a, b, shape_of(BALL)).tolist() == [False, True, False]
    assert hm.z[:, -1].min() < 0  # what lies on the face is still carved


def test_initial_surface_is_respected() -> None:
    surface = np.full((20, 20), -1.0)
    hm = Heightmap.for_face((0, 0, 2, 2), 0.1, initial=surface)
    hm.sweep(np.array([[0.0, 1.0, -0.5]]), np.array([[2.0, 1.0, -0.5]]), shape_of(FLAT))
    assert (hm.z == -1.0).all()  # the tool passes above this stone
    hm.sweep(np.array([[0.0, 1.0, -1.2]]), np.array([[2.0, 1.0, -1.2]]), shape_of(FLAT))
    assert hm.removed.max() == pytest.approx(0.2)
    with pytest.raises(ValueError, match=r"initial surface must be \(20, 20\)"):
        Heightmap.for_face((0, 0, 2, 2), 0.1, initial=np.zeros((3, 3)))


def test_sample_reads_the_cell_under_a_point() -> None:
    hm = Heightmap.for_face((0, 0, 2, 1), 0.5)
    hm.z[1, 2] = -0.25
    np.testing.assert_allclose(hm.sample(np.array([[1.2, 0.7], [0.1, 0.1]])), [0.25, 0.0])
    assert np.isnan(hm.sample(np.array([[3.0, 0.5]]))[0])


@pytest.mark.parametrize("face", [(0, 0, 0, 5), (0, 0, 5, -1), (0, 0, math.nan, 1)])
def test_bad_faces_are_refused(face) -> None:
    with pytest.raises(ValueError, match="face must be"):
        Heightmap.for_face(face, 0.1)


def test_absurd_resolutions_are_refused_before_allocating() -> None:
    with pytest.raises(ValueError, match="use a coarser resolution"):
        Heightmap.for_face((0, 0, 100, 100), 0.001)


def test_groove_width_by_tool_kind() -> None:
    assert cut_radius(BALL, 0.3) == pytest.approx(math.sqrt(0.25 - 0.04))
    assert cut_radius(BALL, 0.8) == pytest.approx(0.5)
    assert cut_radius(FLAT, 0.1) == pytest.approx(0.5)
    assert cut_radius(VBIT, 0.5) == pytest.approx(0.1 + math.tan(math.radians(30)) * 0.5)
    assert cut_radius(VBIT, 50.0) == pytest.approx(1.5)

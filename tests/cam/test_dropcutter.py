"""Drop-cutter: against analytic surfaces, against a dense sampling of random triangles (an
independent reference), and the spatial index against testing every triangle."""

from __future__ import annotations

import math

import numpy as np
import pytest
import trimesh
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.surface.dropcutter import (
    NO_SURFACE,
    Cutter,
    DropCutter,
    drop_brute,
    pair_heights,
    profile_height,
)
from cam.toolpath import Tool, ToolKind

CUTTERS = [
    Cutter(ToolKind.BALL, 0.5),
    Cutter(ToolKind.FLAT, 0.4),
    Cutter(ToolKind.VBIT, 1.0, math.radians(30.0), 0.0),
    Cutter(ToolKind.VBIT, 1.5, math.radians(45.0), 0.1),
]


def dome(radius: float = 20.0, subdivisions: int = 4) -> trimesh.Trimesh:
    return trimesh.creation.icosphere(subdivisions=subdivisions, radius=radius).slice_plane(
        [0, 0, 0], [0, 0, 1]
    )


def test_flat_plane_every_tool_rests_its_tip_on_the_plane() -> None:
    plane = trimesh.creation.box(extents=(40, 40, 2))  # top face at z = 1
    xy = np.random.default_rng(0).uniform(-15, 15, (200, 2))
    for cutter in CUTTERS:
        z = DropCutter.from_mesh(plane, cutter).drop(xy)
        np.testing.assert_allclose(z, 1.0, atol=1e-9)


def test_tilted_plane_ball_and_cone_touch_as_their_profile_says() -> None:
    # plane z = x tan(20 deg); the ball touches at R sin, its tip sits R (1/cos - 1) above
    theta = math.radians(20.0)
    v = np.array(
        [
            [-50, -50, -50 * math.tan(theta)],
            [50, -50, 50 * math.tan(theta)],
            [50, 50, 50 * math.tan(theta)],
            [-50, 50, -50 * math.tan(theta)],
        ]
    )
    f = np.array([[0, 1, 2], [0, 2, 3]])
    xy = np.array([[0.0, 0.0], [3.0, 2.0]])
    ball = DropCutter(v, f, Cutter(ToolKind.BALL, 1.0)).drop(xy)
    np.testing.assert_allclose(
        ball - xy[:, 0] * math.tan(theta), 1 / math.cos(theta) - 1, atol=1e-9
    )
    cone = Cutter(ToolKind.VBIT, 2.0, math.radians(45.0), 0.0)
    # the plane is shallower than the cone's side: the sharp tip touches first
    np.testing.assert_allclose(
        DropCutter(v, f, cone).drop(xy), xy[:, 0] * math.tan(theta), atol=1e-9
    )
    flat = DropCutter(v, f, Cutter(ToolKind.FLAT, 1.0)).drop(xy)
    np.testing.assert_allclose(flat, (xy[:, 0] + 1.0) * math.tan(theta), atol=1e-9)


@pytest.mark.parametrize("cutter", CUTTERS[:2], ids=lambda c: c.kind.value)
def test_dome_matches_the_analytic_sphere_within_the_mesh_sagitta(cutter: Cutter) -> None:
    rs = 20.0
    mesh = dome(rs, 5)
    sagitta = mesh.edges_unique_length.max() ** 2 / (8 * rs)  # mesh lies inside the sphere
    xy = np.random.default_rng(1).uniform(-12, 12, (400, 2))
    r = np.hypot(*xy.T)
    z = DropCutter.from_mesh(mesh, cutter).drop(xy)
    if cutter.kind is ToolKind.BALL:
        exact = np.sqrt((rs + cutter.radius) ** 2 - r**2) - cutter.radius
    else:
        exact = np.sqrt(rs**2 - np.maximum(r - cutter.radius, 0.0) ** 2)
    assert np.all(z <= exact + 1e-9)
    assert np.all(z >= exact - 2 * sagitta)


def test_index_gives_the_same_answer_as_every_triangle() -> None:
    mesh = dome(15.0, 3)
    xy = np.random.default_rng(2).uniform(-17, 17, (300, 2))  # some beyond the dome
    for cutter in CUTTERS:
        fast = DropCutter.from_mesh(mesh, cutter).drop(xy)
        slow = drop_brute(xy, mesh.vertices, mesh.faces, cutter)
        np.testing.assert_array_equal(fast, slow)


def test_nothing_under_the_tool_is_no_surface() -> None:
    z = DropCutter.from_mesh(dome(10.0, 2), CUTTERS[0]).drop(np.array([[30.0, 0.0]]))
    assert z[0] == NO_SURFACE


def test_from_tool_reads_the_v_bit_geometry() -> None:
    c = Cutter.from_tool(Tool("v", ToolKind.VBIT, 3.0, angle_deg=60.0, tip_diameter=0.2))
    assert c.radius == 1.5 and c.tip_radius == pytest.approx(0.1)
    assert c.half_angle == pytest.approx(math.radians(30.0))
    with pytest.raises(ValueError, match="angle"):
        Cutter.from_tool(Tool("v", ToolKind.VBIT, 3.0, angle_deg=0.0))


def _dense_reference(c: np.ndarray, tri: np.ndarray, cutter: Cutter, n: int = 120) -> float:
    """max p.z - h(d) over a dense barycentric grid of the triangle (a lower bound)."""
    i, j = np.meshgrid(np.arange(n + 1), np.arange(n + 1))
    keep = i + j <= n
    s, t = i[keep] / n, j[keep] / n
    p = tri[0] + s[:, None] * (tri[1] - tri[0]) + t[:, None] * (tri[2] - tri[0])
    d = np.hypot(p[:, 0] - c[0], p[:, 1] - c[1])
    z = p[:, 2] - profile_height(cutter, d)
    z = z[d <= cutter.radius]
    return float(z.max()) if len(z) else NO_SURFACE


coord = st.floats(-2.0, 2.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(
    tri=st.lists(st.tuples(coord, coord, coord), min_size=3, max_size=3),
    c=st.tuples(st.floats(-1.5, 1.5), st.floats(-1.5, 1.5)),
    k=st.integers(0, len(CUTTERS) - 1),
)
def test_random_triangle_agrees_with_a_dense_sampling(tri, c, k) -> None:
    t = np.array(tri, dtype=float)
    cutter = CUTTERS[k]
    got = float(pair_heights(np.array([c]), t[None], cutter)[0])
    ref = _dense_reference(np.array(c), t, cutter)
    if ref == NO_SURFACE:
        return  # the grid missed a sliver in the shadow: nothing to compare
    # never lower than a real contact
    assert got >= ref - 1e-9
    if cutter.kind is ToolKind.BALL:
        return  # the ball's rim is infinitely steep: no grid bound holds there
    # never higher than the grid allows: p.z - h(d) moves at most (1 + cot) per mm of p
    spacing = max(np.linalg.norm(t[a] - t[b]) for a, b in ((0, 1), (1, 2), (2, 0))) / 120
    steep = 1.0 / math.tan(cutter.half_angle) if cutter.kind is ToolKind.VBIT else 0.0
    assert got <= ref + 2.0 * spacing * (1.0 + steep) + 1e-9

"""V-carving: depth from the inscribed radius on shapes whose radius is known, the cap and
its floor, and never a cut wider than the outline."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from cam.design import FillRegion
from cam.errors import DesignError, ToolError
from cam.ops.vcarve import VCarveOptions, medial_axis, vcarve_toolpath
from cam.toolpath import CuttingParams, MoveKind, Tool, ToolKind

PARAMS = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=5.0)
STEPPED = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=0.3)
V60 = Tool("v60", ToolKind.VBIT, 6.0, angle_deg=60.0)
V90 = Tool("v90", ToolKind.VBIT, 6.0, angle_deg=90.0, tip_diameter=0.2)


def disc(cx: float, cy: float, r: float, n: int = 400) -> FillRegion:
    a = np.linspace(0, 2 * math.pi, n, endpoint=False)
    ring = np.column_stack([cx + r * np.cos(a), cy + r * np.sin(a)])
    return FillRegion("disc", (ring,), "nonzero")


def rect(w: float, length: float) -> FillRegion:
    ring = np.array([[0, 0], [length, 0], [length, w], [0, w]], dtype=float)
    return FillRegion("bar", (ring,), "nonzero")


def cut_points(tp) -> np.ndarray:
    """(n, 3) ends of every feed move below Z0."""
    pts = np.array([(m.x, m.y, m.z) for m in tp.moves if m.kind is not MoveKind.RAPID])
    return pts[pts[:, 2] < 0]


def groove_depth(tool: Tool, r: float) -> float:
    tan_half = math.tan(math.radians(tool.angle_deg) / 2)
    return (r - tool.tip_diameter / 2) / tan_half


@pytest.mark.parametrize("tool", [V60, V90], ids=lambda t: t.name)
@pytest.mark.parametrize("radius", [0.5, 1.2])
def test_circle_centre_is_cut_to_its_radius_over_tan_half_angle(tool: Tool, radius: float) -> None:
    tp, warnings = vcarve_toolpath([disc(10, 10, radius)], tool, PARAMS, VCarveOptions(2.5))
    pts = cut_points(tp)
    deepest = pts[np.argmin(pts[:, 2])]
    assert -deepest[2] == pytest.approx(groove_depth(tool, radius), abs=0.02)
    assert math.hypot(deepest[0] - 10, deepest[1] - 10) < 0.05
    assert tp.depth == pytest.approx(-deepest[2])
    assert not warnings


def test_circle_deeper_than_the_cap_stops_at_the_cap_and_clears_its_floor() -> None:
    cap, r = 0.8, 1.5
    tp, warnings = vcarve_toolpath([disc(0, 0, r)], V60, PARAMS, VCarveOptions(cap, scallop=0.05))
    pts = cut_points(tp)
    assert pts[:, 2].min() == pytest.approx(-cap)
    assert len(warnings) == 1 and "capped at 0.8 mm" in warnings[0]
    # the floor: every point within the cap-wide shrink of the disc is passed over at the cap
    cap_w = cap * math.tan(math.radians(30))
    floor = pts[np.isclose(pts[:, 2], -cap)]
    probe = np.random.default_rng(0).uniform(-1, 1, (200, 2)) * (r - cap_w) / math.sqrt(2)
    gap = np.min(np.hypot(*(probe[:, None, :] - floor[None, :, :2]).transpose(2, 0, 1)), axis=1)
    assert gap.max() <= 2 * 0.05 * math.tan(math.radians(30)) + 0.02


@pytest.mark.parametrize("width", [1.0, 2.4])
def test_long_rectangle_centre_line_at_half_width_over_tan(width: float) -> None:
    length = 20.0
    tp, _ = vcarve_toolpath([rect(width, length)], V60, PARAMS, VCarveOptions(5.0))
    pts = cut_points(tp)
    middle = pts[np.abs(pts[:, 0] - length / 2) < length / 4]  # away from the ends
    np.testing.assert_allclose(middle[:, 1], width / 2, atol=0.01)
    np.testing.assert_allclose(-middle[:, 2], groove_depth(V60, width / 2), atol=0.02)
    assert len(middle) > 20


def test_depth_beyond_what_the_bit_can_open_is_capped_with_a_warning() -> None:
    narrow = Tool("v60-1", ToolKind.VBIT, 1.0, angle_deg=60.0)  # opens 1 mm at 0.866 mm deep
    tp, warnings = vcarve_toolpath([disc(0, 0, 1.0)], narrow, PARAMS, VCarveOptions(2.0))
    full = 0.5 / math.tan(math.radians(30))
    assert min(m.z for m in tp.moves) == pytest.approx(-full)
    assert any(f"capped at {full:.3f} mm" in w for w in warnings)


def test_step_down_passes_never_cut_deeper_than_the_width_allows() -> None:
    tp, _ = vcarve_toolpath([rect(2.0, 10.0)], V60, STEPPED, VCarveOptions(5.0))
    _never_wider_than_the_outline(Polygon([(0, 0), (10, 0), (10, 2), (0, 2)]), V60, tp)
    assert tp.passes == math.ceil(5.0 / 0.3 - 1e-9)
    assert min(m.z for m in tp.moves) == pytest.approx(-groove_depth(V60, 1.0), abs=0.02)


def _never_wider_than_the_outline(region: Polygon, tool: Tool, tp) -> None:
    pts = cut_points(tp)
    r = shapely.distance(region.boundary, shapely.points(pts[:, :2]))
    inside = shapely.contains_xy(region, pts[:, 0], pts[:, 1])
    assert inside.all()
    tan_half = math.tan(math.radians(tool.angle_deg) / 2)
    # the groove's half-width at the surface never passes the outline
    assert np.all(tool.tip_diameter / 2 + (-pts[:, 2]) * tan_half <= r + 0.01)


@settings(max_examples=15, deadline=None)
@given(
    w=st.floats(0.5, 3.0),
    h=st.floats(0.5, 3.0),
    notch=st.floats(0.1, 0.9),
)
def test_l_shapes_never_cut_wider_than_their_outline(w: float, h: float, notch: float) -> None:
    ring = np.array(
        [[0, 0], [w, 0], [w, h * notch], [w * notch, h * notch], [w * notch, h], [0, h]], float
    )
    tp, _ = vcarve_toolpath(
        [FillRegion("L", (ring,), "nonzero")], V60, PARAMS, VCarveOptions(5.0, spacing=0.05)
    )
    _never_wider_than_the_outline(Polygon(ring), V60, tp)


def test_medial_axis_of_a_rectangle_runs_along_its_middle() -> None:
    chains = medial_axis(Polygon([(0, 0), (10, 0), (10, 2), (0, 2)]), 0.05)
    pts = np.concatenate(chains)
    mid = pts[(pts[:, 0] > 1.5) & (pts[:, 0] < 8.5)]
    np.testing.assert_allclose(mid[:, 1], 1.0, atol=1e-6)
    assert mid[:, 0].min() < 2.0 and mid[:, 0].max() > 8.0


def test_refusals_say_why() -> None:
    ball = Tool("ball", ToolKind.BALL, 1.0)
    with pytest.raises(ToolError, match="needs a V-bit"):
        vcarve_toolpath([disc(0, 0, 1)], ball, PARAMS, VCarveOptions(1.0))
    with pytest.raises(DesignError, match="nothing to carve"):
        vcarve_toolpath([], V60, PARAMS, VCarveOptions(1.0))

"""Exact tool heights at chosen points, against the heightmap and the closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from cam.simulate import Heightmap, compare, read_gcode, shape_of
from cam.simulate.probe import tool_heights_at
from cam.toolpath import Tool, ToolKind

TOOLS = [
    Tool("ball-1.0", ToolKind.BALL, 1.0),
    Tool("cone-60", ToolKind.VBIT, 2.0, angle_deg=60.0, tip_diameter=0.1),
    Tool("cyl-1.0", ToolKind.FLAT, 1.0),
]
SHARP = Tool("v60-sharp", ToolKind.VBIT, 2.0, angle_deg=60.0)


@settings(max_examples=15, deadline=None)
@given(tool=st.sampled_from(TOOLS), seed=st.integers(0, 2**32 - 1))
def test_heights_at_cell_centres_are_the_heightmap(tool: Tool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = np.column_stack([rng.uniform(1, 9, 30), rng.uniform(1, 9, 30), rng.uniform(-0.5, 0.3, 30)])
    b = np.column_stack([rng.uniform(1, 9, 30), rng.uniform(1, 9, 30), rng.uniform(-0.5, 0.3, 30)])
    b[::2, 2] = a[::2, 2]  # half level, half ramps
    b[1::5, :2] = a[1::5, :2]  # and some plunges
    hm = Heightmap.for_face((0, 0, 10, 10), 0.1)
    shape = shape_of(tool)
    hm.sweep(a, b, shape)
    xs, ys = hm.centres()
    gx, gy = np.meshgrid(xs, ys)
    got = tool_heights_at(np.column_stack([gx.ravel(), gy.ravel()]), a, b, shape)
    # ramps are cut into pieces differently by the two (each within dz_step of the truth)
    np.testing.assert_allclose(got.reshape(hm.z.shape), hm.z, atol=0.002)
    level = Heightmap.for_face((0, 0, 10, 10), 0.1)
    b[:, 2] = a[:, 2]
    level.sweep(a, b, shape)
    got = tool_heights_at(np.column_stack([gx.ravel(), gy.ravel()]), a, b, shape)
    np.testing.assert_allclose(got.reshape(hm.z.shape), level.z, atol=1e-12)


@pytest.mark.parametrize("tool", [*TOOLS, SHARP], ids=lambda t: t.name)
@pytest.mark.parametrize("lateral", [0.0, 0.05])
def test_lateral_allowance_is_the_profile_closer_by_that_much(tool: Tool, lateral: float) -> None:
    shape = shape_of(tool)
    d = np.array([0.0, 0.01, 0.04, 0.1, 0.3, 0.45, 0.6])
    pts = np.column_stack([np.full_like(d, 5.0), 3.0 + d])
    got = tool_heights_at(
        pts, np.array([[1.0, 3.0, -0.3]]), np.array([[9.0, 3.0, -0.3]]), shape, lateral=lateral
    )
    closer = np.maximum(d - lateral, 0.0)
    want = np.where(closer <= shape.reach(np.array(0.3)), -0.3 + shape.profile(closer), 0.0)
    np.testing.assert_allclose(got, np.minimum(want, 0.0), atol=1e-12)


def _line(dy: float) -> str:
    return (
        f"G21 G90\nG1 Z3 F500\nG0 X10 Y{10 + dy:.4f}\nM3 S20000\nG1 Z-0.3 F100\n"
        "G1 X30 F500\nG1 Z3\nM30\n"
    )


@pytest.mark.parametrize(("dy", "uncut"), [(0.0, False), (0.02, False), (0.1, True)])
def test_a_sharp_v_bit_off_the_path_is_caught_exactly(dy: float, uncut: bool) -> None:
    """At 0.1 mm cells a sharp 60 deg V-bit's bottom is narrower than a cell; the probe sees
    a tool running 0.1 mm beside the path (0.17 mm shallow there), and accepts 0.02 mm."""
    motion = read_gcode(_line(dy))
    shape = shape_of(SHARP)
    hm = Heightmap.for_face((0, 0, 40, 20), 0.1)
    hm.sweep(motion.start, motion.end, shape)
    path = [np.array([[10.0, 10.0], [30.0, 10.0]])]
    generous = box(5, 5, 35, 15)  # the region check is not what is tested here
    report = compare(hm, generous, 0.3, 0.03, paths=path, shape=shape, motion=motion, min_iou=0)
    assert report.uncut_mm == pytest.approx(20.0 if uncut else 0.0, abs=0.2)
    assert report.ok is not uncut
    assert math.isfinite(report.max_depth)


def test_a_sharp_v_bit_too_deep_between_cell_centres_is_still_reported() -> None:
    """The tip at X10.1 Y10.1 lies at the corner of four 0.1 mm cells: the map alone would
    see the 0.35 mm plunge 0.12 mm shallow, within a tolerance that hides a 0.05 mm error."""
    gcode = "G21 G90\nG1 Z3 F500\nG0 X10.1 Y10.1\nM3 S20000\nG1 Z-0.35 F100\nG1 Z3\nM30\n"
    motion = read_gcode(gcode)
    shape = shape_of(SHARP)
    hm = Heightmap.for_face((0, 0, 20, 20), 0.1)
    hm.sweep(motion.start, motion.end, shape)
    assert hm.removed.max() < 0.3 + 0.01  # what the cells alone show
    report = compare(hm, box(5, 5, 15, 15), 0.3, 0.03, motion=motion, min_iou=0)
    assert report.max_depth == pytest.approx(0.35)
    assert any("deeper than the requested" in r for r in report.reasons)

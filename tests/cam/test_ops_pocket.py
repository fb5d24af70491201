"""Pocket: the cutter stays inside the filled region, clears its floor, inner rings first."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from cam.design import Design, FillRegion
from cam.errors import ToolError
from cam.ops.regions import fill_geometry
from cam.plan import PlanOptions, plan_program
from cam.toolpath import CuttingParams, MoveKind, Tool, ToolKind
from tests.cam.test_plan_checker import move_samples

FLAT2 = Tool("flat 2", ToolKind.FLAT, 2.0)
PARAMS = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=0.15)


def square(x0: float, y0: float, s: float) -> np.ndarray:
    return np.array([[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s]], float)


def plan(fills: tuple[FillRegion, ...], **kw: object):
    d = Design(100.0, 100.0, (), fills, 0.01, "pocket")
    opts = PlanOptions(tool=FLAT2, params=PARAMS, operation="pocket", **kw)  # type: ignore[arg-type]
    return plan_program(d, opts), opts


def cutting_samples(moves, step: float = 0.05) -> np.ndarray:
    pts = [p for _, p in move_samples(moves, step)]
    allp = np.vstack(pts)
    return allp[allp[:, 2] < 0]


def assert_inside(region, samples: np.ndarray, radius: float, tol: float) -> None:
    """Every cutting tool-centre sample keeps the whole cutter inside the region."""
    xy = samples[:, :2]
    assert shapely.contains_xy(region, xy[:, 0], xy[:, 1]).all()
    d = shapely.distance(region.boundary, shapely.points(xy))
    assert d.min() >= radius - tol, f"cutter crosses the wall by {radius - d.min():.4f} mm"


def test_square_with_hole_stays_inside_and_clears_the_floor() -> None:
    fill = FillRegion("frame", (square(10, 10, 40), square(25, 25, 10)), "evenodd")
    prog, opts = plan((fill,))
    region = fill_geometry(fill)
    moves = prog.toolpaths[0].moves
    samples = cutting_samples(moves)
    assert_inside(region, samples, FLAT2.radius, opts.tolerance)
    assert min(m.z for m in moves) == pytest.approx(-opts.depth)
    # the floor: everything the tool can reach is swept at full depth
    full = samples[samples[:, 2] <= -opts.depth + 1e-9][:, :2]
    swept = shapely.union_all(shapely.buffer(shapely.points(full[::2]), FLAT2.radius, quad_segs=8))
    reachable = region.buffer(-FLAT2.radius).buffer(FLAT2.radius)
    missed = reachable.difference(swept.buffer(0.02)).area
    assert missed < 1e-3 * reachable.area


def test_fill_rules_decide_what_is_pocketed() -> None:
    outer, inner = square(10, 10, 40), square(25, 25, 10)  # same winding direction
    for rule, hole in (("evenodd", True), ("nonzero", False)):
        prog, _ = plan((FillRegion("f", (outer, inner), rule),))
        samples = cutting_samples(prog.toolpaths[0].moves)
        in_hole = shapely.contains_xy(Polygon(inner), samples[:, 0], samples[:, 1]).any()
        assert in_hole is not hole


def ring_starts(moves, plunge_feed: float) -> list:
    """The vertical plunge-feed move that brings the tool onto each ring (first move of a cut)."""
    return [
        b
        for a, b in zip(moves, moves[1:], strict=False)
        if b.kind is MoveKind.LINEAR
        and b.feed == plunge_feed
        and (a.x, a.y) == (b.x, b.y)
        and b.z < a.z
    ]


def test_each_level_works_from_the_heart_of_the_pocket_out_to_the_wall() -> None:
    fill = FillRegion("sq", (square(10, 10, 30),), "nonzero")
    prog, opts = plan((fill,))
    region = fill_geometry(fill)
    starts = ring_starts(prog.toolpaths[0].moves, PARAMS.plunge_feed)
    tops = sorted({-m.z for m in starts})
    assert len(tops) == math.ceil(opts.depth / PARAMS.step_down - 1e-9)
    for top in tops:
        level = [m for m in starts if -m.z == top]
        dist = [region.boundary.distance(shapely.Point(m.x, m.y)) for m in level]
        assert dist == sorted(dist, reverse=True)  # heart first, the wall ring last
        assert dist[-1] == pytest.approx(FLAT2.radius, abs=0.02)


def test_links_stay_down_only_below_the_first_level_and_inside_the_pocket() -> None:
    fill = FillRegion("frame", (square(10, 10, 40), square(25, 25, 10)), "evenodd")
    prog, opts = plan((fill,), depth=0.45)
    moves = prog.toolpaths[0].moves
    starts = ring_starts(moves, PARAMS.plunge_feed)
    rapids = [m for m in moves if m.kind is MoveKind.RAPID]
    assert len(rapids) < len(starts)  # some links stayed down
    # ...but never on the first level, where the stone's surface is not yet known
    for k, m in enumerate(moves):
        if m in starts and m.z == 0.0:
            assert moves[k - 2].kind is MoveKind.RAPID
    assert_inside(fill_geometry(fill), cutting_samples(moves), FLAT2.radius, opts.tolerance)


def test_stepover_above_half_is_reduced_with_a_warning() -> None:
    params = CuttingParams(300.0, 60.0, 20000, 0.15, stepover=0.9)
    d = Design(100.0, 100.0, (), (FillRegion("sq", (square(10, 10, 30),), "nonzero"),), 0.01, "p")
    prog = plan_program(d, PlanOptions(tool=FLAT2, params=params, operation="pocket"))
    assert any("stepover" in w for w in prog.warnings)


@st.composite
def star(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(3, 12))
    radii = draw(st.lists(st.floats(6.0, 20.0), min_size=n, max_size=n))
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.column_stack([50 + np.array(radii) * np.cos(a), 50 + np.array(radii) * np.sin(a)])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ring=star(), stepover=st.floats(0.2, 0.5))
def test_random_pockets_stay_inside(ring: np.ndarray, stepover: float) -> None:
    params = CuttingParams(300.0, 60.0, 20000, 0.15, stepover=stepover)
    fill = FillRegion("star", (ring,), "nonzero")
    d = Design(100.0, 100.0, (), (fill,), 0.01, "p")
    try:
        prog = plan_program(d, PlanOptions(tool=FLAT2, params=params, operation="pocket"))
    except ToolError as exc:  # a star with a neck finer than the tool is refused, by name
        assert "'star'" in str(exc)
        return
    assert_inside(fill_geometry(fill), cutting_samples(prog.toolpaths[0].moves, 0.1), 1.0, 0.02)


def test_pocket_entries_descend_no_faster_than_the_plunge_feed() -> None:
    fill = FillRegion("sq", (square(10, 10, 20),), "nonzero")
    prog, opts = plan((fill,), depth=0.6)
    moves = prog.toolpaths[0].moves
    slope = math.tan(math.radians(PARAMS.ramp_angle_deg))
    for a, b in zip(moves, moves[1:], strict=False):
        if b.kind is MoveKind.LINEAR and b.z < a.z and b.z < opts.safe_z - 2.5:
            h = math.hypot(b.x - a.x, b.y - a.y)
            length = math.hypot(h, b.z - a.z)
            assert b.feed * (a.z - b.z) / length <= PARAMS.plunge_feed + 1e-9
            assert h == 0 or (a.z - b.z) / h <= slope + 1e-9


def test_arcs_are_fitted_once_per_ring_not_once_per_level(monkeypatch: pytest.MonkeyPatch) -> None:
    import cam.ops.passes as passes

    calls = []
    real = passes.fit_arcs
    monkeypatch.setattr(passes, "fit_arcs", lambda *a, **k: calls.append(1) or real(*a, **k))
    a = np.linspace(0, 2 * np.pi, 200, endpoint=False)
    disc = np.column_stack([50 + 12 * np.cos(a), 50 + 12 * np.sin(a)])
    prog, opts = plan((FillRegion("disc", (disc,), "nonzero"),), depth=0.6)
    rings = len(ring_starts(prog.toolpaths[0].moves, PARAMS.plunge_feed)) // 4
    assert prog.toolpaths[0].passes == 4
    assert len(calls) <= rings + 4  # a ring's direction may differ where a level ends

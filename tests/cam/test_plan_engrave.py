"""Engrave plans checked move by move against the contract (tests/cam/test_plan_checker.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cam.design import Design, DesignPath
from cam.plan import PlanOptions, plan_program
from cam.toolpath import CuttingParams, MoveKind, Tool, ToolKind
from tests.cam.test_plan_checker import violations

BALL = Tool("ball 0.5", ToolKind.BALL, 0.5)
PARAMS = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=0.1)


def design_of(paths: list[tuple[np.ndarray, bool]], size: float = 100.0) -> Design:
    dp = tuple(
        DesignPath(np.asarray(p, dtype=float), c, f"e{k}", "stroke")
        for k, (p, c) in enumerate(paths)
    )
    return Design(size, size, dp, (), 0.01, "test design")


def circle(cx: float, cy: float, r: float, n: int) -> np.ndarray:
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.column_stack([cx + r * np.cos(a), cy + r * np.sin(a)])


SHAPES = {
    "square": [(np.array([[10, 10], [40, 10], [40, 40], [10, 40]], float), True)],
    "circle": [(circle(50, 50, 20, 400), True)],
    "tiny ring (helix)": [(circle(50, 50, 0.3, 12), True)],
    "long line": [(np.array([[5, 5], [95, 60]], float), False)],
    "short line (zigzag ramp)": [(np.array([[5, 5], [5.4, 5.2]], float), False)],
    "wiggle": [
        (
            np.column_stack([np.linspace(10, 90, 200), 50 + 5 * np.sin(np.linspace(0, 20, 200))]),
            False,
        )
    ],
    "dot": [(np.array([[30.0, 30.0]]), False)],
    "mixed": [
        (circle(20, 20, 5, 64), True),
        (np.array([[60, 60], [80, 60], [80, 70]], float), False),
        (np.array([[70.0, 20.0]]), False),
    ],
}


@pytest.mark.parametrize("arcs", [False, True])
@pytest.mark.parametrize("entry", ["auto", "plunge"])
@pytest.mark.parametrize("depth", [0.1, 0.25, 0.3])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_engrave_meets_the_contract(shape: str, depth: float, entry: str, arcs: bool) -> None:
    paths = SHAPES[shape]
    opts = PlanOptions(tool=BALL, params=PARAMS, depth=depth, entry=entry, arcs=arcs)
    prog = plan_program(design_of(paths), opts)
    (tp,) = prog.toolpaths
    assert tp.passes == math.ceil(depth / PARAMS.step_down - 1e-9)
    assert violations(tp.moves, paths, depth, opts.safe_z, opts.tolerance, PARAMS) == []
    # one descent per path: passes zigzag or go round instead of retracting in between
    rapids = [m for m in tp.moves if m.kind is MoveKind.RAPID]
    assert len(rapids) == len(paths)


def test_program_fields_are_filled() -> None:
    paths = SHAPES["mixed"]
    prog = plan_program(design_of(paths), PlanOptions(tool=BALL, params=PARAMS, job="J-17"))
    assert prog.job == "J-17" and prog.design == "test design"
    assert prog.estimated_seconds is None
    assert prog.safe_z == 3.0
    moves = prog.toolpaths[0].moves
    feed_len = sum(
        math.dist((a.x, a.y, a.z), (b.x, b.y, b.z))
        for a, b in zip(moves, moves[1:], strict=False)
        if b.kind is MoveKind.LINEAR
    )
    # no arcs in a 64-gon at this tolerance? either way the lines alone are a lower bound
    assert prog.cut_length_mm is not None and prog.cut_length_mm >= feed_len - 1e-6
    assert prog.rapid_length_mm is not None and prog.rapid_length_mm > 0


def test_arcs_appear_on_a_smooth_circle_and_stay_on_it() -> None:
    paths = SHAPES["circle"]
    prog = plan_program(design_of(paths), PlanOptions(tool=BALL, params=PARAMS, arcs=True))
    kinds = {m.kind for m in prog.toolpaths[0].moves}
    assert MoveKind.ARC_CCW in kinds or MoveKind.ARC_CW in kinds
    moves = prog.toolpaths[0].moves
    for a, b in zip(moves, moves[1:], strict=False):
        if b.kind in (MoveKind.ARC_CW, MoveKind.ARC_CCW):
            assert b.z == a.z and b.z in (-0.1, -0.2, -0.3)  # flat passes only


def test_ramp_descends_at_the_ramp_angle_with_z_speed_at_most_plunge_feed() -> None:
    paths = SHAPES["square"]
    prog = plan_program(design_of(paths), PlanOptions(tool=BALL, params=PARAMS, arcs=False))
    moves = prog.toolpaths[0].moves
    slopes = []
    for a, b in zip(moves, moves[1:], strict=False):
        h = math.hypot(b.x - a.x, b.y - a.y)
        if b.z < a.z and b.z < 0 and h > 0:
            slopes.append((a.z - b.z) / h)
            length = math.hypot(h, b.z - a.z)
            assert b.feed * (a.z - b.z) / length <= PARAMS.plunge_feed + 1e-9
    assert slopes and max(slopes) == pytest.approx(math.tan(math.radians(3.0)), rel=1e-6)


def test_fine_detail_gives_a_warning_but_is_cut() -> None:
    paths = [(circle(50, 50, 0.1, 8), True)]
    prog = plan_program(design_of(paths), PlanOptions(tool=BALL, params=PARAMS))
    assert any("finer than the tool" in w and "'e0'" in w for w in prog.warnings)
    assert violations(prog.toolpaths[0].moves, paths, 0.3, 3.0, 0.02, PARAMS) == []


def test_design_warnings_are_carried() -> None:
    d = design_of(SHAPES["square"])
    d = Design(d.width_mm, d.height_mm, d.paths, d.fills, d.tolerance, d.title, ("text dropped",))
    assert "text dropped" in plan_program(d, PlanOptions(tool=BALL, params=PARAMS)).warnings


@st.composite
def random_paths(draw: st.DrawFn) -> list[tuple[np.ndarray, bool]]:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 12))
        coords = draw(
            st.lists(
                st.tuples(st.floats(1, 49, allow_nan=False), st.floats(1, 49, allow_nan=False)),
                min_size=n,
                max_size=n,
            )
        )
        pts = np.array(coords, dtype=float)
        out.append((pts, draw(st.booleans()) and n >= 3))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    paths=random_paths(),
    depth=st.floats(0.02, 0.6),
    step=st.floats(0.03, 0.3),
    angle=st.sampled_from([1.0, 3.0, 10.0, 45.0, 90.0]),
    entry=st.sampled_from(["auto", "ramp", "plunge"]),
    arcs=st.booleans(),
)
def test_random_designs_engrave_within_the_contract(
    paths: list[tuple[np.ndarray, bool]],
    depth: float,
    step: float,
    angle: float,
    entry: str,
    arcs: bool,
) -> None:
    params = CuttingParams(
        feed=400.0, plunge_feed=50.0, spindle_rpm=20000, step_down=step, ramp_angle_deg=angle
    )
    opts = PlanOptions(
        tool=BALL, params=params, depth=depth, entry=entry, arcs=arcs, ordering_budget_s=0.02
    )
    prog = plan_program(design_of(paths, size=50.0), opts)
    moves = prog.toolpaths[0].moves
    assert violations(moves, paths, depth, opts.safe_z, opts.tolerance, params) == []
    assert min(m.z for m in moves) == pytest.approx(-depth, abs=1e-12)


def test_placement_is_applied_before_cutting() -> None:
    from cam.toolpath import Placement

    paths = [(np.array([[10, 10], [30, 10], [30, 20]], float), False)]
    pl = Placement(scale=2.0, rotation_deg=90.0, offset_x=80.0, offset_y=5.0)
    opts = PlanOptions(tool=BALL, params=PARAMS, placement=pl)
    prog = plan_program(design_of(paths), opts)
    a = math.radians(90.0)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    placed = [(2.0 * paths[0][0] @ rot.T + [80.0, 5.0], False)]
    assert prog.placement == pl
    assert violations(prog.toolpaths[0].moves, placed, 0.3, 3.0, 0.02, PARAMS) == []


def test_rings_are_entered_on_the_vertex_the_ordering_chose() -> None:
    # the ramp of a ring starts on its entry vertex, so air travel is what the ordering planned
    rings = [(circle(20 + 15 * k, 30 + 7 * (k % 3), 3, 24), True) for k in range(5)]
    prog = plan_program(design_of(rings), PlanOptions(tool=BALL, params=PARAMS, depth=0.2))
    vertices = np.vstack([r for r, _ in rings])
    for m in prog.toolpaths[0].moves:
        if m.kind is MoveKind.RAPID:
            assert np.hypot(*(vertices - [m.x, m.y]).T).min() < 1e-9
    assert violations(prog.toolpaths[0].moves, rings, 0.2, 3.0, 0.02, PARAMS) == []


def test_twenty_thousand_segments_plan() -> None:
    # speed is measured in benchmarks/cam.py, not asserted here
    rng = np.random.default_rng(0)
    rings = [
        DesignPath(
            circle(*(rng.random(2) * 90 + 5), 0.5 + rng.random() * 2, 10), True, f"r{k}", "fill"
        )
        for k in range(2000)
    ]
    design = Design(100.0, 100.0, tuple(rings), (), 0.01, "20k segments")
    assert design.segment_count == 20_000
    opts = PlanOptions(tool=BALL, params=PARAMS, arcs=False)
    prog = plan_program(design, opts)
    assert prog.toolpaths[0].passes == 3
    assert sum(m.kind.value == "rapid" for m in prog.toolpaths[0].moves) >= 2000


@pytest.mark.parametrize("depth", [0.3, 0.7, 0.1 + 0.2, 1.1, 0.35])
@pytest.mark.parametrize("shape", ["square", "short line (zigzag ramp)", "tiny ring (helix)"])
def test_never_a_hair_below_the_depth(shape: str, depth: float) -> None:
    prog = plan_program(
        design_of(SHAPES[shape]), PlanOptions(tool=BALL, params=PARAMS, depth=depth)
    )
    assert min(m.z for m in prog.toolpaths[0].moves) == -depth  # exactly, no rounding below


def _crowding(paths: list[tuple[np.ndarray, bool]]) -> list[str]:
    prog = plan_program(design_of(paths), PlanOptions(tool=BALL, params=PARAMS))
    return [w for w in prog.warnings if "grooves will merge" in w]


def test_strokes_closer_than_the_tool_warn_but_are_cut() -> None:
    a = np.array([[10.0, 10.0], [40.0, 10.0]])
    near = np.array([[10.0, 10.3], [40.0, 10.3]])  # 0.3 mm apart, the tool is 0.5 mm
    far = np.array([[10.0, 12.0], [40.0, 12.0]])
    crossing = np.array([[25.0, 5.0], [25.0, 15.0]])
    (warning,) = _crowding([(a, False), (near, False)])
    assert "'e0'" in warning and "'e1'" in warning
    assert _crowding([(a, False), (far, False)]) == []
    assert _crowding([(a, False), (crossing, False)]) == []  # touching strokes are one drawing


def test_a_hairpin_narrower_than_the_tool_warns_and_a_plain_square_does_not() -> None:
    hairpin = np.array([[10.0, 10.0], [30.0, 10.0], [30.0, 10.3], [10.0, 10.3]])
    assert _crowding([(hairpin, False)])
    square = np.array([[10.0, 10.0], [20.0, 10.0], [20.0, 20.0], [10.0, 20.0]])
    assert _crowding([(square, True)]) == []

"""Refusals: a plan that cannot be cut as asked raises a named error that says why."""

from __future__ import annotations

import numpy as np
import pytest

from cam.design import Design, DesignPath, FillRegion
from cam.errors import CamError, DesignError, PlacementError, PlanOptionsError, ToolError
from cam.plan import PlanOptions, plan_program
from cam.toolpath import CuttingParams, Placement, Tool, ToolKind

BALL = Tool("ball 0.5", ToolKind.BALL, 0.5)
FLAT3 = Tool("flat 3", ToolKind.FLAT, 3.0)
PARAMS = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=0.1)


def stroke(pts: list[tuple[float, float]], closed: bool = False, eid: str = "leaf") -> DesignPath:
    return DesignPath(np.array(pts, dtype=float), closed, eid, "stroke")


def design(*paths: DesignPath, fills: tuple[FillRegion, ...] = ()) -> Design:
    return Design(100.0, 80.0, tuple(paths), fills, 0.01, "refusals")


@pytest.mark.parametrize(
    ("pts", "edge", "text"),
    [
        ([(50, 10), (103.214, 20)], "right", "(x = 103.214 mm > 100.000 mm)"),
        ([(-2.5, 10), (50, 20)], "left", "(x = -2.500 mm < 0.000 mm)"),
        ([(50, -0.75), (50, 20)], "bottom", "(y = -0.750 mm < 0.000 mm)"),
        ([(50, 10), (50, 81.0)], "top", "(y = 81.000 mm > 80.000 mm)"),
    ],
)
def test_out_of_face_names_overflow_edge_and_element(
    pts: list[tuple[float, float]], edge: str, text: str
) -> None:
    d = design(stroke([(10, 10), (20, 20)], eid="stem"), stroke(pts, eid="leaf"))
    with pytest.raises(PlacementError) as err:
        plan_program(d, PlanOptions(tool=BALL, params=PARAMS))
    msg = str(err.value)
    over = float(text.split("= ")[1].split(" mm")[0])
    limit = {"right": 100.0, "left": 0.0, "bottom": 0.0, "top": 80.0}[edge]
    assert f"extends {abs(over - limit):.3f} mm beyond the face's {edge} edge" in msg
    assert text in msg and "'leaf'" in msg


def test_exact_message_for_the_documented_example() -> None:
    d = design(stroke([(50, 10), (103.214, 20)], eid="leaf"))
    with pytest.raises(
        PlacementError,
        match=r"^design extends 3\.214 mm beyond the face's right "
        r"edge \(x = 103\.214 mm > 100\.000 mm\) at element 'leaf'$",
    ):
        plan_program(d, PlanOptions(tool=BALL, params=PARAMS))


def test_overflow_within_tolerance_is_accepted() -> None:
    d = design(stroke([(50, 10), (100.015, 20)]))
    prog = plan_program(d, PlanOptions(tool=BALL, params=PARAMS, tolerance=0.02))
    assert max(m.x for m in prog.toolpaths[0].moves) == pytest.approx(100.015)


def test_face_is_checked_after_placement() -> None:
    d = design(stroke([(10, 10), (60, 20)]))
    plan_program(d, PlanOptions(tool=BALL, params=PARAMS))  # fits as drawn
    with pytest.raises(PlacementError, match="right edge"):
        plan_program(d, PlanOptions(tool=BALL, params=PARAMS, placement=Placement(scale=2.0)))
    # an explicit face big enough takes the placed design
    face = (0.0, 0.0, 130.0, 50.0)
    prog = plan_program(
        d, PlanOptions(tool=BALL, params=PARAMS, placement=Placement(scale=2.0), face=face)
    )
    assert max(m.x for m in prog.toolpaths[0].moves) == pytest.approx(120.0)


def test_empty_design_is_refused() -> None:
    with pytest.raises(DesignError, match="nothing to carve"):
        plan_program(design(), PlanOptions(tool=BALL, params=PARAMS))


def test_pocket_without_fills_is_refused() -> None:
    d = design(stroke([(10, 10), (20, 20)]))
    with pytest.raises(DesignError, match="nothing to carve"):
        plan_program(d, PlanOptions(tool=FLAT3, params=PARAMS, operation="pocket"))


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"depth": 0.0}, "depth"),
        ({"depth": -0.3}, "depth"),
        ({"depth": float("nan")}, "depth"),
        ({"safe_z": 0.0}, "safe_z"),
        ({"safe_z": -1.0}, "safe_z"),
        ({"tolerance": 0.0}, "tolerance"),
        ({"operation": "drill"}, "operation"),
        ({"entry": "helix"}, "entry"),
    ],
)
def test_bad_options_are_refused(change: dict, word: str) -> None:
    d = design(stroke([(10, 10), (20, 20)]))
    opts = PlanOptions(tool=BALL, params=PARAMS, **change)
    with pytest.raises(PlanOptionsError, match=word):
        plan_program(d, opts)


@pytest.mark.parametrize("step", [0.0, -0.1])
def test_bad_step_down_is_refused(step: float) -> None:
    params = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=step)
    with pytest.raises(PlanOptionsError, match="step_down"):
        plan_program(design(stroke([(10, 10), (20, 20)])), PlanOptions(tool=BALL, params=params))


def test_bad_placement_is_refused() -> None:
    d = design(stroke([(10, 10), (20, 20)]))
    with pytest.raises(PlacementError, match="scale"):
        plan_program(d, PlanOptions(tool=BALL, params=PARAMS, placement=Placement(scale=0.0)))


def test_pocket_narrower_than_the_tool_is_refused_naming_the_element() -> None:
    strip = FillRegion(
        "thin-stem", (np.array([[10, 10], [60, 10], [60, 12], [10, 12]], float),), "nonzero"
    )
    with pytest.raises(ToolError, match="'thin-stem'.*narrower than the tool"):
        plan_program(
            design(fills=(strip,)), PlanOptions(tool=FLAT3, params=PARAMS, operation="pocket")
        )


def test_pocket_with_a_neck_finer_than_the_tool_is_refused() -> None:
    # two 10 mm squares joined by a 1 mm wide neck: a 3 mm tool splits it in two
    ring = np.array(
        [
            [10, 10],
            [20, 10],
            [20, 14.5],
            [30, 14.5],
            [30, 10],
            [40, 10],
            [40, 20],
            [30, 20],
            [30, 15.5],
            [20, 15.5],
            [20, 20],
            [10, 20],
        ],
        float,
    )
    fill = FillRegion("dumbbell", (ring,), "nonzero")
    for op in ("pocket", "profile-in"):
        with pytest.raises(ToolError, match="'dumbbell'.*neck"):
            plan_program(
                design(fills=(fill,)), PlanOptions(tool=FLAT3, params=PARAMS, operation=op)
            )


def test_every_refusal_is_a_cam_error() -> None:
    assert issubclass(PlanOptionsError, CamError) and issubclass(ToolError, CamError)


def test_non_finite_coordinates_are_refused() -> None:
    d = design(stroke([(10, 10), (float("nan"), 20)], eid="broken"))
    with pytest.raises(DesignError, match="'broken'"):
        plan_program(d, PlanOptions(tool=BALL, params=PARAMS))

"""Profile inside / outside: the cutter's edge runs on the drawn outline, inner contours first."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from cam.design import Design, FillRegion
from cam.errors import ToolError
from cam.ops.regions import fill_geometry
from cam.plan import PlanOptions, plan_program
from cam.toolpath import CuttingParams, MoveKind, Tool, ToolKind
from tests.cam.test_plan_checker import move_samples

FLAT3 = Tool("flat 3", ToolKind.FLAT, 3.0)
PARAMS = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=0.1)


def square(x0: float, y0: float, s: float) -> np.ndarray:
    return np.array([[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s]], float)


def run(fill: FillRegion, op: str, depth: float = 0.3):
    d = Design(100.0, 100.0, (), (fill,), 0.01, "profile")
    return plan_program(d, PlanOptions(tool=FLAT3, params=PARAMS, operation=op, depth=depth))


def samples(prog, step: float = 0.05) -> np.ndarray:
    pts = np.vstack([p for _, p in move_samples(prog.toolpaths[0].moves, step)])
    return pts[pts[:, 2] < 0]


@pytest.mark.parametrize("op", ["profile-in", "profile-out"])
def test_tool_centre_keeps_one_radius_from_the_outline(op: str) -> None:
    fill = FillRegion("plaque", (square(20, 20, 40),), "nonzero")
    prog = run(fill, op)
    region = fill_geometry(fill)
    cut = samples(prog, step=0.01)
    d = shapely.distance(region.boundary, shapely.points(cut[:, :2]))
    assert d == pytest.approx(np.full(len(d), FLAT3.radius), abs=0.02)
    inside = shapely.contains_xy(region, cut[:, 0], cut[:, 1])
    assert inside.all() if op == "profile-in" else not inside.any()
    # every point of the offset outline is cut at full depth
    full = cut[cut[:, 2] <= -0.3 + 1e-9][:, :2]
    outline = region.buffer(-FLAT3.radius if op == "profile-in" else FLAT3.radius)
    probe = shapely.line_interpolate_point(
        outline.exterior, np.linspace(0, outline.exterior.length, 400)
    )
    assert shapely.distance(shapely.multipoints(full), probe).max() < 0.02


def test_inner_contours_are_cut_before_the_outer_ones() -> None:
    fill = FillRegion("frame", (square(10, 10, 50), square(25, 25, 20)), "evenodd")
    for op in ("profile-in", "profile-out"):
        prog = run(fill, op)
        moves = prog.toolpaths[0].moves
        firsts = [b for a, b in zip(moves, moves[1:], strict=False) if a.kind is MoveKind.RAPID]
        hole = shapely.Polygon(square(25, 25, 20)).buffer(2.0)
        inside_hole = [hole.contains(shapely.Point(m.x, m.y)) for m in firsts]
        assert inside_hole == [True, False], op


def test_all_passes_of_a_contour_before_the_next() -> None:
    fill = FillRegion("two", (square(10, 10, 20), square(50, 50, 20)), "nonzero")
    prog = run(fill, "profile-out", depth=0.35)
    moves = prog.toolpaths[0].moves
    assert prog.toolpaths[0].passes == 4
    assert sum(m.kind is MoveKind.RAPID for m in moves) == 2
    assert min(m.z for m in moves) == pytest.approx(-0.35)


def test_profile_in_of_a_part_narrower_than_the_tool_is_refused() -> None:
    fill = FillRegion(
        "hairline", (np.array([[10, 10], [50, 10], [50, 12], [10, 12]], float),), "nonzero"
    )
    with pytest.raises(ToolError, match="'hairline'"):
        run(fill, "profile-in")


def test_profile_out_merging_parts_warns() -> None:
    fill = FillRegion("pair", (square(10, 10, 20), square(31, 10, 20)), "nonzero")
    prog = run(fill, "profile-out")
    assert any("profiled as one outline" in w for w in prog.warnings)


def test_profile_out_refuses_a_hole_narrower_than_the_tool() -> None:
    fill = FillRegion("washer", (square(10, 10, 30), square(24, 24, 2)), "evenodd")
    with pytest.raises(ToolError, match="'washer'.*hole"):
        run(fill, "profile-out")
    wide = FillRegion("washer", (square(10, 10, 30), square(20, 20, 10)), "evenodd")
    assert run(wide, "profile-out").toolpaths[0].moves

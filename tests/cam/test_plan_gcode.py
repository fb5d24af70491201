"""Plans through a real post-processor, re-read by the independent G-code reader."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cam.design import Design, DesignPath
from cam.plan import PlanOptions, plan_program
from cam.toolpath import CuttingParams, Tool, ToolKind
from machines.post import render
from machines.profiles import get_machine
from tests.gcode_reader import check_contract

BALL = Tool("ball 0.5", ToolKind.BALL, 0.5)


@st.composite
def curvy_paths(draw: st.DrawFn) -> list[tuple[np.ndarray, bool]]:
    """Arcs and wiggles (so the fitter finds arcs) and plain polylines."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        cx, cy = draw(st.floats(15, 35)), draw(st.floats(15, 35))
        r = draw(st.floats(0.2, 10))
        a0 = draw(st.floats(0, 6.28))
        sweep = draw(st.floats(0.5, 6.28))
        n = draw(st.integers(3, 80))
        a = a0 + np.linspace(0, sweep, n)
        pts = np.column_stack([cx + r * np.cos(a), cy + r * np.sin(a)])
        closed = draw(st.booleans()) and sweep > 6.0
        out.append((pts[:-1] if closed else pts, closed))
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    paths=curvy_paths(),
    depth=st.floats(0.05, 0.5),
    arcs=st.booleans(),
    entry=st.sampled_from(["auto", "plunge"]),
)
def test_posted_plans_keep_the_contract(
    paths: list[tuple[np.ndarray, bool]], depth: float, arcs: bool, entry: str
) -> None:
    design = Design(
        50.0,
        50.0,
        tuple(DesignPath(p, c, f"e{k}", "stroke") for k, (p, c) in enumerate(paths)),
        (),
        0.01,
        "posted",
    )
    params = CuttingParams(feed=400.0, plunge_feed=50.0, spindle_rpm=20000, step_down=0.12)
    opts = PlanOptions(
        tool=BALL, params=params, depth=depth, arcs=arcs, entry=entry, ordering_budget_s=0.02
    )
    gcode = render(plan_program(design, opts), get_machine("engraver-3axis-grbl"))
    assert check_contract(gcode, paths, depth, opts.safe_z, opts.tolerance) == []

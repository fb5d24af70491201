"""Hand-built neutral programs for the post-processor and estimator tests."""

from __future__ import annotations

from cam.toolpath import CuttingParams, Move, MoveKind, Placement, Program, Tool, ToolKind, Toolpath

SAFE = 3.0
BALL = Tool("ball-1.0", ToolKind.BALL, 1.0, number=3)
CONE = Tool("cone-60", ToolKind.VBIT, 2.0, angle_deg=60, tip_diameter=0.1, number=9)
PARAMS = CuttingParams(feed=250, plunge_feed=60, spindle_rpm=22000, step_down=0.1)
R, L, CW, CCW = MoveKind.RAPID, MoveKind.LINEAR, MoveKind.ARC_CW, MoveKind.ARC_CCW


def line_arc_passes(depth: float = 0.2, passes: int = 2) -> list[Move]:
    """A straight line then a half circle, cut in `passes` passes: down, along, back up."""
    moves = [Move(R, 10, 10, SAFE)]
    for k in range(1, passes + 1):
        z = -depth * k / passes
        moves += [
            Move(L, 10, 10, z, 60),
            Move(L, 30, 10, z, 250),
            Move(CCW, 30, 30, z, 250, 0.0, 10.0),  # half circle about (30, 20)
            Move(L, 30, 30, SAFE, 60),
            Move(R, 10, 10, SAFE),
        ]
    return moves


def circle(cx: float, cy: float, r: float, depth: float) -> list[Move]:
    """A full circle in one arc move: the posts must split it."""
    return [
        Move(R, cx + r, cy, SAFE),
        Move(L, cx + r, cy, -depth, 60),
        Move(CW, cx + r, cy, -depth, 250, -r, 0.0),
        Move(L, cx + r, cy, SAFE, 60),
    ]


def program(
    moves: list[Move] | None = None,
    *,
    depth: float = 0.2,
    passes: int = 2,
    tool: Tool = BALL,
    title: str = "Lotus 莲花",
) -> Program:
    tp = Toolpath(
        "engrave",
        tool,
        PARAMS,
        depth,
        passes,
        SAFE,
        moves if moves is not None else line_arc_passes(depth, passes),
    )
    return Program("J-0042", title, Placement(1.0, 0.0, 5.0, 5.0), [tp], SAFE)


def two_tool_program() -> Program:
    first = program().toolpaths[0]
    second = Toolpath("engrave", CONE, PARAMS, 0.1, 1, SAFE, circle(50, 50, 5, 0.1))
    return Program("J-0043", "Two tools", Placement(), [first, second], SAFE)

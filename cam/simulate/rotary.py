"""Rotary programs read back onto the unrolled band, where the simulator replays them flat.

A program written by `machines.post.rotary` keeps the tool over the band's axis (Y0), turns
the band with `A` (degrees) and gives its feed moves in inverse time (`G93`). Each position
(X, Y0, Z, A) maps back to the band unrolled as `cam.rotary.unwrap_moves` does it: the length
along the band is A·π·D/360, then the quarter turn of `along` is undone. The map is linear in
X and A, so a straight X-A move (the controller's linear interpolation, which traces a helix
on the band) is a straight line on the unrolled band: the flat replay is exact. Z stays radial
from the band's surface, the simulator's Z0.
"""

from __future__ import annotations

import math

import numpy as np

from cam.rotary import tip_minutes, unwrap_moves
from cam.simulate.errors import SimulationError
from cam.toolpath import Move, MoveKind

__all__ = ["BAND_HINT", "check_band", "tip_feed", "unwrap_points"]

BAND_HINT = (
    "a rotary program needs the band's diameter (command line: --piece bangle:... --face "
    "outer, or --band-diameter MM)"
)


def check_band(diameter: float, along: str) -> None:
    """`SimulationError` unless `diameter` (mm) and `along` ("x" or "y") describe a band."""
    if not (
        isinstance(diameter, int | float)
        and not isinstance(diameter, bool)
        and math.isfinite(diameter)
        and diameter > 0
    ):
        raise SimulationError(f"band diameter must be a positive number of mm, got {diameter!r}")
    if along not in ("x", "y"):
        raise SimulationError(f"the band runs along the design's x or y, not {along!r}")


def unwrap_points(points: np.ndarray, diameter: float, along: str) -> np.ndarray:
    """(n, 4) machine positions X Y Z A (degrees) -> (n, 3) on the unrolled band, mm."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 4)
    moves = [Move(MoveKind.LINEAR, x, y, z, a=a) for x, y, z, a in pts.tolist()]
    flat = unwrap_moves(moves, diameter, along)
    return np.array([(m.x, m.y, m.z) for m in flat], dtype=np.float64).reshape(-1, 3)


def tip_feed(start: list[float], end: list[float], inverse_f: float, diameter: float) -> float:
    """The feed (mm/min at the tool tip) of an inverse-time move: its length at the tip, the
    same one `machines.post.rotary` timed it by (`cam.rotary.tip_minutes`), times F."""
    x, y, z, a = end
    unit = Move(MoveKind.LINEAR, x, y, z, feed=1.0, a=a)  # at 1 mm/min, minutes = mm
    length = tip_minutes((start[0], start[1], start[2]), unit, start[3], diameter)
    return length * inverse_f

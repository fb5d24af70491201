"""Linking contours into one toolpath: retract, rapid at safe height, descend, cut.

Every G0 starts and ends at safe_z: the tool leaves a contour with a vertical G1 up to safe_z,
rapids in XY, then comes down vertically on the next contour's first point - at the cutting
feed through air to AIR_CLEARANCE above Z0, then at the plunge feed to the level it resumes from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from cam.arcs import Arc, arc_sweep
from cam.ops.passes import CutSettings, cut_contour
from cam.ordering import Order
from cam.toolpath import Move, MoveKind

__all__ = ["AIR_CLEARANCE", "Contour", "Linker", "move_lengths", "oriented"]

# mm above Z0 where the descent slows to the plunge feed: enough for the stone's surface error
# after probing, small enough not to crawl through air. Pocket levels below the first come
# down through their own cleared ring at the plunge feed too: no vertical move below this
# height is ever faster than the plunge feed.
AIR_CLEARANCE = 0.5


@dataclass(frozen=True, slots=True)
class Contour:
    """One tool-centre path: (n, 2) machine mm, closed rings not repeating their first point."""

    points: np.ndarray
    closed: bool
    element_id: str


def oriented(contour: Contour, reverse: bool, vertex: int) -> np.ndarray:
    """The contour's points starting where the ordering enters it."""
    pts = contour.points
    if contour.closed:
        return np.concatenate([pts[vertex:], pts[:vertex]]) if vertex else pts
    return pts[::-1] if reverse else pts


class Linker:
    """Accumulates the moves of one toolpath."""

    def __init__(self, safe_z: float, settings: CutSettings) -> None:
        self.safe_z = safe_z
        self.s = settings
        self.moves: list[Move] = []
        self._fits: dict[object, list] = {}  # arcs fitted per oriented contour, reused per level

    def cut(
        self,
        pts: np.ndarray,
        closed: bool,
        top: float,
        depths: Sequence[float],
        key: object = None,
    ) -> None:
        """Come down on the contour at Z = -top, cut it through depths, retract to safe_z."""

        def approach(x: float, y: float) -> None:
            self.moves.append(Move(MoveKind.RAPID, x, y, self.safe_z))
            clear = AIR_CLEARANCE  # below this, even through cleared stone, at the plunge feed
            if clear < self.safe_z:
                self.moves.append(Move(MoveKind.LINEAR, x, y, clear, self.s.feed))
            self.moves.append(Move(MoveKind.LINEAR, x, y, -top, self.s.plunge_feed))

        cache = self._fits if key is not None else None
        ex, ey = cut_contour(pts, closed, top, depths, self.s, self.moves, approach, cache, key)
        self.moves.append(Move(MoveKind.LINEAR, ex, ey, self.safe_z, self.s.feed))

    def cut_all(
        self, contours: Sequence[Contour], order: Order, top: float, depths: Sequence[float]
    ) -> None:
        for idx, rev, vertex in order:
            c = contours[idx]
            self.cut(oriented(c, rev, vertex), c.closed, top, depths, (idx, rev, vertex))


def move_lengths(moves: Sequence[Move]) -> tuple[float, float]:
    """(feed-move length, rapid length), XYZ mm, counted from the first move's position."""
    if not moves:
        return 0.0, 0.0
    n = len(moves)
    xyz = np.empty((n, 3))
    for k, name in enumerate(("x", "y", "z")):
        xyz[:, k] = np.fromiter(map(attrgetter(name), moves), dtype=np.float64, count=n)
    kinds = [m.kind for m in moves[1:]]
    step = np.diff(xyz, axis=0)
    d = np.sqrt((step**2).sum(axis=1))
    rapid_mask = np.fromiter((k is MoveKind.RAPID for k in kinds), dtype=bool, count=n - 1)
    for k, kind in enumerate(kinds):
        if kind is MoveKind.ARC_CW or kind is MoveKind.ARC_CCW:
            m = moves[k + 1]
            px, py = xyz[k, 0], xyz[k, 1]
            arc = Arc(m.x, m.y, px + m.i, py + m.j, kind is MoveKind.ARC_CW)
            planar = abs(arc_sweep(px, py, arc)) * math.hypot(m.i, m.j)
            d[k] = math.hypot(planar, step[k, 2])
    return float(d[~rapid_mask].sum()), float(d[rapid_mask].sum())

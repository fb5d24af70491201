"""Arcs flattened into straight moves, for the operations that bend a toolpath (surface
following, rotary wrapping): an arc in XY stops being an arc once its Z or Y is remapped."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from cam.arcs import Arc, arc_sweep
from cam.toolpath import Move, MoveKind

__all__ = ["flatten_arcs"]


def flatten_arcs(moves: Sequence[Move], tolerance: float) -> list[Move]:
    """The same motion with every G2/G3 replaced by G1 chords within `tolerance` (mm) of the
    arc; Z (a helix) changes linearly with the swept angle. The end point is kept exactly."""
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise ValueError(f"tolerance must be a positive number of mm, got {tolerance!r}")
    out: list[Move] = []
    here: tuple[float, float, float] | None = None
    for m in moves:
        if m.kind in (MoveKind.ARC_CW, MoveKind.ARC_CCW):
            if here is None:
                raise ValueError("an arc cannot be the first move: its start is unknown")
            out.extend(_chords(here, m, tolerance))
        else:
            out.append(m)
        here = (m.x, m.y, m.z)
    return out


def _chords(start: tuple[float, float, float], m: Move, tolerance: float) -> list[Move]:
    x0, y0, z0 = start
    cx, cy = x0 + m.i, y0 + m.j
    arc = Arc(m.x, m.y, cx, cy, m.kind is MoveKind.ARC_CW)
    sweep = arc_sweep(x0, y0, arc)
    r = math.hypot(m.i, m.j)
    step = 2.0 * math.acos(max(-1.0, 1.0 - tolerance / r)) if r > tolerance else math.pi
    n = max(1, math.ceil(abs(sweep) / step))
    t = np.arange(1, n + 1) / n
    ang = math.atan2(y0 - cy, x0 - cx) + sweep * t
    r1 = math.hypot(m.x - cx, m.y - cy)
    rad = r + (r1 - r) * t  # a slightly inconsistent arc still lands on its end point
    xs, ys = cx + rad * np.cos(ang), cy + rad * np.sin(ang)
    zs = z0 + (m.z - z0) * t
    moves = [
        Move(MoveKind.LINEAR, float(x), float(y), float(z), m.feed)
        for x, y, z in zip(xs[:-1], ys[:-1], zs[:-1], strict=True)
    ]
    moves.append(Move(MoveKind.LINEAR, m.x, m.y, m.z, m.feed))
    return moves

"""A move-level checker of the CAM contract, and tests that it catches what it must.

`violations(...)` walks a toolpath's neutral moves (no G-code in between) and lists every way
they break the contract for an engrave: Z below -depth, a G0 not at safe height at both ends,
a cutting sample farther than the tolerance from the design, a design sample never cut at full
depth, an entry steeper than the ramp angle or faster in Z than the plunge feed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.spatial import cKDTree

from cam.toolpath import CuttingParams, Move, MoveKind

Z_EPS = 1e-9


def densify(pts: np.ndarray, closed: bool, step: float) -> np.ndarray:
    """Points along a polyline no more than `step` apart, vertices included."""
    pts = np.asarray(pts, dtype=float).reshape(-1, pts.shape[-1] if pts.ndim > 1 else 2)
    if closed and len(pts) > 1:
        pts = np.vstack([pts, pts[:1]])
    if len(pts) < 2:
        return pts.copy()
    seg = np.diff(pts, axis=0)
    k = np.maximum(1, np.ceil(np.linalg.norm(seg, axis=1) / step).astype(int))
    owner = np.repeat(np.arange(len(seg)), k)
    t = (np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k) + 1) / k[owner]
    return np.vstack([pts[:1], pts[owner] + t[:, None] * seg[owner]])


def _arc_points(start: np.ndarray, m: Move, step: float) -> np.ndarray:
    cx, cy = start[0] + m.i, start[1] + m.j
    r0 = math.hypot(start[0] - cx, start[1] - cy)
    r1 = math.hypot(m.x - cx, m.y - cy)
    assert abs(r0 - r1) < 1e-6, f"arc radii differ: {r0} vs {r1}"
    a0 = math.atan2(start[1] - cy, start[0] - cx)
    a1 = math.atan2(m.y - cy, m.x - cx)
    sweep = a1 - a0
    if m.kind is MoveKind.ARC_CW:
        while sweep >= 0:
            sweep -= 2 * math.pi
    else:
        while sweep <= 0:
            sweep += 2 * math.pi
    k = max(2, math.ceil(abs(sweep) * r0 / step))
    a = a0 + sweep * np.linspace(0, 1, k + 1)
    z = np.linspace(start[2], m.z, k + 1)
    return np.column_stack([cx + r0 * np.cos(a), cy + r0 * np.sin(a), z])


def move_samples(moves: Sequence[Move], step: float) -> list[tuple[Move, np.ndarray]]:
    """Each move after the first with its (k, 3) samples from its start to its end."""
    out = []
    prev = np.array([moves[0].x, moves[0].y, moves[0].z])
    for m in moves[1:]:
        end = np.array([m.x, m.y, m.z])
        if m.kind in (MoveKind.ARC_CW, MoveKind.ARC_CCW):
            pts = _arc_points(prev, m, step)
        else:
            pts = densify(np.stack([prev, end]), False, step)
        out.append((m, pts))
        prev = end
    return out


def violations(
    moves: Sequence[Move],
    design: Sequence[tuple[np.ndarray, bool]],
    depth: float,
    safe_z: float,
    tolerance: float,
    params: CuttingParams,
    *,
    check_coverage: bool = True,
) -> list[str]:
    """Every way `moves` break the engrave contract for the design polylines."""
    v: list[str] = []
    if not moves:
        return ["no moves"]
    if moves[0].kind is not MoveKind.RAPID or abs(moves[0].z - safe_z) > Z_EPS:
        v.append("the first move is not a rapid at safe height")
    if abs(moves[-1].z - safe_z) > Z_EPS:
        v.append("the toolpath does not end at safe height")
    step = tolerance / 4
    cut, full = [], []
    max_slope = math.tan(math.radians(params.ramp_angle_deg))
    prev = moves[0]
    for m, pts in move_samples(moves, step):
        if m.z < -depth - Z_EPS:
            v.append(f"Z{m.z} deeper than -{depth}")
        if m.kind is MoveKind.RAPID:
            if abs(prev.z - safe_z) > Z_EPS or abs(m.z - safe_z) > Z_EPS:
                v.append(f"G0 from Z{prev.z} to Z{m.z}: not at safe height {safe_z} at both ends")
        else:
            dz = m.z - prev.z
            h = math.hypot(m.x - prev.x, m.y - prev.y)
            length = math.hypot(h, dz)
            if dz < 0 and m.z < 0 and length > 0 and m.kind is MoveKind.LINEAR:
                if h > 0 and -dz > h * max_slope + 1e-9:  # vertical plunges are checked by feed
                    v.append(f"entry descends {-dz:.6f} mm over {h:.6f} mm: steeper than allowed")
                if (m.feed or 0) * (-dz / length) > params.plunge_feed * (1 + 1e-9):
                    v.append(f"Z speed {(m.feed or 0) * -dz / length:.2f} > plunge feed")
            below = pts[pts[:, 2] < 0]
            if len(below):
                cut.append(below)
            at_depth = pts[pts[:, 2] <= -depth + Z_EPS]
            if len(at_depth):
                full.append(at_depth)
        prev = m
    samples = np.vstack([densify(p, c, step) for p, c in design])
    tree = cKDTree(samples)
    if cut:
        c = np.vstack(cut)
        d, _ = tree.query(c[:, :2])
        off = d > tolerance + step / 2  # a sample spacing's slack, as the G-code reader
        if off.any():
            p = c[off][0]
            v.append(f"{int(off.sum())} cutting samples off the design, e.g. {p}")
    if check_coverage:
        if not full:
            v.append("nothing is cut at full depth")
        else:
            d, _ = cKDTree(np.vstack(full)[:, :2]).query(samples)
            missed = d > tolerance
            if missed.any():
                v.append(f"{int(missed.sum())} design samples never cut at full depth")
    return v


# -- the checker itself must be able to fail --------------------------------------------------

PARAMS = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=0.1)
SQUARE = [(np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]]), True)]


def _lap(z: float, feed: float = 300.0) -> list[Move]:
    return [
        Move(MoveKind.LINEAR, x, y, z, feed)
        for x, y in ((10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0))
    ]


def _good() -> list[Move]:
    return [
        Move(MoveKind.RAPID, 0.0, 0.0, 3.0),
        Move(MoveKind.LINEAR, 0.0, 0.0, -0.1, 60.0),
        *_lap(-0.1),
        Move(MoveKind.LINEAR, 0.0, 0.0, 3.0, 300.0),
    ]


def test_checker_accepts_a_plain_square_cut() -> None:
    assert violations(_good(), SQUARE, 0.1, 3.0, 0.02, PARAMS) == []


def test_checker_catches_a_cut_too_deep() -> None:
    moves = _good()
    moves[2] = Move(MoveKind.LINEAR, 10.0, 0.0, -0.1001, 300.0)
    assert any("deeper" in s for s in violations(moves, SQUARE, 0.1, 3.0, 0.02, PARAMS))


def test_checker_catches_a_rapid_below_safe_height() -> None:
    moves = _good()
    moves.insert(1, Move(MoveKind.RAPID, 0.0, 0.0, 1.0))
    assert any("G0" in s for s in violations(moves, SQUARE, 0.1, 3.0, 0.02, PARAMS))


def test_checker_catches_a_cut_off_the_path() -> None:
    moves = _good()
    moves.insert(3, Move(MoveKind.LINEAR, 5.0, 5.0, -0.1, 300.0))  # a diagonal into the face
    assert any("off the design" in s for s in violations(moves, SQUARE, 0.1, 3.0, 0.02, PARAMS))


def test_checker_catches_a_side_never_cut_at_depth() -> None:
    moves = _good()
    moves[4] = Move(MoveKind.LINEAR, 0.0, 10.0, -0.05, 300.0)  # third side shallow
    found = violations(moves, SQUARE, 0.1, 3.0, 0.02, PARAMS)
    assert any("never cut at full depth" in s for s in found)


def test_checker_catches_a_steep_ramp_and_a_fast_plunge() -> None:
    steep = _good()
    steep[1] = Move(MoveKind.LINEAR, 0.0, 0.0, 0.0, 60.0)
    steep.insert(2, Move(MoveKind.LINEAR, 1.0, 0.0, -0.1, 60.0))  # 0.1 over 1 mm: 5.7 degrees
    assert any("steeper" in s for s in violations(steep, SQUARE, 0.1, 3.0, 0.02, PARAMS))
    fast = _good()
    fast[1] = Move(MoveKind.LINEAR, 0.0, 0.0, -0.1, 600.0)
    assert any("plunge feed" in s for s in violations(fast, SQUARE, 0.1, 3.0, 0.02, PARAMS))

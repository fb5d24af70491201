"""How long a program takes on a machine: a planner in the spirit of GRBL's, vectorized.

Every move (arcs split into chords at the controller's arc tolerance) is a segment with a
trapezoidal speed profile: accelerate, cruise at the feed (capped by each axis' maximum rate
along the move's direction), decelerate. The speed at each junction is limited the way GRBL
limits it: by the junction deviation and the acceleration along the junction direction, and by
the nominal speeds on both sides; the program starts and ends at rest, and so does every tool
change and spindle dwell. A backward pass (can we still stop in time?) and a forward pass (can
we reach it?) settle the junction speeds. Both passes are recurrences of the form
w_i = min(cap_i, w_(i+1) + 2 a_i L_i); unrolled, they are a cumulative minimum over prefix sums,
so numpy does them without a Python loop.

The initial move to safe height and the lifts at tool changes are not modelled (their height is
the operator's); their time is small next to the fixed `tool_change_seconds` of the profile.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cam.toolpath import Move, MoveArrays, MoveKind, Program, Toolpath
from machines.profiles import MachineProfile

__all__ = ["Estimate", "estimate", "expand_moves", "move_arrays"]

_AXES = "xyz"


@dataclass(frozen=True, slots=True)
class Estimate:
    seconds: float  # everything: motion, spindle dwells, tool changes
    cut_length_mm: float  # feed moves (G1/G2/G3)
    rapid_length_mm: float  # G0
    per_toolpath: tuple[float, ...]  # motion seconds of each toolpath
    motion_seconds: float
    dwell_seconds: float
    tool_change_seconds: float


@dataclass(slots=True)
class _Segments:
    points: np.ndarray  # (m + 1, 3)
    feed: np.ndarray  # (m,) mm/min; inf for rapids
    rapid: np.ndarray  # (m,) bool
    owner: np.ndarray  # (m,) toolpath index
    stop_before: np.ndarray  # (m,) bool: the machine is at rest before this segment


def move_arrays(moves: Sequence[Move] | Toolpath) -> tuple[np.ndarray, ...]:
    """(kind codes (n,) int8, end points (n, 3), arc centre offsets (n, 2), feeds (n,) with
    NaN where a move has none), as `cam.toolpath.MoveArrays` holds them. Given a toolpath,
    its own columns when it has them (no `Move` objects made)."""
    a = moves.move_arrays() if isinstance(moves, Toolpath) else MoveArrays.from_moves(moves)
    return a.kind, a.xyz, a.ij, a.feed


def expand_moves(
    start: np.ndarray, kind: np.ndarray, end: np.ndarray, ij: np.ndarray, chord: float
) -> tuple[np.ndarray, np.ndarray]:
    """Points after `start` (arcs as chords) and, for each point, the index of its move."""
    prev = np.vstack([start[None, :], end[:-1]])
    arc = kind >= 2
    counts = np.ones(len(kind), dtype=np.int64)
    if not arc.any():
        return end.copy(), np.arange(len(kind))
    s, e, c = prev[arc], end[arc], prev[arc, :2] + ij[arc]
    cw = kind[arc] == 2
    a0 = np.arctan2(s[:, 1] - c[:, 1], s[:, 0] - c[:, 0])
    a1 = np.arctan2(e[:, 1] - c[:, 1], e[:, 0] - c[:, 0])
    theta = np.mod(np.where(cw, a0 - a1, a1 - a0), 2 * math.pi)
    theta = np.where(theta <= 1e-12, 2 * math.pi, theta)
    r0 = np.hypot(s[:, 0] - c[:, 0], s[:, 1] - c[:, 1])
    r1 = np.hypot(e[:, 0] - c[:, 0], e[:, 1] - c[:, 1])
    r = np.maximum(np.maximum(r0, r1), chord * 1.000001)
    step = 2.0 * np.arccos(1.0 - chord / r)
    counts[arc] = np.maximum(1, np.ceil(theta / step)).astype(np.int64)
    owner = np.repeat(np.arange(len(kind)), counts)
    points = end[owner].copy()
    # position k (1..n) of each point within its arc, as a fraction t of the sweep
    arc_counts = counts[arc]
    arc_owner = np.repeat(np.arange(arc_counts.size), arc_counts)
    first = np.cumsum(arc_counts) - arc_counts
    t = (np.arange(arc_owner.size) - first[arc_owner] + 1) / arc_counts[arc_owner]
    sign = np.where(cw, -1.0, 1.0)[arc_owner]
    ang = a0[arc_owner] + sign * t * theta[arc_owner]
    rad = r0[arc_owner] + (r1 - r0)[arc_owner] * t
    xyz = np.column_stack(
        [
            c[arc_owner, 0] + rad * np.cos(ang),
            c[arc_owner, 1] + rad * np.sin(ang),
            s[arc_owner, 2] + (e[:, 2] - s[:, 2])[arc_owner] * t,
        ]
    )
    last = np.cumsum(arc_counts) - 1
    xyz[last] = e  # land exactly on the end point
    points[np.repeat(arc, counts)] = xyz
    return points, owner


def _toolpath_segments(tp: Toolpath, start: np.ndarray, chord: float) -> tuple[np.ndarray, ...]:
    kind, end, ij, feed = move_arrays(tp)
    prev = np.vstack([start[None, :], end[:-1]])
    # np.isclose(rtol=0, atol=1e-9) for each of X and Y (equal infinities are close), without
    # the cost of its generality
    same = (np.abs(prev[:, :2] - end[:, :2]) <= 1e-9) | (prev[:, :2] == end[:, :2])
    pure_z = same[:, 0] & same[:, 1]
    default = np.where(pure_z & (end[:, 2] < prev[:, 2]), tp.params.plunge_feed, tp.params.feed)
    feed = np.where(np.isnan(feed), default, feed)
    feed = np.where(kind == 0, np.inf, feed)
    points, owner = expand_moves(start, kind, end, ij, chord)
    return points, feed[owner], (kind == 0)[owner]


def _program_segments(program: Program, machine: MachineProfile) -> tuple[_Segments, int, int]:
    chord = machine.arc_tolerance
    pts, feeds, rapids, owners, stops = [], [], [], [], []
    here: np.ndarray | None = None
    changes = dwells = 0
    previous: Toolpath | None = None
    for n, tp in enumerate(program.toolpaths):
        if not tp.move_count():
            continue
        if here is None:
            first = tp.move_arrays().xyz[0]
            here = np.array([first[0], first[1], tp.safe_z], dtype=float)
            pts.append(here[None, :])
        p, f, r = _toolpath_segments(tp, here, chord)
        new_tool = previous is None or previous.tool.name != tp.tool.name
        rpm_change = previous is not None and previous.params.spindle_rpm != tp.params.spindle_rpm
        changes += int(new_tool and previous is not None)
        dwells += int(new_tool or rpm_change)
        stop = np.zeros(len(f), dtype=bool)
        stop[0] = new_tool or rpm_change
        pts.append(p)
        feeds.append(f)
        rapids.append(r)
        owners.append(np.full(len(f), n))
        stops.append(stop)
        here = p[-1]
        previous = tp
    if not feeds:
        empty = np.zeros(0)
        return (
            _Segments(
                np.zeros((1, 3)), empty, empty.astype(bool), empty.astype(int), empty.astype(bool)
            ),
            0,
            0,
        )
    seg = _Segments(
        np.vstack(pts),
        np.concatenate(feeds),
        np.concatenate(rapids),
        np.concatenate(owners),
        np.concatenate(stops),
    )
    return seg, changes, dwells


def _axis_limit(u: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """Largest magnitude along each unit vector u (k, 3) that keeps every axis within its limit."""
    a = np.abs(u)
    with np.errstate(divide="ignore", over="ignore"):
        q = np.where(a > 1e-12, limits / a, np.inf)
    out = q[:, 0].copy()
    for col in range(1, q.shape[1]):  # column by column: quicker than min over short rows
        np.minimum(out, q[:, col], out=out)
    return out


def _segment_times(seg: _Segments, machine: MachineProfile) -> tuple[np.ndarray, np.ndarray]:
    """(time, length) of each segment; zero-length segments take no time."""
    d = np.diff(seg.points, axis=0)
    length = np.linalg.norm(d, axis=1)
    keep = length > 1e-9
    times = np.zeros(len(length))
    if not keep.any():
        return times, length
    u = d[keep] / length[keep, None]
    rate = np.array([machine.max_rate[a] for a in _AXES]) / 60.0
    acc_axes = np.array([machine.acceleration[a] for a in _AXES])
    v_nom = np.minimum(seg.feed[keep] / 60.0, _axis_limit(u, rate))
    acc = _axis_limit(u, acc_axes)
    L = length[keep]
    stop = seg.stop_before[keep]
    # junction speed limits (squared), GRBL style
    cos_t = -np.einsum("ij,ij->i", u[:-1], u[1:])
    junction = u[1:] - u[:-1]
    jn = np.linalg.norm(junction, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        j_acc = _axis_limit(junction / np.where(jn > 0, jn, 1.0)[:, None], acc_axes)
        sin_half = np.sqrt(np.clip(0.5 * (1.0 - cos_t), 0.0, 1.0))
        vj2 = j_acc * machine.junction_deviation * sin_half / (1.0 - sin_half)
    vj2 = np.where(cos_t > 0.999999, 0.0, vj2)
    vj2 = np.where(cos_t < -0.999999, np.inf, vj2)
    vj2 = np.minimum(vj2, np.minimum(v_nom[:-1], v_nom[1:]) ** 2)
    vj2 = np.where(stop[1:], 0.0, vj2)
    cap = np.concatenate([[0.0], vj2, [0.0]])
    # backward then forward pass, both as cumulative minima over prefix sums
    s = 2.0 * acc * L
    S = np.concatenate([[0.0], np.cumsum(s)])
    w = np.minimum.accumulate((cap + S)[::-1])[::-1] - S
    v2 = np.maximum(np.minimum.accumulate(w - S) + S, 0.0)
    v2 = np.minimum(v2, cap)
    v0, v1 = np.sqrt(v2[:-1]), np.sqrt(v2[1:])
    vn2 = v_nom**2
    cruise = L - (vn2 - v2[:-1]) / (2 * acc) - (vn2 - v2[1:]) / (2 * acc)
    peak = np.where(cruise >= 0, v_nom, np.sqrt(np.maximum((s + v2[:-1] + v2[1:]) / 2, 0.0)))
    t = (peak - v0) / acc + (peak - v1) / acc + np.maximum(cruise, 0.0) / v_nom
    times[keep] = t
    return times, length


def estimate(
    program_or_moves: Program | Sequence[Move],
    machine: MachineProfile,
    *,
    start: tuple[float, float, float] | None = None,
) -> Estimate:
    """Estimated run time and lengths of a program (or of a bare move list, which needs a feed
    on every feed move and starts at `start`, by default its first point, at rest)."""
    if isinstance(program_or_moves, Program):
        seg, changes, dwells = _program_segments(program_or_moves, machine)
        n_paths = len(program_or_moves.toolpaths)
    else:
        seg, changes, dwells = _moves_segments(list(program_or_moves), machine, start)
        n_paths = 1
    times, length = _segment_times(seg, machine)
    motion = float(times.sum())
    dwell = dwells * machine.spindle_spinup_seconds
    change = changes * machine.tool_change_seconds
    per = (
        np.bincount(seg.owner, weights=times, minlength=n_paths)
        if len(times)
        else np.zeros(n_paths)
    )
    return Estimate(
        seconds=motion + dwell + change,
        cut_length_mm=float(length[~seg.rapid].sum()),
        rapid_length_mm=float(length[seg.rapid].sum()),
        per_toolpath=tuple(float(x) for x in per),
        motion_seconds=motion,
        dwell_seconds=dwell,
        tool_change_seconds=change,
    )


def _moves_segments(
    moves: list[Move], machine: MachineProfile, start: tuple[float, float, float] | None
) -> tuple[_Segments, int, int]:
    if not moves:
        empty = np.zeros(0)
        return (
            _Segments(
                np.zeros((1, 3)), empty, empty.astype(bool), empty.astype(int), empty.astype(bool)
            ),
            0,
            0,
        )
    if any(m.kind is not MoveKind.RAPID and not m.feed for m in moves):
        raise ValueError("every feed move needs a feed to be estimated")
    kind, end, ij, feed = move_arrays(moves)
    origin = np.array(start if start is not None else end[0], dtype=float)
    points, owner = expand_moves(origin, kind, end, ij, machine.arc_tolerance)
    feed = np.where(kind == 0, np.inf, feed)[owner]
    seg = _Segments(
        np.vstack([origin[None, :], points]),
        feed,
        (kind == 0)[owner],
        np.zeros(len(owner), dtype=int),
        np.zeros(len(owner), dtype=bool),
    )
    return seg, 0, 0

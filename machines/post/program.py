"""A whole program: header, preamble, each toolpath with its tool change, the ending."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter

import numpy as np

from cam.gcpause import collector_paused
from cam.toolpath import Move, MoveArrays, MoveKind, Program, Toolpath
from machines.errors import PostError
from machines.estimate import Estimate, estimate
from machines.post.base import GENERATOR, VERSION, Dialect, Writer, check_finite, utc_stamp
from machines.post.runs import Prepared, write_feed_run, write_toolpath
from machines.profiles import MachineProfile

# Shorter runs of feed moves are written move by move: numpy's per-call cost would outweigh
# the gain.
MIN_RUN = 8
# A whole toolpath is first offered to `write_toolpath` (all its moves in one pass); False
# writes run by run (tests compare both ways with the move-by-move writer).
WHOLE_TOOLPATH = True
_RAPID_CODE = 0  # machines.estimate's code for MoveKind.RAPID
_FEED = attrgetter("feed")


def write_program(
    program: Program,
    machine: MachineProfile,
    dialect: Dialect,
    *,
    date: datetime | None = None,
    estimated: Estimate | None = None,
) -> str:
    """The G-code text of `program` for `machine` in `dialect`; `PostError` if unsafe.

    estimated: `machines.estimate.estimate(program, machine)` when the caller already has it
    (the header prints it); computed here otherwise."""
    with collector_paused():
        return _write(program, machine, dialect, date, estimated)


def _write(
    program: Program,
    machine: MachineProfile,
    dialect: Dialect,
    date: datetime | None,
    estimated: Estimate | None,
) -> str:
    if not program.toolpaths or not any(tp.move_count() for tp in program.toolpaths):
        raise PostError("program has no moves: nothing to cut")
    arrays = [tp.move_arrays() for tp in program.toolpaths]
    if not all(_finite(tp, a) for tp, a in zip(program.toolpaths, arrays, strict=True)):
        check_finite(program)  # says which move
    body = Writer(program, machine, dialect)
    for line in dialect.preamble(machine):
        body.emit(line)
    previous: Toolpath | None = None
    for n, tp in enumerate(program.toolpaths, 1):
        if not len(arrays[n - 1]):
            continue  # an operation that found nothing to cut needs no tool change
        _start_toolpath(body, tp, previous, n)
        _moves(body, tp, arrays[n - 1])
        _leave_cut(body, tp)
        previous = tp
    assert previous is not None  # there is at least one toolpath with moves
    _finish(body, previous)
    est = estimated if estimated is not None else estimate(program, machine)
    head = Writer(program, machine, dialect)
    _header(head, program, machine, est, date)
    lines = head.lines + body.lines
    if dialect.percent_wrap:
        lines = ["%", *lines, "%"]
    return "\n".join(lines) + "\n"


def _start_toolpath(w: Writer, tp: Toolpath, previous: Toolpath | None, n: int) -> None:
    tool = tp.tool
    new_tool = previous is None or (tool.name, tool.number) != (
        previous.tool.name,
        previous.tool.number,
    )
    if new_tool:
        if previous is not None:
            _lift_for_change(w, previous)
            w.stop()
        for line in w.dialect.tool_change(tool, w.machine, first=previous is None):
            w.emit(line)
        w.tool = tool
        # after a tool change (or at the start) the height is the operator's. The spindle and
        # the water start before any motion at all, so no feed move of the program, whatever a
        # reader counts as a cut, ever runs with the spindle off; then a feed move (never a
        # rapid: we cannot prove where it starts) goes up to safe Z.
        w.spindle(tp.params.spindle_rpm)
        w.coolant_on()
        w.retract_from_unknown(tp.safe_z, w.machine.max_feed["z"])
    elif previous is not None and previous.params.spindle_rpm != tp.params.spindle_rpm:
        w.spindle(tp.params.spindle_rpm)
    w.comment(f"Operation {n}: {tp.operation}, passes {tp.passes}, depth {tp.depth:.3f} mm")


def _finite(tp: Toolpath, arrays: MoveArrays) -> bool:
    """Whether every coordinate and every given feed of the toolpath is a finite number."""
    if not (np.isfinite(arrays.xyz).all() and np.isfinite(arrays.ij).all()):
        return False
    moves = tp.made_moves()
    if moves is None:  # columns from a planner: NaN is "no feed", never a feed given as NaN
        return not np.isinf(arrays.feed).any()
    feeds = [0.0 if f is None else f for f in map(_FEED, moves)]
    return bool(np.isfinite(np.fromiter(feeds, dtype=np.float64, count=len(feeds))).all())


def _moves(w: Writer, tp: Toolpath, arrays: MoveArrays) -> None:
    """The toolpath's moves: all at once where `write_toolpath` can; else runs of feed moves
    in bulk where `write_feed_run` can, rapids (and any run it declines) move by move."""
    kind = arrays.kind
    cutting = kind != _RAPID_CODE
    moves = tp.made_moves()
    prep = Prepared(kind, arrays.xyz, arrays.ij, arrays.feed, tp) if cutting.any() else None
    if prep is not None and WHOLE_TOOLPATH and len(kind) >= MIN_RUN:
        if write_toolpath(w, prep, tp):
            return
    cuts = np.flatnonzero(cutting[1:] != cutting[:-1]) + 1
    bounds = [0, *cuts.tolist(), len(kind)]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if prep is not None and cutting[a] and b - a >= MIN_RUN:
            if write_feed_run(w, prep, a, b, tp):
                continue
        for move in moves[a:b] if moves is not None else arrays.to_moves(a, b):
            _move(w, move, tp)


def _move(w: Writer, move: Move, tp: Toolpath) -> None:
    if move.kind is MoveKind.RAPID:
        w.rapid(move.x, move.y, move.z, tp)
    elif move.kind is MoveKind.LINEAR:
        w.linear(move.x, move.y, move.z, move.feed or _default_feed(w, move, tp), tp)
    else:
        w.arc(move if move.feed else _with_feed(move, tp.params.feed), tp)


def _default_feed(w: Writer, move: Move, tp: Toolpath) -> float:
    pure_z = w.raw is not None and (move.x, move.y) == w.raw[:2]
    return tp.params.plunge_feed if pure_z else tp.params.feed


def _with_feed(move: Move, feed: float) -> Move:
    return Move(move.kind, move.x, move.y, move.z, feed, move.i, move.j)


def _leave_cut(w: Writer, tp: Toolpath) -> None:
    """Every toolpath ends at safe height, whatever its last move was."""
    z = w.pos[2]
    if z is not None and z < tp.safe_z and w.raw is not None:
        w.linear(w.raw[0], w.raw[1], tp.safe_z, tp.params.plunge_feed, tp)


def _lift_for_change(w: Writer, tp: Toolpath) -> None:
    lift = max(tp.safe_z, w.machine.tool_change_z)
    if w.raw is None:
        w.retract_from_unknown(lift, w.machine.max_feed["z"])
    else:
        w.rapid(w.raw[0], w.raw[1], lift, tp)


def _finish(w: Writer, last: Toolpath) -> None:
    _lift_for_change(w, last)
    for line in w.dialect.ending():
        w.emit(line)


def _clock(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _header(
    w: Writer, program: Program, machine: MachineProfile, est: Estimate, date: datetime | None
) -> None:
    w.comment(f"Job: {program.job or '-'}")
    w.comment(f"Design: {program.design or '-'}")
    w.comment(f"Placement: {program.placement.describe()}")
    w.comment(f"Machine: {machine.name}, dialect {w.dialect.name}")
    w.comment(f"Estimated time: {_clock(est.seconds)}, {est.seconds:.0f} s")
    w.comment(f"Cut length: {est.cut_length_mm:.1f} mm, rapid length: {est.rapid_length_mm:.1f} mm")
    for n, tp in enumerate(program.toolpaths, 1):
        t, p = tp.tool, tp.params
        w.comment(f"Operation {n}: {tp.operation}, safe height {tp.safe_z:.3f} mm")
        w.comment(f"Tool: T{t.number} {t.name}, {t.kind.value}, diameter {t.diameter:.3f} mm")
        w.comment(
            f"Depth: {tp.depth:.3f} mm, passes: {tp.passes}, "
            f"step-down: {tp.depth / max(tp.passes, 1):.3f} mm"
        )
        w.comment(
            f"Feed: {p.feed:g} mm/min, plunge: {p.plunge_feed:g} mm/min, "
            f"spindle: {p.spindle_rpm} rpm"
        )
    for warning in program.warnings:
        w.comment(f"Warning: {warning}")
    w.comment(f"Generator: {GENERATOR} {VERSION}, {utc_stamp(date)}")

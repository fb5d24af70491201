"""Rotary programs: toolpaths wrapped round a band by `cam.rotary`, written with `A` words.

A wrapped toolpath's feed moves go out in inverse time (`G93`): each `G1` carries
`F = 1 / minutes` for that move, minutes taken at the tool tip (`cam.rotary.tip_minutes`),
because a feed in mm/min means nothing to a controller once a move mixes degrees and
millimetres. `G94` is restored before the toolpath's retract. F is rounded down to 6
significant digits, so no move runs faster than its feed. Only controllers that drive an A
axis with G93 take such a program (LinuxCNC, Mach3): GRBL is refused with the reason, and so
is a machine without an A axis.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

from cam.rotary import tip_minutes
from cam.toolpath import Move, MoveKind, Program, Toolpath
from machines.errors import PostError
from machines.estimate import Estimate
from machines.post.base import Dialect, Writer, check_finite
from machines.post.program import _finish, _header, _leave_cut, _move, _start_toolpath
from machines.post.text import fmt, quantize, quantize_up
from machines.profiles import MachineProfile

__all__ = ["ROTARY_DIALECTS", "inverse_time_word", "is_rotary", "write_rotary_program"]

ROTARY_DIALECTS = ("linuxcnc", "mach3")  # drive an A axis and read G93 inverse-time feeds
_SIGNIFICANT = 6


def is_rotary(program: Program) -> bool:
    return any(tp.rotary_diameter is not None and tp.moves for tp in program.toolpaths)


def write_rotary_program(
    program: Program,
    machine: MachineProfile,
    dialect: Dialect,
    *,
    date: datetime | None = None,
    estimated: Estimate | None = None,
) -> str:
    """The G-code text of a program with wrapped toolpaths; `PostError` if unsafe or if the
    controller or the machine cannot turn an A axis."""
    if dialect.name not in ROTARY_DIALECTS:
        raise PostError(
            f"{dialect.name} cannot carve on a rotary axis (no A axis with inverse-time feed "
            f"G93): post this program for {' or '.join(ROTARY_DIALECTS)}"
        )
    if "A" not in machine.axes:
        raise PostError(f"{machine.name} has axes {machine.axes}: no rotary A axis for a band")
    check_finite(program)
    w = Writer(program, machine, dialect)
    for line in dialect.preamble(machine):
        w.emit(line)
    previous: Toolpath | None = None
    for n, tp in enumerate(program.toolpaths, 1):
        if not tp.moves:
            continue
        _start_toolpath(w, tp, previous, n)
        if tp.rotary_diameter is None:
            for move in tp.moves:
                _move(w, move, tp)
        else:
            _write_wrapped(w, tp, tp.rotary_diameter)
        _leave_cut(w, tp)
        previous = tp
    if previous is None:
        raise PostError("program has no moves: nothing to cut")
    _finish(w, previous)
    head = Writer(program, machine, dialect)
    if estimated is None:  # the band's turns timed on the A axis, not left out
        from machines.rotary_estimate import rotary_estimate

        estimated = rotary_estimate(program, machine)
    _header(head, program, machine, estimated, date)
    for tp in program.toolpaths:
        if tp.rotary_diameter is not None:
            head.comment(
                f"Rotary: A axis along X, band diameter {tp.rotary_diameter:.3f} mm, "
                f"Z radial from the band surface, feeds in inverse time (G93)"
            )
    lines = head.lines + w.lines
    if dialect.percent_wrap:
        lines = ["%", *lines, "%"]
    return "\n".join(lines) + "\n"


def inverse_time_word(minutes: float) -> str:
    """`F` for a move of `minutes`: 1 / minutes rounded down to 6 significant digits."""
    if not (math.isfinite(minutes) and minutes > 0):
        raise PostError(f"inverse-time feed for a move of {minutes!r} minutes")
    f = 1.0 / minutes
    decimals = max(0, _SIGNIFICANT - 1 - math.floor(math.log10(f)))
    q = math.floor(f * 10**decimals) / 10**decimals
    if q <= 0:
        raise PostError(f"inverse-time feed {f!r} rounds to zero")
    text = f"{q:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{q:.0f}"
    return f"F{text}"


class _Rotary:
    """The A axis as written, beside the Writer's X Y Z."""

    def __init__(self) -> None:
        self.a: float | None = None  # quantized, as written
        self.raw_a: float | None = None  # as the planner gave it


def _write_wrapped(w: Writer, tp: Toolpath, diameter: float) -> None:
    rot = _Rotary()
    w.emit("G93")
    try:
        for move in tp.moves:
            if move.a is None or move.kind in (MoveKind.ARC_CW, MoveKind.ARC_CCW):
                raise PostError(
                    "a wrapped toolpath must be straight moves with an A angle each "
                    "(cam.rotary flattens arcs)"
                )
            if move.kind is MoveKind.RAPID:
                _rapid(w, rot, move, tp)
            else:
                _feed(w, rot, move, tp, diameter)
    finally:
        w.emit("G94")  # the retract and everything after are in mm/min again
        w.feed = None


def _words(w: Writer, rot: _Rotary, target: tuple[float, float, float], a: float) -> list[str]:
    words = [
        f"{axis}{fmt(v)}"
        for axis, v, old in zip("XYZ", target, w.pos, strict=True)
        if old is None or v != old
    ]
    if rot.a is None or a != rot.a:
        words.append(f"A{fmt(a)}")
    return words


def _rapid(w: Writer, rot: _Rotary, move: Move, tp: Toolpath) -> None:
    here = w.pos[2]
    if move.z < tp.safe_z - 1e-6 or here is None or here < tp.safe_z - 1e-6:
        raise PostError(f"rotary rapid below the safe height {tp.safe_z:g} mm")
    target = (quantize(move.x), quantize(move.y), quantize_up(move.z, tp.safe_z))
    a = quantize(move.a or 0.0)
    words = _words(w, rot, target, a)
    if words:
        w.emit(" ".join(([] if w.motion == "G0" else ["G0"]) + words))
        w.motion = "G0"
    w.pos, w.raw = list(target), (move.x, move.y, move.z)
    rot.a, rot.raw_a = a, move.a


def _feed(w: Writer, rot: _Rotary, move: Move, tp: Toolpath, diameter: float) -> None:
    if w.raw is None or rot.raw_a is None:
        raise PostError("rotary feed move from an unknown position: rapid to the band first")
    w._check_cut(w.pos[2], move.z, tp)
    target = (quantize(move.x), quantize(move.y), w._z(move.z, tp))
    a = quantize(move.a if move.a is not None else rot.raw_a)
    words = _words(w, rot, target, a)
    if not words:
        return
    # timed between the positions as written: the controller moves between those
    start = (float(w.pos[0] or 0.0), float(w.pos[1] or 0.0), float(w.pos[2] or 0.0))
    written = replace(move, x=target[0], y=target[1], z=target[2], a=a)
    minutes = tip_minutes(start, written, rot.a if rot.a is not None else a, diameter)
    w.emit(" ".join(([] if w.motion == "G1" else ["G1"]) + words + [inverse_time_word(minutes)]))
    w.motion = "G1"
    w.pos, w.raw = list(target), (move.x, move.y, move.z)
    rot.a, rot.raw_a = a, move.a

"""The shared G-code writer: header, preamble, moves with modal words, tool changes, ending.

A `Dialect` (one small subclass per controller) says what its controller accepts; the `Writer`
turns a `Program` into lines and is also the last safety interlock before the stone: it refuses
(`PostError`) any cut below its toolpath's depth, any rapid under the safe height, any cut with
the spindle off, any NaN/inf. Output is assembled in memory and returned whole, so a refusal
never leaves a partial program anywhere.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from cam.toolpath import Move, MoveKind, Program, Tool, Toolpath
from machines.errors import PostError
from machines.post import geometry
from machines.post.text import comment_lines, fmt, fmt_short, quantize, quantize_up
from machines.profiles import MachineProfile

GENERATOR = "jade-workshop machines.post"
VERSION = "0.1.0"
COMMENT_WIDTH = 70  # GRBL's limit; the other dialects keep it for a uniform header
DEPTH_SLACK = 1e-6  # float noise of the planner, far below the 0.0001 mm we write
LINEARIZE_CHORD = 0.0005  # mm: chord error when an arc must become lines (see docs/machines.md)
ARC_RADIUS_MISMATCH = 0.002  # mm: above this an arc is written as lines (GRBL refuses > 0.005)
MIN_ARC_CHORD = 0.001  # mm: shorter arcs are written as a straight line


class Dialect:
    """What one controller family accepts. Subclasses override the hooks for their quirks."""

    name = "generic"
    percent_wrap = False  # `%` as first and last line
    tool_words = True  # T<n> M6 and G43 H<n>
    mist = True  # M7 exists
    ij_incremental_word = False  # write G91.1
    cancel_modes = False  # write G40 G49 G80
    blending = False  # write G64 P<tolerance>

    def preamble(self, machine: MachineProfile) -> list[str]:
        lines = ["G21", "G90", "G17", "G94"]
        if self.ij_incremental_word:
            lines.append("G91.1")
        if self.cancel_modes:
            lines.append("G40 G49 G80")
        if self.blending:
            lines.append(f"G64 P{fmt_short(machine.path_tolerance)}")
        return lines

    def dwell(self, seconds: float, machine: MachineProfile) -> str:
        if machine.dwell_units == "ms":
            return f"G4 P{round(seconds * 1000)}"
        return f"G4 P{fmt_short(seconds)}"

    def tool_change(self, tool: Tool, machine: MachineProfile, first: bool) -> list[str]:
        """Lines that put `tool` in the spindle (spindle and coolant already off)."""
        return [f"T{tool.number} M6", f"G43 H{tool.number}"]

    def ending(self) -> list[str]:
        return ["M5 M9", "M30"]


class Writer:
    """One program's lines. Keeps the modal state the controller will have (motion mode, feed,
    position as written) so that only changed words are written."""

    def __init__(self, program: Program, machine: MachineProfile, dialect: Dialect) -> None:
        self.program = program
        self.machine = machine
        self.dialect = dialect
        self.lines: list[str] = []
        self.pos: list[float | None] = [None, None, None]  # as written (quantized)
        self.raw: tuple[float, float, float] | None = None  # as the planner gave it
        self.motion: str | None = None
        self.feed: float | None = None
        self.spindle_on = False
        self.tool: Tool | None = None

    # -- lines -----------------------------------------------------------------------------
    def emit(self, line: str) -> None:
        if len(line) > self.machine.max_line_length:
            raise PostError(f"line longer than {self.machine.max_line_length} chars: {line!r}")
        self.lines.append(line)

    def comment(self, text: str, prefix: str = "") -> None:
        for line in comment_lines(text, min(COMMENT_WIDTH, self.machine.max_line_length), prefix):
            self.emit(line)

    # -- motion ----------------------------------------------------------------------------
    def _axis_words(self, target: tuple[float, float, float], always_xy: bool) -> list[str]:
        words = []
        for axis, value, old in zip("XYZ", target, self.pos, strict=True):
            if (always_xy and axis != "Z") or old is None or value != old:
                words.append(f"{axis}{fmt(value)}")
        return words

    def _motion_word(self, code: str) -> list[str]:
        return [] if code == self.motion else [code]

    def _feed_word(self, feed: float | None) -> list[str]:
        if feed is None or not math.isfinite(feed) or feed <= 0:
            raise PostError(f"cutting move without a valid feed ({feed!r})")
        q = float(fmt_short(feed))
        if q <= 0:
            raise PostError(f"feed {feed!r} mm/min rounds to zero")
        if q == self.feed:
            return []
        self.feed = q
        return [f"F{fmt_short(q)}"]

    def _land(
        self, code: str, target: tuple[float, float, float], raw: tuple[float, float, float]
    ) -> None:
        self.motion = code
        self.pos = list(target)
        self.raw = raw

    @staticmethod
    def _z(z: float, tp: Toolpath) -> float:
        """Z as written: rounding keeps a cut above -depth and a retract at or above safe_z."""
        return quantize_up(z, tp.safe_z if z >= tp.safe_z - DEPTH_SLACK else -tp.depth)

    def _check_cut(self, z0: float | None, z1: float, tp: Toolpath) -> None:
        if (z1 < 0 or (z0 is not None and z0 < 0)) and not self.spindle_on:
            raise PostError("cutting move with the spindle off")
        if z1 < -tp.depth - DEPTH_SLACK:
            raise PostError(f"move to Z{z1:.4f} is below the toolpath depth -{tp.depth:g} mm")

    def rapid(self, x: float, y: float, z: float, tp: Toolpath) -> None:
        """G0 with both ends at or above the safe height. A vertical rapid up out of the cut
        becomes a feed move (the contract: retract with G1 Z, then G0 in XY)."""
        safe = tp.safe_z
        if z < safe - DEPTH_SLACK:
            raise PostError(f"rapid to Z{z:.4f} below the safe height {safe:g} mm")
        here = self.pos[2]
        if here is None:
            raise PostError("rapid from an unknown height")
        if here < safe - DEPTH_SLACK:
            if (quantize(x), quantize(y)) != (self.pos[0], self.pos[1]):
                raise PostError(f"rapid across the stone from Z{here:.4f}, below the safe height")
            self.linear(x, y, z, tp.params.plunge_feed, tp)
            return
        target = (quantize(x), quantize(y), quantize_up(z, safe))
        axes = self._axis_words(target, always_xy=False)
        if axes:
            self.emit(" ".join(self._motion_word("G0") + axes))
            self._land("G0", target, (x, y, z))
        else:
            self.raw = (x, y, z)

    def linear(self, x: float, y: float, z: float, feed: float | None, tp: Toolpath) -> None:
        self._check_cut(self.pos[2], z, tp)
        target = (quantize(x), quantize(y), self._z(z, tp))
        axes = self._axis_words(target, always_xy=False)
        if not axes:
            self.raw = (x, y, z)  # no motion after rounding: nothing to write
            return
        self.emit(" ".join(self._motion_word("G1") + axes + self._feed_word(feed)))
        self._land("G1", target, (x, y, z))

    def retract_from_unknown(self, z: float, feed: float) -> None:
        """Go to Z `z` from a height we do not know (program start, after a manual tool change)
        with a feed move: a rapid must never start below the safe height, and here we cannot
        prove it does not."""
        target = quantize_up(z, z)
        words = self._motion_word("G1") + [f"Z{fmt(target)}"] + self._feed_word(feed)
        self.emit(" ".join(words))
        self.motion = "G1"
        self.pos = [None, None, target]
        self.raw = None

    def arc(self, move: Move, tp: Toolpath) -> None:
        if self.raw is None or self.pos[0] is None or self.pos[1] is None:
            raise PostError("arc from an unknown position")
        start_raw = self.raw
        centre = (start_raw[0] + move.i, start_raw[1] + move.j)
        end_raw = (move.x, move.y, move.z)
        clockwise = move.kind is MoveKind.ARC_CW
        theta = geometry.sweep(start_raw[:2], end_raw[:2], centre, clockwise)
        if theta > math.pi + 1e-6:  # never a full circle, nor a long arc, in one G2/G3
            mid = geometry.arc_midpoint(start_raw, end_raw, centre, clockwise)
            self.arc(Move(move.kind, mid[0], mid[1], mid[2], move.feed, move.i, move.j), tp)
            here = self.raw if self.raw is not None else mid
            rest = (centre[0] - here[0], centre[1] - here[1])
            self.arc(Move(move.kind, move.x, move.y, move.z, move.feed, *rest), tp)
            return
        self._check_cut(self.pos[2], move.z, tp)
        start = (self.pos[0], self.pos[1])
        end = (quantize(move.x), quantize(move.y), self._z(move.z, tp))
        i, j = quantize(centre[0] - start[0]), quantize(centre[1] - start[1])
        r0 = math.hypot(i, j)
        r1 = math.hypot(start[0] + i - end[0], start[1] + j - end[1])
        chord = math.hypot(end[0] - start[0], end[1] - start[1])
        if chord < MIN_ARC_CHORD:
            self.linear(move.x, move.y, move.z, move.feed, tp)
        elif not self.machine.arcs or abs(r0 - r1) > ARC_RADIUS_MISMATCH:
            self._linearize(start_raw, end_raw, centre, clockwise, move.feed, tp)
        else:
            code = "G2" if clockwise else "G3"
            words = self._motion_word(code) + self._axis_words(end, always_xy=True)
            words += [f"I{fmt(i)}", f"J{fmt(j)}"] + self._feed_word(move.feed)
            self.emit(" ".join(words))
            self._land(code, end, end_raw)

    def _linearize(
        self,
        start: tuple[float, float, float],
        end: tuple[float, float, float],
        centre: tuple[float, float],
        clockwise: bool,
        feed: float | None,
        tp: Toolpath,
    ) -> None:
        for p in geometry.arc_points(start, end, centre, clockwise, LINEARIZE_CHORD):
            self.linear(float(p[0]), float(p[1]), float(p[2]), feed, tp)

    # -- machine state ---------------------------------------------------------------------
    def spindle(self, rpm: int) -> None:
        if not math.isfinite(rpm) or rpm <= 0:
            raise PostError(f"invalid spindle speed {rpm!r}")
        self.emit(f"M3 S{int(rpm)}")
        self.emit(self.dialect.dwell(self.machine.spindle_spinup_seconds, self.machine))
        self.spindle_on = True

    def coolant_on(self) -> None:
        if self.machine.coolant_flood:
            self.emit("M8")
        elif self.machine.coolant_mist and self.dialect.mist:
            self.emit("M7")

    def stop(self) -> None:
        self.emit("M5")
        self.emit("M9")
        self.spindle_on = False


def check_finite(program: Program) -> None:
    """NaN or inf anywhere in the moves is refused before a single line is written."""
    for n, tp in enumerate(program.toolpaths, 1):
        if not (
            math.isfinite(tp.depth) and tp.depth > 0 and math.isfinite(tp.safe_z) and tp.safe_z > 0
        ):
            raise PostError(f"toolpath {n}: depth and safe height must be positive numbers")
        for k, m in enumerate(tp.moves):
            values = (m.x, m.y, m.z, m.i, m.j) + (() if m.feed is None else (m.feed,))
            if not all(math.isfinite(v) for v in values):
                raise PostError(f"toolpath {n} move {k}: coordinate is NaN or infinite")


def utc_stamp(date: datetime | None) -> str:
    return (date or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")

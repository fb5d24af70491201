"""Read a G-code program into straight motion segments the simulator can replay.

This is a production reader, strict on purpose: a word it does not understand could move the
tool somewhere we would not see, so anything outside the subset our posts write (and the
common controller dialects accept) is refused with the line number, never skipped.

Understood: G0 G1 G2 G3 (XY plane, centre I/J or radius R), G4, G17, G20/G21, G90/G91,
G90.1/G91.1, the modal no-ops G40 G43 G49 G54 G61 G61.1 G64 G80 G94, F S T H, M0 M1 M2 M3 M4 M5
M6 M7 M8 M9 M30, comments `( )` and `;`, `%` lines and `N` line numbers. Arcs are flattened
into chords within `arc_tolerance`; helical arcs move Z linearly along the sweep.

Told the band (`rotary_diameter`, `band_along`), it also reads rotary programs: `A` words and
inverse-time feeds `G93` (every feed move with its own F) and `G94`, with the tool kept over
the axis (Y0) and straight moves only; the positions come out on the unrolled band
(`cam.simulate.rotary`). Without a band an `A` word or `G93` is refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from cam.simulate.errors import SimulationError
from cam.simulate.rotary import BAND_HINT, check_band, tip_feed, unwrap_points

__all__ = ["Motion", "read_gcode", "RAPID", "CUT"]

RAPID = 0  # G0
CUT = 1  # G1, G2, G3
MM_PER_INCH = 25.4
# Arc endpoint check, as GRBL does it: refused only when both the absolute and the relative
# radius mismatch are exceeded (posts round to 4 decimals, so a few microns are normal).
ARC_RADIUS_ABS = 0.005
ARC_RADIUS_REL = 0.001

_WORD = re.compile(r"([A-Z])([-+]?(?:\d+\.?\d*|\.\d+))")
_COMMENT = re.compile(r"\([^()]*\)")
# codes are G/M numbers times ten, so G91.1 is 911 and G0 is 0
_MOTION = {0: RAPID, 10: CUT, 20: CUT, 30: CUT}
# G43 (tool length offset from the table) leaves the programmed tip where it is: a no-op here
_MODAL_NOOPS = {170, 400, 430, 490, 540, 610, 611, 640, 800}
INVERSE_TIME, UNITS_PER_MINUTE = 930, 940  # G93, G94
_KNOWN_M = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 30}
_VALUE_LETTERS = set("XYZAIJKRFSTPNH")
# A rotary program keeps the tool over the band's axis; off it the tool meets the band's
# surface lower than Z0 says, and the depth is wrong. Y0 written to 4 decimals is 0 exactly.
AXIS_Y_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Motion:
    """Every straight segment of a program, in order, in machine millimetres.

    start, end: (n, 3) float64 tool-tip positions; kind: (n,) int8, RAPID or CUT;
    feed: (n,) float64 mm/min (nan for rapids); spindle: (n,) bool, spindle turning;
    line: (n,) int64 source line of each segment (an arc gives several segments).
    rotary_diameter: the band (mm) a rotary program was read round, None for a flat program;
    its positions are then on the unrolled band (`band_along` as `cam.rotary` wraps).
    """

    start: np.ndarray
    end: np.ndarray
    kind: np.ndarray
    feed: np.ndarray
    spindle: np.ndarray
    line: np.ndarray
    coolant: np.ndarray
    tool_changes: tuple[tuple[int, int], ...] = ()  # (line, tool number)
    ended: bool = False  # M2 or M30 was reached
    dwell_s: float = 0.0
    rotary_diameter: float | None = None
    band_along: str | None = None

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def is_rapid(self) -> np.ndarray:
        return self.kind == RAPID

    @property
    def is_cut(self) -> np.ndarray:
        return self.kind == CUT

    def bounds(self, below_z: float = math.inf) -> tuple[float, float, float, float] | None:
        """(xmin, ymin, xmax, ymax) of the segments that dip below `below_z`, or None."""
        low = np.minimum(self.start[:, 2], self.end[:, 2]) < below_z
        if not low.any():
            return None
        pts = np.concatenate([self.start[low, :2], self.end[low, :2]])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


@dataclass
class _State:
    # X Y Z and A (degrees); A stays 0 on a flat program, unknown until set on a rotary one
    pos: list[float] = field(default_factory=lambda: [math.nan] * 3 + [0.0])
    motion: int | None = None  # 0, 10, 20, 30
    inches: bool = False
    incremental: bool = False
    arc_incremental: bool = True  # G91.1 is every controller's default
    feed: float | None = None
    speed: float = 0.0
    spindle_on: bool = False
    coolant: bool = False
    tool: int | None = None
    located: bool = False  # X, Y and Z (and A round a band) are all known
    rotary: float | None = None  # the band's diameter, mm, when reading a rotary program
    inverse_time: bool = False  # G93: F is 1 / minutes, given on every feed move


class _Recorder:
    def __init__(self, rotary: float | None = None, along: str = "x") -> None:
        self.rows: list[tuple[float, ...]] = []
        self.tool_changes: list[tuple[int, int]] = []
        self.dwell_s = 0.0
        self.rotary, self.along = rotary, along

    def add(
        self,
        st: _State,
        a: list[float],
        b: list[float],
        kind: int,
        line: int,
        feed: float | None = None,
    ) -> None:
        """One segment from `a` to `b` (X Y Z A); `feed` in mm/min when the line's F is not
        the modal one (inverse time)."""
        if a == b:
            return
        if kind == RAPID:
            feed = math.nan
        elif feed is None:
            feed = float(st.feed or math.nan)
        spindle = float(st.spindle_on and st.speed > 0)
        self.rows.append((*a, *b, kind, feed, spindle, line, float(st.coolant)))

    def motion(self, ended: bool) -> Motion:
        arr = np.array(self.rows, dtype=np.float64).reshape(-1, 13)
        start, end = arr[:, 0:4], arr[:, 4:8]
        if self.rotary is not None:
            start = unwrap_points(start, self.rotary, self.along)
            end = unwrap_points(end, self.rotary, self.along)
        return Motion(
            start=start[:, :3].copy(),
            end=end[:, :3].copy(),
            kind=arr[:, 8].astype(np.int8),
            feed=arr[:, 9].copy(),
            spindle=arr[:, 10].astype(bool),
            line=arr[:, 11].astype(np.int64),
            coolant=arr[:, 12].astype(bool),
            tool_changes=tuple(self.tool_changes),
            ended=ended,
            dwell_s=self.dwell_s,
            rotary_diameter=self.rotary,
            band_along=self.along if self.rotary is not None else None,
        )


def read_gcode(
    text: str,
    *,
    arc_tolerance: float = 0.001,
    rotary_diameter: float | None = None,
    band_along: str = "x",
) -> Motion:
    """Parse `text` into a `Motion`; `SimulationError` names the first line it cannot follow.

    `rotary_diameter` (mm, at the band's surface) and `band_along` (the design axis the band
    was wrapped along, as in `cam.rotary`) read a rotary program onto the unrolled band."""
    if arc_tolerance <= 0:
        raise ValueError(f"arc_tolerance must be positive, got {arc_tolerance!r}")
    if rotary_diameter is not None:
        check_band(rotary_diameter, band_along)
    st, rec = _State(rotary=rotary_diameter), _Recorder(rotary_diameter, band_along)
    if rotary_diameter is not None:
        st.pos[3] = math.nan  # where the band stands is unknown until an A word says
    for number, raw in enumerate(text.splitlines(), start=1):
        words = _words(raw, number)
        if words is None:
            continue
        if _execute(words, st, rec, number, arc_tolerance):
            return rec.motion(ended=True)
    return rec.motion(ended=False)


def _words(raw: str, number: int) -> tuple[list[int], list[int], dict[str, float]] | None:
    """(G codes x10, M codes, other words) of one line, or None for a line with nothing."""
    line = raw.strip()
    if not line or line.startswith("%"):
        return None
    if "(" in line or ")" in line:
        line = _COMMENT.sub("", line)
        if "(" in line.split(";", 1)[0] or ")" in line.split(";", 1)[0]:
            raise SimulationError(f"line {number}: unbalanced comment parenthesis")
    line = "".join(line.split(";", 1)[0].upper().split())
    if not line:
        return None
    if line.startswith("/"):
        raise SimulationError(f"line {number}: block delete '/' is not supported")
    g: list[int] = []
    m: list[int] = []
    other: dict[str, float] = {}
    pos = 0
    for match in _WORD.finditer(line):
        if match.start() != pos:
            break
        pos = match.end()
        letter, value = match.group(1), float(match.group(2))
        if letter == "G":
            g.append(round(value * 10))
        elif letter == "M":
            m.append(_m_code(value, number))
        elif letter in _VALUE_LETTERS:
            if letter in other:
                raise SimulationError(f"line {number}: word {letter} given twice")
            other[letter] = value
        else:
            raise SimulationError(f"line {number}: unsupported word {letter}{match.group(2)}")
    if pos != len(line):
        raise SimulationError(f"line {number}: cannot read {line[pos:]!r}")
    other.pop("N", None)
    return g, m, other


def _m_code(value: float, number: int) -> int:
    if value != int(value) or int(value) not in _KNOWN_M:
        raise SimulationError(f"line {number}: unsupported M code M{value:g}")
    return int(value)


def _execute(
    words: tuple[list[int], list[int], dict[str, float]],
    st: _State,
    rec: _Recorder,
    number: int,
    tol: float,
) -> bool:
    """Apply one line in the RS274 order of execution; True when the program ends here."""
    g, m, w = words
    motion_codes = [c for c in g if c in _MOTION]
    if len(motion_codes) > 1:
        raise SimulationError(f"line {number}: two motion commands on one line")
    if "A" in w and st.rotary is None:
        raise SimulationError(f"line {number}: A{w['A']:g}: {BAND_HINT}")
    _machine_state(m, w, st, rec, number)
    dwell = _modes(g, st, number)
    scale = MM_PER_INCH if st.inches else 1.0
    if "F" in w and not st.inverse_time:  # in G93 an F belongs to its own line's move
        st.feed = w["F"] * scale
    if motion_codes:
        st.motion = motion_codes[0]
    axes = {k: w[k] * scale for k in "XYZ" if k in w}
    if "A" in w:
        axes["A"] = w["A"]  # degrees, in inches or millimetres alike
    if "P" in w and not (dwell or 640 in g):
        # P is a dwell time or a blending tolerance here; on an arc it would mean extra turns
        raise SimulationError(f"line {number}: P word outside G4 or G64")
    if dwell:
        if axes:
            raise SimulationError(f"line {number}: G4 with axis words")
        rec.dwell_s += max(w.get("P", 0.0), 0.0)
    elif axes:
        if st.motion is None:
            raise SimulationError(f"line {number}: axis words without a motion mode (G0/G1/G2/G3)")
        arc = {k: w[k] * scale for k in "IJKR" if k in w}
        _move(st, rec, axes, arc, w.get("F"), number, tol)
    elif any(k in w for k in "IJKR"):
        raise SimulationError(f"line {number}: I/J/K/R without an end point")
    return bool({2, 30} & set(m))


def _machine_state(m: list[int], w: dict[str, float], st: _State, rec: _Recorder, n: int) -> None:
    if "S" in w:
        st.speed = w["S"]
    if "T" in w:
        st.tool = int(w["T"])
    if 6 in m:
        if st.tool is None:
            raise SimulationError(f"line {n}: M6 tool change without a T word")
        rec.tool_changes.append((n, st.tool))
    if {3, 4} & set(m):
        st.spindle_on = True
    if 5 in m or {2, 30} & set(m):
        st.spindle_on = False
    if {7, 8} & set(m):
        st.coolant = True
    if 9 in m:
        st.coolant = False


def _modes(g: list[int], st: _State, number: int) -> bool:
    """Apply the modal G codes; True when the line is a G4 dwell."""
    dwell = False
    for code in g:
        if code in _MOTION or code in _MODAL_NOOPS:
            continue
        if code == 40:
            dwell = True
        elif code in (200, 210):
            st.inches = code == 200
        elif code in (900, 910):
            st.incremental = code == 910
        elif code in (901, 911):
            st.arc_incremental = code == 911
        elif code == INVERSE_TIME:
            if st.rotary is None:
                raise SimulationError(f"line {number}: G93 inverse-time feed: {BAND_HINT}")
            _feed_mode(st, inverse=True)
        elif code == UNITS_PER_MINUTE:
            _feed_mode(st, inverse=False)
        elif code in (180, 190):
            raise SimulationError(f"line {number}: only the XY plane (G17) is supported")
        else:
            raise SimulationError(f"line {number}: unsupported G code G{code / 10:g}")
    return dwell


def _feed_mode(st: _State, inverse: bool) -> None:
    """G93 / G94. Switching forgets the feed, as LinuxCNC does: an F of one mode must never
    be read in the other (1/min as mm/min, or the reverse)."""
    if st.inverse_time != inverse:
        st.inverse_time = inverse
        st.feed = None


def _move(
    st: _State,
    rec: _Recorder,
    axes: dict[str, float],
    arc: dict[str, float],
    line_f: float | None,
    number: int,
    tol: float,
) -> None:
    start = list(st.pos)
    end = list(start)
    for i, k in enumerate("XYZA"):
        if k not in axes:
            continue
        if st.incremental:
            if math.isnan(start[i]):
                raise SimulationError(f"line {number}: incremental {k} from an unknown position")
            end[i] = start[i] + axes[k]
        else:
            end[i] = axes[k]
    kind = _MOTION[st.motion or 0]
    if st.rotary is not None:
        _rotary_rules(st, end, kind, line_f, number)
    elif kind == CUT and st.feed is None:
        raise SimulationError(f"line {number}: cutting move before any feed rate F")
    st.pos = end
    if not st.located and any(math.isnan(v) for v in start):
        # Until X, Y and Z (and A) are all known the tool is being positioned from wherever
        # the operator left it: Z first (it could be in the stone), then X/Y/A above Z0.
        if math.isnan(start[2]) and ("X" in axes or "Y" in axes):
            raise SimulationError(
                f"line {number}: X/Y motion before Z is set: the tool could be in the stone; "
                "move Z up alone first"
            )
        if math.isnan(start[2]) and "A" in axes:
            raise SimulationError(
                f"line {number}: A motion before Z is set: the band could turn with the tool "
                "in the stone; move Z up alone first"
            )
        if st.motion in (20, 30) or not end[2] >= 0:
            raise SimulationError(
                f"line {number}: move into the stone from an unknown position; position "
                f"X, Y{', Z and A' if st.rotary is not None else ' and Z'} above the stone first"
            )
        if any(math.isnan(v) for v in end):
            return  # still positioning: nothing we could draw
        start = [e if math.isnan(s) else s for s, e in zip(start, end, strict=True)]
        st.located = True
    if st.motion in (20, 30):
        _arc(st, rec, start, end, arc, number, tol)
    else:
        if arc:
            raise SimulationError(f"line {number}: I/J/K/R words on a straight move")
        feed = None
        if st.rotary is not None and st.inverse_time and kind == CUT and line_f is not None:
            feed = tip_feed(start, end, line_f, st.rotary)
        rec.add(st, start, end, kind, number, feed)


def _rotary_rules(
    st: _State, end: list[float], kind: int, line_f: float | None, number: int
) -> None:
    """What a rotary program must keep to: Y0, straight moves, a feed for every feed move
    (its own F in G93, as LinuxCNC requires)."""
    if abs(end[1]) > AXIS_Y_TOLERANCE:  # nan (Y not set yet) passes: it is checked when set
        raise SimulationError(
            f"line {number}: Y{end[1]:g} in a rotary program: the tool must stay over the "
            "band's axis (Y0) while the band turns, else the depth into the band is wrong"
        )
    if st.motion in (20, 30):
        mode = " in inverse-time mode (G93)" if st.inverse_time else ""
        raise SimulationError(
            f"line {number}: G{st.motion // 10} arc{mode} on a rotary program: round a band "
            "only straight X/Z/A moves are read"
        )
    if kind != CUT:
        return
    if st.inverse_time:
        if line_f is None:
            raise SimulationError(
                f"line {number}: G1 without F in inverse-time mode (G93): every feed move "
                "must carry its own F"
            )
        if not (math.isfinite(line_f) and line_f > 0):
            raise SimulationError(f"line {number}: inverse-time feed F{line_f:g} is not positive")
    elif st.feed is None:
        raise SimulationError(f"line {number}: cutting move before any feed rate F")


def _arc(
    st: _State,
    rec: _Recorder,
    start: list[float],
    end: list[float],
    words: dict[str, float],
    number: int,
    tol: float,
) -> None:
    clockwise = st.motion == 20
    if "K" in words:
        raise SimulationError(f"line {number}: K on an XY-plane arc")
    if "R" in words:
        centre = _centre_from_radius(start, end, words["R"], clockwise, number)
    elif "I" in words or "J" in words:
        i, j = words.get("I", 0.0), words.get("J", 0.0)
        centre = (start[0] + i, start[1] + j) if st.arc_incremental else (i, j)
    else:
        raise SimulationError(f"line {number}: arc without I/J or R")
    points = _arc_points(start, end, centre, clockwise, number, tol)
    for a, b in zip(points[:-1], points[1:], strict=True):
        rec.add(st, a, b, CUT, number)


def _centre_from_radius(
    start: list[float], end: list[float], r: float, clockwise: bool, number: int
) -> tuple[float, float]:
    dx, dy = end[0] - start[0], end[1] - start[1]
    chord = math.hypot(dx, dy)
    if chord == 0:
        raise SimulationError(f"line {number}: an R-form arc cannot be a full circle")
    h2 = r * r - chord * chord / 4
    if h2 < -(ARC_RADIUS_ABS**2):
        raise SimulationError(f"line {number}: radius R{r:g} is shorter than half the chord")
    h = math.sqrt(max(h2, 0.0)) / chord
    # R > 0 takes the short way round, R < 0 the long way; the side flips with direction
    sign = -1.0 if clockwise else 1.0
    if r < 0:
        sign = -sign
    mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
    return mx - sign * h * dy, my + sign * h * dx


def _arc_points(
    start: list[float],
    end: list[float],
    centre: tuple[float, float],
    clockwise: bool,
    number: int,
    tol: float,
) -> list[list[float]]:
    cx, cy = centre
    r0 = math.hypot(start[0] - cx, start[1] - cy)
    r1 = math.hypot(end[0] - cx, end[1] - cy)
    if abs(r1 - r0) > ARC_RADIUS_ABS and abs(r1 - r0) > ARC_RADIUS_REL * r0:
        raise SimulationError(
            f"line {number}: arc end is not on the circle (radius {r0:.4f} at the start, "
            f"{r1:.4f} at the end)"
        )
    if r0 == 0:
        raise SimulationError(f"line {number}: arc of zero radius")
    a0 = math.atan2(start[1] - cy, start[0] - cx)
    a1 = math.atan2(end[1] - cy, end[0] - cx)
    sweep = (a1 - a0) % math.tau
    if clockwise:
        sweep -= math.tau
    full = math.hypot(end[0] - start[0], end[1] - start[1]) < 1e-9
    if full:
        sweep = -math.tau if clockwise else math.tau
    elif abs(sweep) < 1e-12:
        sweep = 0.0
    rmax = max(r0, r1)
    step = 2 * math.acos(max(1 - tol / rmax, -1.0)) if tol < rmax else math.pi / 2
    n = max(1, math.ceil(abs(sweep) / step))
    pts = []
    for k in range(n + 1):
        t = k / n
        ang, rad = a0 + sweep * t, r0 + (r1 - r0) * t
        z = start[2] + (end[2] - start[2]) * t
        pts.append([cx + rad * math.cos(ang), cy + rad * math.sin(ang), z, *start[3:]])
    pts[-1] = list(end)
    return pts

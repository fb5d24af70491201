"""An independent G-code reader for the tests: what a controller would do with our programs.

It shares no code with `machines/` on purpose: it re-reads the text the posts wrote and checks
the CAM contract from the outside.

- `read(gcode)` -> `Reading`: motion segments (kind, start, end, feed, spindle state, points with
  arcs flattened finely) and the program-level facts (units, distance mode, end code).
- `check_contract(gcode, design_paths, depth, safe_z, tolerance)` -> list of violations.
- `grbl_line_ok(line)` / `grbl_program_errors(gcode)`: GRBL 1.1's parser rules.

Positions the program never set (the start, before the first move) are NaN: unknown.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

ARC_CHORD = 0.0002  # mm: arcs flattened far finer than any tolerance we check
_WORD = re.compile(r"([A-Z])([-+]?(?:\d+\.?\d*|\.\d+))")
_INCH = 25.4


class GcodeSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Segment:
    kind: str  # "rapid" | "line" | "arc"
    start: tuple[float, float, float]
    end: tuple[float, float, float]
    feed: float | None
    spindle_on: bool
    line_no: int
    points: np.ndarray  # (k, 3) from start to end inclusive; arcs flattened

    @property
    def cutting(self) -> bool:
        return self.kind != "rapid" and bool(np.nanmin(self.points[:, 2]) < 0)


@dataclass
class Reading:
    segments: list[Segment] = field(default_factory=list)
    units_mm_before_motion: bool = False
    absolute_before_motion: bool = False
    inch_used: bool = False
    incremental_used: bool = False
    end_code: str | None = None  # "M30" / "M2" when the last command line ends the program
    lines_after_end: int = 0
    spindle_started: bool = False


def strip_comments(line: str) -> str:
    """The line without `( ... )` and `; ...` comments; unbalanced parentheses are an error."""
    out, depth = [], 0
    for ch in line:
        if ch == ";" and depth == 0:
            break
        if ch == "(":
            if depth:
                raise GcodeSyntaxError("nested comment")
            depth = 1
        elif ch == ")":
            if not depth:
                raise GcodeSyntaxError("unmatched ')'")
            depth = 0
        elif not depth:
            out.append(ch)
    if depth:
        raise GcodeSyntaxError("unclosed comment")
    return "".join(out)


def words(line: str) -> list[tuple[str, float]]:
    code = strip_comments(line).upper().replace(" ", "").replace("\t", "")
    found = _WORD.findall(code)
    if "".join(f"{a}{b}" for a, b in found) != code:
        raise GcodeSyntaxError(f"unreadable text in {line!r}")
    return [(letter, float(num)) for letter, num in found]


def _arc_points(start: np.ndarray, end: np.ndarray, centre: np.ndarray, cw: bool) -> np.ndarray:
    a0 = math.atan2(start[1] - centre[1], start[0] - centre[0])
    a1 = math.atan2(end[1] - centre[1], end[0] - centre[0])
    sweep = ((a0 - a1) if cw else (a1 - a0)) % (2 * math.pi)
    if sweep < 1e-12:
        sweep = 2 * math.pi
    r0 = math.hypot(*(start[:2] - centre))
    r1 = math.hypot(*(end[:2] - centre))
    r = max(r0, r1, ARC_CHORD * 2)
    n = max(2, math.ceil(sweep / (2 * math.acos(1 - ARC_CHORD / r))))
    t = np.linspace(0.0, 1.0, n + 1)
    ang = a0 - t * sweep if cw else a0 + t * sweep
    rad = r0 + (r1 - r0) * t
    pts = np.column_stack(
        [
            centre[0] + rad * np.cos(ang),
            centre[1] + rad * np.sin(ang),
            start[2] + (end[2] - start[2]) * t,
        ]
    )
    pts[0], pts[-1] = start, end
    return pts


def read(gcode: str) -> Reading:
    """Run the program through a modal state machine; `GcodeSyntaxError` on unreadable lines."""
    r = Reading()
    pos = np.full(3, np.nan)
    motion, feed, spindle, speed, scale = None, None, False, 0.0, 1.0
    absolute, ij_incremental, seen_motion, ended = True, True, False, False
    units_set = absolute_set = False
    for no, raw in enumerate(gcode.splitlines(), 1):
        if raw.strip() == "%":
            continue
        ws = words(raw)
        if not ws:
            continue
        if ended:
            r.lines_after_end += 1
        codes = {(k, v) for k, v in ws if k in "GM"}
        vals = {k: v for k, v in ws if k not in "GM"}
        speed = vals.get("S", speed)
        for k, v in sorted(codes):
            if k == "G":
                if v in (0, 1, 2, 3):
                    motion = int(v)
                elif v == 20:
                    scale, r.inch_used, units_set = _INCH, True, True
                elif v == 21:
                    scale, units_set = 1.0, True
                elif v == 90:
                    absolute, absolute_set = True, True
                elif v == 91:
                    absolute, r.incremental_used = False, True
                elif abs(v - 91.1) < 1e-9:
                    ij_incremental = True
                elif abs(v - 90.1) < 1e-9:
                    ij_incremental = False
            elif k == "M":
                if v in (3, 4):
                    spindle = True
                elif v == 5:
                    spindle = False
                elif v in (2, 30):
                    ended, r.end_code = True, f"M{int(v)}"
        if "F" in vals:
            feed = vals["F"] * scale
        r.spindle_started = r.spindle_started or (spindle and speed > 0)
        non_motion = any(k == "G" and v in (4, 10, 28, 30, 53, 92) for k, v in codes)
        axes = [a for a in "XYZ" if a in vals]
        if not axes or non_motion:
            continue
        if motion is None:
            raise GcodeSyntaxError(f"line {no}: axis words without a motion mode")
        if not seen_motion:
            r.units_mm_before_motion, r.absolute_before_motion = (
                units_set and scale == 1.0,
                absolute_set,
            )
            seen_motion = True
        target = pos.copy()
        for idx, a in enumerate("XYZ"):
            if a in vals:
                v = vals[a] * scale
                target[idx] = v if absolute else pos[idx] + v
        start = pos.copy()
        if motion in (2, 3):
            i, j = vals.get("I", 0.0) * scale, vals.get("J", 0.0) * scale
            centre = start[:2] + (i, j) if ij_incremental else np.array([i, j])
            pts = _arc_points(start, target, centre, cw=motion == 2)
            kind = "arc"
        else:
            pts = np.vstack([start, target])
            kind = "rapid" if motion == 0 else "line"
        r.segments.append(
            Segment(
                kind,
                tuple(start),
                tuple(target),
                None if motion == 0 else feed,
                spindle and speed > 0,
                no,
                pts,
            )
        )
        pos = target
    return r


# -- the contract ---------------------------------------------------------------------------


def _as_paths(design_paths: Iterable) -> list[tuple[np.ndarray, bool]]:
    out = []
    for p in design_paths:
        pts, closed = (p.points, p.closed) if hasattr(p, "points") else p
        pts = np.asarray(pts, dtype=float).reshape(-1, 2)
        out.append((pts, bool(closed)))
    return out


def _segments_of(paths: list[tuple[np.ndarray, bool]]) -> tuple[np.ndarray, np.ndarray]:
    a, b = [], []
    for pts, closed in paths:
        ring = np.vstack([pts, pts[:1]]) if closed and len(pts) > 1 else pts
        if len(ring) == 1:
            ring = np.vstack([ring, ring])
        a.append(ring[:-1])
        b.append(ring[1:])
    return np.vstack(a), np.vstack(b)


def _sample_polyline(pts: np.ndarray, spacing: float) -> np.ndarray:
    seg = np.diff(pts, axis=0)
    n = np.maximum(1, np.ceil(np.linalg.norm(seg[:, :2], axis=1) / spacing)).astype(int)
    idx = np.repeat(np.arange(len(seg)), n)
    t = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n, n)
    return np.vstack([pts[idx] + seg[idx] * t[:, None], pts[-1:]])


def _exact_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of each point (k, 2) to the nearest of the segments a[i]-b[i]."""
    out = np.empty(len(points))
    ab = b - a
    ll = np.einsum("ij,ij->i", ab, ab)
    for k, p in enumerate(points):
        t = np.clip(np.einsum("ij,ij->i", p - a, ab) / np.where(ll > 0, ll, 1.0), 0.0, 1.0)
        out[k] = np.sqrt(np.min(np.sum((a + ab * t[:, None] - p) ** 2, axis=1)))
    return out


class _Near:
    """Distance to a set of polylines: a KD-tree over dense samples, exact where it matters."""

    def __init__(self, paths: list[tuple[np.ndarray, bool]], spacing: float) -> None:
        self.a, self.b = _segments_of(paths)
        samples = [_sample_polyline(np.vstack([p, p[:1]]) if c else p, spacing) for p, c in paths]
        self.tree = cKDTree(np.vstack(samples))

    def farther_than(self, points: np.ndarray, limit: float) -> np.ndarray:
        """Boolean mask of the points whose distance exceeds `limit`."""
        if not len(points):
            return np.zeros(0, dtype=bool)
        d, _ = self.tree.query(points, k=1)
        far = d > limit
        if far.any():  # the KD distance is an upper bound: confirm exactly
            far[far] = _exact_distance(points[far], self.a, self.b) > limit
        return far


def check_contract(
    gcode: str,
    design_paths: Sequence,
    depth: float,
    safe_z: float,
    tolerance: float = 0.02,
    *,
    eps: float = 1e-4,
) -> list[str]:
    """Every way the program breaks the CAM contract for an engrave of `design_paths`
    ((n, 2) arrays with a closed flag, or objects with .points/.closed) at `depth`."""
    try:
        r = read(gcode)
    except GcodeSyntaxError as exc:
        return [f"unreadable: {exc}"]
    v: list[str] = []
    if not r.units_mm_before_motion or r.inch_used:
        v.append("G21 (mm) not in force before the first move")
    if not r.absolute_before_motion or r.incremental_used:
        v.append("G90 (absolute) not in force before the first move")
    if r.end_code is None or r.lines_after_end:
        v.append("program does not end with M30/M2")
    cut_pts, full = [], []
    for s in r.segments:
        z = s.points[:, 2]
        if np.nanmin(z) < -depth - eps:
            v.append(f"line {s.line_no}: Z{np.nanmin(z):.4f} deeper than -{depth:g}")
        if s.kind == "rapid":
            if np.any(z[~np.isnan(z)] < safe_z - eps) or math.isnan(s.end[2]):
                v.append(f"line {s.line_no}: G0 with an end below the safe height {safe_z:g}")
            continue
        if not s.cutting:
            continue
        if not s.spindle_on:
            v.append(f"line {s.line_no}: cutting move before the spindle is on (M3 S)")
        dense = _sample_polyline(s.points, tolerance / 4)
        if np.isnan(dense[:, :2]).any():
            v.append(f"line {s.line_no}: cutting from an unknown position")
            continue
        cut_pts.append(dense[dense[:, 2] < 0])
        full.append(dense[dense[:, 2] <= -depth + eps])
    paths = _as_paths(design_paths)
    if not paths:
        return v + ["no design paths to check against"]
    near_design = _Near(paths, tolerance / 4)
    cuts = np.vstack(cut_pts) if cut_pts else np.zeros((0, 3))
    off = near_design.farther_than(cuts[:, :2], tolerance + eps)
    if off.any():
        p = cuts[off][0]
        v.append(f"{int(off.sum())} cutting samples off the design, e.g. X{p[0]:.4f} Y{p[1]:.4f}")
    design_samples = np.vstack(
        [_sample_polyline(np.vstack([p, p[:1]]) if c else p, tolerance / 4) for p, c in paths]
    )
    full_pts = np.vstack(full) if full else np.zeros((0, 3))
    if not len(full_pts):
        v.append("nothing is cut at full depth")
    else:
        fp = full_pts[:, :2]
        near_cut = _Near([(fp, False)], tolerance / 4) if len(fp) > 1 else None
        if near_cut is None:
            missed = np.linalg.norm(design_samples - fp[0], axis=1) > tolerance + eps
        else:
            # the full-depth samples are dense along each move: distance to them is enough
            d, _ = near_cut.tree.query(design_samples, k=1)
            missed = d > tolerance + eps
        if missed.any():
            p = design_samples[missed][0]
            v.append(
                f"{int(missed.sum())} design samples not cut at full depth, "
                f"e.g. X{p[0]:.4f} Y{p[1]:.4f}"
            )
    return v


# -- GRBL 1.1 ---------------------------------------------------------------------------------

GRBL_MAX_LINE = 70  # our rule; GRBL's own buffer is 80 bytes
_G_GROUPS = {
    "motion": {0, 1, 2, 3, 38.2, 38.3, 38.4, 38.5, 80},
    "plane": {17, 18, 19},
    "distance": {90, 91},
    "arc_distance": {91.1},
    "feed_mode": {93, 94},
    "units": {20, 21},
    "cutter": {40},
    "tool_length": {43.1, 49},
    "coords": {54, 55, 56, 57, 58, 59},
    "control": {61},
    "non_modal": {4, 10, 28, 28.1, 30, 30.1, 53, 92, 92.1},
}
_M_GROUPS = {"stop": {0, 1, 2, 30}, "spindle": {3, 4, 5}, "coolant": {8, 9}, "override": {56}}
_LETTERS = set("FIJKLNPRSXYZ")


def _group(table: dict[str, set[float]], value: float) -> str | None:
    for name, members in table.items():
        if any(abs(value - m) < 1e-9 for m in members):
            return name
    return None


def grbl_line_ok(line: str) -> str | None:
    """None when GRBL 1.1 (default build) accepts the line on its own, else why not."""
    if len(line) > GRBL_MAX_LINE:
        return f"longer than {GRBL_MAX_LINE} characters"
    if not line.isascii():
        return "non-ASCII character"
    if line.strip() == "%" or "%" in strip_comments_safe(line):
        return "'%' is not GRBL"
    try:
        ws = words(line)
    except GcodeSyntaxError as exc:
        return str(exc)
    seen: set[str] = set()
    groups: set[tuple[str, str]] = set()
    gs = [v for k, v in ws if k == "G"]
    for k, val in ws:
        if k in "GM":
            group = _group(_G_GROUPS if k == "G" else _M_GROUPS, val)
            if group is None:
                return f"unsupported command {k}{val:g}"
            if (k, group) in groups:
                return f"two {k} commands of modal group {group}"
            groups.add((k, group))
        elif k == "T":
            return "T words are not used with GRBL (no tool changer)"
        elif k not in _LETTERS:
            return f"unsupported word {k}"
        else:
            if k in seen:
                return f"repeated {k} word"
            seen.add(k)
    if "P" in seen and 4 not in gs and 10 not in gs:
        return "P word without G4/G10"
    if 4 in gs and "P" not in seen:
        return "G4 without P"
    return None


def strip_comments_safe(line: str) -> str:
    try:
        return strip_comments(line)
    except GcodeSyntaxError:
        return line


def grbl_program_errors(gcode: str) -> list[tuple[int, str]]:
    """Line-by-line GRBL check plus the rules that need state: a feed before the first
    G1/G2/G3, arcs with both X and Y whose end radius matches the start radius."""
    errors: list[tuple[int, str]] = []
    pos = np.full(3, np.nan)
    motion, feed = 0, None
    for no, line in enumerate(gcode.splitlines(), 1):
        problem = grbl_line_ok(line)
        if problem:
            errors.append((no, problem))
            continue
        ws = words(line)
        for k, v in ws:
            if k == "G" and v in (0, 1, 2, 3):
                motion = int(v)
        vals = {k: v for k, v in ws if k not in "GM"}
        if "F" in vals:
            feed = vals["F"]
        if any(k == "G" and v in (4, 10, 28, 30, 53, 92) for k, v in ws):
            continue
        axes = [a for a in "XYZ" if a in vals]
        if not axes:
            if {"I", "J"} & set(vals):
                errors.append((no, "I/J without axis words"))
            continue
        if motion in (1, 2, 3) and feed is None:
            errors.append((no, "feed move before any F (error 22)"))
        target = pos.copy()
        for idx, a in enumerate("XYZ"):
            if a in vals:
                target[idx] = vals[a]
        if motion in (2, 3):
            err = _grbl_arc_error(pos, target, vals)
            if err:
                errors.append((no, err))
        elif {"I", "J"} & set(vals):
            errors.append((no, "I/J on a straight move (error 20)"))
        pos = target
    return errors


def _grbl_arc_error(start: np.ndarray, end: np.ndarray, vals: dict[str, float]) -> str | None:
    if "X" not in vals or "Y" not in vals:
        return "arc without both X and Y"
    if "R" in vals:
        return "arc in R form"
    if np.isnan(start[:2]).any():
        return "arc from an unknown position"
    i, j = vals.get("I", 0.0), vals.get("J", 0.0)
    if i == 0 and j == 0:
        return "arc without I/J"
    r0 = math.hypot(i, j)
    r1 = math.hypot(start[0] + i - end[0], start[1] + j - end[1])
    dr = abs(r1 - r0)
    if dr > 0.005 and (dr > 0.5 or dr > 0.001 * r0):
        return f"arc end radius differs from start radius by {dr:.4f} mm (error 33)"
    if math.hypot(end[0] - start[0], end[1] - start[1]) < 1e-9:
        return "full circle in one arc"
    return None

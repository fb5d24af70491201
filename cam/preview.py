"""Toolpath preview: an SVG the operator and the supervisor check before the stone is cut.

Drawn in millimetres (width and height in mm, one user unit = 1 mm) in machine coordinates
with the y axis flipped back for display. The design is drawn lightly underneath; cutting
moves in blue, darker for deeper levels; rapids dashed red; at each path's entry a start
marker and its order number; a legend with tool, depth, passes and the cut and rapid lengths.

A design of 20,000 segments must not make a preview of 20,000 elements: every level of a
toolpath is one ``<path>``, rapids one ``<path>`` per toolpath, markers one ``<path>``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from cam.design import Design
from cam.dxf import placed
from cam.toolpath import Move, MoveKind, Program, Toolpath

__all__ = ["MAX_ORDER_LABELS", "preview_svg", "toolpath_lengths"]

MAX_ORDER_LABELS = 500  # beyond this, numbers would only blacken the drawing: label every k-th
_DESIGN_COLOUR = "#b8c2cc"
_RAPID_COLOUR = "#d62728"
_MARKER_COLOUR = "#2ca02c"
_SHALLOW = (158, 202, 225)  # light blue for the shallowest level ...
_DEEP = (8, 48, 107)  # ... to navy for the deepest
_LEVEL = 1e-4  # mm: moves ending within this of each other are drawn as one level
_GET_XY = (attrgetter("x"), attrgetter("y"))


@dataclass(frozen=True, slots=True)
class _Frame:
    """Display frame: machine (x, y) is drawn at (x, -y); lengths in mm."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    margin: float
    font: float
    legend_lines: int
    legend_chars: int  # the longest legend line

    @property
    def width(self) -> float:
        legend = (self.legend_chars * 0.55 + 1.0) * self.font  # sans-serif runs ~0.55 em/char
        return max(self.xmax - self.xmin + 2 * self.margin, legend)

    @property
    def height(self) -> float:
        drawing = self.ymax - self.ymin + 2 * self.margin
        return drawing + (self.legend_lines + 0.5) * 1.4 * self.font

    @property
    def legend_top(self) -> float:
        return -self.ymin + self.margin + 1.4 * self.font


def preview_svg(program: Program, design: Design | None) -> str:
    """The program drawn over the (placed) design, as SVG text in millimetres."""
    legend = _legend_lines(program)
    frame = _frame(program, design, legend)
    parts = [_open(frame)]
    if design is not None and design.paths:
        pieces = (placed(p.points, program.placement) for p in design.paths)
        closed = [p.closed for p in design.paths]
        data = _polylines_d(pieces, closed)
        parts.append(_path(data, _DESIGN_COLOUR, 0.12 * frame.font, extra=' class="design"'))
    deepest = max((tp.depth for tp in program.toolpaths), default=0.0)
    for tp in program.toolpaths:
        parts.extend(_toolpath_paths(tp, deepest, frame))
    parts.append("</g>")
    parts.extend(_entries(program, frame))
    parts.extend(_legend(legend, frame))
    parts.append("</svg>\n")
    return "".join(parts)


def toolpath_lengths(tp: Toolpath) -> tuple[float, float]:
    """(cutting length, rapid length) of a toolpath, mm, counted from its first move."""
    cut = rapid = 0.0
    for prev, m in _pairs(tp.moves):
        length = _length(prev, m)
        if m.kind is MoveKind.RAPID:
            rapid += length
        else:
            cut += length
    return cut, rapid


# --- geometry -------------------------------------------------------------------------------


def _pairs(moves: list[Move]) -> Iterator[tuple[Move, Move]]:
    return zip(moves, moves[1:], strict=False)


def _length(prev: Move, m: Move) -> float:
    dz = m.z - prev.z
    if m.kind in (MoveKind.ARC_CW, MoveKind.ARC_CCW):
        r = math.hypot(m.i, m.j)
        return math.hypot(r * abs(_sweep(prev, m)), dz)
    return math.sqrt((m.x - prev.x) ** 2 + (m.y - prev.y) ** 2 + dz * dz)


def _sweep(prev: Move, m: Move) -> float:
    """Signed sweep of an arc move, radians; a move ending where it starts is a full turn."""
    cx, cy = prev.x + m.i, prev.y + m.j
    a0 = math.atan2(prev.y - cy, prev.x - cx)
    a1 = math.atan2(m.y - cy, m.x - cx)
    if m.kind is MoveKind.ARC_CCW:
        return (a1 - a0) % (2 * math.pi) or 2 * math.pi
    return -((a0 - a1) % (2 * math.pi) or 2 * math.pi)


def _frame(program: Program, design: Design | None, legend: list[str]) -> _Frame:
    chunks = [_xy(tp.moves) for tp in program.toolpaths if tp.moves]
    if design is not None:
        chunks += [placed(p.points, program.placement) for p in design.paths]
    if chunks:
        pts = np.concatenate(chunks)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
    else:
        lo, hi = np.zeros(2), np.array([10.0, 10.0])
    size = max(float(hi[0] - lo[0]), float(hi[1] - lo[1]), 1.0)
    font = min(max(size / 50.0, 0.8), 6.0)
    chars = max(len(line) for line in legend)
    lo_x, lo_y, hi_x, hi_y = (float(v) for v in (*lo, *hi))
    return _Frame(lo_x, lo_y, hi_x, hi_y, 0.05 * size, font, len(legend), chars)


def _xy(moves: list[Move]) -> np.ndarray:
    """(n, 2) end points of the moves: one C-level pass per axis, not a list per move."""
    n = len(moves)
    return np.column_stack(
        [np.fromiter(map(get, moves), dtype=np.float64, count=n) for get in _GET_XY]
    )


# --- SVG text ---------------------------------------------------------------------------------


def _f(v: float) -> str:
    """A coordinate in mm to the micrometre: plenty for a drawing, and previews stay small."""
    return f"{v:.3f}"


def _open(fr: _Frame) -> str:
    vb = f"{_f(fr.xmin - fr.margin)} {_f(-fr.ymax - fr.margin)} {_f(fr.width)} {_f(fr.height)}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{_f(fr.width)}mm" height="{_f(fr.height)}mm" viewBox="{vb}">\n'
        f'<rect x="{_f(fr.xmin - fr.margin)}" y="{_f(-fr.ymax - fr.margin)}" '
        f'width="{_f(fr.width)}" height="{_f(fr.height)}" fill="#ffffff"/>\n'
        '<g transform="scale(1,-1)" fill="none" stroke-linecap="round" stroke-linejoin="round">\n'
    )


def _path(d: str, colour: str, width: float, extra: str = "") -> str:
    return f'<path d="{d}" stroke="{colour}" stroke-width="{_f(width)}"{extra}/>\n'


def _polylines_d(pieces: Iterable[np.ndarray], closed: list[bool]) -> str:
    out = []
    for pts, is_closed in zip(pieces, closed, strict=True):
        xy = np.asarray(pts, dtype=float).ravel().tolist()
        coords = " ".join(map("{:.3f}".format, xy))
        head, _, rest = coords.partition(" ")
        first, _, tail = rest.partition(" ")
        out.append(f"M{head} {first}" + (f"L{tail}" if tail else "") + ("Z" if is_closed else ""))
    return "".join(out)


def _toolpath_paths(tp: Toolpath, deepest: float, fr: _Frame) -> list[str]:
    """One <path> per cutting level (shallow first, so deeper ones lie on top) and rapids.

    A level is the depth of a pass: moves at constant Z below the surface. A ramp, whose Z
    changes on every move, is drawn with the pass it descends into.
    """
    level_of = _levels(tp.moves)
    levels: dict[float, list[str]] = {}
    ends: dict[float, tuple[float, float]] = {}
    rapids: list[str] = []
    moves = tp.moves
    # every coordinate formatted once (a move's end is also the next move's start)
    sx, sy = ([_f(v) for v in map(get, moves)] for get in _GET_XY)
    for k, (prev, m) in enumerate(_pairs(moves), 1):
        if m.kind is MoveKind.RAPID:
            if (m.x, m.y) != (prev.x, prev.y):
                rapids.append(f"M{sx[k - 1]} {sy[k - 1]}L{sx[k]} {sy[k]}")
            continue
        if m.z >= 0 or (m.x, m.y) == (prev.x, prev.y):
            continue  # above the stone, or a vertical plunge or retract
        key = level_of(m.z)
        level = levels.setdefault(key, [])
        if ends.get(key) != (prev.x, prev.y):  # a new run on this level
            level.append(f"M{sx[k - 1]} {sy[k - 1]}")
        if m.kind is MoveKind.LINEAR:
            level.append(f"L{sx[k]} {sy[k]}")
        else:
            level.append(_segment_d(prev, m))
        ends[key] = (m.x, m.y)
    parts = []
    for z in sorted(levels, reverse=True):
        colour = _depth_colour(-z / deepest if deepest > 0 else 1.0)
        attrs = f' class="cut" data-z="{_f(z)}"'
        parts.append(_path("".join(levels[z]), colour, 0.15 * fr.font, attrs))
    if rapids:
        dash = f' stroke-dasharray="{_f(0.6 * fr.font)} {_f(0.4 * fr.font)}" class="rapid"'
        parts.append(_path("".join(rapids), _RAPID_COLOUR, 0.08 * fr.font, dash))
    return parts


def _levels(moves: list[Move]) -> Callable[[float], float]:
    """Maps a cutting move's end Z to its level: the nearest pass depth at or below it."""
    flat = sorted(
        {
            round(m.z / _LEVEL) * _LEVEL
            for p, m in _pairs(moves)
            if m.z < 0 and abs(m.z - p.z) < _LEVEL
        }
    )  # ascending: deepest first

    def level_of(z: float) -> float:
        k = bisect.bisect_right(flat, z + _LEVEL / 2) - 1
        return flat[k] if k >= 0 else round(z / _LEVEL) * _LEVEL

    return level_of


def _segment_d(prev: Move, m: Move) -> str:
    if m.kind is MoveKind.LINEAR:
        return f"L{_f(m.x)} {_f(m.y)}"
    r = _f(math.hypot(m.i, m.j))
    sweep = _sweep(prev, m)
    # in machine coordinates (inside the flip) positive angles are counter-clockwise
    flag = "1" if sweep > 0 else "0"
    if abs(sweep) >= 2 * math.pi - 1e-12:  # a full circle: two half turns via the far side
        fx, fy = _f(2 * (prev.x + m.i) - prev.x), _f(2 * (prev.y + m.j) - prev.y)
        return f"A{r} {r} 0 0 {flag} {fx} {fy}A{r} {r} 0 0 {flag} {_f(m.x)} {_f(m.y)}"
    large = "1" if abs(sweep) > math.pi else "0"
    return f"A{r} {r} 0 {large} {flag} {_f(m.x)} {_f(m.y)}"


def _depth_colour(fraction: float) -> str:
    f = min(max(fraction, 0.0), 1.0)
    rgb = [round(a + (b - a) * f) for a, b in zip(_SHALLOW, _DEEP, strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _entry_points(program: Program) -> list[tuple[float, float]]:
    """Where each path is entered: the XY of the first cutting move after each rapid."""
    entries = []
    armed = True
    for tp in program.toolpaths:
        for prev, m in _pairs(tp.moves):
            if m.kind is MoveKind.RAPID:
                armed = True
            elif armed and m.z < 0:
                entries.append((prev.x, prev.y))
                armed = False
    return entries


def _entries(program: Program, fr: _Frame) -> list[str]:
    entries = _entry_points(program)
    if not entries:
        return []
    r = 0.35 * fr.font
    rings = "".join(
        f"M{_f(x - r)} {_f(-y)}a{_f(r)} {_f(r)} 0 1 0 {_f(2 * r)} 0a{_f(r)} {_f(r)} 0 1 0 {_f(-2 * r)} 0"
        for x, y in entries
    )
    parts = [_path(rings, _MARKER_COLOUR, 0.1 * fr.font, ' class="entries"')]
    every = math.ceil(len(entries) / MAX_ORDER_LABELS)
    parts.append(f'<g font-family="sans-serif" font-size="{_f(0.8 * fr.font)}" fill="#1b5e20">\n')
    for n, (x, y) in enumerate(entries, start=1):
        if n == 1 or n % every == 0:
            parts.append(f'<text x="{_f(x + r * 1.2)}" y="{_f(-y - r * 1.2)}">{n}</text>\n')
    parts.append("</g>\n")
    return parts


def _legend_lines(program: Program) -> list[str]:
    lines = [f"Job {program.job} - design {program.design} - {program.placement.describe()}"]
    cut_total = rapid_total = 0.0
    for n, tp in enumerate(program.toolpaths, start=1):
        cut, rapid = toolpath_lengths(tp)
        cut_total, rapid_total = cut_total + cut, rapid_total + rapid
        t = tp.tool
        lines.append(
            f"{n}. {tp.operation}: tool {t.name} ({t.kind.value} {t.diameter:g} mm), "
            f"depth {tp.depth:.3f} mm, {tp.passes} pass{'es' if tp.passes != 1 else ''}, "
            f"cut {cut:.1f} mm, rapid {rapid:.1f} mm"
        )
    lines.append(
        f"Total cut {cut_total:.1f} mm, rapid {rapid_total:.1f} mm; "
        f"{len(_entry_points(program))} path entries (green, numbered in cutting order); "
        "rapids dashed red; darker blue cuts deeper"
    )
    return lines


def _legend(lines: list[str], fr: _Frame) -> list[str]:
    x = _f(fr.xmin - fr.margin + 0.5 * fr.font)
    parts = [
        f'<g font-family="sans-serif" font-size="{_f(fr.font)}" fill="#222222" class="legend">\n'
    ]
    for k, text in enumerate(lines):
        y = _f(fr.legend_top + k * 1.4 * fr.font)
        parts.append(f"<text x={quoteattr(x)} y={quoteattr(y)}>{escape(text)}</text>\n")
    parts.append("</g>\n")
    return parts

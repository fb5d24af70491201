"""SVG path data ("d") to subpaths of absolute segments, refusing malformed data.

Browsers draw a path up to its first error and silently drop the rest; for carving that
would be a partial design, so any error refuses the whole path instead. Quadratic Béziers
are raised to cubics (exact), arcs are kept in endpoint form for the flattener.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .units import NUMBER, NUMBER_RUN

LINE, CUBIC, ARC = 0, 1, 2
# (LINE, x, y) | (CUBIC, x1, y1, x2, y2, x, y) | (ARC, rx, ry, phi_deg, large, sweep, x, y)
Segment = tuple

_SPLIT = re.compile(r"([MmZzLlHhVvCcSsQqTtAa])")
_ARGS = NUMBER_RUN  # cannot backtrack (cam.svg.units)
_NUM = re.compile(NUMBER)
_NUM_AT = re.compile(rf"\s*,?\s*({NUMBER})")
_FLAG_AT = re.compile(r"\s*,?\s*([01])")
_ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}


class PathDataError(ValueError):
    """Path data that does not follow the SVG grammar."""


@dataclass(slots=True)
class SubPath:
    start: tuple[float, float]
    segs: list[Segment] = field(default_factory=list)
    closed: bool = False


def _near(cmd: str, args: str) -> str:
    return f"near {(cmd + args).strip()[:24]!r}"


def _near_error(cmd: str, text: str) -> str:
    """'near ...' ending just past the first place the arguments stop parsing."""
    pos = 0
    while True:
        m = _NUM_AT.match(text, pos)
        if m is None or (pos == 0 and "," in text[: m.start(1)]):
            break
        pos = m.end()
    snippet = (cmd + text[: pos + 2]).strip()
    return f"near {snippet if len(snippet) <= 24 else '...' + snippet[-21:]!r}"


def _arc_args(cmd: str, text: str) -> list[float]:
    """Arc arguments, where flags may touch what follows ("a1 1 0 00 10 10")."""
    values: list[float] = []
    pos = 0
    first = True
    while True:
        rest = text[pos:]
        if not rest.strip():
            break
        for k in range(7):
            pattern = _FLAG_AT if k in (3, 4) else _NUM_AT
            m = pattern.match(text, pos)
            if m is None or (first and k == 0 and "," in text[pos : m.start(1)]):
                raise PathDataError(f"malformed path data {_near(cmd, text)}")
            values.append(float(m.group(1)))
            pos = m.end()
            first = False
    if not values or text[pos:].strip() or text.rstrip().endswith(","):
        raise PathDataError(f"malformed path data {_near(cmd, text)}")
    return values


def _numbers(cmd: str, text: str) -> list[float]:
    if cmd in "aA":
        values = _arc_args(cmd, text)
    else:
        if _ARGS.fullmatch(text) is None:
            raise PathDataError(f"malformed path data {_near_error(cmd, text)}")
        values = list(map(float, _NUM.findall(text)))
    arity = _ARITY[cmd.lower()]
    if arity == 0:
        if values:
            raise PathDataError(f"malformed path data {_near(cmd, text)}: Z takes no numbers")
        return values
    if not values or len(values) % arity:
        raise PathDataError(
            f"malformed path data {_near(cmd, text)}: {cmd} takes groups of {arity} numbers"
        )
    if not all(map(math.isfinite, values)):
        raise PathDataError(f"number out of range in path data {_near(cmd, text)}")
    return values


def parse_path_data(d: str | None) -> list[SubPath]:
    """Absolute subpaths of a path's "d". Empty or absent data draws nothing ([])."""
    if d is None:
        return []
    parts = _SPLIT.split(d)
    if parts[0].strip():
        raise PathDataError(f"malformed path data near {parts[0].strip()[:24]!r}")
    if len(parts) == 1:
        return []
    if parts[1] not in "Mm":
        raise PathDataError(f"path data must start with a moveto, found {parts[1]!r}")
    return _build(parts)


def _build(parts: list[str]) -> list[SubPath]:
    subs: list[SubPath] = []
    sub: SubPath | None = None
    x = y = 0.0
    sx = sy = 0.0
    c2x = c2y = qx = qy = 0.0  # last cubic / quadratic control point, for S and T
    prev = "m"  # never "": the empty string is "in" every string
    for i in range(1, len(parts), 2):
        cmd = parts[i]
        vals = _numbers(cmd, parts[i + 1])
        low = cmd.lower()
        rel = cmd != cmd.upper()
        if low == "z":
            if sub is not None:
                sub.closed = True
            x, y = sx, sy
            sub = None
            prev = "z"
            continue
        arity = _ARITY[low]
        for j in range(0, len(vals), arity):
            v = vals[j : j + arity]
            ox, oy = (x, y) if rel else (0.0, 0.0)
            if low == "m" and j == 0:
                x, y = v[0] + ox, v[1] + oy
                sx, sy = x, y
                sub = SubPath((x, y))
                subs.append(sub)
                prev = "m"
                continue
            if sub is None:  # drawing right after Z starts a new subpath at its start
                sub = SubPath((x, y))
                subs.append(sub)
            segs = sub.segs
            if low in "ml":
                x, y = v[0] + ox, v[1] + oy
                segs.append((LINE, x, y))
            elif low == "h":
                x = v[0] + ox
                segs.append((LINE, x, y))
            elif low == "v":
                y = v[0] + (y if rel else 0.0)
                segs.append((LINE, x, y))
            elif low in "cs":
                if low == "c":
                    x1, y1 = v[0] + ox, v[1] + oy
                    rest = v[2:]
                elif prev in "cs":
                    x1, y1 = 2 * x - c2x, 2 * y - c2y
                    rest = v
                else:
                    x1, y1 = x, y
                    rest = v
                c2x, c2y = rest[0] + ox, rest[1] + oy
                x, y = rest[2] + ox, rest[3] + oy
                segs.append((CUBIC, x1, y1, c2x, c2y, x, y))
            elif low in "qt":
                if low == "q":
                    qx, qy = v[0] + ox, v[1] + oy
                    ex, ey = v[2] + ox, v[3] + oy
                else:
                    qx, qy = (2 * x - qx, 2 * y - qy) if prev in "qt" else (x, y)
                    ex, ey = v[0] + ox, v[1] + oy
                # degree elevation: the cubic with these controls is the same curve
                segs.append(
                    (
                        CUBIC,
                        x + 2.0 / 3.0 * (qx - x),
                        y + 2.0 / 3.0 * (qy - y),
                        ex + 2.0 / 3.0 * (qx - ex),
                        ey + 2.0 / 3.0 * (qy - ey),
                        ex,
                        ey,
                    )
                )
                x, y = ex, ey
            else:  # arc
                ex, ey = v[5] + ox, v[6] + oy
                segs.append((ARC, abs(v[0]), abs(v[1]), v[2], v[3] != 0, v[4] != 0, ex, ey))
                x, y = ex, ey
            prev = "l" if low == "m" else low
    return subs

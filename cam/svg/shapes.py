"""Basic shapes (rect, circle, ellipse, line, polyline, polygon) as path subpaths.

Each shape is the path SVG 2 defines for it (same start point and direction), so a
shape and the equivalent <path> flatten to the same points. A shape with a zero or
negative size draws nothing and yields no subpath.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from xml.etree.ElementTree import Element

from .pathdata import ARC, LINE, SubPath, parse_path_data
from .units import LengthError, parse_numbers, to_px


class ShapeError(ValueError):
    """A shape attribute that does not parse."""


def _len(el: Element, name: str, ref: float, default: str = "0") -> float:
    text = el.get(name)
    if text is None or text.strip() in ("", "auto"):  # SVG 2: auto size of a rect is 0
        return to_px(default, ref)
    try:
        return to_px(text, ref)
    except LengthError as exc:
        raise ShapeError(f"attribute {name}={text!r}: {exc}") from None


def _auto(el: Element, name: str, ref: float) -> float | None:
    """rx/ry: None for 'auto', absent or negative (SVG 2 treats those as auto)."""
    text = (el.get(name) or "").strip()
    if not text or text == "auto":
        return None
    value = _len(el, name, ref)
    return value if value >= 0 else None


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> list[SubPath]:
    # four quarter arcs from (cx + rx, cy) in the positive angle direction, as SVG 2 says
    arc = lambda x, y: (ARC, rx, ry, 0.0, False, True, x, y)  # noqa: E731
    segs = [arc(cx, cy + ry), arc(cx - rx, cy), arc(cx, cy - ry), arc(cx + rx, cy)]
    return [SubPath((cx + rx, cy), segs, True)]


def rect(el: Element, vw: float, vh: float) -> list[SubPath]:
    x, y = _len(el, "x", vw), _len(el, "y", vh)
    w, h = _len(el, "width", vw), _len(el, "height", vh)
    if w <= 0 or h <= 0:
        return []
    rx, ry = _auto(el, "rx", vw), _auto(el, "ry", vh)
    if rx is None:
        rx = ry if ry is not None else 0.0
    if ry is None:
        ry = rx
    rx, ry = min(rx, w / 2.0), min(ry, h / 2.0)
    if rx == 0 or ry == 0:
        segs = [(LINE, x + w, y), (LINE, x + w, y + h), (LINE, x, y + h)]
        return [SubPath((x, y), segs, True)]

    def arc(px: float, py: float) -> tuple:
        return (ARC, rx, ry, 0.0, False, True, px, py)

    segs = [
        (LINE, x + w - rx, y),
        arc(x + w, y + ry),
        (LINE, x + w, y + h - ry),
        arc(x + w - rx, y + h),
        (LINE, x + rx, y + h),
        arc(x, y + h - ry),
        (LINE, x, y + ry),
        arc(x + rx, y),
    ]
    return [SubPath((x + rx, y), segs, True)]


def circle(el: Element, vw: float, vh: float) -> list[SubPath]:
    diag = math.hypot(vw, vh) / math.sqrt(2.0)
    r = _len(el, "r", diag)
    if r <= 0:
        return []
    return _ellipse(_len(el, "cx", vw), _len(el, "cy", vh), r, r)


def ellipse(el: Element, vw: float, vh: float) -> list[SubPath]:
    rx, ry = _auto(el, "rx", vw), _auto(el, "ry", vh)
    if rx is None:
        rx = ry
    if ry is None:
        ry = rx
    if not rx or not ry or rx <= 0 or ry <= 0:
        return []
    return _ellipse(_len(el, "cx", vw), _len(el, "cy", vh), rx, ry)


def line(el: Element, vw: float, vh: float) -> list[SubPath]:
    start = (_len(el, "x1", vw), _len(el, "y1", vh))
    return [SubPath(start, [(LINE, _len(el, "x2", vw), _len(el, "y2", vh))], False)]


def poly(el: Element, closed: bool) -> list[SubPath]:
    text = el.get("points") or ""
    try:
        values = parse_numbers(text)
    except LengthError as exc:
        raise ShapeError(f"points: {exc}") from None
    if len(values) % 2:
        raise ShapeError(f"points has an odd number of coordinates ({len(values)})")
    if not values:
        return []
    pts = list(zip(values[0::2], values[1::2], strict=True))
    return [SubPath(pts[0], [(LINE, px, py) for px, py in pts[1:]], closed)]


def path(el: Element, vw: float, vh: float) -> list[SubPath]:
    return parse_path_data(el.get("d"))


def polyline(el: Element, vw: float, vh: float) -> list[SubPath]:
    return poly(el, closed=False)


def polygon(el: Element, vw: float, vh: float) -> list[SubPath]:
    return poly(el, closed=True)


# tag -> subpaths of the element, in user units (vw, vh: the viewport, for percentages)
SHAPES: dict[str, Callable[[Element, float, float], list[SubPath]]] = {
    "path": path,
    "rect": rect,
    "circle": circle,
    "ellipse": ellipse,
    "line": line,
    "polyline": polyline,
    "polygon": polygon,
}

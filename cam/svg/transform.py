"""2D affine maps: SVG transform lists, viewBox + preserveAspectRatio.

An affine map is a 6-tuple (a, b, c, d, e, f) as in SVG's matrix(a b c d e f):
    x' = a*x + c*y + e
    y' = b*x + d*y + f
`compose(m, n)` applies n first, then m, the order in which SVG nests transforms: an
element's own transform applies to its content before its parent's.
"""

from __future__ import annotations

import math
import re

import numpy as np

from .units import NUMBER

Affine = tuple[float, float, float, float, float, float]
IDENTITY: Affine = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

_ITEM = re.compile(
    rf"\s*(matrix|translate|scale|rotate|skewX|skewY)\s*\(\s*((?:{NUMBER}(?:\s*,?\s*{NUMBER})*)?)\s*\)\s*,?"
)
_NUM = re.compile(NUMBER)
_ARITY = {
    "matrix": (6,),
    "translate": (1, 2),
    "scale": (1, 2),
    "rotate": (1, 3),
    "skewX": (1,),
    "skewY": (1,),
}


class TransformError(ValueError):
    """A transform list or viewBox that does not parse."""


class EmptyViewBoxError(TransformError):
    """A viewBox of zero width or height: SVG does not render the element."""


def compose(m: Affine, n: Affine) -> Affine:
    """m after n."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def translate(tx: float, ty: float = 0.0) -> Affine:
    return (1.0, 0.0, 0.0, 1.0, tx, ty)


def scale(sx: float, sy: float | None = None) -> Affine:
    return (sx, 0.0, 0.0, sx if sy is None else sy, 0.0, 0.0)


def rotate(deg: float, cx: float = 0.0, cy: float = 0.0) -> Affine:
    r = math.radians(deg)
    co, si = math.cos(r), math.sin(r)
    rot = (co, si, -si, co, 0.0, 0.0)
    if cx == 0.0 and cy == 0.0:
        return rot
    return compose(translate(cx, cy), compose(rot, translate(-cx, -cy)))


def _item(name: str, args: list[float]) -> Affine:
    if name == "matrix":
        a, b, c, d, e, f = args
        return (a, b, c, d, e, f)
    if name == "translate":
        return translate(*args)
    if name == "scale":
        return scale(*args)
    if name == "rotate":
        return rotate(*args)
    if name == "skewX":
        return (1.0, 0.0, math.tan(math.radians(args[0])), 1.0, 0.0, 0.0)
    return (1.0, math.tan(math.radians(args[0])), 0.0, 1.0, 0.0, 0.0)


def parse_transform(text: str | None) -> Affine:
    """An SVG transform list; items compose left to right (the rightmost applies first)."""
    if text is None or not text.strip():
        return IDENTITY
    result = IDENTITY
    pos = 0
    while pos < len(text):
        m = _ITEM.match(text, pos)
        if m is None or m.end() == pos:
            raise TransformError(f"malformed transform near {text[pos : pos + 30].strip()!r}")
        name, raw = m.group(1), m.group(2)
        args = [float(v) for v in _NUM.findall(raw)]
        if len(args) not in _ARITY[name] or not all(math.isfinite(v) for v in args):
            raise TransformError(f"{name}() takes {_ARITY[name]} numbers, got {raw.strip()!r}")
        result = compose(result, _item(name, args))
        pos = m.end()
    if text.rstrip().endswith(","):
        raise TransformError(f"malformed transform: trailing comma in {text.strip()!r}")
    return result


def linear_part(m: Affine) -> np.ndarray:
    """The 2x2 matrix of m (columns are the images of the unit x and y vectors)."""
    return np.array([[m[0], m[2]], [m[1], m[3]]])


def apply(m: Affine, pts: np.ndarray) -> np.ndarray:
    """Map (..., 2) points."""
    x, y = pts[..., 0], pts[..., 1]
    return np.stack([m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]], axis=-1)


def parse_view_box(text: str | None) -> tuple[float, float, float, float] | None:
    """viewBox "min-x min-y width height"; None when absent. Zero or negative size refuses:
    SVG does not render such an element, and a design that draws nothing is not cut."""
    if text is None or not text.strip():
        return None
    parts = [p for p in re.split(r"[\s,]+", text.strip()) if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise TransformError(f"malformed viewBox {text!r}") from None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise TransformError(f"viewBox needs 4 numbers, got {text!r}")
    if values[2] < 0 or values[3] < 0:
        raise TransformError(f"viewBox {text!r} has a negative size")
    if values[2] == 0 or values[3] == 0:
        raise EmptyViewBoxError(f"viewBox {text!r} has no area")
    return values[0], values[1], values[2], values[3]


def parse_aspect(text: str | None) -> tuple[str, str]:
    """preserveAspectRatio -> (align, 'meet' | 'slice'); defaults xMidYMid meet."""
    words = (text or "").split()
    if words and words[0] == "defer":
        words = words[1:]
    align = words[0] if words else "xMidYMid"
    mode = words[1] if len(words) > 1 else "meet"
    valid = align == "none" or re.fullmatch(r"x(Min|Mid|Max)Y(Min|Mid|Max)", align)
    if not valid or mode not in ("meet", "slice") or len(words) > 2:
        raise TransformError(f"malformed preserveAspectRatio {text!r}")
    return align, mode


def view_box_map(
    vb: tuple[float, float, float, float],
    aspect: tuple[str, str],
    width: float,
    height: float,
    x: float = 0.0,
    y: float = 0.0,
) -> Affine:
    """The map from viewBox coordinates onto the viewport (x, y, width, height), per
    SVG's equivalent-transform algorithm."""
    vx, vy, vw, vh = vb
    align, mode = aspect
    sx, sy = width / vw, height / vh
    if align != "none":
        s = min(sx, sy) if mode == "meet" else max(sx, sy)
        sx = sy = s
    tx, ty = x - vx * sx, y - vy * sy
    if align != "none":
        fx = {"Min": 0.0, "Mid": 0.5, "Max": 1.0}[align[1:4]]
        fy = {"Min": 0.0, "Mid": 0.5, "Max": 1.0}[align[5:8]]
        tx += (width - vw * sx) * fx
        ty += (height - vh * sy) * fy
    return (sx, 0.0, 0.0, sy, tx, ty)

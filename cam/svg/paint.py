"""Colours and paints, reduced to what carving needs: is it painted, and how opaque.

Hue does not matter to a burr; only whether a fill or stroke shows. A paint is painted
when its alpha is above zero ("none", "transparent" and alpha-0 colours are not).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container

# CSS Color 4 named colours (all opaque); any other word is not a colour.
NAMED_COLORS = frozenset(
    """aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue
    blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk
    crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki
    darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
    darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue
    dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite
    gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
    lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
    lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen
    lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen
    magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
    mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream
    mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
    palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum
    powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown
    seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen
    steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow
    yellowgreen""".split()
)

_HEX = re.compile(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})")
_FUNC = re.compile(r"(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\((.*)\)")
_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)['\"]?\s*\)\s*(.*)", re.S)


def _alpha_value(text: str) -> float | None:
    text = text.strip()
    try:
        value = float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
    except ValueError:
        return None
    return min(max(value, 0.0), 1.0)


@functools.lru_cache(maxsize=1024)
def color_alpha(text: str) -> float | None:
    """Alpha in [0, 1] of a CSS colour, or None when the text is not a colour."""
    t = text.strip().lower()
    if not t:
        return None
    if not re.match(r"[a-z]+\(", t):
        t = t.split()[0]  # drop a trailing icc-color(...) of SVG 1.1
    if t == "transparent":
        return 0.0
    if t in NAMED_COLORS:
        return 1.0
    m = _HEX.fullmatch(t)
    if m:
        digits = m.group(1)
        if len(digits) == 4:
            return int(digits[3], 16) / 15.0
        if len(digits) == 8:
            return int(digits[6:], 16) / 255.0
        return 1.0
    m = _FUNC.fullmatch(t)
    if m is None:
        return None
    body = m.group(2)
    if "/" in body:
        return _alpha_value(body.split("/", 1)[1])
    args = [a for a in re.split(r"[\s,]+", body.strip()) if a]
    if len(args) == 4:
        return _alpha_value(args[3])
    return 1.0 if len(args) == 3 else None


def opacity_value(text: str | None) -> float | None:
    """An opacity ("0.5", "50%"), clamped to [0, 1]; None when not a number."""
    if text is None:
        return None
    return _alpha_value(text)


def paint_alpha(value: str, color: str, ids: Container[str]) -> tuple[float | None, str | None]:
    """(alpha or None when invalid, warning or None) of a fill/stroke paint.

    A url() paint (gradient, pattern) counts as painted when the reference exists; when
    it does not, SVG uses the fallback after it, or draws nothing.
    """
    v = value.strip()
    low = v.lower()
    if low == "none" or low in ("context-fill", "context-stroke"):
        return 0.0, None
    if low == "currentcolor":
        alpha = color_alpha(color)
        return (1.0 if alpha is None else alpha), None
    m = _URL.fullmatch(v) if low.startswith("url(") else None
    if m:
        ref, fallback = m.group(1).strip(), m.group(2).strip()
        if ref.startswith("#") and ref[1:] in ids:
            return 1.0, None
        if fallback:
            alpha, _ = paint_alpha(fallback, color, ids)
            return alpha, None
        return 0.0, f"paint {v!r} refers to nothing: not painted"
    return color_alpha(v), None

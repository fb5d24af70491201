"""transform-origin: the point a transform turns and scales about (CSS Transforms 1).

`translate(o) T translate(-o)` is the transform actually applied. For SVG elements the
reference box is the nearest viewport (transform-box: view-box), origin 0 0 by default;
for the outermost <svg>, which has a CSS box, the default is its centre (50% 50%).
"""

from __future__ import annotations

from .transform import Affine, TransformError, compose, translate
from .units import LengthError, to_px

_X_WORDS = {"left": 0.0, "center": 50.0, "right": 100.0}
_Y_WORDS = {"top": 0.0, "center": 50.0, "bottom": 100.0}


def parse_origin(text: str, box_w: float, box_h: float) -> tuple[float, float]:
    """A transform-origin value -> (x, y) in the box's units; percentages and keywords are
    of the box (box_w x box_h, its top-left corner at 0 0). A third (z) value is read and
    ignored: it does not change a two-dimensional transform."""
    if len(text) > 512:  # no origin is this long; the length parser would take long to say so
        raise TransformError(f"malformed transform-origin {text[:30]!r}...")
    words = text.replace(",", " ").split()
    if not 1 <= len(words) <= 3:
        raise TransformError(f"malformed transform-origin {text!r}")
    low = [w.lower() for w in words]
    if len(low) == 3:
        _length(words[2], 0.0, text)  # must be a length; z has no effect in 2D
        low, words = low[:2], words[:2]
    if len(low) == 1:
        if low[0] in ("top", "bottom"):
            low, words = ["center", low[0]], ["center", words[0]]
        else:
            low, words = [low[0], "center"], [words[0], "center"]
    first, second = low
    # keywords may come in either order ("top left"); lengths only as x then y
    if first in ("top", "bottom") or second in ("left", "right"):
        if first in _X_WORDS and first != "center" or second in _Y_WORDS and second != "center":
            raise TransformError(f"malformed transform-origin {text!r}")
        first, second = second, first
        words = [words[1], words[0]]
    x = _X_WORDS[first] * box_w / 100.0 if first in _X_WORDS else _length(words[0], box_w, text)
    y = _Y_WORDS[second] * box_h / 100.0 if second in _Y_WORDS else _length(words[1], box_h, text)
    return x, y


def _length(word: str, ref: float, text: str) -> float:
    if word.lower() in _X_WORDS or word.lower() in _Y_WORDS:
        raise TransformError(f"malformed transform-origin {text!r}")
    try:
        return to_px(word, ref)
    except LengthError:
        raise TransformError(f"malformed transform-origin {text!r}") from None


def about(m: Affine, x: float, y: float) -> Affine:
    """m applied about the point (x, y) instead of the origin."""
    if x == 0.0 and y == 0.0:
        return m
    return compose(translate(x, y), compose(m, translate(-x, -y)))

"""SVG/CSS lengths to user units (CSS px) and millimetres.

CSS fixes 96 px to the inch, so every absolute unit has an exact size in px. Units are
converted here, at the edge, and nowhere else.
"""

from __future__ import annotations

import math
import re

MM_PER_PX = 25.4 / 96.0

# Size of one unit in px. em/ex have no font to refer to in a drawing: CSS's default
# medium font size (16 px) is what a browser would use for a design without text.
PX_PER_UNIT: dict[str, float] = {
    "": 1.0,
    "px": 1.0,
    "mm": 96.0 / 25.4,
    "cm": 960.0 / 25.4,
    "q": 96.0 / 25.4 / 4.0,
    "in": 96.0,
    "pt": 96.0 / 72.0,
    "pc": 16.0,
    "em": 16.0,
    "rem": 16.0,
    "ex": 8.0,
}

_MM_PER_UNIT = {"mm": 1.0, "cm": 10.0, "q": 0.25, "in": 25.4}

NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"  # ASCII digits only
_LENGTH = re.compile(rf"\s*({NUMBER})([a-zA-Z]*|%)\s*")
_NUMBER_LIST = re.compile(NUMBER)
# a run of numbers separated by whitespace and single commas, as one expression that cannot
# backtrack (atomic numbers, possessive repeats): linear at C speed, the same language as the
# plain form (tests/cam/test_svg_guard.py checks every short string)
_ATOM = rf"(?>{NUMBER})"
NUMBER_RUN = re.compile(rf"\s*+(?:{_ATOM}(?:\s*+,?+\s*+{_ATOM})*+)?+\s*+")
_LIST_SHAPE = NUMBER_RUN


class LengthError(ValueError):
    """A length attribute that does not parse."""


def parse_length(text: str) -> tuple[float, str]:
    """'10.5mm' -> (10.5, 'mm'); unit lower-cased, '%' kept, '' when unitless."""
    # fast path for plain numbers, the common case; float() also takes forms SVG does not
    # ("1_0", "inf", non-ASCII digits), which the checks keep out
    if text.isascii() and "_" not in text:
        try:
            value = float(text)
        except ValueError:
            pass
        else:
            if math.isfinite(value):
                return value, ""
    m = _LENGTH.fullmatch(text)
    if m is None:
        raise LengthError(f"not a length: {text!r}")
    unit = m.group(2).lower()
    if unit != "%" and unit not in PX_PER_UNIT:
        raise LengthError(f"unknown unit in {text!r}")
    value = float(m.group(1))
    if not math.isfinite(value):
        raise LengthError(f"length out of range: {text!r}")
    return value, unit


def to_px(text: str, percent_of: float) -> float:
    """A length in user units (px); percentages are of `percent_of` (px)."""
    value, unit = parse_length(text)
    if unit == "%":
        return value * percent_of / 100.0
    return value * PX_PER_UNIT[unit]


def absolute_mm(text: str | None) -> float | None:
    """A document width/height in mm, or None when absent, 'auto' or a percentage (the
    size then comes from the viewBox or the drawing)."""
    if text is None or text.strip() in ("", "auto"):
        return None
    value, unit = parse_length(text)
    if unit == "%":
        return None
    if unit in _MM_PER_UNIT:  # exact: 30mm is 30.0, not 30.000000000000004
        return value * _MM_PER_UNIT[unit]
    return value * PX_PER_UNIT[unit] * MM_PER_PX


def parse_numbers(text: str) -> list[float]:
    """A list of numbers separated by whitespace and/or single commas (points, viewBox)."""
    if _LIST_SHAPE.fullmatch(text) is None:
        raise LengthError(f"malformed number list near {text.strip()[:30]!r}")
    values = list(map(float, _NUMBER_LIST.findall(text)))
    if not math.isfinite(sum(values)):  # an inf or nan makes the sum so (so do absurd sizes)
        raise LengthError("number out of range in list")
    return values

"""Text at the G-code edge: numbers with 4 decimals, and comments controllers can read.

Controllers read bytes, not Unicode: a Chinese design title must reach the header as ASCII, and
a parenthesis inside a comment would end it early (nesting is an error on every dialect).
"""

from __future__ import annotations

import math
import unicodedata

DECIMALS = 4
QUANTUM = 10.0**-DECIMALS

# Characters that would end or confuse a comment, and what they become.
_COMMENT_SWAPS = str.maketrans({"(": "[", ")": "]", ";": ",", "%": " pct", "\t": " "})


def quantize(value: float) -> float:
    """The value as written: rounded to 4 decimals, never -0.0."""
    q = round(value, DECIMALS)
    return 0.0 if q == 0 else q


def quantize_up(value: float, floor: float) -> float:
    """Like `quantize`, but never below `floor` when `value` itself is not: rounding must not
    take a cut deeper than the requested depth nor a rapid under the safe height."""
    q = quantize(value)
    if q < floor <= value + 1e-7:
        q = quantize(math.ceil(value / QUANTUM - 1e-6) * QUANTUM)
        q = max(q, quantize(math.ceil(floor / QUANTUM - 1e-6) * QUANTUM))
    return q


def fmt(value: float) -> str:
    """`12.5` -> `12.5000`; never `-0.0000`."""
    text = f"{quantize(value):.{DECIMALS}f}"
    return "0.0000" if text == "-0.0000" else text


def fmt_short(value: float) -> str:
    """Feeds, speeds and dwell: no trailing zeros (`F250`, `G4 P2.5`)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def to_ascii(text: str) -> str:
    """ASCII for a comment: accents dropped (e -> e), other characters as U+XXXX."""
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch):
            continue
        if ch == "\n" or ch == "\r":
            out.append(" ")
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(" ")
        else:
            out.append(f"U+{ord(ch):04X}")
    return " ".join("".join(out).translate(_COMMENT_SWAPS).split())


def comment_lines(text: str, width: int, prefix: str = "") -> list[str]:
    """`(text)` lines of at most `width` characters, wrapped at spaces where possible."""
    body = to_ascii(text)
    room = width - 2 - len(prefix)
    if room < 8:
        raise ValueError(f"comment width {width} too small")
    lines = []
    while body:
        if len(body) <= room:
            chunk, body = body, ""
        else:
            cut = body.rfind(" ", 0, room + 1)
            cut = cut if cut > room // 2 else room
            chunk, body = body[:cut].rstrip(), body[cut:].lstrip()
        lines.append(f"({prefix}{chunk})")
    return lines or [f"({prefix.rstrip()})"]

"""Runs of straight feed moves written in bulk: most of a program's lines, a fraction of the cost.

`Writer.linear` handles one move at a time; an engraving is tens of thousands of G1 moves in a
row, and a Python call per move dominated the post. `write_linear_run` produces exactly the
lines `Writer.linear` would (same rounding, same modal words, same skipped no-op moves) for a
run of consecutive G1 moves, with numpy over the run. Anything it cannot prove is ordinary
(the spindle off, a feed missing or invalid, a Z under the toolpath's depth, a line too long)
makes it decline, and the caller writes the run move by move, so every refusal keeps its
message and its place.
"""

from __future__ import annotations

import math

import numpy as np

from cam.toolpath import Toolpath
from machines.post.base import DEPTH_SLACK, Writer
from machines.post.text import DECIMALS, fmt_short, quantize, quantize_up

__all__ = ["Prepared", "quantize_array", "write_linear_run"]

_SCALE = 10.0**DECIMALS
# Beyond this magnitude (mm) the product v * 10^4 may be off by more than _TIE: Python decides.
_LARGE = 1e5
# v * 10^4 closer than this to a half is a tie to settle exactly, as `round` does.
_TIE = 1e-6
# "X12.3456 " from a quantized value: as `text.fmt` writes it (quantized, so never -0.0000)
_WORDS = tuple(f"{axis}%.{DECIMALS}f ".__mod__ for axis in "XYZ")


def quantize_array(values: np.ndarray) -> np.ndarray:
    """`text.quantize` of every value: rounded to 4 decimals exactly as `round(v, 4)` rounds
    (the value's exact decimal expansion, ties to even), never -0.0.

    rint(v * 10^4) agrees with that except within float error of a half, so those few values,
    and any beyond _LARGE, go through `quantize` itself."""
    scaled = values * _SCALE
    q = np.rint(scaled) / _SCALE
    frac = np.abs(scaled - np.trunc(scaled))
    unsure = (np.abs(frac - 0.5) < _TIE) | ~(np.abs(values) < _LARGE)
    for k in np.flatnonzero(unsure).tolist():
        q[k] = quantize(float(values[k]))
    q[q == 0] = 0.0  # -0.0 as well
    return q


def _z_targets(z: np.ndarray, tp: Toolpath) -> np.ndarray:
    """`Writer._z` of every value: a cut never rounded below -depth, a retract never below
    the safe height."""
    floor = np.where(z >= tp.safe_z - DEPTH_SLACK, tp.safe_z, -tp.depth)
    q = quantize_array(z)
    fix = (q < floor) & (floor <= z + 1e-7)
    for k in np.flatnonzero(fix).tolist():
        q[k] = quantize_up(float(z[k]), float(floor[k]))
    return q


class Prepared:
    """A toolpath's moves rounded as the writer writes them, all at once: targets (n, 3),
    feeds as written (n,) and their F words, and which moves have a valid feed."""

    def __init__(self, xyz: np.ndarray, feed: np.ndarray, tp: Toolpath) -> None:
        self.xyz = xyz
        self.finite = np.isfinite(xyz).all(axis=1)
        safe = np.where(self.finite[:, None], xyz, 0.0)  # others are declined, never written
        self.target = np.column_stack(
            [quantize_array(safe[:, 0]), quantize_array(safe[:, 1]), _z_targets(safe[:, 2], tp)]
        )
        self.too_deep = xyz[:, 2] < -tp.depth - DEPTH_SLACK
        self.feed, self.feed_word, self.feed_ok = _feed_words(feed)


def _feed_words(feed: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Each feed as written (mm/min, as `Writer._feed_word` rounds it), its F word, and
    whether it is valid (given, finite, positive, not rounding to zero)."""
    ok = np.isfinite(feed) & (feed > 0)
    # each distinct feed rounded once; an invalid one stands in as 1.0 and is never written
    distinct, which = np.unique(np.where(ok, feed, 1.0), return_inverse=True)
    rounded = [float(fmt_short(f)) for f in distinct.tolist()]
    words = [f"F{fmt_short(q)} " for q in rounded]
    q = np.array(rounded, dtype=float)[which]
    ok &= q > 0
    return q, [words[k] for k in which.tolist()], ok


def write_linear_run(w: Writer, prep: Prepared, a: int, b: int, tp: Toolpath) -> bool:
    """Write the consecutive G1 moves a..b-1 of the prepared toolpath as `Writer.linear`
    would one by one. False, with nothing written, when the run needs the move-by-move path."""
    if not w.spindle_on or b <= a:
        return False
    if not (prep.finite[a:b].all() and prep.feed_ok[a:b].all()) or prep.too_deep[a:b].any():
        return False  # Writer.linear refuses such a move, with its own message
    target = prep.target[a:b]
    old = np.array([np.nan if v is None else v for v in w.pos], dtype=float)
    before = np.vstack([old[None, :], target[:-1]])
    changed = target != before  # NaN (an unknown axis) differs from everything
    rows = np.flatnonzero(changed.any(axis=1))
    if len(rows):
        feed = prep.feed[a:b][rows]
        words = [prep.feed_word[a + r] for r in rows.tolist()]
        lines = _lines(w, target[rows], changed[rows], feed, words)
        if max(map(len, lines)) > w.machine.max_line_length:
            return False
        w.lines.extend(lines)
        w.motion = "G1"
        w.pos = [float(v) for v in target[rows[-1]]]
        w.feed = float(feed[-1])
    last = prep.xyz[b - 1]
    w.raw = (float(last[0]), float(last[1]), float(last[2]))
    return True


def _lines(
    w: Writer, target: np.ndarray, changed: np.ndarray, feed: np.ndarray, words: list[str]
) -> list[str]:
    """The G1 lines of the moves that move after rounding: only the words that changed."""
    prev_feed = np.concatenate([[math.nan if w.feed is None else w.feed], feed[:-1]])
    new_feed = (feed != prev_feed).tolist()
    columns = []
    for axis, word in enumerate(_WORDS):
        columns.append(
            [
                word(v) if c else ""
                for v, c in zip(target[:, axis].tolist(), changed[:, axis].tolist(), strict=True)
            ]
        )
    lines = [
        (x + y + z + (f if nf else ""))[:-1]
        for x, y, z, f, nf in zip(*columns, words, new_feed, strict=True)
    ]
    if w.motion != "G1":
        lines[0] = "G1 " + lines[0]
    return lines

"""Runs of feed moves written in bulk: most of a program's lines, a fraction of the cost.

`Writer.linear` and `Writer.arc` handle one move at a time; an engraving is tens of thousands
of G1/G2/G3 moves between rapids, and a Python call per move dominated the post.
`write_feed_run` produces exactly the lines they would (same rounding, same modal words, same
skipped no-op moves) for a run of consecutive feed moves, with numpy over the run. Anything it
cannot prove is ordinary (the spindle off, a feed missing or invalid, a Z under the toolpath's
depth, an arc to split or to write as lines, a line too long) makes it decline, and the caller
writes the run move by move, so every refusal keeps its message and its place.
"""

from __future__ import annotations

import math

import numpy as np

from cam.toolpath import Toolpath
from machines.post.base import ARC_RADIUS_MISMATCH, DEPTH_SLACK, MIN_ARC_CHORD, Writer
from machines.post.geometry import FULL_TURN
from machines.post.text import DECIMALS, fmt_short, quantize, quantize_up

__all__ = ["Prepared", "quantize_array", "write_feed_run"]

_SCALE = 10.0**DECIMALS
# Beyond this magnitude (mm) the product v * 10^4 may be off by more than _TIE: Python decides.
_LARGE = 1e5
# v * 10^4 closer than this to a half is a tie to settle exactly, as `round` does.
_TIE = 1e-6
# "X12.3456 " from a quantized value: as `text.fmt` writes it (quantized, so never -0.0000)
_WORDS = tuple(f"{axis}%.{DECIMALS}f ".__mod__ for axis in "XYZ")
_IJ_WORDS = f"I%.{DECIMALS}f J%.{DECIMALS}f "
_ARC_CW = 2  # machines.estimate's codes: 1 G1, 2 G2, 3 G3
_MOTION = {1: "G1", 2: "G2", 3: "G3"}
_CODE = {word: code for code, word in _MOTION.items()}
_MOTION_WORD = {code: word + " " for code, word in _MOTION.items()}
# Within this of a threshold (radians or mm) an arc is left to the scalar code to decide.
_NEAR = 1e-9


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
    """A toolpath's moves rounded as the writer writes them, all at once: kinds (n,) (the
    codes of `machines.estimate.move_arrays`), targets (n, 3), arc centre offsets (n, 2),
    feeds as written (n,) and their F words, and which moves have a valid feed."""

    def __init__(
        self, kind: np.ndarray, xyz: np.ndarray, ij: np.ndarray, feed: np.ndarray, tp: Toolpath
    ) -> None:
        self.kind, self.xyz, self.ij = kind, xyz, ij
        self.finite = np.isfinite(xyz).all(axis=1) & np.isfinite(ij).all(axis=1)
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


def write_feed_run(w: Writer, prep: Prepared, a: int, b: int, tp: Toolpath) -> bool:
    """Write the consecutive feed moves (G1, G2, G3) a..b-1 of the prepared toolpath as
    `Writer.linear` and `Writer.arc` would one by one. False, with nothing written, when the
    run needs the move-by-move path (an arc to split, to write as lines or too close to
    either threshold to decide here, a refusal, a line too long)."""
    if not w.spindle_on or b <= a:
        return False
    if not (prep.finite[a:b].all() and prep.feed_ok[a:b].all()) or prep.too_deep[a:b].any():
        return False  # the writer refuses such a move, with its own message
    kind = prep.kind[a:b]
    arc = kind >= _ARC_CW
    if arc.any() and (not w.machine.arcs or w.raw is None or None in w.pos[:2]):
        return False
    target = prep.target[a:b]
    old = np.array([np.nan if v is None else v for v in w.pos], dtype=float)
    before = np.vstack([old[None, :], target[:-1]])
    changed = target != before  # NaN (an unknown axis) differs from everything
    ij = _arc_offsets(w, prep, a, b, before, arc) if arc.any() else np.zeros((b - a, 2))
    if ij is None:
        return False
    changed[arc, :2] = True  # an arc always names its end point
    rows = np.flatnonzero(changed.any(axis=1) | arc)
    if len(rows):
        feed = prep.feed[a:b][rows]
        words = [prep.feed_word[a + r] for r in rows.tolist()]
        lines = _lines(w, kind[rows], target[rows], changed[rows], ij[rows], feed, words)
        if max(map(len, lines)) > w.machine.max_line_length:
            return False
        w.lines.extend(lines)
        w.motion = _MOTION[int(kind[rows[-1]])]
        w.pos = [float(v) for v in target[rows[-1]]]
        w.feed = float(feed[-1])
    last = prep.xyz[b - 1]
    w.raw = (float(last[0]), float(last[1]), float(last[2]))
    return True


def _arc_offsets(
    w: Writer, prep: Prepared, a: int, b: int, before: np.ndarray, arc: np.ndarray
) -> np.ndarray | None:
    """(m, 2) I, J as `Writer.arc` writes them (zero on straight moves), or None when an arc
    must go the move-by-move way: a sweep over a half turn (split in two), a chord under
    MIN_ARC_CHORD (a line), radii that disagree (lines), or anything within float noise of
    those thresholds, where the exact scalar arithmetic must decide."""
    assert w.raw is not None
    raw = np.vstack([np.array(w.raw)[None, :], prep.xyz[a : b - 1]])[arc]
    end = prep.xyz[a:b][arc]
    centre = raw[:, :2] + prep.ij[a:b][arc]
    a0 = np.arctan2(raw[:, 1] - centre[:, 1], raw[:, 0] - centre[:, 0])
    a1 = np.arctan2(end[:, 1] - centre[:, 1], end[:, 0] - centre[:, 0])
    cw = prep.kind[a:b][arc] == _ARC_CW
    theta = np.mod(np.where(cw, a0 - a1, a1 - a0), FULL_TURN)
    if ((theta <= 1e-12 + _NEAR) | (theta > math.pi + 1e-6 - _NEAR)).any():
        return None
    start = before[arc, :2]
    q = prep.target[a:b][arc]
    i = quantize_array(centre[:, 0] - start[:, 0])
    j = quantize_array(centre[:, 1] - start[:, 1])
    r0 = np.hypot(i, j)
    r1 = np.hypot(start[:, 0] + i - q[:, 0], start[:, 1] + j - q[:, 1])
    chord = np.hypot(q[:, 0] - start[:, 0], q[:, 1] - start[:, 1])
    if (chord < MIN_ARC_CHORD + _NEAR).any():
        return None
    if (np.abs(r0 - r1) > ARC_RADIUS_MISMATCH - _NEAR).any():
        return None
    out = np.zeros((b - a, 2))
    out[arc, 0], out[arc, 1] = i, j
    return out


def _lines(
    w: Writer,
    kind: np.ndarray,
    target: np.ndarray,
    changed: np.ndarray,
    ij: np.ndarray,
    feed: np.ndarray,
    words: list[str],
) -> list[str]:
    """The lines of the moves written: motion word where the mode changes, the axis words
    that changed (X and Y always on an arc), I and J on arcs, F where the feed changes."""
    codes = kind.tolist()
    last_motion = _CODE.get(w.motion or "", -1)
    previous = [last_motion, *codes[:-1]]
    motion = [_MOTION_WORD[c] if c != p else "" for c, p in zip(codes, previous, strict=True)]
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
    centre = [
        _IJ_WORDS % (i, j) if c >= _ARC_CW else ""
        for i, j, c in zip(ij[:, 0].tolist(), ij[:, 1].tolist(), codes, strict=True)
    ]
    return [
        (m + x + y + z + c + (f if nf else ""))[:-1]
        for m, x, y, z, c, f, nf in zip(motion, *columns, centre, words, new_feed, strict=True)
    ]

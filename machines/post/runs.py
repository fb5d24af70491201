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

__all__ = ["Prepared", "quantize_array", "write_feed_run", "write_toolpath"]

_SCALE = 10.0**DECIMALS
# Beyond this magnitude (mm) the product v * 10^4 may be off by more than _TIE: Python decides.
_LARGE = 1e5
# v * 10^4 closer than this to a half is a tie to settle exactly, as `round` does.
_TIE = 1e-6
_RAPID, _ARC_CW = 0, 2  # cam.toolpath.KIND_CODES: 0 G0, 1 G1, 2 G2, 3 G3
_MOTION = {0: "G0", 1: "G1", 2: "G2", 3: "G3"}
_CODE = {word: code for code, word in _MOTION.items()}
# A line's words as a format string, by which words it has: index = 16 * (0 no motion word,
# 1 + code: its G word) + 8 X + 4 Y + 2 Z + I and J. Numbers as `text.fmt` writes a quantized
# value (never -0.0000); the F word is appended as text where the feed changes.
_NUMBER_WORDS = tuple(f"{w}%.{DECIMALS}f" for w in ("X", "Y", "Z", "I")) + (f"J%.{DECIMALS}f",)
_TEMPLATES = [
    " ".join(
        ([_MOTION[m - 1]] if m else [])
        + [word for bit, word in zip((8, 4, 2, 1, 1), _NUMBER_WORDS, strict=True) if k & bit]
    )
    for m in range(5)
    for k in range(16)
]
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
        self.feed, self._words, self._which, self.feed_ok = _feed_words(feed)

    def feed_word(self, k: int) -> str:
        """ " F<feed>": the F word of move k, with the space before it."""
        return self._words[int(self._which[k])]


def _feed_words(feed: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Each feed as written (mm/min, as `Writer._feed_word` rounds it), the distinct F words
    and which one each move has, and whether each feed is valid (given, finite, positive,
    not rounding to zero)."""
    ok = np.isfinite(feed) & (feed > 0)
    # each distinct feed rounded once; an invalid one stands in as 1.0 and is never written
    distinct, which = np.unique(np.where(ok, feed, 1.0), return_inverse=True)
    rounded = [float(fmt_short(f)) for f in distinct.tolist()]
    words = [f" F{fmt_short(q)}" for q in rounded]
    q = np.array(rounded, dtype=float)[which]
    ok &= q > 0
    return q, words, which, ok


def write_toolpath(w: Writer, prep: Prepared, tp: Toolpath) -> bool:
    """Write every move of the prepared toolpath, rapids included, as `Writer.rapid`,
    `Writer.linear` and `Writer.arc` would one by one, in one numpy pass. False, with nothing
    written, when any move needs the move-by-move path (see `write_feed_run`; also a rapid
    below the safe height or out of a cut, or a height not known)."""
    n = len(prep.kind)
    if not w.spindle_on or n == 0 or w.pos[2] is None:
        return False
    kind = prep.kind
    feeding = kind != _RAPID
    rapid = ~feeding
    if not prep.finite.all() or (feeding & (prep.too_deep | ~prep.feed_ok)).any():
        return False  # the writer refuses such a move, with its own message
    target = prep.target
    before = np.vstack([_position(w)[None, :], target[:-1]])
    low = tp.safe_z - DEPTH_SLACK
    if (rapid & ((prep.xyz[:, 2] < low) | (before[:, 2] < low))).any():
        return False  # a rapid under the safe height, or out of the cut: the writer decides
    return _write(w, prep, 0, n, before, feeding)


def write_feed_run(w: Writer, prep: Prepared, a: int, b: int, tp: Toolpath) -> bool:
    """Write the consecutive feed moves (G1, G2, G3) a..b-1 of the prepared toolpath as
    `Writer.linear` and `Writer.arc` would one by one. False, with nothing written, when the
    run needs the move-by-move path (an arc to split, to write as lines or too close to
    either threshold to decide here, a refusal, a line too long)."""
    if not w.spindle_on or b <= a:
        return False
    if not (prep.finite[a:b].all() and prep.feed_ok[a:b].all()) or prep.too_deep[a:b].any():
        return False  # the writer refuses such a move, with its own message
    before = np.vstack([_position(w)[None, :], prep.target[a : b - 1]])
    return _write(w, prep, a, b, before, np.ones(b - a, dtype=bool))


def _position(w: Writer) -> np.ndarray:
    """The writer's position as written, NaN on an axis not known (it differs from all)."""
    return np.array([np.nan if v is None else v for v in w.pos], dtype=float)


def _write(
    w: Writer, prep: Prepared, a: int, b: int, before: np.ndarray, feeding: np.ndarray
) -> bool:
    """Moves a..b-1, checked by the caller as far as refusals go: the arcs checked here,
    then the lines that change something, each with the words that changed."""
    kind = prep.kind[a:b]
    arc = kind >= _ARC_CW
    ij = np.zeros((b - a, 2))
    if arc.any():
        if not w.machine.arcs or (arc[0] and (w.raw is None or None in w.pos[:2])):
            return False
        raw = np.array(np.nan if w.raw is None else w.raw, dtype=float) * np.ones(3)
        raw_before = np.vstack([raw[None, :], prep.xyz[a : b - 1]])
        offsets = _arc_offsets(prep, a, b, raw_before[arc], before[arc], arc)
        if offsets is None:
            return False
        ij[arc] = offsets
    target = prep.target[a:b]
    changed = target != before  # NaN (an unknown axis) differs from everything
    changed[arc, :2] = True  # an arc always names its end point
    rows = np.flatnonzero(changed.any(axis=1) | arc)
    if len(rows):
        written = feeding[rows]
        feed = prep.feed[a:b][rows]
        args = (kind[rows], target[rows], changed[rows], ij[rows], feed, written)
        lines = _lines(w, prep, a + rows, *args)
        if max(map(len, lines)) > w.machine.max_line_length:
            return False
        w.lines.extend(lines)
        w.motion = _MOTION[int(kind[rows[-1]])]
        w.pos = [float(v) for v in target[rows[-1]]]
        if written.any():
            w.feed = float(feed[written][-1])
    last = prep.xyz[b - 1]
    w.raw = (float(last[0]), float(last[1]), float(last[2]))
    return True


def _arc_offsets(
    prep: Prepared, a: int, b: int, raw: np.ndarray, start_q: np.ndarray, arc: np.ndarray
) -> np.ndarray | None:
    """(k, 2) I, J of the k arcs among moves a..b-1 as `Writer.arc` writes them, or None when
    an arc must go the move-by-move way: a sweep over a half turn (split in two), a chord under
    MIN_ARC_CHORD (a line), radii that disagree (lines), or anything within float noise of
    those thresholds, where the exact scalar arithmetic must decide. raw: where each arc
    starts as planned, start_q: as written."""
    end = prep.xyz[a:b][arc]
    centre = raw[:, :2] + prep.ij[a:b][arc]
    a0 = np.arctan2(raw[:, 1] - centre[:, 1], raw[:, 0] - centre[:, 0])
    a1 = np.arctan2(end[:, 1] - centre[:, 1], end[:, 0] - centre[:, 0])
    cw = prep.kind[a:b][arc] == _ARC_CW
    theta = np.mod(np.where(cw, a0 - a1, a1 - a0), FULL_TURN)
    if ((theta <= 1e-12 + _NEAR) | (theta > math.pi + 1e-6 - _NEAR)).any():
        return None
    start = start_q[:, :2]
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
    return np.column_stack([i, j])


def _lines(
    w: Writer,
    prep: Prepared,
    moves: np.ndarray,
    kind: np.ndarray,
    target: np.ndarray,
    changed: np.ndarray,
    ij: np.ndarray,
    feed: np.ndarray,
    feeding: np.ndarray,
) -> list[str]:
    """The lines of the moves written (`moves`: their indices in the toolpath): the motion
    word where the mode changes, the axis words that changed (X and Y always on an arc), I
    and J on arcs, F where a feed move's feed differs from the last one written. All lines
    come out of one format string, one template a line."""
    codes = kind.astype(np.int64)
    last_motion = _CODE.get(w.motion or "", -1)
    previous = np.concatenate([[last_motion], codes[:-1]])
    arc = codes >= _ARC_CW
    motion = np.where(codes != previous, codes + 1, 0)
    key = motion * 16 + changed[:, 0] * 8 + changed[:, 1] * 4 + changed[:, 2] * 2 + arc
    templates = [_TEMPLATES[k] for k in key.tolist()]
    rows = np.flatnonzero(feeding)
    q = feed[rows]
    prev = np.concatenate([[math.nan if w.feed is None else w.feed], q[:-1]])
    for r in rows[q != prev].tolist():  # NaN: no feed written yet, differs from every feed
        templates[r] += prep.feed_word(int(moves[r]))
    values = np.column_stack([target, ij])[np.column_stack([changed, arc, arc])]
    return ("\n".join(templates) % tuple(values.tolist())).split("\n")

"""The linker's rings in plain Python must be, to the bit, what numpy's arithmetic gives."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.ops.emit import _enter_rings, _interp, start_after
from cam.ops.passes import CutSettings, approach_offset

SETTINGS = CutSettings(300.0, 60.0, 250.0, math.tan(math.radians(3.0)), None)

_knots = st.lists(st.floats(0, 50, allow_nan=False), min_size=2, max_size=12).map(sorted)


@given(_knots, st.data())
def test_interp_is_numpys(xp: list[float], data: st.DataObject) -> None:
    fp = data.draw(st.lists(st.floats(-100, 100), min_size=len(xp), max_size=len(xp)))
    # inside, outside, on a knot (repeated knots included)
    x = data.draw(st.one_of(st.floats(-1, 51), st.sampled_from(xp)))
    got = _interp(x, xp, fp)
    want = float(np.interp(x, np.array(xp), np.array(fp)))
    assert got == want or (math.isnan(got) and math.isnan(want))


def _reference(
    pts: np.ndarray, top: float, depths: tuple[float, ...], nxt: np.ndarray | None
) -> tuple[np.ndarray, bool]:
    """The rings as numpy builds them: arc lengths, np.interp, `start_after`."""
    closed = np.vstack([pts, pts[:1]])
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(closed, axis=0).T))])
    length = float(cum[-1])
    offset = approach_offset(length, top, depths, SETTINGS)
    backwards = False
    if nxt is not None and 0.0 < offset < length:
        ahead = np.array(
            [np.interp(u, cum, closed[:, k]) for u in (offset, length - offset) for k in (0, 1)]
        )
        fwd, bwd = ahead[:2], ahead[2:]
        backwards = bool(np.hypot(*(bwd - nxt)) < np.hypot(*(fwd - nxt)))
    ring = np.concatenate([pts[:1], pts[:0:-1]]) if backwards else pts
    return start_after(ring, offset), backwards


@st.composite
def _ring(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(3, 60))
    size = draw(st.sampled_from([0.01, 0.2, 1.0, 5.0, 30.0]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    pts = size * np.column_stack([np.cos(angles), np.sin(angles)]) + rng.uniform(0, 50, 2)
    if draw(st.booleans()):
        pts = np.round(pts, 2)  # repeated points, zero-length sides
    return pts


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_ring(), st.booleans()), min_size=1, max_size=8),
    st.sampled_from([(0.1,), (0.05, 0.1), (0.1, 0.2, 0.3)]),
    st.sampled_from([0.0, 0.05]),
)
def test_rings_are_those_numpy_gives(
    contours: list[tuple[np.ndarray, bool]], depths: tuple[float, ...], top: float
) -> None:
    depths = tuple(d + top for d in depths)
    entries = [pts for pts, _ in contours]
    closed = [c for _, c in contours]
    got = _enter_rings(entries, closed, top, depths, SETTINGS)
    for k, (pts, is_closed) in enumerate(contours):
        if not is_closed:
            assert got[k] is None
            continue
        nxt = entries[k + 1][0] if k + 1 < len(entries) else None
        ring, backwards = _reference(pts, top, depths, nxt)
        ring_k = got[k]
        assert ring_k is not None
        xs, ys, back = ring_k
        assert back == backwards
        assert np.column_stack([xs, ys]).tolist() == ring.tolist()

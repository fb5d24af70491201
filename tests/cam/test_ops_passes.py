"""Step-down passes and entries along one contour."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.ops.passes import CutSettings, cut_contour, pass_depths, ramp_feed
from cam.toolpath import Move, MoveKind

SLOPE_3DEG = math.tan(math.radians(3.0))
RAMP = CutSettings(
    feed=300.0, plunge_feed=60.0, ramp_feed=300.0, ramp_slope=SLOPE_3DEG, arc_tolerance=None
)
PLUNGE = CutSettings(
    feed=300.0, plunge_feed=60.0, ramp_feed=300.0, ramp_slope=None, arc_tolerance=None
)


@settings(deadline=None)
@given(depth=st.floats(0.001, 5.0), step=st.floats(0.01, 2.0))
def test_pass_depths_are_equal_steps_no_deeper_than_step_down(depth: float, step: float) -> None:
    d = pass_depths(depth, step)
    assert len(d) == max(1, math.ceil(depth / step - 1e-9))
    assert d[-1] == depth
    steps = np.diff((0.0, *d))
    assert steps.max() <= step + 1e-9
    assert np.ptp(steps) < 1e-8


@settings(deadline=None)
@given(feed=st.floats(1, 5000), plunge=st.floats(1, 5000), angle=st.floats(0.5, 90))
def test_ramp_feed_keeps_z_speed_at_most_the_plunge_feed(
    feed: float, plunge: float, angle: float
) -> None:
    f = ramp_feed(feed, plunge, angle)
    assert f <= feed
    assert f * math.sin(math.radians(angle)) <= plunge * (1 + 1e-12)


def run(
    points: np.ndarray, closed: bool, depths: tuple[float, ...], s: CutSettings, top: float = 0.0
) -> tuple[list[tuple[float, float]], list[Move]]:
    starts: list[tuple[float, float]] = []
    out: list[Move] = []
    cut_contour(points, closed, top, depths, s, out, lambda x, y: starts.append((x, y)))
    return starts, out


def test_open_path_zigzags_between_passes_without_leaving_it() -> None:
    line = np.array([[0.0, 0.0], [20.0, 0.0]])
    starts, out = run(line, False, (0.1, 0.2, 0.3), RAMP)
    assert starts == [(0.0, 0.0)]
    assert all(m.y == 0.0 and -0.1e-9 <= m.x <= 20.0 for m in out)
    # the flat pass at each depth ends at alternate ends
    flat_ends = [
        m.x for a, m in zip(out, out[1:], strict=False) if a.z == m.z and m.x in (0.0, 20.0)
    ]
    assert flat_ends == [20.0, 0.0, 20.0]
    assert out[-1].z == -0.3


def test_closed_ring_ends_its_ramps_on_the_first_vertex_and_laps_once_more_at_depth() -> None:
    sq = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]])
    starts, out = run(sq, True, (0.1, 0.2), RAMP)
    ramp = 0.1 / SLOPE_3DEG
    # the approach is one ramp length before vertex 0, going round: on the last side
    assert starts[0] == pytest.approx((0.0, ramp))
    zs = [m.z for m in out]
    assert zs == sorted(zs, reverse=True)  # never climbs while cutting
    at_depth = [m for m in out if m.z == -0.2]
    assert (at_depth[0].x, at_depth[0].y) == (0.0, 0.0)
    assert (at_depth[-1].x, at_depth[-1].y) == (0.0, 0.0)
    assert sum(
        math.dist((a.x, a.y), (b.x, b.y)) for a, b in zip(at_depth, at_depth[1:], strict=False)
    ) == pytest.approx(40.0)


def test_ring_shorter_than_the_ramp_descends_as_a_helix() -> None:
    a = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    ring = np.column_stack([0.2 * np.cos(a), 0.2 * np.sin(a)])
    perimeter = float(np.linalg.norm(np.diff(np.vstack([ring, ring[:1]]), axis=0), axis=1).sum())
    _, out = run(ring, True, (0.1, 0.2, 0.3), RAMP)
    descending = [m.z for m in out if m.z > -0.3]
    assert len(descending) > 3 * len(ring)  # several laps on the way down
    # one lap deepens by perimeter * slope, less than a step
    assert perimeter * SLOPE_3DEG < 0.1


def test_plunge_entry_goes_straight_down_at_plunge_feed() -> None:
    line = np.array([[0.0, 0.0], [5.0, 0.0]])
    _, out = run(line, False, (0.15, 0.3), PLUNGE)
    plunges = [
        m
        for a, m in zip([Move(MoveKind.RAPID, 0, 0, 0)] + out, out, strict=False)
        if (a.x, a.y) == (m.x, m.y) and m.z < a.z
    ]
    assert [p.z for p in plunges] == [-0.15, -0.3]
    assert all(p.feed == 60.0 for p in plunges)


def test_a_dot_is_drilled_to_full_depth() -> None:
    starts, out = run(np.array([[3.0, 4.0]]), False, (0.1, 0.2), RAMP)
    assert starts == [(3.0, 4.0)]
    assert out == [Move(MoveKind.LINEAR, 3.0, 4.0, -0.2, 60.0)]


def test_lower_levels_start_from_the_cleared_depth() -> None:
    sq = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]])
    _, out = run(sq, True, (0.3,), RAMP, top=0.2)
    assert max(m.z for m in out) <= -0.2 and min(m.z for m in out) == -0.3


@settings(deadline=None)
@given(
    length=st.floats(0.01, 30.0),
    passes=st.integers(1, 6),
    slope=st.sampled_from([None, 0.01, 0.0524, 1.0]),
)
def test_open_cut_returns_says_where_the_cut_stops(
    length: float, passes: int, slope: float | None
) -> None:
    from cam.ops.passes import open_cut_returns

    s = CutSettings(300.0, 60.0, 300.0, slope, None)
    depths = tuple(0.1 * k for k in range(1, passes + 1))
    line = np.array([[0.0, 0.0], [length, 0.0]])
    out: list[Move] = []
    end = cut_contour(line, False, 0.0, depths, s, out, lambda x, y: None)
    assert (end == (0.0, 0.0)) is open_cut_returns(length, 0.0, depths, s)


@settings(deadline=None)
@given(
    n=st.integers(3, 12),
    seed=st.integers(0, 10_000),
    frac=st.floats(0.0, 1.0),
)
def test_start_after_rotates_the_ring_to_a_point_offset_along_it(
    n: int, seed: int, frac: float
) -> None:
    from cam.ops.emit import start_after

    rng = np.random.default_rng(seed)
    a = np.sort(rng.random(n)) * 2 * np.pi
    ring = np.column_stack([np.cos(a), np.sin(a)]) * (1 + rng.random((n, 1)))
    closed = np.vstack([ring, ring[:1]])
    length = float(np.linalg.norm(np.diff(closed, axis=0), axis=1).sum())
    out = start_after(ring, frac * length)
    assert len(out) in (n, n + 1)
    # every original vertex is kept, in the same cyclic order
    idx = [int(np.argmin(np.linalg.norm(ring - p, axis=1))) for p in out]
    kept = [i for i, p in zip(idx, out, strict=True) if np.array_equal(ring[i], p)]
    assert sorted(kept) == list(range(n))
    k0 = kept.index(min(kept))
    assert kept[k0:] + kept[:k0] == list(range(n))
    # and the new start is `offset` along the ring from the old one
    from shapely.geometry import LinearRing, Point

    lr = LinearRing(ring)
    along = lr.project(Point(out[0]))
    assert min(abs(along - frac * length), length - abs(along - frac * length)) < 1e-6

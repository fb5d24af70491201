"""Path data grammar: every command, implicit repeats, compact numbers and flags, refusals."""

from __future__ import annotations

import pytest

from cam.errors import DesignError
from cam.svg.pathdata import ARC, CUBIC, LINE, PathDataError, parse_path_data
from tests.cam.svg.helpers import load


def _one(d):
    (sub,) = parse_path_data(d)
    return sub


def test_absolute_and_relative_lines():
    sub = _one("M10 20 L30 40 l5 5 H0 h1 V2 v-1 Z")
    assert sub.start == (10, 20) and sub.closed
    assert sub.segs == [
        (LINE, 30, 40),
        (LINE, 35, 45),
        (LINE, 0, 45),
        (LINE, 1, 45),
        (LINE, 1, 2),
        (LINE, 1, 1),
    ]


def test_implicit_repeats_and_moveto_lines():
    assert _one("M0 0 1 1 2 2").segs == [(LINE, 1, 1), (LINE, 2, 2)]
    assert _one("m1 1 2 2 3 3").segs == [(LINE, 3, 3), (LINE, 6, 6)]
    assert len(_one("M0 0 C1 1 2 2 3 3 4 4 5 5 6 6").segs) == 2
    assert len(_one("M0 0 h1 2 3").segs) == 3


@pytest.mark.parametrize(
    ("d", "start", "end"),
    [
        ("M.5.5-1-2", (0.5, 0.5), (-1, -2)),
        ("M1e-3,2E2L-1e+1 0.", (0.001, 200), (-10, 0)),
        ("M 1 , 2\nL\t3 ,4", (1, 2), (3, 4)),
        ("M-.5-.5L+1+1", (-0.5, -0.5), (1, 1)),
    ],
)
def test_compact_numbers(d, start, end):
    sub = _one(d)
    assert sub.start == start and sub.segs[-1][-2:] == end


def test_curves_are_absolute_cubics():
    # quadratic raised to cubic: controls at 2/3 of the way to the quadratic control
    q = _one("M0 0 Q3 3 6 0").segs[0]
    assert q[0] == CUBIC and q[1:] == pytest.approx((2, 2, 4, 2, 6, 0))
    # S reflects the previous cubic control, T the previous quadratic control
    s = _one("M0 0 C0 1 1 1 1 0 S2 -1 2 0").segs[1]
    assert s[1:] == pytest.approx((1, -1, 2, -1, 2, 0))
    t = _one("M0 0 Q1 1 2 0 T4 0").segs[1]  # reflected control (3, -1)
    assert t[1:] == pytest.approx((2 + 2 / 3, -2 / 3, 3 + 1 / 3, -2 / 3, 4, 0))
    # S after a non-cubic, T after a non-quadratic: the control is the current point
    assert _one("M0 0 L1 0 S2 1 3 0").segs[1][1:3] == (1, 0)
    assert _one("M0 0 L1 0 T3 0").segs[1][1:] == pytest.approx((1, 0, 5 / 3, 0, 3, 0))
    assert _one("m1 1 c1 1 2 2 3 3").segs[0][1:] == (2, 2, 3, 3, 4, 4)


@pytest.mark.parametrize(
    ("d", "flags", "end"),
    [
        ("M0 0 a1 1 0 00 10 10", (False, False), (10, 10)),
        ("M0 0 a1 1 0 0110 10", (False, True), (10, 10)),
        ("M0 0 a1 1 0 1110 10", (True, True), (10, 10)),
        ("M0 0 A1,1,0,1,0,10,10", (True, False), (10, 10)),
        ("M0 0 a1 1 0 0 1 -5-5", (False, True), (-5, -5)),
        ("M0 0 a-2 3 45 1 0 1 1", (True, False), (1, 1)),
    ],
)
def test_arc_flags_without_separators(d, flags, end):
    seg = _one(d).segs[0]
    assert seg[0] == ARC and seg[4:6] == flags and seg[6:] == end
    assert seg[1] >= 0 and seg[2] >= 0  # radii taken as absolute values


def test_subpaths_after_close_start_at_the_last_moveto():
    subs = parse_path_data("M10 10 L20 10 Z l0 5 M0 0 L1 1")
    assert [(s.start, s.closed) for s in subs] == [
        ((10, 10), True),
        ((10, 10), False),
        ((0, 0), False),
    ]
    assert subs[1].segs == [(LINE, 10, 15)]


def test_empty_data_draws_nothing():
    assert (
        parse_path_data("") == [] and parse_path_data("   ") == [] and parse_path_data(None) == []
    )


@pytest.mark.parametrize(
    "d",
    [
        "L 10 10",
        "M 10,,20",
        "M,10 20",
        "M10 20 L",
        "M 10",
        "M10 20 Z 5",
        "M10 20L10 20,",
        "M10 20 , L 5 5",
        "M10 20 x 5 5",
        "M0 0 a1 1 0 2 0 10 10",
        "M0 0 a1 1 0 0 0 10",
        "M0 0 L1e999 0",
        "M0 0 L 1 2 3",
        "M0 0 C 1 2 3 4 5",
        "M0 0 L1 .",
        "M0 0 L1e 2",
        "junk M0 0",
    ],
)
def test_malformed_data_refused(d):
    with pytest.raises(PathDataError):
        parse_path_data(d)


def test_refusal_names_element_and_place():
    with pytest.raises(DesignError, match=r"path 'leaf2': malformed path data near 'L 10,,'"):
        load('<path id="leaf2" d="M0 0 L 10,,20"/>')
    with pytest.raises(DesignError, match=r"path 'path#2'"):
        load('<path d="M0 0 L1 1" stroke="black"/><path d="M0 0 L"/>')
    with pytest.raises(DesignError, match=r"polygon 'pg'.*odd number"):
        load('<polygon id="pg" points="0 0 1 1 2"/>')

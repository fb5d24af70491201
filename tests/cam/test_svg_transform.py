"""Transform lists, their composition order, viewBox maps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.svg.transform import (
    IDENTITY,
    TransformError,
    apply,
    compose,
    parse_aspect,
    parse_transform,
    parse_view_box,
    view_box_map,
)

num = st.floats(-100, 100, allow_nan=False).map(lambda v: round(v, 4))
angle = st.floats(-80, 80, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def item(draw):
    kind = draw(st.sampled_from(["matrix", "translate", "scale", "rotate", "skewX", "skewY"]))
    if kind == "matrix":
        args = [draw(num) for _ in range(6)]
    elif kind in ("translate", "scale"):
        args = [draw(num) for _ in range(draw(st.sampled_from([1, 2])))]
    elif kind == "rotate":
        args = [draw(angle)] + ([draw(num), draw(num)] if draw(st.booleans()) else [])
    else:
        args = [draw(angle)]
    sep = draw(st.sampled_from([" ", ",", ", ", "  ,"]))
    return f"{kind}({sep.join(repr(a) for a in args)})"


@settings(max_examples=200, deadline=None)
@given(st.lists(item(), min_size=1, max_size=4), st.lists(item(), min_size=1, max_size=4))
def test_list_is_the_composition_of_its_parts(a, b):
    ta, tb = " ".join(a), ",".join(b)
    whole = parse_transform(f"{ta} {tb}")
    assert np.allclose(whole, compose(parse_transform(ta), parse_transform(tb)))


@settings(max_examples=100, deadline=None)
@given(st.lists(item(), min_size=1, max_size=5), num, num)
def test_rightmost_applies_first(items, x, y):
    p = np.array([[x, y]])
    expected = p
    for text in reversed(items):
        expected = apply(parse_transform(text), expected)
    assert np.allclose(apply(parse_transform(" ".join(items)), p), expected, atol=1e-6)


@pytest.mark.parametrize(
    ("text", "point", "expected"),
    [
        ("translate(10)", (1, 2), (11, 2)),
        ("translate(10 -5)", (1, 2), (11, -3)),
        ("scale(2)", (1, 2), (2, 4)),
        ("scale(2,-1)", (1, 2), (2, -2)),
        ("rotate(90)", (1, 0), (0, 1)),
        ("rotate(90 10 10)", (11, 10), (10, 11)),
        ("skewX(45)", (0, 2), (2, 2)),
        ("skewY(45)", (2, 0), (2, 2)),
        ("matrix(1 2 3 4 5 6)", (1, 1), (9, 12)),
        ("translate(1,1)scale(2)", (1, 1), (3, 3)),
        ("  scale( 2 ) , translate(1e1,.5e1) ", (0, 0), (20, 10)),
        ("rotate(-1e1-5.5.5)", (-5.5, 0.5), (-5.5, 0.5)),  # the centre is fixed
    ],
)
def test_each_kind(text, point, expected):
    assert np.allclose(apply(parse_transform(text), np.array([point], float)), [expected])


@pytest.mark.parametrize(
    "text",
    [
        "translate(1,)",
        "translate(,1)",
        "translate(1,,2)",
        "foo(1)",
        "translate(1 2 3)",
        "rotate(1 2)",
        "matrix(1 2 3)",
        "scale()",
        "translate(1),",
        "translate(1) junk",
        "skewX(1, 2)",
        "translate(1e999)",
    ],
)
def test_malformed_transform_refused(text):
    with pytest.raises(TransformError):
        parse_transform(text)


def test_empty_is_identity():
    assert parse_transform("") == IDENTITY and parse_transform(None) == IDENTITY


def test_view_box_and_aspect_parsing():
    assert parse_view_box("0,0 10 20") == (0, 0, 10, 20)
    assert parse_view_box(None) is None
    for bad in ("0 0 10", "0 0 0 10", "0 0 -1 10", "a b c d"):
        with pytest.raises(TransformError):
            parse_view_box(bad)
    assert parse_aspect(None) == ("xMidYMid", "meet")
    assert parse_aspect("defer xMinYMax slice") == ("xMinYMax", "slice")
    for bad in ("xMidYMed", "none meet extra", "xMinYMin cut"):
        with pytest.raises(TransformError):
            parse_aspect(bad)


def test_view_box_map_offsets_and_scales():
    m = view_box_map((-10, -10, 20, 10), ("xMidYMid", "meet"), 100, 100)
    # scale 5, content 100 x 50 centred vertically: viewBox (-10,-10) -> (0, 25)
    assert np.allclose(apply(m, np.array([[-10.0, -10.0], [10.0, 0.0]])), [[0, 25], [100, 75]])
    assert math.isclose(m[0], 5.0)

"""A dashed stroke shows only its dashes: only they are cut. Expected dash extents are those
Chromium paints for the same documents (user units along the line)."""

from __future__ import annotations

import numpy as np
import pytest

from cam.errors import HostileInputError
from cam.svg import load_svg

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 200 100">'
UNIT = 2 * 25.4 / 96  # mm per user unit


def dashes(body: str) -> list[float]:
    """The dashes' [start, end] x extents, flattened: [s0, e0, s1, e1, ...]."""
    d = load_svg(HEAD + body + "</svg>")
    spans = sorted((p.points[:, 0].min() / UNIT, p.points[:, 0].max() / UNIT) for p in d.paths)
    return [float(v) for span in spans for v in span]


def flat(spans: list[tuple[float, float]]) -> list[float]:
    return [float(v) for span in spans for v in span]


LINE = "<path d='M10 50 H90' stroke='black' stroke-width='2' {}/>"


@pytest.mark.parametrize(
    ("attrs", "chromium"),
    [
        ("stroke-dasharray='10 5'", [(10, 20), (25, 35), (40, 50), (55, 65), (70, 80), (85, 90)]),
        # an odd list is repeated; the offset shifts the pattern back
        (
            "stroke-dasharray='10 5 3' stroke-dashoffset='4'",
            [(10, 16), (21, 24), (34, 39), (42, 52), (57, 60), (70, 75), (78, 88)],
        ),
        # lengths are along the path in user units, before the transform squeezes it
        (
            "stroke-dasharray='10,5' transform='translate(100 0) scale(0.5 1) translate(-100 0)'",
            [(55, 60), (62.5, 67.5), (70, 75), (77.5, 82.5), (85, 90), (92.5, 95)],
        ),
        # a percentage is of the viewport's diagonal / sqrt(2) (158.11 here)
        ("style='stroke-dasharray:10%'", [(10, 25.81), (41.62, 57.43), (73.25, 89.06)]),
    ],
)
def test_dashes_like_chromium(attrs, chromium):
    assert dashes(LINE.format(attrs)) == pytest.approx(flat(chromium), abs=0.01)


def test_dasharray_inherited_and_negative_offset():
    body = (
        "<g stroke-dasharray='8 4'><path d='M10 50 H90' stroke='black' stroke-width='2' "
        "stroke-dashoffset='-3'/></g>"
    )
    assert dashes(body) == pytest.approx(
        flat([(13, 21), (25, 33), (37, 45), (49, 57), (61, 69), (73, 81), (85, 90)])
    )


@pytest.mark.parametrize("pattern", ["none", "0 0", "5 -1", ""])
def test_patterns_that_draw_a_solid_line(pattern):
    assert dashes(LINE.format(f"stroke-dasharray='{pattern}'")) == pytest.approx([10, 90])


def test_zero_length_dashes_are_dots_with_round_caps():
    d = load_svg(
        HEAD + "<path d='M10 50 H40' stroke='black' stroke-dasharray='0 10' "
        "stroke-linecap='round'/></svg>"
    )
    xs = sorted(float(p.points[0, 0] / UNIT) for p in d.paths)
    assert all(len(p.points) == 1 for p in d.paths)
    assert xs == pytest.approx([10, 20, 30, 40])
    butt = load_svg(
        HEAD + "<path d='M10 50 H40' stroke='black' stroke-dasharray='0 10'/>"
        "<rect width='1' height='1'/></svg>"
    )
    assert len(butt.paths) == 1  # only the rectangle: zero-length butt dashes show nothing


def test_a_closed_path_dashes_on_round_its_closing_segment():
    d = load_svg(
        HEAD + "<path d='M10 10 H30 V30 H10 Z' fill='none' stroke='black' "
        "stroke-dasharray='30 10'/></svg>"
    )
    # 80 units round: dashes [0,30] and [40,70]; the first turns the corner at (30, 10)
    pieces = sorted((np.round(p.points / UNIT, 6).tolist() for p in d.paths), key=len)
    assert len(pieces) == 2
    first = [pt for pt in pieces[0] + pieces[1] if pt == [30.0, 90.0]]
    assert first  # the corner (30, 10) user = (30, 90) machine units is on a dash


def test_dust_of_dashes_refused():
    body = "<path d='M0 50 H200' stroke='black' stroke-dasharray='0.00001'/>"
    with pytest.raises(HostileInputError, match="too many dashes"):
        load_svg(HEAD + body + "</svg>")

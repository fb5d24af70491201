"""clip-path: only what shows through the clipping region is cut. Each document below was
rendered by Chromium; the bounds of what it paints are the expected bounds (px, y down)."""

from __future__ import annotations

import numpy as np
import pytest

from cam.errors import DesignError
from cam.svg import load_svg

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 100 100">'
PX = 25.4 / 96


def px_bounds(body: str) -> tuple[float, ...]:
    d = load_svg(HEAD + body + "</svg>")
    x0, y0, x1, y1 = d.bounds()
    h = d.height_mm
    return tuple(round(v / PX, 2) for v in (x0, h - y1, x1, h - y0))


CLIP_RECT = '<clipPath id="c"><rect x="20" y="20" width="40" height="40"/></clipPath>'


@pytest.mark.parametrize(
    ("body", "chromium"),
    [
        # a circle seen through a square: the quarter inside it
        (
            f'<defs>{CLIP_RECT}</defs><g clip-path="url(#c)"><circle cx="20" cy="20" r="30"/></g>',
            (40, 40, 100, 100),
        ),
        # the clip is in the element's own user space: it moves with the element's transform
        (
            f'<defs>{CLIP_RECT}</defs><circle cx="20" cy="20" r="30" clip-path="url(#c)" '
            'transform="translate(30 10)"/>',
            (100, 60, 160, 120),
        ),
        # the clipPath's own transform
        (
            '<clipPath id="c" transform="rotate(45 50 50)"><rect x="30" y="30" width="40" '
            'height="40"/></clipPath><rect width="100" height="100" clip-path="url(#c)"/>',
            (43.43, 43.43, 156.57, 156.57),
        ),
        # clip-rule evenodd: a frame with a hole
        (
            '<clipPath id="c" clip-rule="evenodd"><path d="M10 10H90V90H10Z M30 30H70V70H30Z"/>'
            '</clipPath><rect x="0" y="40" width="25" height="20" clip-path="url(#c)"/>',
            (20, 80, 50, 120),
        ),
        # clips on an ancestor and on the element intersect
        (
            '<clipPath id="a"><rect width="60" height="60"/></clipPath><clipPath id="b">'
            '<circle cx="60" cy="60" r="20"/></clipPath><g clip-path="url(#a)">'
            '<rect width="100" height="100" clip-path="url(#b)"/></g>',
            (80, 80, 120, 120),
        ),
        # a <use> inside the clipPath
        (
            '<defs><clipPath id="c"><use href="#u" x="10"/></clipPath><rect id="u" width="30" '
            'height="30" fill="none"/></defs><rect x="5" y="5" width="80" height="80" '
            'clip-path="url(#c)"/>',
            (20, 10, 80, 60),
        ),
        # a reference to nothing clips nothing
        (
            '<rect x="10" y="10" width="40" height="40" clip-path="url(#nothing)"/>',
            (20, 20, 100, 100),
        ),
    ],
)
def test_clip_like_chromium(body, chromium):
    assert px_bounds(body) == pytest.approx(chromium, abs=0.01)


def test_fill_outline_includes_the_clip_edge_and_strokes_are_cut_to_it():
    body = (
        f"<defs>{CLIP_RECT}</defs>"
        '<rect id="f" x="0" y="0" width="40" height="40" clip-path="url(#c)"/>'
        '<path id="s" d="M 0 50 H 100" stroke="black" fill="none" clip-path="url(#c)"/>'
    )
    d = load_svg(HEAD + body + "</svg>")
    fill = [p for p in d.paths if p.element_id == "f"]
    stroke = [p for p in d.paths if p.element_id == "s"]
    assert len(fill) == 1 and fill[0].closed
    corners = {tuple(np.round(pt / PX, 6) * 1) for pt in fill[0].points}
    # the visible square 20..40 (user units) -> 40..80 px; machine y = 200 px - y
    assert corners == {(40.0, 160.0), (80.0, 160.0), (80.0, 120.0), (40.0, 120.0)}
    assert len(stroke) == 1 and not stroke[0].closed
    xs = sorted(stroke[0].points[:, 0] / PX)
    assert xs[0] == pytest.approx(40) and xs[-1] == pytest.approx(120)
    (region,) = d.fills
    assert region.fill_rule == "evenodd" and len(region.rings) == 1


def test_a_frame_clip_around_everything_changes_nothing():
    # the artboard clip of Figma exports
    body = (
        '<g clip-path="url(#frame)"><path id="p" d="M10 10 L 90 90" stroke="black"/></g>'
        '<defs><clipPath id="frame"><rect width="100" height="100"/></clipPath></defs>'
    )
    d = load_svg(HEAD + body + "</svg>")
    assert d.warnings == ()
    assert np.allclose(d.paths[0].points / PX, [[20, 180], [180, 20]])


def test_a_clip_hiding_everything_leaves_nothing_to_carve():
    body = (
        '<clipPath id="c"><rect x="200" y="200" width="5" height="5"/></clipPath>'
        '<rect width="50" height="50" clip-path="url(#c)"/>'
    )
    with pytest.raises(DesignError, match="nothing to carve"):
        load_svg(HEAD + body + "</svg>")


@pytest.mark.parametrize(
    ("body", "chromium"),
    [
        # a circle in bounding-box units: the ellipse inscribed in each shape it clips
        (
            "<clipPath id='c' clipPathUnits='objectBoundingBox'><circle cx='.5' cy='.5' "
            "r='.5'/></clipPath><rect x='10' y='20' width='60' height='40' "
            "clip-path='url(#c)'/><rect x='75' y='75' width='20' height='10' "
            "clip-path='url(#c)'/>",
            (20, 40, 190, 170),
        ),
        # a group's box: its shapes through their transforms
        (
            "<clipPath id='c' clipPathUnits='objectBoundingBox'><rect width='.5' "
            "height='.5'/></clipPath><g clip-path='url(#c)'><rect x='10' y='10' width='40' "
            "height='40'/><circle cx='70' cy='70' r='10' transform='translate(5 5)'/></g>",
            (20, 20, 95, 95),
        ),
    ],
)
def test_bounding_box_units_like_chromium(body, chromium):
    assert px_bounds(body) == pytest.approx(chromium, abs=0.01)


def test_bounding_box_units_without_a_box_and_text_clips():
    body = (
        '<clipPath id="c" clipPathUnits="objectBoundingBox"><rect width=".5" height=".5"/>'
        '</clipPath><g clip-path="url(#c)"><image width="9" height="9"/>'
        '<rect width="10" height="10"/></g>'
    )
    d = load_svg(HEAD + body + "</svg>")
    assert any("bounding box cannot be told" in w for w in d.warnings)
    text_clip = (
        '<clipPath id="t"><text>A</text></clipPath><rect width="9" height="9" clip-path="url(#t)"/>'
    )
    with pytest.raises(DesignError, match="clips with text: convert text to paths"):
        load_svg(HEAD + text_clip + "</svg>")


SYMBOL = (
    '<symbol id="s" viewBox="0 0 10 10"{}><rect x="-5" y="-5" width="20" height="20"/></symbol>'
)
NESTED = '<svg x="40" y="40" width="20" height="20" viewBox="0 0 10 10"{}><rect x="-5" y="-5" width="20" height="20"/></svg>'
USE = '<use href="#s" x="40" y="40" width="20" height="20"{}/>'


@pytest.mark.parametrize(
    ("body", "chromium"),
    [
        # nested viewports clip what overflows them (overflow: hidden by default)
        (SYMBOL.format("") + USE.format(""), (80, 80, 120, 120)),
        # overflow on the <use> does not reach the symbol's viewport
        (SYMBOL.format("") + USE.format(' overflow="visible"'), (80, 80, 120, 120)),
        (SYMBOL.format(' overflow="visible"') + USE.format(""), (60, 60, 140, 140)),
        (NESTED.format(""), (80, 80, 120, 120)),
        (NESTED.format(' style="overflow:auto"'), (60, 60, 140, 140)),
        (NESTED.format(' preserveAspectRatio="xMidYMid slice"'), (80, 80, 120, 120)),
    ],
)
def test_nested_viewports_clip_like_chromium(body, chromium):
    assert px_bounds(body) == pytest.approx(chromium, abs=0.01)

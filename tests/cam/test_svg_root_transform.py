"""A transform on the root <svg>, read as browsers apply it (SVG 2, CSS Transforms 1): to the
outermost <svg>'s CSS box, in px of that box, outside the viewBox mapping, about the box's
centre unless transform-origin says otherwise. Expected values were checked against Chromium's
rendering of the same files (pixel bounds of the painted shape)."""

from __future__ import annotations

import numpy as np
import pytest

from cam.errors import DesignError
from cam.svg import load_svg

PX = 25.4 / 96.0
RECT = '<rect id="r" x="10" y="10" width="20" height="10"/>'


def svg(attrs: str, body: str = RECT) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" '
        f'viewBox="0 0 200 100" {attrs}>{body}</svg>'
    )


def doc_px_bounds(text: str) -> tuple[float, ...]:
    """Bounds of the design in document px, y down, as a browser's screenshot measures."""
    d = load_svg(text)
    assert (d.width_mm, d.height_mm) == pytest.approx((400 * PX, 200 * PX))  # size unchanged
    x0, y0, x1, y1 = d.bounds()
    return tuple(round(v / PX, 6) for v in (x0, d.height_mm - y1, x1, d.height_mm - y0))


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        ("", (20, 20, 60, 40)),
        # px of the outer box (not user units, which are 2 px here)
        ("translate(30,40)", (50, 60, 90, 80)),
        # about the box's centre (200, 100)
        ("scale(0.5)", (110, 60, 130, 70)),
        ("rotate(180)", (340, 160, 380, 180)),
        ("translate(30,40) scale(0.5)", (140, 100, 160, 110)),
        ("translate(30 40),scale(.5)", (140, 100, 160, 110)),
    ],
)
def test_root_transform_like_a_browser(transform, expected):
    assert doc_px_bounds(svg(f'transform="{transform}"')) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ('transform-origin="0 0"', (10, 10, 30, 20)),
        ('style="transform-origin: left top"', (10, 10, 30, 20)),
        ('style="transform-origin: top left"', (10, 10, 30, 20)),
        ('transform-origin="100% 100%"', (210, 110, 230, 120)),
        ('transform-origin="right bottom"', (210, 110, 230, 120)),
        ('transform-origin="40px"', (30, 60, 50, 70)),  # y: centre
    ],
)
def test_root_transform_origin(origin, expected):
    assert doc_px_bounds(svg(f'transform="scale(0.5)" {origin}')) == pytest.approx(expected)


def test_machine_y_is_document_height_minus_y():
    d = load_svg(svg('transform="translate(30,40)"'))
    pts = d.paths[0].points
    # document px (50..90, 60..80) -> machine mm, Y up from the bottom edge (200 px)
    assert pts[:, 0].min() == pytest.approx(50 * PX)
    assert pts[:, 1].min() == pytest.approx((200 - 80) * PX)
    assert pts[:, 1].max() == pytest.approx((200 - 60) * PX)


def test_rotated_document_turns_about_its_centre():
    # a 100 x 50 mm document turned half a turn: the mark near the top-left corner lands
    # near the bottom-right one
    text = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="50mm" '
        'viewBox="0 0 100 50" transform="rotate(180)">'
        '<path d="M 5 5 L 15 5" stroke="black" fill="none"/></svg>'
    )
    pts = load_svg(text).paths[0].points
    # document (95, 45) .. (85, 45) mm, y down -> machine y = 50 - 45 = 5
    assert np.allclose(pts, [[95, 5], [85, 5]])


def test_translation_needs_no_document_size():
    text = (
        '<svg xmlns="http://www.w3.org/2000/svg" transform="translate(96 0)">'
        '<path d="M 0 0 L 96 96" stroke="black"/></svg>'
    )
    d = load_svg(text)
    assert d.bounds() == pytest.approx((25.4, 0.0, 50.8, 25.4))


def test_turning_without_a_document_size_is_refused():
    text = (
        '<svg xmlns="http://www.w3.org/2000/svg" transform="rotate(10)">'
        '<path d="M 0 0 L 96 96" stroke="black"/></svg>'
    )
    with pytest.raises(DesignError, match=r"root <svg>: .*needs a document size"):
        load_svg(text)


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ('transform="rotate(1 2"', r"root <svg>: malformed transform"),
        (
            'transform="scale(2)" transform-origin="middle"',
            r"root <svg>: malformed transform-origin",
        ),
        ('style="transform: rotate(3deg)"', r"root <svg>: CSS transform property"),
    ],
)
def test_bad_root_transforms_refused(attrs, message):
    with pytest.raises(DesignError, match=message):
        load_svg(svg(attrs))


# -- transform-origin on other elements: about the viewport's user units (view-box) ----------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f'<g transform="rotate(90)" transform-origin="50 40">{RECT}</g>', (140, 0, 160, 40)),
        (
            f'<g transform="scale(0.5)" style="transform-origin: center">{RECT}</g>',
            (110, 60, 130, 70),
        ),
        (
            "<style>.k { transform-origin: right bottom }</style>"
            f'<g transform="scale(0.5)" class="k">{RECT}</g>',
            (210, 110, 230, 120),
        ),
        # an origin without a transform changes nothing
        (f'<g transform-origin="50 50">{RECT}</g>', (20, 20, 60, 40)),
    ],
)
def test_element_transform_origin(body, expected):
    assert doc_px_bounds(svg("", body)) == pytest.approx(expected)


def test_transform_box_of_the_element_refused():
    body = f'<g transform="scale(2)" style="transform-box: fill-box">{RECT}</g>'
    with pytest.raises(DesignError, match=r"transform-box 'fill-box'.*not supported"):
        load_svg(svg("", body))

"""Masks made of filled shapes (Figma's icon masks) show their content where the shapes
are, and are read as clips. Expected bounds are those of Chromium's rendering (px, y down)."""

from __future__ import annotations

import pytest

from cam.errors import DesignError
from cam.svg import load_svg

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 100 100">'
PX = 25.4 / 96


def load(body: str):
    return load_svg(HEAD + body + "</svg>")


def px_bounds(body: str) -> tuple[float, ...]:
    d = load(body)
    x0, y0, x1, y1 = d.bounds()
    h = d.height_mm
    return tuple(round(v / PX, 2) for v in (x0, h - y1, x1, h - y0))


@pytest.mark.parametrize(
    ("body", "chromium"),
    [
        # Figma: an alpha mask in user space over a colour rectangle
        (
            '<mask id="m" style="mask-type:alpha" maskUnits="userSpaceOnUse" x="0" y="0" '
            'width="100" height="100"><circle cx="50" cy="50" r="20" fill="#C4C4C4"/></mask>'
            '<g mask="url(#m)"><rect width="100" height="100" fill="#000"/></g>',
            (60, 60, 140, 140),
        ),
        # a white shape in a luminance mask
        (
            '<mask id="m"><circle cx="30" cy="50" r="20" fill="white"/></mask>'
            '<rect x="20" y="0" width="80" height="100" mask="url(#m)"/>',
            (40, 60, 100, 140),
        ),
        # the mask's own rectangle in user space limits what shows
        (
            '<mask id="m" maskUnits="userSpaceOnUse" x="0" y="0" width="40" height="100">'
            '<rect width="100" height="100" fill="white"/></mask>'
            '<rect x="20" y="20" width="60" height="60" mask="url(#m)"/>',
            (40, 40, 80, 160),
        ),
        # black first shows nothing; the white circle on it shows
        (
            '<mask id="m"><rect width="100" height="100" fill="black"/>'
            '<circle cx="50" cy="50" r="10" fill="#fff"/></mask>'
            '<rect x="20" y="20" width="60" height="60" mask="url(#m)"/>',
            (80, 80, 120, 120),
        ),
    ],
)
def test_mask_like_chromium(body, chromium):
    assert px_bounds(body) == pytest.approx(chromium, abs=0.01)


@pytest.mark.parametrize(
    ("body", "chromium"),
    [
        # content in bounding-box units: a circle a quarter of the box across
        (
            "<mask id='m' maskContentUnits='objectBoundingBox'><circle cx='.5' cy='.5' r='.25' "
            "fill='white'/></mask><rect x='20' y='20' width='60' height='40' mask='url(#m)'/>",
            (70, 60, 130, 100),
        ),
        # the mask's rectangle as fractions of the box: its left half
        (
            "<mask id='m' x='0' y='0' width='.5' height='1'><rect width='100' height='100' "
            "fill='white'/></mask><rect x='20' y='20' width='60' height='40' mask='url(#m)'/>",
            (40, 40, 100, 120),
        ),
        # both, on a group
        (
            "<mask id='m' x='0' y='0' width='50%' height='100%' "
            "maskContentUnits='objectBoundingBox'><rect x='.1' y='.1' width='.8' height='.8' "
            "fill='white'/></mask><g mask='url(#m)'><rect x='20' y='20' width='60' "
            "height='40'/></g>",
            (52, 48, 100, 112),
        ),
    ],
)
def test_bounding_box_masks_like_chromium(body, chromium):
    assert px_bounds(body) == pytest.approx(chromium, abs=0.01)


def test_a_black_luminance_mask_hides_everything():
    body = (
        '<mask id="m"><rect width="100" height="100" fill="#000"/></mask>'
        '<rect width="50" height="50" mask="url(#m)"/>'
    )
    with pytest.raises(DesignError, match="nothing to carve"):
        load(body)


@pytest.mark.parametrize(
    ("mask", "reason"),
    [
        ('<circle cx="5" cy="5" r="4" fill="white" stroke="white"/>', "a stroked shape"),
        (
            '<circle cx="5" cy="5" r="4" fill="white"/><rect width="9" height="9"/>',
            "a black shape over a lighter one",
        ),
        ('<g><circle cx="5" cy="5" r="4" fill="white"/></g>', "<g> inside it"),
    ],
)
def test_masks_that_are_not_shapes_are_not_applied(mask, reason):
    d = load(f'<mask id="m">{mask}</mask><rect id="r" width="50" height="50" mask="url(#m)"/>')
    assert [p.element_id for p in d.paths] == ["r"]
    x0, y0, x1, y1 = d.bounds()
    assert (x1 - x0) / PX == pytest.approx(100)  # the whole shape, unmasked
    assert any(f"is not applied ({reason}" in w for w in d.warnings)

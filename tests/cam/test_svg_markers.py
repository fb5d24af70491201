"""Markers are drawn on a path's vertices as browsers draw them (SVG 2 "Markers"): what they
show is cut. Bounds expectations were checked against Chromium's rendering; exact points are
computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from cam.svg import load_svg
from cam.svg.markers import vertices
from cam.svg.pathdata import parse_path_data

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 100 100">'
ARROW = (
    '<marker id="a" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" '
    'orient="auto"><path id="tip" d="M0 0 L10 5 L0 10 z"/></marker>'
)


def load(body: str):
    return load_svg(HEAD + body + "</svg>")


def user_points(design, element_id: str) -> list[np.ndarray]:
    """Points of the paths of one element in user units (y down), 1 unit = 2 px."""
    unit = 2 * 25.4 / 96
    out = []
    for p in design.paths:
        if p.element_id.endswith(element_id):
            pts = p.points / unit
            out.append(np.column_stack([pts[:, 0], 100 - pts[:, 1]]))
    return out


def test_marker_end_on_a_horizontal_line():
    # markerWidth 6 x stroke-width 2 = 12 units for a 10-unit viewBox: scale 1.2; refX/refY
    # (5, 5) sits on the end point (60, 50)
    d = load(
        f"<defs>{ARROW}</defs>"
        '<path d="M10 50 L60 50" stroke="none" stroke-width="2" marker-end="url(#a)"/>'
    )
    (tip,) = user_points(d, "tip")
    assert np.allclose(sorted(map(tuple, np.round(tip, 6))), [(54, 44), (54, 56), (66, 50)])


def test_auto_orientation_follows_the_path():
    d = load(
        f"<defs>{ARROW}</defs>"
        '<path d="M60 10 L60 60" stroke="none" stroke-width="2" marker-end="url(#a)"/>'
    )
    (tip,) = user_points(d, "tip")
    # pointing down (+y): the arrow's tip 6 units below the end point
    assert np.allclose(sorted(map(tuple, np.round(tip, 6))), [(54, 54), (60, 66), (66, 54)])


@pytest.mark.parametrize(
    ("body", "chromium"),
    [
        # a marker-mid at a right-angle corner, oriented on the bisector
        (
            f"<defs>{ARROW}</defs><path d='M20 20 L60 20 L60 60' stroke='none' "
            "stroke-width='2' marker-mid='url(#a)'/>",
            (40, 24, 128, 120),
        ),
        # auto-start-reverse, user-space units, overflow visible
        (
            "<defs><marker id='b' markerWidth='10' markerHeight='10' orient='auto-start-reverse'"
            " markerUnits='userSpaceOnUse' style='overflow:visible'><rect x='0' y='-2' width='12'"
            " height='4'/></marker></defs><line x1='30' y1='50' x2='70' y2='50' stroke='none' "
            "marker-start='url(#b)'/>",
            (36, 96, 60, 104),
        ),
        # markers on both ends of an arc, through the marker shorthand in CSS
        (
            "<defs><marker id='d' viewBox='0 0 10 10' refX='5' refY='5' markerWidth='5' "
            "markerHeight='5'><circle cx='5' cy='5' r='5'/></marker></defs>"
            "<path d='M20 80 A 30 30 0 0 1 80 80' fill='none' stroke-width='2' "
            "style='marker: url(#d)'/>",
            (30, 150, 170, 170),
        ),
    ],
)
def test_markers_like_chromium(body, chromium):
    d = load(body)
    unit = 25.4 / 96
    x0, y0, x1, y1 = d.bounds()
    got = (x0 / unit, (d.height_mm - y1) / unit, x1 / unit, (d.height_mm - y0) / unit)
    # Chromium's pixel bounds leave out the anti-aliased tips of turned shapes: within 1 px
    assert got == pytest.approx(chromium, abs=1.0)


def test_marker_viewport_clips_unless_overflow_visible():
    body = (
        "<defs><marker id='m' markerWidth='4' markerHeight='4' markerUnits='userSpaceOnUse'>"
        "<rect id='r' x='-4' y='-4' width='12' height='12'/></marker></defs>"
        "<line x1='20' y1='20' x2='40' y2='20' stroke='none' marker-start='url(#m)'/>"
    )
    (rect,) = user_points(load(body), "r")
    assert rect[:, 0].min() == pytest.approx(20) and rect[:, 0].max() == pytest.approx(24)


def test_vertices_of_a_closed_subpath():
    subs = parse_path_data("M0 0 L10 0 L10 10 Z")
    vs = vertices(subs)
    # the start, two corners, and the start again at the end of the closing segment
    assert [(v.x, v.y) for v in vs] == [(0, 0), (10, 0), (10, 10), (0, 0)]
    assert vs[0].angle_in == pytest.approx(-135.0)  # the closing segment comes in
    assert vs[0].angle_out == pytest.approx(0.0)
    assert vs[1].angle() == pytest.approx(45.0)


INKSCAPE_ARROW = (
    "<marker style='overflow:visible' id='Arrow1' refX='0' refY='0' orient='auto-start-reverse'"
    " markerWidth='1' markerHeight='1' viewBox='0 0 1 1'><path id='head' "
    "style='fill:context-stroke;fill-rule:evenodd;stroke:none' d='M 0,-4 8,0 0,4 Z' "
    "transform='scale(0.5)'/></marker>"
)


def test_inkscape_arrow_painted_with_context_stroke():
    # Inkscape 1.2+ arrowheads take the line's stroke (Chromium: bounds 40..155 x 92..108 px)
    d = load(
        f"<defs>{INKSCAPE_ARROW}</defs><path d='M20 50 H70' "
        "style='fill:none;stroke:#000;stroke-width:2;marker-end:url(#Arrow1)'/>"
    )
    (head,) = user_points(d, "head")
    # scale 0.5 x stroke-width 2: the head is 8 units long, from the end point (70, 50)
    assert sorted(map(tuple, np.round(head, 6))) == [(70, 46), (70, 54), (78, 50)]


def test_context_stroke_of_an_unstroked_path_paints_nothing():
    d = load(
        f"<defs>{INKSCAPE_ARROW}</defs><path d='M20 50 H70' "
        "style='fill:none;stroke:none;marker-end:url(#Arrow1)'/><rect id='r' width='2' height='2'/>"
    )
    assert [p.element_id for p in d.paths] == ["r"]


def test_context_fill_through_use():
    d = load(
        "<defs><circle id='c' cx='10' cy='10' r='5' style='fill:context-fill'/></defs>"
        "<use id='u1' href='#c' fill='black' x='20' y='20'/>"
        "<use id='u2' href='#c' fill='none' x='60' y='60'/>"
    )
    assert [p.element_id for p in d.paths] == ["u1>c"]


def test_markers_scaled_by_a_zero_stroke_width_show_nothing():
    # a stroked marker with round caps, scaled to a point, would otherwise leave dots
    d = load(
        "<defs><marker id='z' markerWidth='4' markerHeight='4' overflow='visible'><path d='M0 0 L3 3' "
        "stroke='black' stroke-linecap='round' fill='none'/></marker></defs>"
        "<path d='M10 50 L60 50' fill='none' stroke='none' stroke-width='0' "
        "marker-end='url(#z)'/><rect id='r' width='2' height='2'/>"
    )
    assert [p.element_id for p in d.paths] == ["r"]

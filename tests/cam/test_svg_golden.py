"""Hand-made SVGs with machine coordinates computed by hand (machine y = height - svg y)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.cam.svg.helpers import by_id, golden, load, only, pts


def test_square_in_mm_document_maps_to_machine_ring():
    d = golden("square_mm.svg")
    assert not d.paths[0].points.flags.writeable
    assert (d.width_mm, d.height_mm) == (100.0, 50.0)
    assert d.title == "Square"
    sq = only(d, "sq")
    assert sq.kind == "fill" and sq.closed
    assert pts(sq) == [[5, 45], [15, 45], [15, 35], [5, 35]]
    assert d.bounds() == (5.0, 35.0, 15.0, 45.0)
    assert d.segment_count == 4
    assert [(f.element_id, f.fill_rule, len(f.rings)) for f in d.fills] == [("sq", "nonzero", 1)]


def test_straight_shapes():
    d = golden("shapes.svg")
    assert pts(only(d, "ln")) == [[10, 90], [30, 80]]
    assert not only(d, "ln").closed
    assert pts(only(d, "pl")) == [[10, 70], [20, 70], [20, 60]]
    assert not only(d, "pl").closed
    assert pts(only(d, "pg")) == [[40, 70], [50, 70], [50, 60]]
    assert only(d, "pg").closed
    assert pts(only(d, "rc")) == [[60, 90], [80, 90], [80, 80], [60, 80]]
    assert pts(only(d, "pa")) == [[10, 50], [20, 50], [20, 45], [10, 45]]
    assert only(d, "ln").stroke_width_mm == pytest.approx(0.5)


def _on_ellipse(points, cx, cy, rx, ry):
    return np.allclose(((points[:, 0] - cx) / rx) ** 2 + ((points[:, 1] - cy) / ry) ** 2, 1.0)


def _chord_midpoints(path):
    p = np.vstack([path.points, path.points[:1]]) if path.closed else path.points
    return (p[1:] + p[:-1]) / 2.0


def test_circle_and_ellipses_lie_on_their_curves_within_tolerance():
    d = golden("shapes.svg")
    ci = only(d, "ci")  # centre (30, 100 - 70), r 10
    assert ci.closed
    assert pts(ci)[0] == [40, 30]  # SVG 2: starts at (cx + r, cy)
    r = np.hypot(*(ci.points - [30, 30]).T)
    assert np.allclose(r, 10.0)
    mid_r = np.hypot(*(_chord_midpoints(ci) - [30, 30]).T)
    assert (10.0 - mid_r).max() <= 0.02 + 1e-9
    assert (10.0 - mid_r).max() > 0.005  # adaptive: not wastefully fine either
    # positive-angle (clockwise on screen) direction: next point is below in machine y
    assert ci.points[1, 1] < 30
    assert _on_ellipse(only(d, "el").points, 70, 20, 15, 5)
    assert _on_ellipse(only(d, "elauto").points, 20, 10, 4, 4)  # ry auto = rx


def test_rounded_rect_corners_and_clamped_radii():
    d = golden("shapes.svg")
    rr = only(d, "rr").points  # x 60..80, machine y 60..70, rx = ry = 3
    assert pts(only(d, "rr"))[0] == [63, 70]
    assert rr[:, 0].min() == pytest.approx(60) and rr[:, 0].max() == pytest.approx(80)
    assert rr[:, 1].min() == pytest.approx(60) and rr[:, 1].max() == pytest.approx(70)
    corner = rr[(rr[:, 0] > 77) & (rr[:, 1] > 67)]  # top-right corner arc about (77, 67)
    assert len(corner) >= 3 and np.allclose(np.hypot(*(corner - [77, 67]).T), 3.0)
    clamp = only(d, "rclamp").points  # rx 50 -> clamped to 10 (half the width), ry 2
    assert pts(only(d, "rclamp"))[0] == [70, 50]
    right = clamp[(clamp[:, 0] > 70) & (clamp[:, 1] > 48)]
    assert _on_ellipse(right, 70, 48, 10, 2)


def test_transforms_compose_down_the_tree():
    d = golden("transforms.svg")
    assert pts(only(d, "ts")) == [[12, 78], [16, 78], [16, 76], [12, 76]]
    assert pts(only(d, "rot")) == [[50, 40], [50, 30]]
    assert pts(only(d, "skx")) == [[10, 90], [20, 90]]
    assert pts(only(d, "sky")) == [[10, 90], [10, 80]]
    assert pts(only(d, "mat")) == [[100, 90], [100, 80]]
    assert pts(only(d, "list")) == [[50, 50], [50, 65]]


def test_use_and_symbol():
    d = golden("use_symbol.svg")
    got = {k: pts(v[0]) for k, v in by_id(d).items()}
    assert got == {
        "u1>tick": [[10, 80], [15, 80]],
        "u2>tick": [[10, 70], [15, 70]],
        "u3>rect#1": [[50, 90], [70, 90], [70, 70], [50, 70]],  # viewBox 10 -> 20 units
        "u4>line#1": [[80, 20], [80, 16]],
        "u5>bare": [[10, 40], [10, 30]],
    }


def test_style_sheet_cascade():
    d = golden("stylesheet.svg")
    ids = set(by_id(d))
    # a: class rule; c: compound rect.st1; d: rect.st1 does not match a circle -> default
    # black fill; byid: id rule; e: descendant rule; h: sheet beats presentation attribute
    assert ids == {"a", "c", "d", "byid", "e", "h"}
    assert only(d, "d").kind == "fill"
    assert only(d, "a").stroke_width_mm == pytest.approx(0.5)


def test_hidden_and_unpainted_are_not_cut():
    d = golden("hidden.svg")
    assert list(by_id(d)) == [
        "shown",
        "vvisible",
        "op-half",
        "scurrent",
        "sinherit",
        "fdefault",
        "fgradient",
    ]


@pytest.mark.parametrize(
    ("size", "mm"),
    [
        ('width="40mm" height="20mm"', (40, 20)),
        ('width="4cm" height="2cm"', (40, 20)),
        ('width="2in" height="1in"', (50.8, 25.4)),
        ('width="144pt" height="72pt"', (50.8, 25.4)),
        ('width="12pc" height="6pc"', (50.8, 25.4)),
        ('width="192px" height="96px"', (50.8, 25.4)),
        ('width="192" height="96"', (50.8, 25.4)),
        ('width="160Q" height="80Q"', (40, 20)),
        ('width="100%" height="100%" viewBox="0 0 192 96"', (50.8, 25.4)),
        ('viewBox="0 0 192 96"', (50.8, 25.4)),
        ('width="40mm" viewBox="0 0 20 10"', (40, 20)),  # height from the aspect ratio
    ],
)
def test_document_units(size, mm):
    # a rect filling the whole viewport
    d = load('<rect width="100%" height="100%" fill="black"/>', size=size)
    assert d.width_mm == pytest.approx(mm[0]) and d.height_mm == pytest.approx(mm[1])
    assert d.bounds() == pytest.approx((0, 0, mm[0], mm[1]))


def test_no_viewbox_means_px_user_units():
    d = load(
        '<rect id="r" x="96" y="0" width="96" height="48"/>', size='width="100mm" height="50mm"'
    )
    assert pts(only(d, "r")) == [[25.4, 50], [50.8, 50], [50.8, 37.3], [25.4, 37.3]]


def test_lengths_with_units_inside_the_drawing():
    d = load(
        '<line id="l" x1="1in" y1="0" x2="1in" y2="10mm" stroke="black"/>',
        size='width="50.8mm" height="50.8mm" viewBox="0 0 192 192"',
    )
    assert pts(only(d, "l")) == [[25.4, 50.8], [25.4, 40.8]]


def test_size_from_drawing_extent_with_warning():
    d = load('<rect id="r" x="0" y="0" width="96" height="48"/>', size="")
    assert (d.width_mm, d.height_mm) == pytest.approx((25.4, 12.7))
    assert any("no document size" in w for w in d.warnings)
    assert pts(only(d, "r"))[0] == [0, 12.7]


# 200 x 100 mm document, viewBox 100 x 100, line (0,0)-(100,100).
# meet: scale 1, the 100 mm square slides along x: x offset 0 / 50 / 100 for xMin/xMid/xMax,
#       y fits exactly so YMin/YMid/YMax agree. Line -> (dx, 100)-(dx + 100, 0).
# slice: scale 2, x fits exactly; the 200 mm square slides along y: y offset 0 / -50 / -100
#       for YMin/YMid/YMax. Line -> (0, 100 - dy)-(200, -100 - dy) in machine y.
_MEET_X = {"xMin": 0, "xMid": 50, "xMax": 100}
_SLICE_Y = {"YMin": 0, "YMid": -50, "YMax": -100}
_ASPECTS = [
    (f"{x}{y} meet", (dx, 100), (dx + 100, 0)) for x, dx in _MEET_X.items() for y in _SLICE_Y
] + [
    (f"{x}{y} slice", (0, 100 - dy), (200, -100 - dy))
    for x in _MEET_X
    for y, dy in _SLICE_Y.items()
]


@pytest.mark.parametrize(
    ("aspect", "first", "last"),
    _ASPECTS
    + [
        ("", (50, 100), (150, 0)),  # default xMidYMid meet
        ("xMaxYMax", (100, 100), (200, 0)),  # meet by default
        ("none", (0, 100), (200, 0)),  # stretched: scale 2 in x, 1 in y
        ("defer xMinYMin slice", (0, 100), (200, -100)),
    ],
)
def test_preserve_aspect_ratio_on_root(aspect, first, last):
    size = f'width="200mm" height="100mm" viewBox="0 0 100 100" preserveAspectRatio="{aspect}"'
    d = load('<line id="l" x1="0" y1="0" x2="100" y2="100" stroke="black"/>', size=size)
    assert pts(only(d, "l")) == [list(first), list(last)]


def test_preserve_aspect_ratio_tall_viewport_y_alignment():
    size = 'width="100mm" height="200mm" viewBox="0 0 10 10" preserveAspectRatio="xMidYMax meet"'
    d = load('<line id="l" x1="0" y1="0" x2="10" y2="10" stroke="black"/>', size=size)
    # scale 10, viewBox placed at the bottom: svg y 100..200 -> machine y 100..0
    assert pts(only(d, "l")) == [[0, 100], [100, 0]]


def test_nested_svg_viewport():
    body = (
        '<svg x="10" y="20" width="40" height="20" viewBox="0 0 4 2">'
        '<line id="l" x1="0" y1="0" x2="4" y2="2" stroke="black"/></svg>'
        '<svg x="50" y="50"><line id="m" x1="0" y1="0" x2="5" y2="0" stroke="black"/></svg>'
    )
    d = load(body)
    assert pts(only(d, "l")) == [[10, 80], [50, 60]]
    assert pts(only(d, "m")) == [[50, 50], [55, 50]]


def test_symbol_with_aspect_and_no_size_on_use():
    body = (
        '<symbol id="s" viewBox="0 0 10 20" preserveAspectRatio="xMinYMin meet">'
        '<line x1="0" y1="0" x2="10" y2="20" stroke="black"/></symbol>'
        '<use id="u" href="#s" width="20" height="20"/>'
    )
    d = load(body)  # scale min(2, 1) = 1, aligned left/top
    assert pts(only(d, "u>line#1")) == [[0, 100], [10, 80]]


def test_switch_draws_first_applicable_child_only():
    body = (
        '<switch><g requiredExtensions="http://example.org/x"><line id="ext" x1="0" y1="0" '
        'x2="1" y2="0" stroke="black"/></g><line id="fr" systemLanguage="fr" x1="0" y1="1" '
        'x2="1" y2="1" stroke="black"/><line id="en" systemLanguage="en-GB, fr" x1="0" y1="2" '
        'x2="1" y2="2" stroke="black"/><line id="late" x1="0" y1="3" x2="1" y2="3" '
        'stroke="black"/></switch>'
    )
    assert list(by_id(load(body))) == ["en"]


def test_groups_and_links_are_drawn_editor_data_ignored():
    body = (
        '<a href="https://example.org"><g><line id="l" x1="0" y1="0" x2="1" y2="0" '
        'stroke="black"/></g></a>'
        '<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/'
        'sodipodi-0.dtd"><line x1="5" y1="5" x2="9" y2="9" stroke="black"/></sodipodi:namedview>'
        "<metadata><line x1='5' y1='5' x2='9' y2='9' stroke='black'/></metadata>"
    )
    assert list(by_id(load(body))) == ["l"]


def test_image_foreign_object_skipped_with_warning_mask_warned():
    body = (
        '<image href="x.png" width="10" height="10"/><foreignObject width="5" height="5"/>'
        '<linearGradient id="g"><stop offset="0" stop-color="white"/></linearGradient>'
        '<mask id="m"><rect width="5" height="5" fill="url(#g)"/></mask>'
        '<rect id="r" width="10" height="10" mask="url(#m)"/>'
    )
    d = load(body)
    assert list(by_id(d)) == ["r"]
    text = " ".join(d.warnings)
    assert "<image>" in text and "<foreignObject>" in text
    assert "mask 'm' on 'r' is not applied (a gradient or pattern inside it)" in text


def test_fill_and_stroke_of_the_same_outline_cut_once():
    d = load('<rect id="r" x="10" y="10" width="10" height="10" fill="red" stroke="black"/>')
    assert [p.kind for p in d.paths] == ["fill"]
    d = load(
        '<rect id="r" x="10" y="10" width="10" height="10" fill="none" stroke="black"/>'
        '<rect id="s" x="10" y="10" width="10" height="10" fill="red"/>'
    )
    assert [(p.element_id, p.kind) for p in d.paths] == [("r", "stroke")]
    assert any("1 repeated path(s)" in w for w in d.warnings)


def test_duplicates_reversed_and_rotated_are_dropped():
    body = (
        '<path id="a" d="M10 10 H20 V20 H10 Z" fill="none" stroke="black"/>'
        '<path id="b" d="M20 20 H10 V10 H20 Z" fill="none" stroke="black"/>'  # rotated
        '<path id="c" d="M10 10 V20 H20 V10 Z" fill="none" stroke="black"/>'  # reversed
        '<path id="d" d="M30 30 L40 30" fill="none" stroke="black"/>'
        '<path id="e" d="M40 30 L30 30" fill="none" stroke="black"/>'  # reversed open
        '<path id="f" d="M10 10 H20 V20 H10" fill="none" stroke="black"/>'  # open: different
    )
    assert list(by_id(load(body))) == ["a", "d", "f"]


def test_open_filled_subpath_closes_with_its_closing_segment():
    d = load('<path id="p" d="M10 10 L20 10 L20 20" fill="black" stroke="black"/>')
    # the ring's outline contains the stroke's centre line: cut once, as the ring
    kinds = [(p.kind, p.closed, pts(p)) for p in d.paths]
    assert kinds == [("fill", True, [[10, 90], [20, 90], [20, 80]])]
    d = load('<path id="p" d="M10 10 L20 10 L20 20" fill="black"/>')
    assert [(p.kind, p.closed) for p in d.paths] == [("fill", True)]


def test_each_subpath_is_a_path_and_evenodd_fill_rule_kept():
    body = (
        '<path id="p" fill-rule="evenodd" d="M0 0 H30 V30 H0 Z M10 10 H20 V20 H10 Z '
        'm 20 20 l 5 0"/>'
    )
    d = load(body)
    assert [len(p.points) for p in d.paths] == [4, 4]  # the lone open line has no area
    assert d.fills[0].fill_rule == "evenodd" and len(d.fills[0].rings) == 2
    assert any("zero length or area" in w for w in d.warnings)


def test_degenerate_subpaths_dropped_unless_round_caps():
    body = (
        '<path id="z" d="M10 10 L10 10" stroke="black" fill="none"/>'
        '<path id="dot" d="M20 20 Z" stroke="black" stroke-linecap="round" fill="none"/>'
        '<path id="ok" d="M0 0 L5 0" stroke="black" fill="none"/>'
    )
    d = load(body)
    assert list(by_id(d)) == ["dot", "ok"]
    assert pts(only(d, "dot")) == [[20, 80]]
    assert only(d, "dot").segment_count == 0


def test_relative_commands_and_smooth_curves():
    # S reflects the previous control point; T reflects the previous quadratic control
    d = load(
        '<path id="s" d="m10 50 c0 -10 10 -10 10 0 s10 10 10 0" fill="none" stroke="black"/>'
        '<path id="t" d="M10 20 q5 -10 10 0 t10 0" fill="none" stroke="black"/>',
        tolerance=0.001,
    )
    s = only(d, "s").points
    assert pts(only(d, "s"))[0] == [10, 50] and pts(only(d, "s"))[-1] == [30, 50]
    # second half mirrors the first: point symmetry about (20, 50)
    assert s[:, 1].max() == pytest.approx(57.5, abs=0.002)
    assert s[:, 1].min() == pytest.approx(42.5, abs=0.002)
    t = only(d, "t").points  # first hump up to y 80+5, the reflected one down to 80-5
    assert t[:, 1].max() == pytest.approx(85, abs=0.002)
    assert t[:, 1].min() == pytest.approx(75, abs=0.002)


def test_arc_flags_choose_the_four_arcs():
    # from (40,50) to (60,50) with radius 20: the small and large arcs on either side
    centres = {}
    for large in (0, 1):
        for sweep in (0, 1):
            d = load(
                f'<path id="a" d="M40 50 A20 20 0 {large} {sweep} 60 50" fill="none" stroke="black"/>'
            )
            p = only(d, "a").points
            centres[(large, sweep)] = (round(p[:, 1].min(), 6), round(p[:, 1].max(), 6))
    h = 20 - np.sqrt(400 - 100)  # sagitta of the small arc
    # machine y: svg y 50 -> 50. sweep 1 from left to right goes over the top on screen
    assert centres[(0, 1)] == pytest.approx((50, 50 + h))
    assert centres[(0, 0)] == pytest.approx((50 - h, 50))
    # the large arcs' extremes lie between vertices: within the tolerance, never beyond
    top = 50 + np.sqrt(300) + 20
    assert top - 0.02 <= centres[(1, 1)][1] <= top + 1e-9
    assert centres[(1, 1)][0] == pytest.approx(50)
    bottom = 50 - np.sqrt(300) - 20
    assert bottom - 1e-9 <= centres[(1, 0)][0] <= bottom + 0.02


def test_arc_radii_too_small_are_scaled_up_and_zero_radius_is_a_line():
    d = load(
        '<path id="a" d="M40 50 A1 1 0 0 1 60 50" fill="none" stroke="black"/>'
        '<path id="z" d="M40 60 A0 5 0 0 1 60 60" fill="none" stroke="black"/>'
    )
    a = only(d, "a").points  # scaled to the half circle of radius 10 about (50, 50)
    assert np.allclose(np.hypot(*(a - [50, 50]).T), 10.0)
    assert 60 - 0.02 <= a[:, 1].max() <= 60 + 1e-9
    assert pts(only(d, "z")) == [[40, 40], [60, 40]]


def test_arc_rotation_and_compact_flags():
    d = load(
        '<path id="a" d="M50,50a10,5 90 1,1 0,0.001" fill="none" stroke="black"/>', tolerance=0.001
    )
    p = only(d, "a").points  # near-full ellipse rotated 90 deg: 10 tall, 5 wide about its centre
    assert p[:, 0].max() - p[:, 0].min() == pytest.approx(10, abs=0.01)
    assert p[:, 1].max() - p[:, 1].min() == pytest.approx(20, abs=0.01)
    d2 = load('<path id="b" d="M10 10a5 5 0 1010 0" fill="none" stroke="black"/>')
    assert pts(only(d2, "b"))[-1] == [20, 90]


def test_inkscape_layers():
    d = golden("inkscape_layers.svg")
    assert (d.width_mm, d.height_mm) == (50, 30)
    # layer translate(-10,-5): (20,10) -> (10,5) -> machine (10, 30 - 5)
    assert pts(only(d, "rect101")) == [[10, 25], [20, 25], [20, 20], [10, 20]]
    assert only(d, "rect101").stroke_width_mm == pytest.approx(0.264583)
    dot = only(d, "dot")  # centre (30, 15) -> machine (30, 15), radius 1.5
    assert dot.kind == "fill" and np.allclose(np.hypot(*(dot.points - [30, 15]).T), 1.5)
    assert "guide" not in by_id(d)  # hidden layer
    assert d.title == "inkscape_layers" and d.warnings == ()

"""Placing designs on faces: exact fits on simple shapes, and refusals that say where and how far."""

from __future__ import annotations

import math
import re

import pytest

from cam.errors import DesignError, PlacementError
from cam.pieces import PieceSpec, get_face
from cam.placement import centre_region, check_containment, place
from cam.svg import load_svg
from cam.toolpath import Placement, Tool, ToolKind

BALL = Tool("ball-1.0", ToolKind.BALL, 1.0)
BI = get_face(PieceSpec.parse("bi_disc:outer=58,inner=20,thickness=5"), "front")
PLAQUE = get_face(PieceSpec.parse("plaque:width=30,height=40,thickness=5"), "front")
# the inscribed polygons of round faces sit up to 0.0022 mm inside the true circle (R = 29)
ROUND = 1e-4


def _svg(body: str, size: float = 100.0):
    return load_svg(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}mm" height="{size}mm" '
        f'viewBox="0 0 {size} {size}">{body}</svg>'
    )


SQUARE = _svg('<rect id="sq" x="40" y="40" width="20" height="20" fill="none" stroke="#000"/>')
CIRCLE = _svg('<circle id="c" cx="50" cy="50" r="40" fill="none" stroke="#000"/>')
DISC = _svg('<circle id="blob" cx="50" cy="50" r="40" fill="#000"/>')


def _overflow(exc: pytest.ExceptionInfo) -> float:
    return float(re.search(r"by ([0-9.]+) mm", str(exc.value)).group(1))


# -- fit ------------------------------------------------------------------------------------------


def test_square_fits_a_plaque_at_the_exact_scale_centred():
    p = place(SQUARE, PLAQUE, BALL, margin=0.5)
    assert p.scale == pytest.approx((15 - 0.5 - 0.5) / 10, rel=1e-8)
    # the square's centre (50, 50) lands on the face's centre
    assert (50 * p.scale + p.offset_x, 50 * p.scale + p.offset_y) == pytest.approx((0, 0))


def test_rotation_is_kept_and_fitted():
    p = place(SQUARE, PLAQUE, BALL, rotation_deg=45, margin=0.5)
    assert p.rotation_deg == 45
    assert p.scale == pytest.approx(14 / (10 * math.sqrt(2)), rel=1e-8)


def test_circle_fits_a_bi_disc_round_its_hole():
    p = place(CIRCLE, BI, BALL, margin=0.5)
    assert p.scale == pytest.approx((29 - 1) / 40, rel=ROUND)
    assert (p.offset_x + 50 * p.scale, p.offset_y + 50 * p.scale) == pytest.approx((0, 0), abs=1e-9)


def test_circle_fits_a_ring_on_its_flat_at_the_largest_scale_that_clears_the_edge():
    ring = get_face(PieceSpec.parse("ring:outer=36,inner=24,thickness=5"), "front")
    p = place(CIRCLE, ring, BALL, margin=0.25)
    outer = ring.bounds[2]
    assert p.scale == pytest.approx((outer - 0.75) / 40, rel=ROUND)


def test_small_square_on_the_ring_of_a_bi_disc_at_a_given_centre():
    p = place(SQUARE, BI, BALL, offset=(0.0, 19.5), margin=0.5)
    # the top corners (+-10 s, 19.5 + 10 s) touch the circle of 29 - 1: 200 s^2 + 390 s = 403.75
    s = (-390 + math.sqrt(390**2 + 4 * 200 * 403.75)) / 400
    assert p.scale == pytest.approx(s, rel=ROUND)
    assert (p.offset_x + 50 * p.scale, p.offset_y + 50 * p.scale) == pytest.approx((0, 19.5))


def test_a_design_that_cannot_sit_round_the_hole_goes_on_the_ring():
    # a cross: its centre always on the stroke, so it cannot go round the hole
    cross = _svg('<path id="x" d="M0 10 L20 10 M10 0 L10 20" fill="none" stroke="#000"/>', 20)
    p = place(cross, BI, BALL, margin=0.5)
    check_containment(cross, p, BI, BALL, 0.5)
    assert p.offset_x + 10 * p.scale == pytest.approx(0.0, abs=1e-9)  # upright, on the +Y axis
    # the best is arm a = 8.5 at y = 19.5: the vertical arm spans the ring's clear width,
    # 11 (hole 10 + radius + margin) to 28 (29 - radius - margin)
    assert 10 * p.scale == pytest.approx(8.5, rel=1e-4)
    assert p.offset_y + 10 * p.scale == pytest.approx(19.5, rel=1e-4)


def test_a_circle_into_an_annulus_band_narrower_than_the_tool_is_refused():
    narrow = get_face(PieceSpec.parse("bi_disc:outer=24,inner=21.2,thickness=3"), "front")
    with pytest.raises(PlacementError, match="has no room for the tool"):
        place(CIRCLE, narrow, BALL, margin=0.5)


def test_a_filled_disc_cannot_be_pocketed_round_a_hole_but_its_outline_can_be_engraved():
    place(DISC, BI, BALL, margin=0.5)  # the outline goes round the hole
    p = place(DISC, BI, BALL, margin=0.5, operation="pocket")
    assert (p.offset_y + 50 * p.scale) > 10  # the pocket went on the ring, off the hole
    with pytest.raises(PlacementError, match="inner edge \\(hole\\)"):
        place(DISC, BI, BALL, mode="centre", scale=0.5, margin=0.5, operation="pocket")


def test_fit_of_a_design_too_wide_for_any_position_is_refused():
    tiny_ring = get_face(PieceSpec.parse("bi_disc:outer=30,inner=24,thickness=3"), "front")
    dots = _svg(
        '<circle id="a" cx="10" cy="50" r="0.01" fill="none" stroke="#000"/>'
        '<circle id="b" cx="90" cy="50" r="0.01" fill="none" stroke="#000"/>'
        '<path id="bar" d="M10 50 L90 50" fill="none" stroke="#000"/>'
    )
    # small enough, the bar fits on the ring
    p = place(dots, tiny_ring, BALL, margin=0.25)
    check_containment(dots, p, tiny_ring, BALL, 0.25)
    with pytest.raises(PlacementError, match="cannot fit face 'front' at any scale"):
        place(
            dots,
            tiny_ring,
            Tool("big", ToolKind.BALL, 2.0),
            margin=0.25,
            rotation_deg=90,
            offset=(0.0, 0.0),
        )


# -- refusals with the overflow named ----------------------------------------------------------


def test_tool_radius_at_the_outer_edge():
    # a line 0.3 mm inside the plaque's right edge: the 0.5 mm radius pokes 0.2 mm over it
    line = _svg('<path id="rim" d="M14.7 -10 L14.7 10" fill="none" stroke="#000"/>', 40)
    # machine y = 40 - svg y puts the line at y 30..50: the offset brings it to -10..10
    flip = Placement(1.0, 0.0, 0.0, -40.0)
    with pytest.raises(PlacementError) as exc:
        check_containment(line, flip, PLAQUE, BALL, margin=0.0)
    assert _overflow(exc) == pytest.approx(0.2, abs=0.006)
    assert "outer edge (right)" in str(exc.value) and "element 'rim'" in str(exc.value)
    assert re.search(r"near X14\.7 Y-?\d", str(exc.value))
    with pytest.raises(PlacementError) as exc:
        check_containment(line, flip, PLAQUE, BALL, margin=0.5)
    assert _overflow(exc) == pytest.approx(0.7, abs=0.006)
    check_containment(line, flip, PLAQUE, Tool("fine", ToolKind.BALL, 0.5), margin=0.0)


def test_a_stroke_across_the_hole_is_refused_though_both_its_ends_are_on_stone():
    bar = _svg('<path id="bar" d="M-20 0 L20 0" fill="none" stroke="#000"/>', 40)
    on_centre = Placement(1.0, 0.0, 0.0, -40.0)  # svg y 0 -> machine y 40; back to 0
    with pytest.raises(PlacementError) as exc:
        check_containment(bar, on_centre, BI, BALL, margin=0.5)
    msg = str(exc.value)
    assert "inner edge (hole)" in msg and "element 'bar'" in msg
    # deepest at the centre of the hole: 10 mm hole radius + tool radius + margin
    assert _overflow(exc) == pytest.approx(11.0, abs=0.01)
    assert re.search(r"near X-?0\.0 Y-?0\.0", msg)


def test_the_margin_is_kept_from_the_rim_of_the_hole_too():
    ring = _svg('<circle id="c" cx="0" cy="0" r="11" fill="none" stroke="#000"/>', 40)
    at_centre = Placement(1.0, 0.0, 0.0, -40.0)
    check_containment(ring, at_centre, BI, BALL, margin=0.45)
    with pytest.raises(PlacementError, match="inner edge \\(hole\\)") as exc:
        check_containment(ring, at_centre, BI, BALL, margin=0.6)
    assert _overflow(exc) == pytest.approx(0.1, abs=0.025)  # chords of the flattened circle


def test_profile_out_reaches_two_radii_beyond_the_fill():
    p_engrave = place(DISC, PLAQUE, BALL, margin=0.5, operation="engrave")
    p_out = place(DISC, PLAQUE, BALL, margin=0.5, operation="profile-out")
    p_in = place(DISC, PLAQUE, BALL, margin=0.5, operation="profile-in")
    assert p_engrave.scale == pytest.approx((15 - 1.0) / 40, rel=1e-3)
    assert p_out.scale == pytest.approx((15 - 1.5) / 40, rel=1e-3)
    assert p_in.scale == pytest.approx((15 - 0.5) / 40, rel=1e-3)
    p_v = place(DISC, PLAQUE, BALL, margin=0.5, operation="vcarve")
    assert p_v.scale == pytest.approx(p_in.scale, rel=1e-9)


def test_centre_mode_puts_the_design_centre_on_the_face_centre():
    p = place(SQUARE, PLAQUE, BALL, mode="centre", scale=0.5)
    assert p.scale == 0.5
    assert (p.offset_x, p.offset_y) == pytest.approx((-25.0, -25.0))
    with pytest.raises(PlacementError, match="over the outer edge"):
        place(SQUARE, PLAQUE, BALL, mode="centre", scale=1.5)


def test_explicit_mode_is_taken_as_given_and_checked():
    p = place(SQUARE, PLAQUE, BALL, mode="explicit", scale=0.2, offset=(-10, -10))
    assert p == Placement(0.2, 0.0, -10.0, -10.0)
    with pytest.raises(PlacementError, match="over the outer edge"):
        place(SQUARE, PLAQUE, BALL, mode="explicit", scale=1.0)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"mode": "stretch"}, "unknown placement mode"),
        ({"scale": 2.0}, "fit chooses the scale"),
        ({"mode": "centre", "scale": -1.0}, "scale must be a positive number"),
        ({"margin": -0.1}, "margin must be"),
        ({"offset": (1.0, math.nan)}, "offset must be two finite numbers"),
        ({"rotation_deg": math.inf}, "rotation must be"),
        ({"operation": "drill"}, "unknown operation"),
    ],
)
def test_senseless_arguments_are_refused(kwargs, words):
    with pytest.raises(PlacementError, match=words):
        place(SQUARE, PLAQUE, BALL, **kwargs)


def test_nothing_to_place():
    with pytest.raises(DesignError, match="no filled regions for pocket"):
        place(SQUARE, PLAQUE, BALL, operation="pocket")


def test_centre_region_is_the_face_less_radius_and_margin():
    region = centre_region(PLAQUE, BALL, 0.5)
    assert region.bounds == pytest.approx((-14, -19, 14, 19))
    vbit = Tool("vbit-60", ToolKind.VBIT, 3.175, angle_deg=60)
    assert centre_region(PLAQUE, vbit, 0.5, "vcarve").bounds == pytest.approx(
        (-14.5, -19.5, 14.5, 19.5)
    )

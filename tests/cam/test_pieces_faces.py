"""Piece specs from certificates and the command line, and the faces they offer."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cam.errors import PieceError
from cam.pieces import PieceSpec, face_names, faces, get_face
from cam.pieces.faces import BAND_MAX_SLOPE_DEG, RING_EDGE_SHARE

BI = PieceSpec.parse("bi_disc:outer=58,inner=20,thickness=5")


def test_parse_and_certificate_dimensions_agree():
    cert = PieceSpec.from_dimensions(
        "bi_disc",
        {"outer_diameter_mm": "58.0", "inner_diameter_mm": Decimal("20.0"), "thickness_mm": 5},
    )
    assert cert == BI
    assert (BI.outer, BI.inner, BI.thickness) == (58.0, 20.0, 5.0)


def test_a_certificate_s_extra_or_blank_dimensions_are_ignored_a_typed_one_is_not():
    dims = {"outer_diameter_mm": "58", "inner_diameter_mm": "20", "thickness_mm": "5",
            "width_mm": "58", "length_mm": ""}  # fmt: skip
    assert PieceSpec.from_dimensions("bi_disc", dims) == BI
    with pytest.raises(PieceError, match="has no dimension 'width_mm'"):
        PieceSpec.from_dimensions("bi_disc", dims, strict=True)


def test_bangle_reads_the_seed_certificate_and_section():
    spec = PieceSpec.from_dimensions(
        "bangle",
        {
            "inner_diameter_mm": "56.0",
            "outer_diameter_mm": "78.0",
            "width_mm": "14.0",
            "thickness_mm": "8.0",
        },
    )
    assert spec.section == "oval" and spec.band_width == 14.0
    flat = PieceSpec.parse("bangle:inner=56,width=10,thickness=6,section=flat")
    assert flat.section == "flat"
    assert PieceSpec.parse("bangle:inner=56,thickness=8,section=round").band_width == 8.0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("teapot:outer=5", "unknown piece shape"),
        ("bi_disc:outer=58,thickness=5", "needs its inner"),
        ("bi_disc:outer=20,inner=58,thickness=5", "must be smaller than outer"),
        ("bi_disc:outer=0.058,inner=0.02,thickness=0.005", "are the dimensions in millimetres"),
        ("bi_disc:outer=58,inner=20,thickness=abc", "must be a number"),
        ("bi_disc:outer=58,inner=20,thickness=5,colour=3", "has no dimension 'colour'"),
        ("bi_disc:outer58", "expected key=value"),
        ("buckle:outer=22,thickness=6,dome=6", "dome height 6 mm must be less"),
        ("bangle:inner=56,width=14,thickness=8,section=round", "say section=oval"),
        ("bangle:inner=56,thickness=8,section=square", "unknown section"),
        ("plaque:width=30,height=40,thickness=5,corner=16", "corner radius"),
        ("bi_disc:outer=nan,inner=20,thickness=5", "must be a number"),
    ],
)
def test_absurd_pieces_are_refused_with_the_reason(text, words):
    with pytest.raises(PieceError, match=words):
        PieceSpec.parse(text)


def test_each_shape_offers_its_faces():
    assert face_names(BI) == ["front", "back"]
    assert face_names(PieceSpec.parse("ring:outer=36,inner=24,thickness=5")) == ["front", "back"]
    assert face_names(PieceSpec.parse("buckle:outer=22,inner=6,thickness=6")) == ["dome", "back"]
    assert face_names(PieceSpec.parse("bangle:inner=56,width=14,thickness=8")) == ["outer"]
    assert face_names(PieceSpec.parse("plaque:width=30,height=40,thickness=5")) == [
        "front",
        "back",
    ]
    with pytest.raises(PieceError, match="no face 'dome'; its faces: front, back"):
        get_face(BI, "dome")
    assert get_face(BI).name == "front"


def test_bi_disc_face_is_the_annulus_with_its_hole():
    face = get_face(BI, "front")
    assert face.kind == "flat" and face.has_hole
    assert face.bounds == pytest.approx((-29, -29, 29, 29))
    # polygons inscribed in the circles: within 0.01 % of the true annulus, never larger
    true_area = math.pi * (29**2 - 10**2)
    assert face.boundary.area == pytest.approx(true_area, rel=1e-3)
    assert not face.boundary.contains(_pt(0, 0))  # the hole is not stone
    assert not face.boundary.contains(_pt(0, 9.9))
    assert face.boundary.contains(_pt(0, 10.1))
    assert np.all(face.surface_z([0, 15, -20], [12, 3, 0]) == 0.0)


def test_ring_face_is_the_flat_between_its_rounded_edges():
    spec = PieceSpec.parse("ring:outer=36,inner=24,thickness=5")
    edge = RING_EDGE_SHARE * min(6.0, 5.0)
    ring = get_face(spec, "front").boundary
    assert ring.bounds[2] == pytest.approx(18 - edge)
    assert max(abs(y) for _, y in ring.interiors[0].coords) == pytest.approx(12 + edge)


def test_dome_surface_is_the_spherical_cap_with_z0_at_its_highest_point():
    spec = PieceSpec.parse("buckle:outer=22,thickness=6,dome=2")
    face = get_face(spec, "dome")
    radius = (11**2 + 2**2) / (2 * 2)
    assert face.dome_radius == pytest.approx(radius)
    assert face.surface_z(0, 0) == pytest.approx(0.0)
    assert face.surface_z(11, 0) == pytest.approx(-2.0)  # the rim, dome height below the top
    r = 7.0
    assert face.surface_z(0, r) == pytest.approx(math.sqrt(radius**2 - r**2) - radius)


def test_dome_with_a_hole_is_highest_at_the_rim_of_the_hole():
    face = get_face(PieceSpec.parse("buckle:outer=22,inner=6,thickness=6,dome=3"), "dome")
    z = face.surface_z(np.linspace(0, 11, 200), 0.0)
    assert z.max() == pytest.approx(0.0)
    assert np.all(z[np.linspace(0, 11, 200) <= 3.0] == pytest.approx(0.0))
    assert np.all(np.diff(z[np.linspace(0, 11, 200) > 3.0]) < 0)


def test_band_is_unrolled_round_the_crown_and_limited_to_its_gentle_part():
    spec = PieceSpec.parse("bangle:inner=56,width=14,thickness=8")
    face = get_face(spec, "outer")
    assert face.kind == "band" and face.band is not None
    assert face.band.diameter == 72.0 and face.band.width == 14.0
    xmin, ymin, xmax, ymax = face.bounds
    assert xmax - xmin == pytest.approx(math.pi * 72.0)
    # at the edge of the carvable width the oval section leans exactly the limit angle
    a, b, y = 7.0, 4.0, ymax
    slope = b * y / (a * a * math.sqrt(1 - (y / a) ** 2))
    assert math.degrees(math.atan(slope)) == pytest.approx(BAND_MAX_SLOPE_DEG)
    assert face.surface_z(0, 0) == 0.0
    assert face.surface_z(123.0, y) == pytest.approx(b * math.sqrt(1 - (y / a) ** 2) - b)
    flat = get_face(PieceSpec.parse("bangle:inner=56,width=10,thickness=6,section=flat"))
    assert flat.bounds[3] - flat.bounds[1] == pytest.approx(10.0)
    assert flat.surface_z(5.0, 4.9) == 0.0


def test_plaque_faces_rounded_corners_and_dome():
    spec = PieceSpec.parse("plaque:width=30,height=40,thickness=5,corner=4,dome=1.5")
    front, back = faces(spec).values()
    assert front.kind == "dome" and back.kind == "flat"
    assert front.boundary.area == pytest.approx(30 * 40 - (4 - math.pi) * 16, rel=1e-4)
    assert not front.boundary.contains(_pt(14.9, 19.9))  # the corner is rounded off
    assert front.surface_z(15.0, 20.0) == pytest.approx(-1.5)  # sphere through the corners


@given(
    outer=st.floats(10, 120),
    hole=st.floats(0.1, 0.9),
    x=st.floats(-1, 1),
    y=st.floats(-1, 1),
)
def test_surface_is_never_above_z0(outer, hole, x, y):
    spec = PieceSpec(shape="buckle", outer=outer, inner=max(outer * hole, 0.5), thickness=6.0)
    face = get_face(spec, "dome")
    assert face.surface_z(x * outer / 2, y * outer / 2) <= 1e-12


def _pt(x: float, y: float):
    from shapely.geometry import Point

    return Point(x, y)

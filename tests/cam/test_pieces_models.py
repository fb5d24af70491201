"""Parametric models: closed solids of the certificate's size, their volume the true one's."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.pieces import PieceSpec, get_face
from cam.pieces.faces import RING_EDGE_SHARE
from cam.pieces.models import piece_mesh

# revolved and polygonal models fall short of the true solid by under 0.1 %
REL = 2e-3


def _crossings(mesh, x: float, y: float) -> np.ndarray:
    """Sorted Z where the vertical line through (x, y) crosses the mesh's surface."""
    x, y = x + 1.234e-7, y + 2.345e-7  # off any vertex or edge of the tiling
    tri = mesh.triangles
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    d = (b[:, 1] - c[:, 1]) * (a[:, 0] - c[:, 0]) + (c[:, 0] - b[:, 0]) * (a[:, 1] - c[:, 1])
    ok = np.abs(d) > 1e-15
    d = np.where(ok, d, 1.0)
    u = ((b[:, 1] - c[:, 1]) * (x - c[:, 0]) + (c[:, 0] - b[:, 0]) * (y - c[:, 1])) / d
    v = ((c[:, 1] - a[:, 1]) * (x - c[:, 0]) + (a[:, 0] - c[:, 0]) * (y - c[:, 1])) / d
    w = 1 - u - v
    hit = ok & (u >= 0) & (v >= 0) & (w >= 0)
    return np.sort((u * a[:, 2] + v * b[:, 2] + w * c[:, 2])[hit])


def _inside(mesh, points) -> np.ndarray:
    """Whether each point is inside the mesh: an odd number of crossings above it."""
    return np.array([(_crossings(mesh, x, y) > z).sum() % 2 == 1 for x, y, z in points])


def _solid(text: str):
    mesh = piece_mesh(PieceSpec.parse(text))
    assert mesh.is_watertight and mesh.is_winding_consistent and mesh.volume > 0
    return mesh


def test_bi_disc_is_an_annulus_slab():
    mesh = _solid("bi_disc:outer=58,inner=20,thickness=5")
    assert mesh.volume == pytest.approx(math.pi * (29**2 - 10**2) * 5, rel=REL)
    assert mesh.bounds == pytest.approx(np.array([[-29, -29, 0], [29, 29, 5]]), abs=1e-9)
    # the hole goes through: nothing of the stone near the axis
    assert not _inside(mesh, [[0.0, 0.0, 2.5], [0.0, 9.5, 2.5]]).any()
    assert _inside(mesh, [[0.0, 15.0, 2.5]]).all()


def test_ring_has_a_rounded_section():
    mesh = _solid("ring:outer=36,inner=24,thickness=5")
    w, t = 6.0, 5.0
    e = RING_EDGE_SHARE * min(w, t)
    section = w * t - (4 - math.pi) * e * e
    assert mesh.volume == pytest.approx(2 * math.pi * 15.0 * section, rel=REL)  # Pappus
    assert not _inside(mesh, [[18 - 0.1, 0.0, 0.1]]).any()  # the outer edge is eased


def test_buckle_volume_is_rim_cylinder_plus_spherical_cap():
    mesh = _solid("buckle:outer=22,thickness=6,dome=2")
    big_r = (11**2 + 2**2) / 4
    cap = math.pi * 2**2 * (3 * big_r - 2) / 3
    assert mesh.volume == pytest.approx(math.pi * 11**2 * 4 + cap, rel=REL)
    assert mesh.bounds[1][2] == pytest.approx(6.0)


def test_buckle_top_matches_its_dome_face():
    spec = PieceSpec.parse("buckle:outer=22,inner=6,thickness=6")
    mesh = piece_mesh(spec)
    face = get_face(spec, "dome")
    top = mesh.bounds[1][2]
    for r in (4.0, 7.0, 10.0):
        z = top + float(face.surface_z(r, 0.0))
        assert _inside(mesh, [[r, 0.0, z - 0.05]]).all()
        assert not _inside(mesh, [[r, 0.0, z + 0.05]]).any()


@pytest.mark.parametrize(
    ("text", "section_area"),
    [
        ("bangle:inner=56,width=14,thickness=8", math.pi * 4 * 7),
        ("bangle:inner=56,thickness=8,section=round", math.pi * 4 * 4),
        ("bangle:inner=56,width=10,thickness=6,section=flat", 6 * 10),
    ],
)
def test_bangle_is_its_section_round_the_wrist(text, section_area):
    spec = PieceSpec.parse(text)
    mesh = _solid(text)
    centre_r = spec.inner / 2 + spec.thickness / 2
    assert mesh.volume == pytest.approx(2 * math.pi * centre_r * section_area, rel=REL)
    d = spec.inner + 2 * spec.thickness
    assert mesh.bounds == pytest.approx(
        np.array([[-d / 2, -d / 2, 0], [d / 2, d / 2, spec.band_width]]), abs=1e-6
    )
    assert not _inside(mesh, [[0.0, 0.0, spec.band_width / 2]]).any()  # room for the wrist


def test_flat_plaque_is_a_rounded_slab():
    mesh = _solid("plaque:width=30,height=40,thickness=5,corner=4")
    area = 30 * 40 - (4 - math.pi) * 16
    assert mesh.volume == pytest.approx(area * 5, rel=REL)
    assert mesh.bounds == pytest.approx(np.array([[-15, -20, 0], [15, 20, 5]]), abs=1e-9)


def test_domed_plaque_follows_its_face():
    spec = PieceSpec.parse("pendant:width=30,height=40,thickness=6,dome=2")
    mesh = _solid("pendant:width=30,height=40,thickness=6,dome=2")
    face = get_face(spec, "front")
    assert mesh.bounds[1][2] == pytest.approx(6.0)
    for x, y in ((0.0, 0.0), (8.0, 5.0), (-12.0, 15.0)):
        z = 6.0 + float(face.surface_z(x, y))
        assert _inside(mesh, [[x, y, z - 0.05]]).all()
        assert not _inside(mesh, [[x, y, z + 0.05]]).any()
    flat = 30 * 40 * 6
    assert flat * (1 - 2 / 6) < mesh.volume < flat


@settings(max_examples=15, deadline=None)
@given(
    outer=st.floats(12, 120),
    hole=st.floats(0.05, 0.8),
    thickness=st.floats(1, 15),
)
def test_any_bi_disc_model_is_a_closed_solid_of_its_size(outer, hole, thickness):
    spec = PieceSpec(
        shape="bi_disc", outer=outer, inner=max(outer * hole, 0.5), thickness=thickness
    )
    mesh = piece_mesh(spec, sections=48)
    assert mesh.is_watertight and mesh.volume > 0
    assert mesh.extents == pytest.approx([outer, outer, thickness], rel=1e-9)
    ratio = 48 / (2 * math.pi) * math.sin(2 * math.pi / 48)  # inscribed polygon
    true = math.pi * ((outer / 2) ** 2 - (spec.inner / 2) ** 2) * thickness
    assert mesh.volume == pytest.approx(true * ratio, rel=1e-9)

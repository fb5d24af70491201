"""Imported meshes: closed solids in mm are laid on their back; anything else is refused."""

from __future__ import annotations

import math

import numpy as np
import pytest
import trimesh
from shapely.geometry import Point

from cam.errors import PieceError
from cam.pieces import PieceSpec, get_face
from cam.pieces.mesh_import import FILE_TYPES, load_piece_mesh, mesh_faces
from cam.pieces.models import piece_mesh
from cam.placement import place
from cam.svg import load_svg
from cam.toolpath import Tool, ToolKind


def _tumbled(mesh: trimesh.Trimesh, seed: int = 7) -> trimesh.Trimesh:
    out = mesh.copy()
    rng = np.random.default_rng(seed)
    out.apply_transform(trimesh.transformations.random_rotation_matrix(rng.random(3)))
    out.apply_translation(rng.uniform(-50, 50, 3))
    return out


def _bytes(mesh: trimesh.Trimesh, kind: str) -> bytes:
    data = mesh.export(file_type=kind)
    return data.encode() if isinstance(data, str) else data


@pytest.mark.parametrize("kind", FILE_TYPES)
def test_a_tumbled_plate_is_laid_flat_longest_along_x(kind):
    plate = trimesh.creation.box([12.0, 40.0, 3.0])
    mesh = load_piece_mesh(_bytes(_tumbled(plate), kind), kind)
    assert mesh.is_watertight and mesh.volume == pytest.approx(12 * 40 * 3, rel=1e-6)
    assert mesh.extents == pytest.approx([40.0, 12.0, 3.0], abs=1e-4)
    lo, hi = mesh.bounds
    assert lo[2] == pytest.approx(0.0, abs=1e-9)
    assert (lo[:2] + hi[:2]) == pytest.approx([0.0, 0.0], abs=1e-6)


def test_a_file_on_disk_is_read_by_its_suffix(tmp_path):
    path = tmp_path / "NGTC-2026-070002.stl"
    path.write_bytes(
        _bytes(piece_mesh(PieceSpec.parse("bi_disc:outer=50,inner=12,thickness=5")), "stl")
    )
    mesh = load_piece_mesh(path)
    assert mesh.extents == pytest.approx([50.0, 50.0, 5.0], abs=0.05)  # 128-gon turned anyhow


def test_a_domed_buckle_upside_down_comes_back_on_its_flat_back():
    buckle = piece_mesh(PieceSpec.parse("buckle:outer=22,thickness=6,dome=2"))
    flipped = buckle.copy()
    flipped.apply_transform(trimesh.transformations.rotation_matrix(math.pi, [1, 0, 0]))
    mesh = load_piece_mesh(_bytes(_tumbled(flipped, seed=3), "ply"), "ply")
    # the flat back (a disc of radius 11) lies on Z = 0; the apex is at the top
    bottom = mesh.area_faces[(mesh.triangles[:, :, 2] < 1e-3).all(axis=1)].sum()
    assert bottom == pytest.approx(math.pi * 11**2, rel=0.01)
    assert mesh.extents[2] == pytest.approx(6.0, abs=1e-4)


def test_metres_are_refused_naming_the_likely_unit():
    disc = piece_mesh(PieceSpec.parse("bi_disc:outer=58,inner=20,thickness=5"))
    disc.apply_scale(0.001)
    with pytest.raises(PieceError, match=r"metres \(x1000 gives 58\.0 mm\).*millimetres"):
        load_piece_mesh(_bytes(disc, "stl"), "stl")


def test_inches_are_refused_naming_the_likely_unit():
    disc = piece_mesh(PieceSpec.parse("bi_disc:outer=58,inner=20,thickness=5"))
    disc.apply_scale(1 / 25.4)
    with pytest.raises(PieceError, match=r"inches \(x25\.4 gives 58\.0 mm\)"):
        load_piece_mesh(_bytes(disc, "obj"), "obj")


def test_micrometres_are_refused():
    plate = trimesh.creation.box([12000.0, 40000.0, 3000.0])
    with pytest.raises(PieceError, match=r"too large.*micrometres \(x0\.001 gives 40\.0 mm\)"):
        load_piece_mesh(_bytes(plate, "stl"), "stl")


def test_an_open_mesh_is_refused_with_its_open_edges():
    plate = trimesh.creation.box([12.0, 40.0, 3.0])
    plate.update_faces(np.arange(1, len(plate.faces)))  # one triangle missing: 3 open edges
    with pytest.raises(PieceError, match=r"not watertight \(3 open edges\)"):
        load_piece_mesh(_bytes(plate, "stl"), "stl")


@pytest.mark.parametrize(
    ("data", "kind", "words"),
    [
        (b"solid x\nendsolid x\n", "stl", "no triangles"),
        (b"\x00" * 10, "step", "unsupported mesh type 'step'"),
        (b"abc", None, "file type .* is needed"),
    ],
)
def test_unreadable_input_is_refused(data, kind, words):
    with pytest.raises(PieceError, match=words):
        load_piece_mesh(data, kind)


def test_faces_of_an_imported_bi_disc_are_its_annulus():
    spec = PieceSpec.parse("bi_disc:outer=58,inner=20,thickness=5")
    mesh = load_piece_mesh(_bytes(_tumbled(piece_mesh(spec)), "stl"), "stl")
    faces = mesh_faces(mesh)
    assert list(faces) == ["front", "back"]
    for face in faces.values():
        assert face.kind == "flat" and face.has_hole
        assert face.boundary.area == pytest.approx(get_face(spec).boundary.area, rel=1e-3)
        assert not face.boundary.contains(Point(0.0, 0.0))
    assert faces["front"].surface_z(12.0, 3.0) == 0.0


def test_an_imported_buckle_s_dome_is_its_measured_surface():
    spec = PieceSpec.parse("buckle:outer=22,inner=6,thickness=6")
    mesh = load_piece_mesh(_bytes(piece_mesh(spec), "ply"), "ply")
    front, back = mesh_faces(mesh).values()
    assert front.kind == "dome" and back.kind == "flat"
    r = np.linspace(3.5, 10.5, 15)
    theta = np.linspace(0, 2 * np.pi, 15)
    x, y = r * np.cos(theta), r * np.sin(theta)
    # the revolved model's chords stray ~0.003 mm from the true sphere
    assert front.surface_z(x, y) == pytest.approx(get_face(spec, "dome").surface_z(x, y), abs=0.01)
    assert np.all(front.surface_z(x, y) <= 0.0)


def test_a_design_is_placed_on_an_imported_face():
    spec = PieceSpec.parse("bi_disc:outer=58,inner=20,thickness=5")
    face = mesh_faces(load_piece_mesh(_bytes(piece_mesh(spec), "stl"), "stl"))["front"]
    circle = load_svg(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="100mm" '
        'viewBox="0 0 100 100"><circle id="c" cx="50" cy="50" r="40" fill="none" '
        'stroke="#000"/></svg>'
    )
    ball = Tool("ball-1.0", ToolKind.BALL, 1.0)
    assert place(circle, face, ball, margin=0.5).scale == pytest.approx(28 / 40, rel=1e-3)

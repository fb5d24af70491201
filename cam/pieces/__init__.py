"""Pieces of jade in 3D: parametric models from a certificate's dimensions, imported meshes,
and the named faces a design can be carved on (see docs/pieces-and-placement.md).

    spec = PieceSpec.parse("bi_disc:outer=58,inner=20,thickness=5")
    face = get_face(spec, "front")     # Face: boundary polygon, surface_z(x, y), band data
    mesh = piece_mesh(spec)            # trimesh.Trimesh, mm, lying on its back at Z = 0
"""

from __future__ import annotations

from cam.pieces.faces import FACE_KINDS, Band, Face, face_names, faces, get_face
from cam.pieces.spec import SECTIONS, SHAPES, PieceSpec

__all__ = [
    "FACE_KINDS",
    "SECTIONS",
    "SHAPES",
    "Band",
    "Face",
    "PieceSpec",
    "face_names",
    "faces",
    "get_face",
]

"""A piece's own 3D model (STL, OBJ, PLY, GLB), checked and laid on its back in mm.

    mesh = load_piece_mesh(Path("NGTC-2026-070002.stl"))

Refused with a `PieceError` that says why: a file trimesh cannot read, a mesh that is not a
closed solid (a scan with holes cannot say where the stone is), or a size that points to a
unit other than millimetres. A good mesh is oriented the way the parametric models are: its
thinnest direction along Z, its longest along X, centred on the Z axis, its back on Z = 0.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

import numpy as np
import trimesh

from cam.errors import PieceError

__all__ = ["FILE_TYPES", "MAX_PIECE_MM", "MIN_PIECE_MM", "load_piece_mesh", "orient_piece"]

FILE_TYPES = ("stl", "obj", "ply", "glb")
# A carved jade piece spans 5..300 mm. Smaller than MIN_PIECE_MM is a file in metres (or
# inches); larger than MAX_PIECE_MM one in tenths or microns; both are refused, not guessed.
MIN_PIECE_MM = 3.0
MAX_PIECE_MM = 400.0
# refuse files that would take long to read before anything is checked
MAX_FILE_BYTES = 64 * 1024 * 1024
# a triangle within this of the bounding box's top or bottom plane lies on it
FLAT_EPS = 0.05


def load_piece_mesh(
    source: str | os.PathLike[str] | bytes, file_type: str | None = None
) -> trimesh.Trimesh:
    """Read, check and orient a piece's mesh. `file_type` is needed for bytes (e.g. "stl")."""
    mesh = _read(source, file_type)
    check_piece_mesh(mesh)
    return orient_piece(mesh)


def check_piece_mesh(mesh: trimesh.Trimesh) -> None:
    """Raise PieceError unless the mesh is a closed solid of a plausible size in mm."""
    if len(mesh.faces) == 0:
        raise PieceError("the mesh has no triangles")
    if not mesh.is_watertight:
        open_edges = _open_edges(mesh)
        raise PieceError(
            f"the mesh is not watertight ({open_edges} open edges): a closed solid is needed "
            "to know where the stone is; close the holes in the scan and export again"
        )
    if not mesh.is_winding_consistent:
        raise PieceError("the mesh's triangles are not wound consistently: its inside is unknown")
    largest = float(np.max(mesh.extents))
    if largest < MIN_PIECE_MM:
        raise PieceError(_unit_hint(largest, "small"))
    if largest > MAX_PIECE_MM:
        raise PieceError(_unit_hint(largest, "large"))


def orient_piece(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    """A copy lying on its back: thinnest extent along Z, longest along X, centred in X and Y,
    lowest point at Z = 0, the flatter side down (a domed buckle rests on its flat back).
    Normals point outwards."""
    out = mesh.copy()
    if out.volume < 0:
        out.invert()
    to_origin, _ = trimesh.bounds.oriented_bounds(out, ordered=True)  # extents ascending
    out.apply_transform(to_origin)
    # ascending extents put the thinnest along X: turn 90 degrees about Y (a rotation, not a
    # mirror) so the thinnest is Z and the longest X
    out.apply_transform(trimesh.transformations.rotation_matrix(math.pi / 2.0, [0.0, 1.0, 0.0]))
    if _flat_area(out, top=True) > _flat_area(out, top=False):  # the flatter side is the back
        out.apply_transform(trimesh.transformations.rotation_matrix(math.pi, [0.0, 1.0, 0.0]))
    lo, hi = out.bounds
    out.apply_translation([-(lo[0] + hi[0]) / 2.0, -(lo[1] + hi[1]) / 2.0, -lo[2]])
    return out


def _read(source: str | os.PathLike[str] | bytes, file_type: str | None) -> trimesh.Trimesh:
    if isinstance(source, bytes):
        if file_type is None:
            raise PieceError("the file type (stl, obj, ply, glb) is needed to read mesh bytes")
        data, kind = source, file_type.lower().lstrip(".")
    else:
        path = Path(source)
        kind = (file_type or path.suffix).lower().lstrip(".")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PieceError(f"{path.name} is over {MAX_FILE_BYTES // 2**20} MB: too large")
        data = path.read_bytes()
    if kind not in FILE_TYPES:
        raise PieceError(f"unsupported mesh type {kind!r}; valid: {', '.join(FILE_TYPES)}")
    if len(data) > MAX_FILE_BYTES:
        raise PieceError(f"the mesh is over {MAX_FILE_BYTES // 2**20} MB: too large")
    try:
        loaded = trimesh.load(io.BytesIO(data), file_type=kind, force="mesh", process=True)
    except Exception as exc:  # noqa: BLE001 - readers raise anything; the reason is the file's
        raise PieceError(f"cannot read the {kind} mesh: {exc}") from None
    if not isinstance(loaded, trimesh.Trimesh):
        raise PieceError(f"the {kind} file holds no triangle mesh")
    return loaded


def _flat_area(mesh: trimesh.Trimesh, *, top: bool) -> float:
    """Area of the triangles lying flat on the top (or bottom) plane of the bounding box."""
    z = mesh.triangles[:, :, 2]
    nz = mesh.face_normals[:, 2]
    if top:
        on = (z > mesh.bounds[1][2] - FLAT_EPS).all(axis=1) & (nz > 0.99)
    else:
        on = (z < mesh.bounds[0][2] + FLAT_EPS).all(axis=1) & (nz < -0.99)
    return float(mesh.area_faces[on].sum())


def _open_edges(mesh: trimesh.Trimesh) -> int:
    counts = np.bincount(mesh.edges_unique_inverse, minlength=len(mesh.edges_unique))
    return int(np.count_nonzero(counts != 2))


def _unit_hint(largest: float, which: str) -> str:
    if which == "small":
        guesses = [(1000.0, "metres"), (25.4, "inches"), (10.0, "centimetres")]
        verdict = "too small for a piece of jade"
    else:
        guesses = [(0.1, "tenths of a millimetre"), (0.001, "micrometres")]
        verdict = "too large for a piece of jade"
    likely = [
        f"{unit} (x{factor:g} gives {largest * factor:.1f} mm)"
        for factor, unit in guesses
        if MIN_PIECE_MM <= largest * factor <= MAX_PIECE_MM
    ]
    hint = f"; it looks like {' or '.join(likely)}" if likely else ""
    return (
        f"the mesh's largest extent is {largest:g} units, {verdict} if they are millimetres"
        f"{hint}: export it in millimetres"
    )

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
import shapely
import trimesh
from numpy.typing import NDArray
from scipy.interpolate import LinearNDInterpolator
from shapely.geometry import Polygon

from cam.errors import PieceError
from cam.pieces.faces import Face

__all__ = [
    "FILE_TYPES",
    "MAX_PIECE_MM",
    "MIN_PIECE_MM",
    "check_piece_mesh",
    "load_piece_mesh",
    "mesh_faces",
    "orient_piece",
]

FILE_TYPES = ("stl", "obj", "ply", "glb")
# A carved jade piece spans 5..300 mm. Smaller than MIN_PIECE_MM is a file in metres (or
# inches); larger than MAX_PIECE_MM one in tenths or microns; both are refused, not guessed.
MIN_PIECE_MM = 3.0
MAX_PIECE_MM = 400.0
# refuse files that would take long to read before anything is checked
MAX_FILE_BYTES = 64 * 1024 * 1024
# a triangle within this of the bounding box's top or bottom plane lies on it; a face whose
# surface stays within it of its top is flat
FLAT_EPS = 0.05
# a triangle faces the tool when its normal is within ~87 degrees of it: steeper is a wall,
# whose shadow adds nothing and whose foot is no part of the surface
FACING = 0.05
# the triangles' shadows are welded across gaps this small (float noise between neighbours)
OUTLINE_EPS = 1e-6


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


def mesh_faces(mesh: trimesh.Trimesh) -> dict[str, Face]:
    """The front (seen from above) and back (seen from below) of an oriented piece's mesh.

    Each face's boundary is the piece's outline as the tool sees it (holes included); its
    surface is the mesh's, interpolated between the vertices of the triangles facing the tool.
    A face whose surface stays within FLAT_EPS of its top is flat.
    """
    back = mesh.copy()  # turned over about Y: x -> -x, z -> -z, as a back face is seen
    back.apply_transform(trimesh.transformations.rotation_matrix(math.pi, [0.0, 1.0, 0.0]))
    return {"front": _mesh_face(mesh, "front"), "back": _mesh_face(back, "back")}


def _mesh_face(mesh: trimesh.Trimesh, name: str) -> Face:
    up = mesh.face_normals[:, 2] > FACING
    tris = mesh.triangles[up]
    if len(tris) == 0:
        raise PieceError(f"the mesh has no surface facing the tool on its {name}")
    outline = _outline(tris[:, :, :2])
    pts = np.unique(tris.reshape(-1, 3), axis=0)
    top = float(pts[:, 2].max())
    if float(pts[:, 2].min()) > top - FLAT_EPS:
        return Face(name, "flat", outline)
    surface = LinearNDInterpolator(pts[:, :2], pts[:, 2] - top)
    lowest = float(pts[:, 2].min()) - top

    def heights(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        z = np.asarray(surface(x, y), dtype=np.float64)
        return np.where(np.isnan(z), lowest, np.minimum(z, 0.0))  # off the stone: its lowest

    return Face(name, "dome", outline, heights=heights)


def _outline(tris: np.ndarray) -> Polygon:
    """The union of the triangles' shadows: the outline, holes included."""
    shadows = shapely.polygons(np.concatenate([tris, tris[:, :1]], axis=1))
    area = shapely.area(shadows) > 1e-12
    union = shapely.union_all(shadows[area]).buffer(OUTLINE_EPS).buffer(-OUTLINE_EPS)
    parts = sorted(getattr(union, "geoms", [union]), key=lambda g: g.area, reverse=True)
    if not parts or parts[0].is_empty:
        raise PieceError("the mesh casts no outline seen from the tool")
    return Polygon(parts[0].exterior, list(parts[0].interiors))

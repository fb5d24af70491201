"""Parametric 3D models of the pieces, from the certificate's dimensions (trimesh, mm).

Every model lies the way it is held under the tool: the back (or a bangle's side) on Z = 0,
the carved face up, the centre on the Z axis. Round pieces are a section revolved round Z;
plaques are built ring by ring from the outline so a dome follows the face's `surface_z`.

    mesh = piece_mesh(PieceSpec.parse("bi_disc:outer=58,inner=20,thickness=5"))
"""

from __future__ import annotations

import math

import numpy as np
import shapely
import trimesh

from cam.pieces.faces import RING_EDGE_SHARE, get_face
from cam.pieces.spec import PieceSpec

__all__ = ["SECTIONS_ROUND", "piece_mesh"]

# Segments round the axis of a revolved piece: the volume falls short of the true solid by
# about (2 pi / n)^2 / 6, 0.04 % at 128, well below a certificate's 0.1 mm rounding.
SECTIONS_ROUND = 128
# points on each quarter of a rounded or elliptic section
ARC_POINTS = 32
# concentric rings that carry a plaque's dome from its rim to its centre
DOME_RINGS = 24
# longest step along a plaque's outline, mm: a dome between such points strays < 0.01 mm
OUTLINE_STEP = 1.0


def piece_mesh(spec: PieceSpec, sections: int = SECTIONS_ROUND) -> trimesh.Trimesh:
    """A watertight mesh of the piece, mm, back on Z = 0."""
    s = spec
    if s.shape in ("pendant", "plaque"):
        return _plaque(s)
    if s.shape == "bi_disc":
        ri, ro = s.inner / 2.0, s.outer / 2.0
        section = np.array([[ri, 0.0], [ro, 0.0], [ro, s.thickness], [ri, s.thickness]])
    elif s.shape == "ring":
        section = _ring_section(s)
    elif s.shape == "buckle":
        section = _buckle_section(s)
    else:
        section = _bangle_section(s)
    return _revolve(section, sections)


def _revolve(section: np.ndarray, sections: int) -> trimesh.Trimesh:
    """Revolve a closed (r, z) section round Z; points on the axis close the solid there."""
    closed = section if section[0, 0] == 0.0 else np.vstack([section, section[:1]])
    mesh = trimesh.creation.revolve(closed, sections=sections)
    if mesh.volume < 0:  # the section was drawn clockwise in (r, z)
        mesh.invert()
    return mesh


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float) -> np.ndarray:
    """Points of an elliptic arc from a0 to a1 degrees, ARC_POINTS segments per quarter."""
    n = max(1, round(ARC_POINTS * abs(a1 - a0) / 90.0))
    t = np.linspace(math.radians(a0), math.radians(a1), n + 1)
    return np.column_stack([cx + rx * np.cos(t), cy + ry * np.sin(t)])


def _ring_section(s: PieceSpec) -> np.ndarray:
    """A rectangle (radial width x thickness) with rounded edges: the flat between is the face."""
    ri, ro, t = s.inner / 2.0, s.outer / 2.0, s.thickness
    e = RING_EDGE_SHARE * min(ro - ri, t)
    return np.vstack(
        [
            _arc(ri + e, e, e, e, 180, 270),
            _arc(ro - e, e, e, e, 270, 360),
            _arc(ro - e, t - e, e, e, 0, 90),
            _arc(ri + e, t - e, e, e, 90, 180),
        ]
    )


def _buckle_section(s: PieceSpec) -> np.ndarray:
    """Flat back, a short straight rim, then the spherical dome up to the hole (or the axis)."""
    face = get_face(s, "dome")
    ri, ro, t = s.inner / 2.0, s.outer / 2.0, s.thickness
    rim = t - (s.dome or t / 2.0)
    r = np.linspace(ro, ri, 4 * ARC_POINTS + 1)
    top_z = face.surface_z(r, 0.0) - face.surface_z(ro, 0.0) + rim
    dome = np.column_stack([r, top_z])
    return np.vstack([[[ri, 0.0], [ro, 0.0]], dome])


def _bangle_section(s: PieceSpec) -> np.ndarray:
    """The band's section, its inside on the wrist opening, lying on its side (axis = Z)."""
    ri, t, w = s.inner / 2.0, s.thickness, s.band_width
    if s.section == "flat":
        return np.array([[ri, 0.0], [ri + t, 0.0], [ri + t, w], [ri, w]])
    return _arc(ri + t / 2.0, w / 2.0, t / 2.0, w / 2.0, -90, 270)[:-1]


def _plaque(s: PieceSpec) -> trimesh.Trimesh:
    """A plate on its back: its outline extruded, the top raised by the front face's dome.

    The outline is convex (a rounded rectangle), so the top is tiled by rings scaled towards
    the centre; the bottom is a fan. Vertices: bottom centre, outline at Z = 0, top centre,
    then the top rings from the rim inwards.
    """
    face = get_face(s, "front")
    outline = np.asarray(shapely.segmentize(face.boundary.exterior, OUTLINE_STEP).coords)[:-1]
    if _signed_area(outline) < 0:
        outline = outline[::-1]
    n = len(outline)

    def top(xy: np.ndarray) -> np.ndarray:
        # Z0 of the face is the top of the plate: the dome falls from there towards the rim
        z = s.thickness + face.surface_z(xy[:, 0], xy[:, 1])
        return np.column_stack([xy, np.broadcast_to(z, len(xy))])

    scales = np.linspace(1.0, 0.0, DOME_RINGS + 1)[:-1]
    rings = [top(outline * k) for k in scales]
    parts: list[np.ndarray] = [
        np.zeros((1, 3)),  # bottom centre
        np.column_stack([outline, np.zeros(n)]),
        top(np.zeros((1, 2))),
    ]
    verts = np.vstack(parts + rings)
    bottom_c, bottom0, top_c = 0, 1, n + 1
    ring0 = n + 2
    i = np.arange(n)
    j = (i + 1) % n
    tris = [np.column_stack([np.full(n, bottom_c), bottom0 + j, bottom0 + i])]
    tris.append(np.column_stack([bottom0 + i, bottom0 + j, ring0 + j]))  # the side wall
    tris.append(np.column_stack([bottom0 + i, ring0 + j, ring0 + i]))
    for k in range(DOME_RINGS - 1):
        a, b = ring0 + k * n, ring0 + (k + 1) * n
        tris.append(np.column_stack([a + i, a + j, b + j]))
        tris.append(np.column_stack([a + i, b + j, b + i]))
    last = ring0 + (DOME_RINGS - 1) * n
    tris.append(np.column_stack([np.full(n, top_c), last + i, last + j]))
    mesh = trimesh.Trimesh(vertices=verts, faces=np.vstack(tris), process=True)
    if mesh.volume < 0:
        mesh.invert()
    return mesh


def _signed_area(pts: np.ndarray) -> float:
    x, y = pts[:, 0], pts[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))

"""A picture of the piece with the placed design on its face, for the operator's set-up sheet.

    png = render_piece_png(spec, "front", [placed_polyline, ...])   # bytes of a PNG
    glb = piece_glb(spec)                                            # the mesh as binary glTF

An orthographic view from above and in front, flat-shaded, drawn by a small z-buffer
rasterizer in numpy (no imaging library, no GPU: a worker on any host can draw it). The
design's polylines are given in the face's coordinates (cam.pieces.faces: X0 Y0 at the face's
centre, Z0 at its top) and laid on the stone; where the stone hides them they are hidden.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import trimesh
from numpy.typing import NDArray

from cam.pieces.faces import Face, get_face
from cam.pieces.models import piece_mesh
from cam.pieces.spec import PieceSpec
from cam.simulate.render import write_png

__all__ = ["View", "face_points_3d", "piece_glb", "render_piece", "render_piece_png"]

# colours, RGB 0..1: nephrite green lit, the background, a carved line, a line off the stone
JADE = np.array([0.42, 0.66, 0.50])
BACKGROUND = np.array([0.96, 0.96, 0.94])
LINE_OK = np.array([0.45, 0.12, 0.10])
LINE_REFUSED = np.array([0.90, 0.05, 0.05])
AMBIENT = 0.35
LIGHT = np.array([-0.3, 0.5, 0.8])  # camera coordinates: from upper left, towards the viewer
PADDING = 0.08  # share of the image left clear round the piece
# lines are lifted this far towards the viewer (in pixels of depth) so a line on the surface
# is not hidden by the very triangle it lies on
LINE_BIAS_PX = 1.5
LINE_STEP_PX = 0.5  # points sampled along a line, so it draws without gaps
BATCH_PIXELS = 1 << 20  # pixels tested at once by the rasterizer: bounds its memory


@dataclass(frozen=True)
class View:
    """Image size in pixels and the camera's tilt from straight above, degrees."""

    width: int = 480
    height: int = 360
    tilt_deg: float = 40.0


def face_points_3d(spec: PieceSpec, face: Face, xy: NDArray[np.float64]) -> NDArray[np.float64]:
    """(n, 2) points in the face's coordinates -> (n, 3) points on the piece as drawn, mm.

    Flat and domed faces are drawn face up (a back face with the piece turned over about Y,
    which is how cam.pieces.faces defines its x); a band is wrapped round the bangle's axis
    (Z) with x = 0 (A0) on the side towards the viewer.
    """
    pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    x, y = pts[:, 0], pts[:, 1]
    fall = np.asarray(face.surface_z(x, y), dtype=np.float64)
    if face.kind == "band" and face.band is not None:
        r = face.band.diameter / 2.0 + fall
        theta = -math.pi / 2.0 + x / (face.band.diameter / 2.0)
        return np.column_stack([r * np.cos(theta), r * np.sin(theta), spec.band_width / 2.0 + y])
    return np.column_stack([x, y, spec.size[2] + fall])


def render_piece(
    spec: PieceSpec,
    face_name: str | None = None,
    paths: Sequence[NDArray[np.float64]] = (),
    *,
    refused: bool = False,
    view: View = View(),
) -> NDArray[np.uint8]:
    """(h, w, 3) uint8 image of the piece with `paths` ((n, 2) face coordinates each) drawn on
    the face; `refused` draws them in the colour of a placement that leaves the stone."""
    face = get_face(spec, face_name)
    mesh = _posed(spec, face)
    tilt = 75.0 if face.kind == "band" else view.tilt_deg
    rot = _view_matrix(tilt)
    cam_v = mesh.vertices @ rot.T
    to_px = _fit(cam_v, view)
    px = to_px(cam_v)
    depth = np.full((view.height, view.width), -np.inf)
    image = np.tile(BACKGROUND, (view.height, view.width, 1))
    _rasterize(px, cam_v[:, 2] * to_px.scale, mesh.faces, _shades(mesh, rot), depth, image)
    colour = LINE_REFUSED if refused else LINE_OK
    for line in paths:
        _draw_line(spec, face, np.asarray(line, np.float64), rot, to_px, depth, image, colour)
    return np.clip(image * 255.0 + 0.5, 0, 255).astype(np.uint8)


def render_piece_png(
    spec: PieceSpec,
    face_name: str | None = None,
    paths: Sequence[NDArray[np.float64]] = (),
    *,
    refused: bool = False,
    view: View = View(),
) -> bytes:
    """render_piece as PNG bytes."""
    return write_png(render_piece(spec, face_name, paths, refused=refused, view=view))


def piece_glb(spec: PieceSpec) -> bytes:
    """The piece's mesh as binary glTF (mm, back on Z = 0), for any 3D viewer."""
    data = piece_mesh(spec).export(file_type="glb")
    if not isinstance(data, bytes):  # trimesh answers text or a dict for other formats only
        raise TypeError(f"glb export gave {type(data).__name__}, not bytes")
    return data


# -- the camera ---------------------------------------------------------------------------------


def _posed(spec: PieceSpec, face: Face) -> trimesh.Trimesh:
    """The mesh with the chosen face up: a back face turns the piece over about Y."""
    mesh = piece_mesh(spec)
    if face.name == "back":
        v = mesh.vertices.copy()
        v[:, 0], v[:, 2] = -v[:, 0], spec.size[2] - v[:, 2]
        # a turn, not a mirror (x and z both flip): the winding and the normals stay outward
        mesh = trimesh.Trimesh(v, mesh.faces.copy(), process=False)
    return mesh


def _view_matrix(tilt_deg: float) -> NDArray[np.float64]:
    """Rows: screen right, screen up, towards the viewer. Tilting about X shows the front."""
    a = math.radians(tilt_deg)
    return np.array([[1.0, 0.0, 0.0], [0.0, math.cos(a), math.sin(a)],
                     [0.0, -math.sin(a), math.cos(a)]])


class _ToPixels:
    def __init__(self, scale: float, cx: float, cy: float, view: View) -> None:
        self.scale, self.cx, self.cy, self.view = scale, cx, cy, view

    def __call__(self, cam_v: NDArray[np.float64]) -> NDArray[np.float64]:
        u = (cam_v[:, 0] - self.cx) * self.scale + self.view.width / 2.0
        v = self.view.height / 2.0 - (cam_v[:, 1] - self.cy) * self.scale
        return np.column_stack([u, v])


def _fit(cam_v: NDArray[np.float64], view: View) -> _ToPixels:
    lo, hi = cam_v[:, :2].min(axis=0), cam_v[:, :2].max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    room = (1.0 - 2.0 * PADDING) * np.array([view.width, view.height])
    scale = float(min(room / span))
    centre = (lo + hi) / 2.0
    return _ToPixels(scale, float(centre[0]), float(centre[1]), view)


def _shades(mesh: trimesh.Trimesh, rot: NDArray[np.float64]) -> NDArray[np.float64]:
    """(m, 3) RGB per triangle, Lambert with an ambient floor; NaN rows face away."""
    normals = mesh.face_normals @ rot.T
    light = LIGHT / np.linalg.norm(LIGHT)
    lambert = np.clip(normals @ light, 0.0, 1.0)
    shade = (AMBIENT + (1.0 - AMBIENT) * lambert)[:, None] * JADE
    shade[normals[:, 2] <= 0.0] = np.nan  # culled: a closed mesh shows only its front
    return shade


# -- the rasterizer -----------------------------------------------------------------------------


def _rasterize(
    px: NDArray[np.float64],
    z: NDArray[np.float64],
    tris: NDArray[np.int64],
    shades: NDArray[np.float64],
    depth: NDArray[np.float64],
    image: NDArray[np.float64],
) -> None:
    """Fill the front-facing triangles nearest first wins, in batches of like-sized boxes: a
    piece has thousands of triangles a few pixels across, too many to loop over one by one."""
    keep = np.flatnonzero(~np.isnan(shades[:, 0]))
    corners = px[tris[keep]]  # (m, 3, 2)
    lo = np.floor(corners.min(axis=1)).astype(np.int64)
    span = np.ceil(corners.max(axis=1)).astype(np.int64) - lo + 1
    size = np.maximum(span.max(axis=1), 1)
    bucket = np.ceil(np.log2(size)).astype(np.int64)
    for b in np.unique(bucket):
        k = 1 << int(b)
        members = np.flatnonzero(bucket == b)
        chunk = max(BATCH_PIXELS // (k * k), 1)
        for start in range(0, len(members), chunk):
            sel = members[start : start + chunk]
            _fill(corners[sel], lo[sel], z[tris[keep[sel]]], shades[keep[sel]], k, depth, image)


def _fill(
    corners: NDArray[np.float64],
    lo: NDArray[np.int64],
    zc: NDArray[np.float64],
    shades: NDArray[np.float64],
    k: int,
    depth: NDArray[np.float64],
    image: NDArray[np.float64],
) -> None:
    """One batch: (m, 3, 2) pixel corners, (m, 2) box origins, (m, 3) depths, k x k boxes."""
    h, w = depth.shape
    off = np.arange(k)
    gi = lo[:, 0, None, None] + off[None, None, :]  # (m, 1, k): columns
    gj = lo[:, 1, None, None] + off[None, :, None]  # (m, k, 1): rows
    gx, gy = gi + 0.5, gj + 0.5
    x0, y0 = corners[:, 0, 0, None, None], corners[:, 0, 1, None, None]
    x1, y1 = corners[:, 1, 0, None, None], corners[:, 1, 1, None, None]
    x2, y2 = corners[:, 2, 0, None, None], corners[:, 2, 1, None, None]
    area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
    area = np.where(np.abs(area) < 1e-12, np.nan, area)
    b1 = ((gx - x0) * (y2 - y0) - (x2 - x0) * (gy - y0)) / area
    b2 = ((x1 - x0) * (gy - y0) - (gx - x0) * (y1 - y0)) / area
    b0 = 1.0 - b1 - b2
    ii, jj = np.broadcast_to(gi, b0.shape), np.broadcast_to(gj, b0.shape)
    inside = (b0 >= 0) & (b1 >= 0) & (b2 >= 0) & (ii >= 0) & (ii < w) & (jj >= 0) & (jj < h)
    zt = b0 * zc[:, 0, None, None] + b1 * zc[:, 1, None, None] + b2 * zc[:, 2, None, None]
    tri = np.broadcast_to(np.arange(len(lo))[:, None, None], b0.shape)
    i, j, zs, t = ii[inside], jj[inside], zt[inside], tri[inside]
    np.maximum.at(depth, (j, i), zs)
    won = zs >= depth[j, i]
    image[j[won], i[won]] = shades[t[won]]


def _draw_line(
    spec: PieceSpec,
    face: Face,
    line: NDArray[np.float64],
    rot: NDArray[np.float64],
    to_px: _ToPixels,
    depth: NDArray[np.float64],
    image: NDArray[np.float64],
    colour: NDArray[np.float64],
) -> None:
    """Sample the polyline densely, lay it on the face, and plot what the stone leaves seen."""
    line = line.reshape(-1, 2)
    if len(line) == 0:
        return
    step = LINE_STEP_PX / to_px.scale
    pieces = [line[:1]]
    for a, b in zip(line[:-1], line[1:], strict=True):
        n = max(int(math.ceil(float(np.hypot(*(b - a))) / step)), 1)
        pieces.append(a + (b - a) * (np.arange(1, n + 1) / n)[:, None])
    cam = face_points_3d(spec, face, np.concatenate(pieces)) @ rot.T
    px = to_px(cam)
    z = cam[:, 2] * to_px.scale + LINE_BIAS_PX
    h, w = depth.shape
    for di in (0, 1):  # two pixels wide, so a line reads at a glance
        for dj in (0, 1):
            i = np.floor(px[:, 0]).astype(int) + di
            j = np.floor(px[:, 1]).astype(int) + dj
            ok = (i >= 0) & (i < w) & (j >= 0) & (j < h)
            i, j, zz = i[ok], j[ok], z[ok]
            seen = zz >= depth[j, i]
            image[j[seen], i[seen]] = colour

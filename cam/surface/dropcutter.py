"""Drop-cutter: how low a tool can come down on a triangle mesh at given XY points.

For each tool-axis position (x, y) the answer is the highest tool-tip Z at which the tool's
cutting profile touches the mesh from above: the maximum, over the mesh points p inside the
tool's shadow (horizontal distance d <= radius), of p.z - h(d), where h(d) is the height of
the tool's underside above its tip at radius d. That maximum is reached at a vertex, on an
edge or inside a facet, so each candidate triangle is tested three ways (the classic
drop-cutter). Every candidate tested is a real mesh point in the shadow, so testing a few
extra ones never lowers the answer; the analytic stationary points make sure the true
maximum is among them.

Candidate triangles come from a cKDTree over the triangle centroids (radius = tool radius +
the largest centroid-to-vertex distance); all (point, triangle) pairs are evaluated at once
with numpy, in chunks that bound memory.

Tool profiles h(d), d in [0, R]:
    ball   R - sqrt(R^2 - d^2)
    flat   0
    cone   max(0, d - r_tip) / tan(half angle)   (a V-bit: included angle, flat tip r_tip)
The shank above the profile is not modelled: `cam.surface.follow` refuses slopes that it
would touch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from cam.toolpath import Tool, ToolKind

__all__ = ["Cutter", "DropCutter", "drop_brute", "profile_height"]

# (point, triangle) pairs evaluated per numpy batch: about 200 bytes each in temporaries.
PAIR_CHUNK = 400_000
# A facet this close to vertical (|normal z|) has no interior contact: its edges carry it.
_VERTICAL_NZ = 1e-9
# Barycentric slack for "contact point inside the facet" (float noise on shared edges).
_INSIDE_EPS = 1e-9
NO_SURFACE = -np.inf  # tip height where nothing of the mesh lies under the tool


@dataclass(frozen=True, slots=True)
class Cutter:
    """A tool's cutting profile: kind, radius R (mm), cone half angle (radians), tip radius."""

    kind: ToolKind
    radius: float
    half_angle: float = 0.0
    tip_radius: float = 0.0

    @classmethod
    def from_tool(cls, tool: Tool) -> Cutter:
        if not (math.isfinite(tool.diameter) and tool.diameter > 0):
            raise ValueError(f"tool diameter must be a positive number, got {tool.diameter!r}")
        if tool.kind is ToolKind.VBIT:
            if not 0.0 < tool.angle_deg < 180.0:
                raise ValueError(f"V-bit angle must be in (0, 180) degrees, got {tool.angle_deg!r}")
            return cls(
                tool.kind, tool.radius, math.radians(tool.angle_deg) / 2.0, tool.tip_diameter / 2
            )
        return cls(tool.kind, tool.radius)


def profile_height(cutter: Cutter, d: np.ndarray) -> np.ndarray:
    """h(d): height of the tool's underside above its tip at horizontal distance d (mm)."""
    d = np.asarray(d, dtype=np.float64)
    r = cutter.radius
    if cutter.kind is ToolKind.BALL:
        return r - np.sqrt(np.maximum(r * r - d * d, 0.0))
    if cutter.kind is ToolKind.FLAT:
        return np.zeros_like(d)
    return np.maximum(d - cutter.tip_radius, 0.0) / math.tan(cutter.half_angle)


class DropCutter:
    """A mesh prepared for drop-cutting with one tool.

    vertices: (v, 3) float, faces: (f, 3) int (a trimesh's `vertices` and `faces`).
    """

    def __init__(self, vertices: np.ndarray, faces: np.ndarray, cutter: Cutter) -> None:
        v = np.asarray(vertices, dtype=np.float64)
        f = np.asarray(faces, dtype=np.int64)
        if v.ndim != 2 or v.shape[1] != 3 or f.ndim != 2 or f.shape[1] != 3 or len(f) == 0:
            raise ValueError(f"need (v, 3) vertices and (f, 3) faces, got {v.shape}, {f.shape}")
        if not np.isfinite(v).all():
            raise ValueError("mesh vertices contain NaN or infinite coordinates")
        self.cutter = cutter
        self.tris = v[f]  # (f, 3, 3)
        centroids = self.tris[:, :, :2].mean(axis=1)
        spread = np.linalg.norm(self.tris[:, :, :2] - centroids[:, None, :], axis=2).max()
        self._reach = cutter.radius + float(spread) + 1e-9
        self._tree = cKDTree(centroids)
        self.top = float(v[:, 2].max())

    @classmethod
    def from_mesh(cls, mesh: object, tool: Tool | Cutter) -> DropCutter:
        """From anything with `vertices` and `faces` (a trimesh.Trimesh)."""
        cutter = tool if isinstance(tool, Cutter) else Cutter.from_tool(tool)
        return cls(mesh.vertices, mesh.faces, cutter)  # type: ignore[attr-defined]

    def drop(self, xy: np.ndarray) -> np.ndarray:
        """Tool-tip Z touching the mesh at each point: (n, 2) float in, (n,) float out;
        `NO_SURFACE` (-inf) where no part of the mesh lies under the tool."""
        pts = _coerce(xy)
        out = np.full(len(pts), NO_SURFACE)
        if not len(pts):
            return out
        near = self._tree.query_ball_point(pts, self._reach, return_sorted=False)
        counts = np.fromiter((len(n) for n in near), dtype=np.int64, count=len(near))
        if not counts.sum():
            return out
        tri = np.concatenate([np.asarray(n, dtype=np.int64) for n in near if len(n)])
        owner = np.repeat(np.arange(len(pts)), counts)
        heights = np.empty(len(tri))
        for s in range(0, len(tri), PAIR_CHUNK):
            o, t = owner[s : s + PAIR_CHUNK], tri[s : s + PAIR_CHUNK]
            heights[s : s + PAIR_CHUNK] = pair_heights(pts[o], self.tris[t], self.cutter)
        has = counts > 0  # pairs are grouped by point: one reduction per point with triangles
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])[has]
        out[has] = np.maximum.reduceat(heights, starts)
        return out


def drop_brute(
    xy: np.ndarray, vertices: np.ndarray, faces: np.ndarray, cutter: Cutter
) -> np.ndarray:
    """The same answer as `DropCutter.drop`, testing every triangle at every point (the
    reference the index is checked and benchmarked against)."""
    pts = _coerce(xy)
    tris = np.asarray(vertices, dtype=np.float64)[np.asarray(faces, dtype=np.int64)]
    out = np.full(len(pts), NO_SURFACE)
    step = max(1, PAIR_CHUNK // len(tris))
    for s in range(0, len(pts), step):
        block = pts[s : s + step]
        o = np.repeat(np.arange(len(block)), len(tris))
        t = np.tile(np.arange(len(tris)), len(block))
        h = pair_heights(block[o], tris[t], cutter)
        out[s : s + step] = h.reshape(len(block), len(tris)).max(axis=1)
    return out


def pair_heights(c: np.ndarray, tris: np.ndarray, cutter: Cutter) -> np.ndarray:
    """Tip Z touching one triangle, per pair: c (k, 2), tris (k, 3, 3) -> (k,)."""
    z = _vertices(c, tris, cutter)
    for a, b in ((0, 1), (1, 2), (2, 0)):
        z = np.maximum(z, _edge(c, tris[:, a], tris[:, b], cutter))
    return np.maximum(z, _facet(c, tris, cutter))


def _coerce(xy: np.ndarray) -> np.ndarray:
    pts = np.asarray(xy, dtype=np.float64)
    if pts.ndim == 1 and pts.shape == (2,):
        pts = pts[None, :]
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"points must be an (n, 2) array, got shape {pts.shape}")
    if not np.isfinite(pts).all():
        raise ValueError("points contain NaN or infinite coordinates")
    return pts


def _vertices(c: np.ndarray, tris: np.ndarray, cutter: Cutter) -> np.ndarray:
    d = np.linalg.norm(tris[:, :, :2] - c[:, None, :], axis=2)  # (k, 3)
    z = tris[:, :, 2] - profile_height(cutter, d)
    return np.where(d <= cutter.radius, z, NO_SURFACE).max(axis=1)


def _edge(c: np.ndarray, p0: np.ndarray, p1: np.ndarray, cutter: Cutter) -> np.ndarray:
    """Highest p.z - h(d) along the edge p0-p1 within the shadow, from candidate stations:
    the ends of the shadowed stretch, the profile's stationary point, a cone tip's rim."""
    r = cutter.radius
    e = p1[:, :2] - p0[:, :2]
    length = np.linalg.norm(e, axis=1)
    ok = length > 1e-12
    safe_len = np.where(ok, length, 1.0)
    u = e / safe_len[:, None]
    w = c - p0[:, :2]
    t0 = (w * u).sum(axis=1)  # station of the foot of the perpendicular
    a2 = np.maximum((w * w).sum(axis=1) - t0 * t0, 0.0)  # perpendicular distance squared
    half = np.sqrt(np.maximum(r * r - a2, 0.0))
    lo = np.maximum(0.0, t0 - half) - t0  # shadowed stretch, relative to the foot
    hi = np.minimum(length, t0 + half) - t0
    ok &= (a2 <= r * r) & (lo <= hi)
    slope = (p1[:, 2] - p0[:, 2]) / safe_len
    cands = [lo, hi, _edge_stationary(cutter, slope, a2)]
    if cutter.kind is ToolKind.VBIT and cutter.tip_radius > 0:
        rim = np.sqrt(np.maximum(cutter.tip_radius**2 - a2, 0.0))
        cands += [rim, -rim]
    best = np.full(len(c), NO_SURFACE)
    for s in cands:
        s = np.clip(s, lo, hi)
        d = np.sqrt(a2 + s * s)
        z = p0[:, 2] + slope * (t0 + s) - profile_height(cutter, d)
        best = np.maximum(best, z)
    return np.where(ok, best, NO_SURFACE)


def _edge_stationary(cutter: Cutter, slope: np.ndarray, a2: np.ndarray) -> np.ndarray:
    """Station (from the foot) where d/ds [slope * s - h(sqrt(a2 + s^2))] = 0, if any."""
    if cutter.kind is ToolKind.BALL:
        q = np.maximum(cutter.radius**2 - a2, 0.0)
        return slope * np.sqrt(q) / np.sqrt(1.0 + slope * slope)
    if cutter.kind is ToolKind.VBIT:
        k = slope * math.tan(cutter.half_angle)
        inside = np.abs(k) < 1.0
        s = np.sqrt(a2) * k / np.sqrt(np.where(inside, 1.0 - k * k, 1.0))
        return np.where(inside, s, np.where(k > 0, np.inf, -np.inf))  # steeper: an end
    return np.zeros_like(slope)  # flat: z is linear along the stretch, its ends suffice


def _facet(c: np.ndarray, tris: np.ndarray, cutter: Cutter) -> np.ndarray:
    """Contact with the facet's plane inside the facet: at radius d along the direction in
    which the plane rises, d where the profile's slope equals the plane's."""
    a, b, cc = tris[:, 0], tris[:, 1], tris[:, 2]
    n = np.cross(b - a, cc - a)
    n = n * np.where(n[:, 2] < 0, -1.0, 1.0)[:, None]  # seen from above
    norm = np.linalg.norm(n, axis=1)
    ok = norm > 0
    n = n / np.where(ok, norm, 1.0)[:, None]
    ok &= n[:, 2] > _VERTICAL_NZ
    nz = np.where(ok, n[:, 2], 1.0)
    nxy = np.linalg.norm(n[:, :2], axis=1)
    rise = -n[:, :2] / np.where(nxy > 0, nxy, 1.0)[:, None]  # uphill unit direction
    r = cutter.radius
    radii = [np.zeros(len(c)), np.full(len(c), r)]
    if cutter.kind is ToolKind.BALL:
        radii.append(r * nxy)  # the ball touches where its normal is the plane's: d = R sin
    if cutter.kind is ToolKind.VBIT:
        radii.append(np.full(len(c), cutter.tip_radius))
    best = np.full(len(c), NO_SURFACE)
    for d in radii:
        p = c + d[:, None] * rise
        zp = a[:, 2] - (n[:, 0] * (p[:, 0] - a[:, 0]) + n[:, 1] * (p[:, 1] - a[:, 1])) / nz
        inside = _inside(p, a, b, cc)
        z = zp - profile_height(cutter, d)
        best = np.where(inside & ok, np.maximum(best, z), best)
    return best


def _inside(p: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Is the XY point inside the XY projection of the triangle (barycentric, with slack)?"""
    v0, v1, v2 = b[:, :2] - a[:, :2], c[:, :2] - a[:, :2], p - a[:, :2]
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    good = np.abs(den) > 1e-18
    den = np.where(good, den, 1.0)
    s = (v2[:, 0] * v1[:, 1] - v1[:, 0] * v2[:, 1]) / den
    t = (v0[:, 0] * v2[:, 1] - v2[:, 0] * v0[:, 1]) / den
    e = _INSIDE_EPS
    return good & (s >= -e) & (t >= -e) & (s + t <= 1.0 + e)

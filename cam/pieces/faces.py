"""The carvable faces of a piece: where a design may go, and the height of the stone there.

Work origin, for every flat or domed face: X0 Y0 at the face's centre (a disc's centre, hole or
not; a plaque's centre), Z0 at the face's highest point, X to the right and Y up as the face is
seen from the tool (the CAM contract's machine X/Y). A back face is seen with the piece turned
over about its Y axis, so its x is the piece's -x.

A band (a bangle's outside) is unrolled: x runs along the circumference at the crown, measured
from the point under the tool (A0), y across the band along the bangle's axis, Z0 on the crown.
`surface_z` gives the section's fall across the band; the turn round the axis is the rotary's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import Point, Polygon, box

from cam.errors import PieceError
from cam.pieces.spec import PieceSpec

__all__ = ["BAND_MAX_SLOPE_DEG", "FACE_KINDS", "Band", "Face", "face_names", "get_face", "faces"]

FACE_KINDS = ("flat", "dome", "band")
# Circles become polygons with this many segments per quarter: on a 60 mm disc the chord falls
# 0.002 mm inside the true circle, so every boundary errs on the safe side by that much at most.
QUAD_SEGS = 64
# A band is carvable where its surface leans at most this far from the tool axis: beyond it a
# ball burr rubs with its flank and the depth on the stone is no longer the depth asked for.
BAND_MAX_SLOPE_DEG = 45.0
# A ring's section is a rectangle with rounded edges of this share of its smaller side: the
# rounded part is not carved, the flat annulus between is the face.
RING_EDGE_SHARE = 0.35


@dataclass(frozen=True, slots=True)
class Band:
    """A band round an axis, unrolled. diameter: at the crown (mm); width: along the axis;
    thickness: radial; section: round | oval | flat."""

    diameter: float
    width: float
    thickness: float
    section: str

    @property
    def circumference(self) -> float:
        return math.pi * self.diameter


@dataclass(frozen=True)
class Face:
    """One carvable face in its own 2D coordinates (see the module docstring), mm.

    boundary: where the stone is, as seen from the tool (a disc's face is an annulus with its
    hole as an interior ring). dome_radius: the sphere of a domed face; dome_top_r: the radius
    from the centre at which the dome is highest (the rim of a hole, else 0). heights: for a
    face taken from an imported mesh, its measured surface, (x, y) -> Z relative to Z0; when
    given it is the face's `surface_z`.
    """

    name: str
    kind: str  # flat | dome | band
    boundary: Polygon
    dome_radius: float = 0.0
    dome_top_r: float = 0.0
    band: Band | None = None
    heights: Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]] | None = None

    def __post_init__(self) -> None:
        if self.kind not in FACE_KINDS:
            raise PieceError(f"unknown face kind {self.kind!r}; valid: {', '.join(FACE_KINDS)}")

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the boundary, mm."""
        xmin, ymin, xmax, ymax = self.boundary.bounds
        return float(xmin), float(ymin), float(xmax), float(ymax)

    @property
    def has_hole(self) -> bool:
        return len(self.boundary.interiors) > 0

    def surface_z(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """Z of the stone's surface at (x, y), relative to Z0 (<= 0). Arrays broadcast."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if self.heights is not None:
            return self.heights(*np.broadcast_arrays(x, y))
        if self.kind == "dome":
            # inside a hole there is no stone: the rim's height stands in for it
            r2 = np.clip(x * x + y * y, self.dome_top_r**2, self.dome_radius**2)
            top = math.sqrt(self.dome_radius**2 - self.dome_top_r**2)
            return np.sqrt(self.dome_radius**2 - r2) - top
        if self.kind == "band" and self.band is not None and self.band.section != "flat":
            a, b = self.band.width / 2.0, self.band.thickness / 2.0
            t = np.minimum((y / a) ** 2, 1.0)
            return b * np.sqrt(1.0 - t) - b + 0.0 * x
        return np.zeros(np.broadcast(x, y).shape)

    def describe(self) -> str:
        xmin, ymin, xmax, ymax = self.bounds
        hole = ", with a hole" if self.has_hole else ""
        return f"{self.name} ({self.kind}{hole}) X{xmin:.3f}..{xmax:.3f} Y{ymin:.3f}..{ymax:.3f} mm"


def _disc(outer: float, inner: float = 0.0) -> Polygon:
    shape = Point(0.0, 0.0).buffer(outer / 2.0, quad_segs=QUAD_SEGS)
    if inner > 0:
        shape = shape.difference(Point(0.0, 0.0).buffer(inner / 2.0, quad_segs=QUAD_SEGS))
    return Polygon(shape.exterior, list(shape.interiors)) if inner > 0 else Polygon(shape.exterior)


def _sphere_radius(base_r: float, height: float) -> float:
    """The sphere whose cap of `height` stands on a circle of radius `base_r`."""
    return (base_r * base_r + height * height) / (2.0 * height)


def _rect(width: float, height: float, corner: float) -> Polygon:
    if corner <= 0:
        return box(-width / 2.0, -height / 2.0, width / 2.0, height / 2.0)
    inner = box(
        -width / 2.0 + corner, -height / 2.0 + corner, width / 2.0 - corner, height / 2.0 - corner
    )
    return Polygon(inner.buffer(corner, quad_segs=QUAD_SEGS).exterior)


def _band_face(s: PieceSpec) -> Face:
    width, t = s.band_width, s.thickness
    band = Band(diameter=s.inner + 2.0 * t, width=width, thickness=t, section=s.section)
    if s.section == "flat":
        usable = width
    else:  # ellipse y^2/a^2 + z^2/b^2 = 1 leans BAND_MAX_SLOPE_DEG at y = a^2 / sqrt(a^2 + b^2 k^2)
        a, b = width / 2.0, t / 2.0
        k = 1.0 / math.tan(math.radians(BAND_MAX_SLOPE_DEG))
        usable = 2.0 * a * a / math.sqrt(a * a + b * b * k * k)
    half = band.circumference / 2.0
    return Face("outer", "band", box(-half, -usable / 2.0, half, usable / 2.0), band=band)


def faces(spec: PieceSpec) -> dict[str, Face]:
    """Every carvable face of the piece, by name, in the order a bench lists them."""
    s = spec
    if s.shape == "bi_disc":
        ring = _disc(s.outer, s.inner)
        return {"front": Face("front", "flat", ring), "back": Face("back", "flat", ring)}
    if s.shape == "ring":
        edge = RING_EDGE_SHARE * min((s.outer - s.inner) / 2.0, s.thickness)
        flat = _disc(s.outer - 2.0 * edge, s.inner + 2.0 * edge)
        return {"front": Face("front", "flat", flat), "back": Face("back", "flat", flat)}
    if s.shape == "buckle":
        dome = s.dome or s.thickness / 2.0
        disc = _disc(s.outer, s.inner)
        radius = _sphere_radius(s.outer / 2.0, dome)
        return {
            "dome": Face("dome", "dome", disc, dome_radius=radius, dome_top_r=s.inner / 2.0),
            "back": Face("back", "flat", disc),
        }
    if s.shape == "bangle":
        return {"outer": _band_face(s)}
    plate = _rect(s.width, s.height, s.corner)
    if s.dome:
        half_diag = math.hypot(s.width, s.height) / 2.0
        front = Face("front", "dome", plate, dome_radius=_sphere_radius(half_diag, s.dome))
    else:
        front = Face("front", "flat", plate)
    return {"front": front, "back": Face("back", "flat", plate)}


def face_names(spec: PieceSpec) -> list[str]:
    return list(faces(spec))


def get_face(spec: PieceSpec, name: str | None = None) -> Face:
    """The face called `name` (None: the piece's first face, its front)."""
    all_faces = faces(spec)
    if name is None:
        return next(iter(all_faces.values()))
    try:
        return all_faces[name]
    except KeyError:
        raise PieceError(
            f"a {spec.shape} has no face {name!r}; its faces: {', '.join(all_faces)}"
        ) from None

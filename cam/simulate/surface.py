"""A curved stone: its surface z(x, y) under the heightmap, and the design's groove on it.

A program laid onto a domed face (`cam.surface.follow`) measures its depth from the local
surface: the tool is dropped onto the stone (it touches with its profile, the drop-cutter)
and lowered the depth from there. Every depth judgement of the report is then made from the
surface under the tool, not from Z0. On a slope the tool touches uphill of its axis (a ball
where its sphere meets the plane, a flat end on its rim, a V-bit on its tip), so the groove
is deepest, and its outline centred, a little uphill of the path the tool centre followed:
`ToolShape.on_slope` gives those offsets for the plane tangent to the surface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from cam.simulate.errors import SimulationError
from cam.simulate.tools import ToolShape

__all__ = ["SLOPE_PROBE", "Surface", "surface_grid", "shifted_groove", "surface_at", "uphill"]

# z(x, y): arrays in, the stone's top out (mm, Z0 at the crown, negative where it falls)
Surface = Callable[[np.ndarray, np.ndarray], np.ndarray]
SLOPE_PROBE = 0.01  # mm: half the span of the central difference that measures the slope
_GRID_CHUNK = 1 << 20  # cells evaluated per call of the surface function
REGION_STEP = 0.25  # mm: the design's paths are sampled this finely for the groove's shift


def surface_at(surface: Surface, xy: np.ndarray) -> np.ndarray:
    """(n,) z of the surface at points `xy` (n, 2); SimulationError where not finite."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    z = np.broadcast_to(np.asarray(surface(xy[:, 0], xy[:, 1]), dtype=np.float64), len(xy))
    if not np.isfinite(z).all():
        x, y = xy[int(np.argmin(np.isfinite(z)))]
        raise SimulationError(f"the stone's surface is not a finite number at X{x:.3f} Y{y:.3f}")
    return np.array(z)


def surface_grid(surface: Surface, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """(ny, nx) heights of the surface at the cell centres `xs` (nx,), `ys` (ny,), a band of
    rows at a time (a large plaque's map is millions of cells)."""
    out = np.empty((len(ys), len(xs)))
    rows = max(1, _GRID_CHUNK // max(len(xs), 1))
    for j in range(0, len(ys), rows):
        gx, gy = np.meshgrid(xs, ys[j : j + rows])
        xy = np.column_stack([gx.ravel(), gy.ravel()])
        out[j : j + rows] = surface_at(surface, xy).reshape(gx.shape)
    return out


def uphill(surface: Surface, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n,) slope (tan of the angle) and (n, 2) unit uphill direction at points `xy` (n, 2);
    (0, 0) where the surface is level."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    e = SLOPE_PROBE
    probe = np.concatenate([xy + (e, 0), xy - (e, 0), xy + (0, e), xy - (0, e)])
    z = surface_at(surface, probe).reshape(4, -1)
    grad = np.column_stack([z[0] - z[1], z[2] - z[3]]) / (2 * e)
    slope = np.hypot(grad[:, 0], grad[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(slope[:, None] > 1e-12, grad / slope[:, None], 0.0)
    return slope, u


def shifted_groove(
    lines: Iterable[np.ndarray], shape: ToolShape, depth: float, surface: Surface
) -> BaseGeometry:
    """Where an engraving of the polylines `lines` ((n, 2) each) at `depth` below the surface
    cuts, seen from above, beyond the flat groove: the groove each point leaves on the plane
    tangent there, shifted uphill, in a circle of `SlopeGroove.radius` about its centre."""
    parts: list[BaseGeometry] = []
    for pts in lines:
        dense = _densify(pts, REGION_STEP)
        slope, u = uphill(surface, dense)
        groove = shape.on_slope(depth, slope)
        moved = dense + groove.shift[:, None] * u
        radius = float(groove.radius.max())
        geom: Any = Point(moved[0]) if len(moved) == 1 else LineString(moved)
        parts.append(geom.buffer(radius, quad_segs=16))
    return shapely.union_all(parts)


def _densify(pts: np.ndarray, step: float) -> np.ndarray:
    """The polyline with points added so that none is more than `step` from the next."""
    if len(pts) < 2:
        return pts
    seg = np.diff(pts, axis=0)
    n = np.maximum(1, np.ceil(np.hypot(seg[:, 0], seg[:, 1]) / step)).astype(np.int64)
    idx = np.repeat(np.arange(len(seg)), n)
    t = (np.arange(len(idx)) - np.repeat(np.cumsum(n) - n, n)) / n[idx]
    return np.vstack([pts[idx] + t[:, None] * seg[idx], pts[-1:]])

"""A heightmap of the carvable face and the exact sweep of a tool along straight segments.

Cells are squares of side `resolution`; cell (row j, column i) has its centre at
(xmin + (i + 0.5) r, ymin + (j + 0.5) r), row 0 at the bottom (machine Y up). Heights are Z in
mm: 0 is the untouched top of a flat face, carving makes them negative.

A tool whose tip moves along a horizontal segment cuts each cell down to
z + profile(distance from the cell centre to the segment): exact for every radially
increasing profile, with no sampling along the move. A segment that also moves in Z is cut
into pieces of at most `dz_step` rise; on each piece the cut is taken at the closest point and
at both ends, which is a height the tool really reaches (the map never shows more stone
removed than the program removes) and at most `dz_step` above the true envelope.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cam.simulate.tools import ToolShape

__all__ = ["Heightmap", "Face"]

Face = tuple[float, float, float, float]  # xmin, ymin, xmax, ymax in machine mm

_CHUNK = 1 << 21  # cells evaluated per numpy batch: ~16 MB per float64 temporary
_BUCKET = 4  # window sizes are rounded up to a multiple of this many cells
# 200 x 200 mm at 0.05 mm is 16 M cells (130 MB per map); far beyond that is a typo in the
# resolution, refused before numpy tries to allocate it
MAX_CELLS = 40_000_000


@dataclass
class Heightmap:
    """Heights of a rectangular face: `z` is (ny, nx) float64, `initial` the stone before."""

    xmin: float
    ymin: float
    resolution: float
    z: np.ndarray
    initial: np.ndarray

    @classmethod
    def for_face(
        cls, face: Face, resolution: float = 0.05, initial: np.ndarray | None = None
    ) -> Heightmap:
        """A map of `face` at `resolution` mm; `initial` (ny, nx) is the stone's surface
        (default flat at Z0)."""
        xmin, ymin, xmax, ymax = (float(v) for v in face)
        if not (math.isfinite(xmin + ymin + xmax + ymax) and xmax > xmin and ymax > ymin):
            raise ValueError(f"face must be (xmin, ymin, xmax, ymax) with max > min, got {face!r}")
        if not resolution > 0:
            raise ValueError(f"resolution must be positive, got {resolution!r}")
        nx = max(1, math.ceil((xmax - xmin) / resolution - 1e-9))
        ny = max(1, math.ceil((ymax - ymin) / resolution - 1e-9))
        if nx * ny > MAX_CELLS:
            raise ValueError(
                f"a {xmax - xmin:g} x {ymax - ymin:g} mm face at {resolution:g} mm is "
                f"{nx * ny:,} cells, more than {MAX_CELLS:,}: use a coarser resolution"
            )
        if initial is None:
            surface = np.zeros((ny, nx))
        else:
            surface = np.array(initial, dtype=np.float64)
            if surface.shape != (ny, nx):
                raise ValueError(f"initial surface must be ({ny}, {nx}), got {surface.shape}")
        return cls(xmin, ymin, float(resolution), surface.copy(), surface)

    @property
    def shape(self) -> tuple[int, int]:
        return self.z.shape  # type: ignore[return-value]

    @property
    def face(self) -> Face:
        ny, nx = self.z.shape
        r = self.resolution
        return self.xmin, self.ymin, self.xmin + nx * r, self.ymin + ny * r

    @property
    def cell_area(self) -> float:
        return self.resolution**2

    @property
    def removed(self) -> np.ndarray:
        """(ny, nx) depth of stone removed at each cell, mm (>= 0)."""
        return self.initial - self.z

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """(nx,) x and (ny,) y of the cell centres."""
        ny, nx = self.z.shape
        r = self.resolution
        return self.xmin + (np.arange(nx) + 0.5) * r, self.ymin + (np.arange(ny) + 0.5) * r

    def sample(self, xy: np.ndarray) -> np.ndarray:
        """Removed depth at the cells holding points `xy` (n, 2); nan off the map."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        ny, nx = self.z.shape
        i = np.floor((xy[:, 0] - self.xmin) / self.resolution).astype(np.int64)
        j = np.floor((xy[:, 1] - self.ymin) / self.resolution).astype(np.int64)
        inside = (i >= 0) & (i < nx) & (j >= 0) & (j < ny)
        out = np.full(len(xy), np.nan)
        out[inside] = self.removed[j[inside], i[inside]]
        return out

    def sweep(
        self, start: np.ndarray, end: np.ndarray, shape: ToolShape, *, dz_step: float = 0.002
    ) -> np.ndarray:
        """Cut the tool along segments `start` -> `end` ((n, 3) tip positions).

        Returns an (n,) bool mask of the segments whose cut reaches past the face's edge
        (stone the map cannot show).
        """
        a = np.asarray(start, dtype=np.float64).reshape(-1, 3)
        b = np.asarray(end, dtype=np.float64).reshape(-1, 3)
        top = float(self.initial.max())
        low = np.minimum(a[:, 2], b[:, 2]) < top
        reach = shape.reach(top - np.minimum(a[:, 2], b[:, 2]))
        off_face = low & self._leaves_face(a, b, reach)
        if low.any():
            pieces = _split(a[low], b[low], max(2 * shape.radius, 10 * self.resolution), dz_step)
            self._cut(*pieces, shape, top)
        return off_face

    def _leaves_face(self, a: np.ndarray, b: np.ndarray, reach: np.ndarray) -> np.ndarray:
        """Segments whose groove (`reach` (n,) from the axis) passes the face's edge."""
        xmin, ymin, xmax, ymax = self.face
        lo = np.minimum(a[:, :2], b[:, :2]) - reach[:, None]
        hi = np.maximum(a[:, :2], b[:, :2]) + reach[:, None]
        return (lo[:, 0] < xmin) | (lo[:, 1] < ymin) | (hi[:, 0] > xmax) | (hi[:, 1] > ymax)

    def _cut(self, a: np.ndarray, b: np.ndarray, shape: ToolShape, top: float) -> None:
        ny, nx = self.z.shape
        r = self.resolution
        # Beyond this distance the piece cannot bring any cell below `top`: windows shrink to
        # the groove actually cut (a shallow ball pass is far narrower than the ball).
        reach = shape.reach(top - np.minimum(a[:, 2], b[:, 2]))
        lo = np.minimum(a[:, :2], b[:, :2]) - reach[:, None]
        hi = np.maximum(a[:, :2], b[:, :2]) + reach[:, None]
        ix0 = np.clip(np.ceil((lo[:, 0] - self.xmin) / r - 0.5), 0, nx).astype(np.int64)
        iy0 = np.clip(np.ceil((lo[:, 1] - self.ymin) / r - 0.5), 0, ny).astype(np.int64)
        ix1 = np.clip(np.floor((hi[:, 0] - self.xmin) / r - 0.5), -1, nx - 1).astype(np.int64)
        iy1 = np.clip(np.floor((hi[:, 1] - self.ymin) / r - 0.5), -1, ny - 1).astype(np.int64)
        wx, wy = ix1 - ix0 + 1, iy1 - iy0 + 1
        keep = (wx > 0) & (wy > 0) & (reach > 0)
        sloped = a[:, 2] != b[:, 2]
        bx = -(-wx // _BUCKET) * _BUCKET
        by = -(-wy // _BUCKET) * _BUCKET
        keys = np.stack([bx, by, sloped.astype(np.int64)], axis=1)[keep]
        idx = np.flatnonzero(keep)
        if not len(idx):
            return
        groups, inverse = np.unique(keys, axis=0, return_inverse=True)
        for g, (gx, gy, gs) in enumerate(groups):
            members = idx[inverse.ravel() == g]
            per_chunk = max(1, _CHUNK // int(gx * gy))
            for s in range(0, len(members), per_chunk):
                m = members[s : s + per_chunk]
                batch = _Batch(a[m], b[m], reach[m], ix0[m], iy0[m], int(gx), int(gy))
                if gs:
                    self._cut_sloped(batch, shape, top)
                else:
                    self._cut_level(batch, shape)

    def _window(self, w: _Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Cell offsets from each piece's start, (N, 1, wx) and (N, wy, 1), and the cells'
        flat indices, (N, wy, wx) (past the map's edge: -1)."""
        ny, nx = self.z.shape
        r = self.resolution
        cols = w.ix0[:, None] + np.arange(w.wx)  # (N, wx)
        rows = w.iy0[:, None] + np.arange(w.wy)  # (N, wy)
        dx = (self.xmin + (cols + 0.5) * r - w.a[:, 0:1])[:, None, :]
        dy = (self.ymin + (rows + 0.5) * r - w.a[:, 1:2])[:, :, None]
        flat = rows[:, :, None] * nx + cols[:, None, :]
        if cols.max() >= nx or rows.max() >= ny:  # padding ran past the map's edge
            flat[(rows >= ny)[:, :, None] | (cols >= nx)[:, None, :]] = -1
        return dx, dy, flat, (w.b - w.a)

    def _cut_level(self, w: _Batch, shape: ToolShape) -> None:
        """Pieces at constant Z: each cell goes to z + profile(distance to the piece)."""
        dx, dy, flat, ab = self._window(w)
        d2 = _distance_sq(dx, dy, ab)
        near = d2 <= (w.reach**2)[:, None, None]
        if flat.min() < 0:
            near &= flat >= 0
        # boolean selection keeps C order, so each piece's cells come out as one run
        z = np.repeat(w.a[:, 2], near.reshape(len(w.a), -1).sum(axis=1))
        val = z + shape.profile_sq(d2[near])
        np.minimum.at(self.z.reshape(-1), flat[near], val)

    def _cut_sloped(self, w: _Batch, shape: ToolShape, top: float) -> None:
        """Pieces moving in Z: the cut at the closest point and at both ends (see module)."""
        dx, dy, flat, ab = self._window(w)
        t = _closest_t(dx, dy, ab)
        d2 = (dx - t * ab[:, 0, None, None]) ** 2 + (dy - t * ab[:, 1, None, None]) ** 2
        r2 = shape.radius**2
        val = np.where(d2 <= r2, w.a[:, 2, None, None] + t * ab[:, 2, None, None], np.inf)
        val += shape.profile_sq(np.minimum(d2, r2))
        for p, (ox, oy) in ((w.a, (0.0, 0.0)), (w.b, (ab[:, 0], ab[:, 1]))):
            e2 = (dx - np.reshape(ox, (-1, 1, 1))) ** 2 + (dy - np.reshape(oy, (-1, 1, 1))) ** 2
            end = np.where(e2 <= r2, p[:, 2, None, None], np.inf)
            np.minimum(val, end + shape.profile_sq(np.minimum(e2, r2)), out=val)
        cuts = (val < top) & (flat >= 0)
        np.minimum.at(self.z.reshape(-1), flat[cuts], val[cuts])


@dataclass(frozen=True)
class _Batch:
    """Pieces evaluated together on windows of one size: ends (N, 3), reach (N,), window
    origins (N,) and the window's size in cells."""

    a: np.ndarray
    b: np.ndarray
    reach: np.ndarray
    ix0: np.ndarray
    iy0: np.ndarray
    wx: int
    wy: int


def _closest_t(dx: np.ndarray, dy: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """Parameter in [0, 1] of the point of each piece closest to each cell."""
    l2 = ab[:, 0] ** 2 + ab[:, 1] ** 2
    inv = np.divide(1.0, l2, out=np.zeros_like(l2), where=l2 > 0)
    t = dx * (ab[:, 0] * inv)[:, None, None] + dy * (ab[:, 1] * inv)[:, None, None]
    return np.clip(t, 0.0, 1.0, out=t)


def _distance_sq(dx: np.ndarray, dy: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """Squared distance from each cell centre to its piece, (N, wy, wx)."""
    t = _closest_t(dx, dy, ab)
    ex = t * ab[:, 0, None, None]
    np.subtract(dx, ex, out=ex)
    ex *= ex
    t *= ab[:, 1, None, None]
    np.subtract(dy, t, out=t)
    t *= t
    ex += t
    return ex


def _split(
    a: np.ndarray, b: np.ndarray, max_len: float, dz_step: float
) -> tuple[np.ndarray, np.ndarray]:
    """Cut segments into pieces no longer than `max_len` in XY and, where they move in both
    XY and Z, rising no more than `dz_step` each. Vertical moves stay whole (they are exact)."""
    d = b - a
    length = np.hypot(d[:, 0], d[:, 1])
    n = np.maximum(1, np.ceil(length / max_len)).astype(np.int64)
    ramp = (length > 0) & (d[:, 2] != 0)
    n[ramp] = np.maximum(n[ramp], np.ceil(np.abs(d[ramp, 2]) / dz_step).astype(np.int64))
    if (n == 1).all():
        return a, b
    seg = np.repeat(np.arange(len(a)), n)
    first = np.repeat(np.cumsum(n) - n, n)
    k = np.arange(len(seg)) - first
    t0 = (k / n[seg])[:, None]
    t1 = ((k + 1) / n[seg])[:, None]
    return a[seg] + t0 * d[seg], a[seg] + t1 * d[seg]

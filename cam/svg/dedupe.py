"""Cut every path once: drop paths that repeat an earlier one within the tolerance.

The common case is a filled and stroked closed shape, whose outline and centre line are
the same polyline; designs also often hold a shape drawn twice. A repeat may run the other
way or, for a ring, start at another vertex: all count as the same path.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from cam.design import DesignPath


def _close(a: np.ndarray, b: np.ndarray, tol: float) -> bool:
    d = a - b
    return bool(np.einsum("ij,ij->i", d, d).max() <= tol * tol)


def same_path(a: np.ndarray, b: np.ndarray, closed: bool, tol: float) -> bool:
    """True when b retraces a within tol: same vertices in order, reversed or (for a
    closed ring) starting elsewhere."""
    if a.shape != b.shape:
        return False
    if not closed or len(a) < 3:
        return _close(a, b, tol) or _close(a, b[::-1], tol)
    n = len(a)
    d = b - a[0]
    for k in np.nonzero(np.einsum("ij,ij->i", d, d) <= tol * tol)[0]:
        if _close(a, np.roll(b, -k, axis=0), tol):
            return True
        if _close(a, np.roll(b[::-1], -(n - 1 - k), axis=0), tol):
            return True
    return False


def dedupe(paths: Iterable[DesignPath], tol: float) -> tuple[list[DesignPath], int]:
    """The paths without repeats, first occurrence kept, order kept; and how many dropped."""
    cell = 2.0 * tol  # a repeat's vertex mean moves at most tol: the next cells suffice
    seen: dict[tuple, list[tuple[float, float, DesignPath]]] = {}
    kept: list[DesignPath] = []
    dropped = 0
    paths = list(paths)
    if not paths:
        return [], 0
    counts = np.array([len(p.points) for p in paths])
    sums = np.add.reduceat(np.concatenate([p.points for p in paths]), np.cumsum(counts) - counts)
    means = (sums / counts[:, None]).tolist()
    for path, (cx, cy) in zip(paths, means, strict=True):
        ix, iy = math.floor(cx / cell), math.floor(cy / cell)
        head = (path.closed, len(path.points))
        repeat = any(
            abs(ox - cx) <= tol
            and abs(oy - cy) <= tol
            and same_path(path.points, other.points, path.closed, tol)
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for ox, oy, other in seen.get(head + (ix + dx, iy + dy), ())
        )
        if repeat:
            dropped += 1
            continue
        seen.setdefault(head + (ix, iy), []).append((cx, cy, path))
        kept.append(path)
    return kept, dropped

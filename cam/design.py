"""A design as the CAM cuts it: polylines in machine millimetres.

Machine space: X to the right, Y up, the bottom-left corner of the SVG document at X0 Y0
(the SVG's y axis is flipped at import). Every curve has already been flattened within
`Design.tolerance`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class DesignPath:
    """One polyline to engrave.

    points: (n, 2) float64, machine mm. closed: the last point joins the first (the first
    point is not repeated at the end). A single point (n == 1) is a dot: a zero-length
    stroke with round or square caps. kind: "stroke" (a centre line) or "fill" (the outline
    of a filled region).
    """

    points: np.ndarray
    closed: bool
    element_id: str
    kind: str
    stroke_width_mm: float = 0.0  # painted stroke width in machine mm (0 for fill outlines)

    @property
    def segment_count(self) -> int:
        n = len(self.points)
        if n < 2:
            return 0
        return n if (self.closed and n > 2) else n - 1

    @property
    def length(self) -> float:
        pts = np.vstack([self.points, self.points[:1]]) if self.closed else self.points
        return float(np.hypot(*np.diff(pts, axis=0).T).sum()) if len(pts) > 1 else 0.0


@dataclass(frozen=True, slots=True)
class FillRegion:
    """One filled element, for pocketing: closed rings in machine mm (first point not
    repeated) and the SVG fill rule that decides which parts are inside."""

    element_id: str
    rings: tuple[np.ndarray, ...]
    fill_rule: str  # "nonzero" | "evenodd"


@dataclass(frozen=True)
class Design:
    """Everything visible in one SVG, ready for toolpath operations."""

    width_mm: float
    height_mm: float
    paths: tuple[DesignPath, ...]  # every visible path, in document order, each cut once
    fills: tuple[FillRegion, ...]
    tolerance: float  # chord tolerance the curves were flattened with, mm
    title: str
    warnings: tuple[str, ...] = ()

    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of all paths, machine mm."""
        if not self.paths:
            raise ValueError("design has no paths")
        pts = np.concatenate([p.points for p in self.paths])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])

    @property
    def segment_count(self) -> int:
        """Total number of line segments to cut (a closed ring counts its closing segment)."""
        return sum(p.segment_count for p in self.paths)

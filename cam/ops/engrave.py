"""Engrave: the tool centre follows every visible path of the design, as drawn."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cam.design import DesignPath
from cam.ops.emit import Contour

__all__ = ["engrave_contours"]

# How many element ids a warning names before it summarises the rest.
_NAMED_IN_WARNING = 5


def engrave_contours(
    paths: Sequence[DesignPath], tool_diameter: float
) -> tuple[list[Contour], list[str]]:
    """One contour per design path (already placed), and warnings about detail the tool blurs.

    A closed path smaller than the tool in both directions is still cut as drawn (the design
    asks for it and the cut stays on it), but the groove will swallow the shape: say so.
    """
    contours: list[Contour] = []
    fine: list[str] = []
    for p in paths:
        pts = np.asarray(p.points, dtype=np.float64).reshape(-1, 2)
        if len(pts) == 0:
            continue
        closed = bool(p.closed) and len(pts) > 2
        contours.append(Contour(pts, closed, p.element_id))
        if closed:
            extent = pts.max(axis=0) - pts.min(axis=0)
            if float(extent.max()) < tool_diameter:
                fine.append(p.element_id or "(unnamed)")
    warnings: list[str] = []
    if fine:
        named = ", ".join(f"'{e}'" for e in fine[:_NAMED_IN_WARNING])
        more = f" and {len(fine) - _NAMED_IN_WARNING} more" if len(fine) > _NAMED_IN_WARNING else ""
        warnings.append(
            f"detail finer than the tool ({tool_diameter:.3f} mm): {len(fine)} closed "
            f"path(s) smaller than the tool are cut as drawn but will not show their shape: "
            f"{named}{more}"
        )
    return contours, warnings

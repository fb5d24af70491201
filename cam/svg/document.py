"""The document's size in millimetres and the map from root user units to millimetres.

width/height give the size (any absolute unit; px are 1/96 in). A missing or percentage
size comes from the viewBox (its units taken as px), or from the other dimension and the
viewBox's aspect ratio; with neither, the caller takes the drawing's own extent.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

from cam.errors import DesignError

from .transform import Affine, TransformError, parse_aspect, parse_view_box, scale, view_box_map
from .units import MM_PER_PX, LengthError, absolute_mm

# Percentages in a document without size or viewBox refer to a viewport we do not have;
# CSS's default replaced-element size is what a browser would fall back on.
_FALLBACK_VIEWPORT_PX = (300.0, 150.0)


@dataclass(frozen=True, slots=True)
class RootGeometry:
    width_mm: float | None  # None: take it from the drawing
    height_mm: float | None
    matrix: Affine  # root user units -> document mm, y down
    viewport: tuple[float, float]  # root viewport in user units (for percentages)


def root_geometry(root: Element) -> RootGeometry:
    try:
        w = absolute_mm(root.get("width"))
        h = absolute_mm(root.get("height"))
        vb = parse_view_box(root.get("viewBox"))
        aspect = parse_aspect(root.get("preserveAspectRatio"))
    except (LengthError, TransformError) as exc:
        raise DesignError(f"root <svg>: {exc}") from None
    for label, value in (("width", w), ("height", h)):
        if value is not None and value <= 0:
            raise DesignError(f"root <svg>: document {label} is {value:g} mm: nothing to carve")
    if vb is not None:
        if w is None and h is None:
            w, h = vb[2] * MM_PER_PX, vb[3] * MM_PER_PX
        elif w is None:
            w = h * vb[2] / vb[3]  # type: ignore[operator]
        elif h is None:
            h = w * vb[3] / vb[2]
        return RootGeometry(w, h, view_box_map(vb, aspect, w, h), (vb[2], vb[3]))  # type: ignore[arg-type]
    viewport = (
        w / MM_PER_PX if w is not None else _FALLBACK_VIEWPORT_PX[0],
        h / MM_PER_PX if h is not None else _FALLBACK_VIEWPORT_PX[1],
    )
    return RootGeometry(w, h, scale(MM_PER_PX), viewport)

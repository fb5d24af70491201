"""An independent reading of an SVG (svgelements), to check our import and our G-code against.

svgelements is a separate, widely used SVG parser; where it and `cam.svg` agree on what is
visible and where, the cut can be checked against it without trusting our own code twice.
Known differences, where svgelements departs from the SVG specification (cam.svg follows the
specification; these cases are checked against hand-computed values in test_svg_golden instead):
- a `<symbol>`'s viewBox is not scaled into a `<use>`'s width and height;
- elliptical arcs (and rounded rects, ellipses) under skew or non-uniform scale with rotation are
  transformed wrongly, by up to several mm (fixed here: each subpath is sampled in the element's
  own coordinates and the points are mapped by its transform);
- control points are reflected across curve kinds (T after C/S, S after Q/T);
- `opacity="0"` (on the element or a group), `!important` and descendant selectors are not
  honoured; of two class rules of equal specificity the one named last in `class` wins, not the
  later rule; CSS property names and keywords in capitals (`FILL:none`, `fill="NONE"`,
  `visibility="HIDDEN"`) are ignored, though CSS reads them case-insensitively;
- a `%` radius of a circle is taken of the viewport's width, not of its diagonal / sqrt 2;
- `<switch>` draws every child, not the first whose conditions hold;
- a `transform` on the root `<svg>` is applied in the outer box's px (as browsers do) but about
  its top-left corner, where browsers (and cam.svg) turn and scale about the box's centre, or
  `transform-origin`, which svgelements ignores everywhere;
- `clip-path` is ignored (the whole shape is drawn), where browsers and cam.svg cut only what
  shows through the clip;
- a root `width`/`height` in `em`/`rem` is misread or refused (`1em` raises, `12rem` is read
  as 12 px), and a `%` width is taken as the viewBox width where cam.svg keeps the viewBox's
  aspect ratio from the other dimension; likewise a missing height beside a width and a viewBox
  is read as the viewBox height in px (SVG 2 and Chromium: `auto`, from the viewBox's aspect
  ratio); units in capitals (`40MM`, CSS units are case-insensitive) and `Q` (quarter mm) are
  read as px;
- a filled but unstroked open line (`M 5 1 V 5`) counts as a path, though it has no area and
  browsers draw nothing (fixed here: such a subpath is dropped, as is a stroked subpath of
  zero length with butt caps);
- an ellipse without `ry` (SVG 2: `auto`, that is `rx`) gets ry 1, `ry="auto"` draws nothing,
  and a negative `rx` on a rect (invalid, so `auto`) is kept as it is;
- a namespace declaration `xmlns:x="..."` (Illustrator writes one) is read as the root's `x`
  attribute and shifts the drawing;
- custom properties / `var()`, attribute selectors, sibling combinators and pseudo-classes
  in style sheets are not honoured;
- `stroke-dasharray` is ignored (the whole line is drawn, where cam.svg cuts only the dashes) and
  markers are not drawn.
Designs used with this oracle avoid those cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from svgelements import SVG, Close, Move, Shape
from svgelements import Path as SvgPath

PX_TO_MM = 25.4 / 96.0


@dataclass(frozen=True)
class OraclePath:
    points: np.ndarray  # (n, 2) machine mm, densely sampled (<= step mm apart)
    closed: bool


def _painted(color: object) -> bool:
    return color is not None and getattr(color, "value", None) is not None and color.alpha > 0


def _without_area(pts: np.ndarray) -> bool:
    """True when the points (n, 2) lie on one straight line: a region without area."""
    centred = pts - pts.mean(axis=0)
    if len(pts) < 3 or not np.any(centred):
        return True
    normal = np.linalg.svd(centred, full_matrices=False)[2][-1]
    return bool(np.abs(centred @ normal).max() < 1e-6)


def _subpaths(path: SvgPath, closed_fill: bool, step_px: float) -> list[tuple[np.ndarray, bool]]:
    """Each subpath sampled in the element's own coordinates, then mapped by its transform.

    svgelements bakes a transform into an arc's parameters wrongly under skew or non-uniform
    scale with rotation; a point on the curve mapped by the matrix is exact for any affine map.
    """
    m = path.transform
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
    stretch = float(np.linalg.norm(np.array([[a, c], [b, d]]), 2)) or 1.0

    def mapped(pts: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [a * pts[:, 0] + c * pts[:, 1] + e, b * pts[:, 0] + d * pts[:, 1] + f]
        )

    out: list[tuple[np.ndarray, bool]] = []
    current: list[np.ndarray] = []
    closed = False

    def flush() -> None:
        nonlocal current, closed
        if current:
            pts = mapped(np.concatenate(current))
            out.append((pts, closed or closed_fill))
        current, closed = [], False

    for seg in path:
        if isinstance(seg, Move):
            flush()
            continue
        if isinstance(seg, Close):
            closed = True
            if seg.start is not None and seg.end is not None and seg.start != seg.end:
                current.append(np.array([[seg.start.x, seg.start.y], [seg.end.x, seg.end.y]]))
            elif not current and seg.end is not None:  # `M x y z`: a subpath of zero length
                current.append(np.array([[seg.end.x, seg.end.y]]))
            flush()
            continue
        length = seg.length(error=1e-4) if hasattr(seg, "length") else 0.0
        n = max(2, int(np.ceil(length * stretch / step_px)) + 1)
        ts = np.linspace(0.0, 1.0, n)
        pts = np.array([[p.x, p.y] for p in (seg.point(t) for t in ts)])
        current.append(pts)
    flush()
    return out


def oracle_design(
    svg_file: str | Path, step_mm: float = 0.02
) -> tuple[float, float, list[OraclePath]]:
    """Document width and height in mm and every visible path in machine mm (Y up)."""
    svg = SVG.parse(str(svg_file), reify=False, ppi=96)
    width_mm = float(svg.width) * PX_TO_MM
    height_mm = float(svg.height) * PX_TO_MM
    paths: list[OraclePath] = []
    for element in svg.elements():
        if not isinstance(element, Shape):
            continue
        if element.values.get("visibility") in ("hidden", "collapse"):
            continue
        path = SvgPath(element)  # segments in the element's own units, with its transform
        stroke = _painted(element.stroke) and (element.stroke_width or 0) > 0
        fill = _painted(element.fill)
        if not (stroke or fill):
            continue
        cap = element.values.get("stroke-linecap", "butt")
        for pts, closed in _subpaths(
            path, closed_fill=fill and not stroke, step_px=step_mm / PX_TO_MM
        ):
            mm = np.column_stack([pts[:, 0] * PX_TO_MM, height_mm - pts[:, 1] * PX_TO_MM])
            # a fill that covers nothing, a stroke of zero length with butt caps: not drawn
            # (svgelements keeps both)
            dot = cap in ("round", "square")
            if not (fill and not _without_area(mm)) and not (
                stroke and (np.ptp(mm, 0).any() or dot)
            ):
                continue
            if fill and not closed and len(mm) > 1:
                # the visible edge of a fill includes the closing segment
                closing = np.linspace(
                    mm[-1], mm[0], max(2, int(np.hypot(*(mm[0] - mm[-1])) / step_mm) + 1)
                )
                mm = np.vstack([mm, closing[1:]])
            paths.append(OraclePath(mm, closed))
    return width_mm, height_mm, paths

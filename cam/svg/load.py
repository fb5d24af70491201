"""load_svg: an SVG file to a Design of polylines in machine millimetres."""

from __future__ import annotations

import contextlib
import gc
import math
import os
from collections.abc import Callable, Iterator

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from cam.design import Design, DesignPath, FillRegion
from cam.errors import DesignError, HostileInputError
from cam.tolerances import DEFAULT

from . import clip
from .dashes import DashLimitError, dash
from .dedupe import dedupe
from .document import RootGeometry, root_geometry
from .flatten import CoordinateOverflowError, SegmentLimitError, flatten
from .limits import DEFAULT_LIMITS, SvgLimits
from .parse import check_expansion, check_tree, index, parse_xml, read_source
from .style import local_name
from .units import MM_PER_PX
from .walk import MAX_LENGTH_CHARS, Drawn, Walker

# Beyond a kilometre a coordinate is an export error, not a design; far smaller numbers
# already fall outside any stone, and far larger ones break the geometry that follows.
MAX_COORD_MM = 1e6


def load_svg(
    source: bytes | str | os.PathLike,
    *,
    tolerance: float = DEFAULT.chord,
    limits: SvgLimits | None = None,
    name: str | None = None,
) -> Design:
    """Read an SVG and return everything visible in it as machine-mm polylines.

    source: the file's bytes, a path, or SVG text (a str starting with "<").
    tolerance: largest distance, in output mm, between a curve and its polyline.
    Raises DesignError (HostileInputError for files built to exhaust the parser) with a
    message naming what is wrong and where; never returns a partial design.
    """
    if not DEFAULT.min_chord <= tolerance <= DEFAULT.max_chord:
        raise DesignError(
            f"flattening tolerance {tolerance:g} mm is outside "
            f"{DEFAULT.min_chord:g}..{DEFAULT.max_chord:g} mm"
        )
    limits = limits or DEFAULT_LIMITS
    with _collector_paused():
        return _load(source, tolerance, limits, name)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a design loads.

    An import allocates hundreds of thousands of small objects that hold no reference
    cycles; the collector would scan them again and again for nothing (a third of the load
    time of a large design). Only re-enabled if it was enabled before, so nesting and
    concurrent loads leave it as they found it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(
    source: bytes | str | os.PathLike, tolerance: float, limits: SvgLimits, name: str | None
) -> Design:
    data, file_name = read_source(source, limits)
    root = parse_xml(data)
    check_tree(root, limits)
    doc = index(root)
    check_expansion(doc, limits)
    for attr in ("width", "height", "viewBox"):
        value = root.get(attr)
        if value is not None and len(value) > MAX_LENGTH_CHARS:
            raise DesignError(
                f"root <svg>: attribute {attr} is {len(value)} characters long: not a size"
            )
    geo = root_geometry(root)
    walker = Walker(doc, limits)
    walker.walk_root(geo)
    warnings = walker.warnings
    size: list[float] = []

    def to_machine(pts: np.ndarray) -> np.ndarray:
        if len(pts) and float(np.abs(pts).max()) > MAX_COORD_MM:
            raise DesignError(
                f"SVG refused: coordinates beyond {MAX_COORD_MM:g} mm once transformed: "
                "the design is absurdly large"
            )
        size.extend(_size(geo, pts, warnings))
        pts[:, 1] = size[1] - pts[:, 1]  # y up, origin at the document's bottom-left
        return pts

    try:
        flat = flatten(
            [(d.matrix, d.subpaths) for d in walker.drawn],
            tolerance,
            limits.max_segments,
            DEFAULT.coord_eps,
            to_machine,
        )
    except SegmentLimitError:
        raise HostileInputError(
            f"SVG refused: more than {limits.max_segments} line segments once curves are flattened"
        ) from None
    except CoordinateOverflowError as exc:
        raise DesignError(f"SVG refused: {exc}: the design is absurdly large") from None
    width, height = size if size else _size(geo, np.zeros((0, 2)), warnings)
    regions = _clip_regions(walker, tolerance, limits, height)
    paths, fills = _assemble(walker.drawn, flat, walker.warn, regions)
    paths, dropped = dedupe(paths, tolerance)
    if not paths:
        detail = "; ".join(warnings[:3])
        raise DesignError(
            "nothing to carve: the design has no visible strokes or fills"
            + (f" ({detail})" if detail else "")
        )
    if dropped:
        warnings.append(f"{dropped} repeated path(s) cut once only")
    if walker.unshown:
        warnings.append(f"... and {walker.unshown} more warning(s)")
    return Design(
        width_mm=width,
        height_mm=height,
        paths=tuple(paths),
        fills=tuple(fills),
        tolerance=tolerance,
        title=_title(doc.root, doc.is_svg) or name or file_name or "untitled",
        warnings=tuple(warnings),
    )


def _size(geo: RootGeometry, pts: np.ndarray, warnings: list[str]) -> tuple[float, float]:
    """Document width and height in mm; from the drawing's extent (document mm, y down)
    where the SVG does not give them."""
    if geo.width_mm is not None and geo.height_mm is not None:
        return geo.width_mm, geo.height_mm
    hi = pts.max(axis=0) if len(pts) else np.zeros(2)
    width = geo.width_mm if geo.width_mm is not None else max(float(hi[0]), 0.0)
    height = geo.height_mm if geo.height_mm is not None else max(float(hi[1]), 0.0)
    warnings.append(
        "the SVG gives no document size (width/height or viewBox): the size is taken from "
        f"the drawing's extent, {width:.3f} x {height:.3f} mm, with user units as px "
        f"({MM_PER_PX * 96:.1f} mm per 96)"
    )
    return width, height


def _clip_regions(
    walker: Walker, tolerance: float, limits: SvgLimits, height: float
) -> list[BaseGeometry]:
    """Each clipPath region in force, as an area in machine mm."""
    if not walker.clips:
        return []
    items = [(shape.matrix, shape.subpaths) for shapes in walker.clips for shape in shapes]

    def to_machine(pts: np.ndarray) -> np.ndarray:
        pts[:, 1] = height - pts[:, 1]
        return pts

    try:
        flat = flatten(items, tolerance, limits.max_segments, DEFAULT.coord_eps, to_machine)
    except SegmentLimitError:
        raise HostileInputError(
            f"SVG refused: more than {limits.max_segments} line segments once curves are flattened"
        ) from None
    except CoordinateOverflowError as exc:
        raise DesignError(f"SVG refused: {exc}: the design is absurdly large") from None
    regions: list[BaseGeometry] = []
    pos = 0
    for shapes in walker.clips:
        parts = []
        for shape in shapes:
            rings = [pts for pts in flat[pos] if len(pts) >= 3]
            parts.append(clip.area(rings, shape.rule))
            pos += 1
        regions.append(unary_union(parts) if parts else Polygon())
    return regions


def _assemble(
    drawn: list[Drawn],
    flat: list[list[np.ndarray]],
    warn: Callable[[str], None],
    regions: list[BaseGeometry] | None = None,
) -> tuple[list[DesignPath], list[FillRegion]]:
    """Machine-space paths (fill outlines first, then strokes: SVG's paint order), each
    seen through the clip-paths in force on its element."""
    paths: list[DesignPath] = []
    fills: list[FillRegion] = []
    seen_through: dict[tuple[int, ...], BaseGeometry] = {}
    for d, polylines in zip(drawn, flat, strict=True):
        region = None
        if d.clips and regions:
            region = seen_through.get(d.clips)
            if region is None:
                region = clip.intersect([regions[i] for i in d.clips])
                shapely.prepare(region)  # many paths are tested against one region
                seen_through[d.clips] = region
        _assemble_one(d, polylines, warn, region, paths, fills)
    return paths, fills


def _assemble_one(
    d: Drawn,
    polylines: list[np.ndarray],
    warn: Callable[[str], None],
    region: BaseGeometry | None,
    paths: list[DesignPath],
    fills: list[FillRegion],
) -> None:
    eps = DEFAULT.coord_eps
    a, b, c, dd = d.matrix[:4]
    width_mm = d.stroke_width * abs(a * dd - b * c) ** 0.5
    rings: list[np.ndarray] = []
    strokes: list[DesignPath] = []
    degenerate = False
    for sub, pts in zip(d.subpaths, polylines, strict=True):
        if len(pts) > 1 and math.dist(pts[0], pts[-1]) <= eps:
            pts = pts[:-1]  # back at the start: closed
            closed = True
        else:
            closed = sub.closed
        pts.setflags(write=False)  # shared by the paths and fill regions built from it
        ring = d.fill and len(pts) >= 3 and not _collinear(pts, eps)
        if ring:
            rings.append(pts)
        elif d.fill and not d.stroke:
            degenerate = True
        if not d.stroke or ring:
            continue  # a fill outline already runs along this subpath's centre line
        if len(pts) == 1 and not d.dots:
            degenerate = True
            continue
        if len(pts) == 2 and closed:
            closed = False  # there and back along one line: cut it once
        if d.dashes is not None:
            strokes.extend(
                DesignPath(piece, False, d.element_id, "stroke", width_mm)
                for piece in _dashed(d, pts, closed)
            )
            continue
        strokes.append(DesignPath(pts, closed and len(pts) > 2, d.element_id, "stroke", width_mm))
    if degenerate:
        warn(f"{d.element_id!r}: subpath(s) of zero length or area dropped")
    rule = d.fill_rule
    if region is not None:
        rings, rule, strokes = _seen_through(rings, rule, strokes, region)
    paths.extend(DesignPath(r, True, d.element_id, "fill") for r in rings)
    paths.extend(strokes)
    if rings:
        fills.append(FillRegion(d.element_id, tuple(rings), rule))


def _dashed(d: Drawn, pts: np.ndarray, closed: bool) -> list[np.ndarray]:
    """The dashes of one stroked subpath, lengths measured in the element's user units."""
    a, b, c, dd = d.matrix[:4]
    to_machine = np.array([[a, c], [-b, -dd]])  # the element's map, then the y flip
    try:
        to_user = np.linalg.inv(to_machine)
    except np.linalg.LinAlgError:
        return [pts]
    try:
        pieces = dash(pts, closed, d.dashes, d.dash_offset, to_user, d.dots, 2_000_000)
    except DashLimitError:
        raise HostileInputError(
            f"SVG refused: the stroke-dasharray of {d.element_id!r} makes too many dashes"
        ) from None
    for piece in pieces:
        piece.setflags(write=False)
    return pieces


def _seen_through(
    rings: list[np.ndarray], rule: str, strokes: list[DesignPath], region: BaseGeometry
) -> tuple[list[np.ndarray], str, list[DesignPath]]:
    """The visible part of a clipped element: its fill's area within the region (outlined,
    even-odd: rings of the resulting polygons and their holes) and its centre lines' pieces
    inside the region."""
    if rings:
        clipped = clip.clip_fill(rings, rule, region)
        if clipped is not None:
            rings, rule = clipped, "evenodd"
            for r in rings:
                r.setflags(write=False)
    kept: list[DesignPath] = []
    for path in strokes:
        pieces = clip.clip_line(path.points, path.closed, region)
        if pieces is None:
            kept.append(path)
            continue
        for pts, closed in pieces:
            pts.setflags(write=False)
            kept.append(DesignPath(pts, closed, path.element_id, "stroke", path.stroke_width_mm))
    return rings, rule, kept


def _collinear(pts: np.ndarray, eps: float) -> bool:
    """All points on one line: a filled ring with no area paints nothing."""
    rel = pts - pts[0]
    far = rel[np.argmax(np.einsum("ij,ij->i", rel, rel))]
    norm = float(np.hypot(*far))
    if norm <= eps:
        return True
    return bool(np.abs(rel[:, 0] * far[1] - rel[:, 1] * far[0]).max() / norm <= eps)


def _title(root, is_svg) -> str:
    for child in root:
        if isinstance(child.tag, str) and is_svg(child) and local_name(child) == "title":
            return "".join(child.itertext()).strip()
    return ""

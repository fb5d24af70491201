"""The drawing walk: which elements are drawn, with which map and which paint.

The walk follows SVG's rendering model: document order, transforms composed down the
tree, <use> instances inheriting from the <use> (selectors still match where the element
is written), viewports for nested <svg> and <symbol>, display/visibility/opacity rules.
It only decides what is drawn; flattening comes after, for all shapes at once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from xml.etree.ElementTree import Element

import numpy as np

from cam.errors import DesignError, HostileInputError

from . import shapes
from .dashes import parse_pattern
from .document import RootGeometry
from .flatten import CoordinateOverflowError, SegmentLimitError, flatten
from .guard import bad_path_run, bad_transform_args, number_run_ok
from .limits import SvgLimits
from .markers import vertices as marker_vertices
from .origin import about, parse_origin
from .paint import opacity_value, paint_alpha
from .parse import NEVER_DRAWN, XLINK_HREF, Document
from .pathdata import LINE, PathDataError, SubPath
from .style import cascade, local_name
from .transform import (
    IDENTITY,
    Affine,
    EmptyViewBoxError,
    TransformError,
    compose,
    parse_aspect,
    parse_transform,
    parse_view_box,
    rotate,
    scale,
    translate,
    view_box_map,
)
from .units import MM_PER_PX, LengthError, to_px

# flowRoot (Inkscape) and textArea (SVG Tiny) are text their editors show, though browsers do not
TEXT = frozenset(["text", "tspan", "textPath", "tref", "altGlyph", "flowRoot", "textArea"])
NOT_CARVED = frozenset(["image", "foreignObject", "video", "audio", "iframe", "canvas"])
GROUPS = frozenset(["g", "a"])

# Attributes read as lengths. A length is a few dozen characters at most; a longer one is no
# length, and the length parser's expression would take quadratic time to say so.
LENGTH_ATTRIBUTES = (
    "x y width height rx ry r cx cy x1 y1 x2 y2 stroke-width refX refY markerWidth "
    "markerHeight stroke-dashoffset"
).split()
MAX_LENGTH_CHARS = 256

# CSS-wide keywords that give an inherited property its parent's value
_FROM_PARENT = frozenset(("inherit", "unset", "revert", "revert-layer"))

# A design with a warning on each of thousands of elements needs the first few, not all.
MAX_WARNINGS = 50

INHERITED_DEFAULTS: dict[str, str] = {
    "fill": "black",
    "stroke": "none",
    "stroke-width": "1",
    "visibility": "visible",
    "fill-rule": "nonzero",
    "color": "black",
    "fill-opacity": "1",
    "stroke-opacity": "1",
    "stroke-linecap": "butt",
    "stroke-dasharray": "none",
    "stroke-dashoffset": "0",
    "marker-start": "none",
    "marker-mid": "none",
    "marker-end": "none",
}
# the elements markers are drawn on
MARKABLE = frozenset(("path", "line", "polyline", "polygon"))


@dataclass(frozen=True, slots=True)
class Ctx:
    matrix: Affine  # user units of this element's parent -> document mm (y down)
    style: dict[str, str]  # computed inherited properties of the parent
    opacity: float  # product of the ancestors' opacity
    viewport: tuple[float, float]  # nearest viewport, user units (for percentages)
    prefix: str  # locator of the <use> chain this element is drawn through
    depth: int
    uses: frozenset[int]  # id() of elements being instantiated (cycle guard)
    clips: tuple[int, ...] = ()  # indexes into Walker.clips of the clip-paths in force


@dataclass(slots=True)
class Drawn:
    """One shape to cut."""

    element_id: str
    matrix: Affine
    subpaths: list[SubPath]
    fill: bool
    stroke: bool
    fill_rule: str
    stroke_width: float  # user units
    dots: bool  # round/square caps: a zero-length stroked subpath shows as a dot
    clips: tuple[int, ...] = ()  # the clipping regions it is seen through (all of them)
    dashes: tuple[float, ...] | None = None  # stroke-dasharray in user units (None: solid)
    dash_offset: float = 0.0


@dataclass(slots=True)
class ClipShape:
    """One shape of a <clipPath>, in document mm through its map."""

    matrix: Affine
    subpaths: list[SubPath]
    rule: str  # clip-rule: "nonzero" | "evenodd"


class Walker:
    def __init__(self, doc: Document, limits: SvgLimits) -> None:
        self.doc = doc
        self.limits = limits
        self.drawn: list[Drawn] = []
        self.warnings: list[str] = []
        self._seen: set[str] = set()
        self.unshown = 0  # warnings past MAX_WARNINGS, counted only
        for text in doc.sheet.warnings:
            self.warn(text)
        self.visits = 0
        self._declared: dict[Element, dict[str, str]] = {}
        self.clips: list[list[ClipShape]] = []  # clipping regions, by Drawn.clips index
        self._clip_keys: dict[tuple[int, Affine], int] = {}
        self._mask_keys: dict[tuple[int, Affine, int], tuple[int, ...]] = {}
        self._box_keys: dict[tuple, int] = {}
        self._marker_styles: dict[Element, dict[str, str]] = {}

    def warn(self, text: str) -> None:
        if text in self._seen:
            return
        self._seen.add(text)
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(text)
        else:
            self.unshown += 1

    # -- style ------------------------------------------------------------------------
    def declared(self, el: Element) -> dict[str, str]:
        found = self._declared.get(el)
        if found is None:
            found = cascade(el, local_name(el), self.doc.sheet, self.doc.parent.get)
            self._declared[el] = found
        return found

    def computed(self, el: Element, ctx: Ctx) -> tuple[dict[str, str], dict[str, str]]:
        own = self.declared(el)
        style = ctx.style
        if any(prop.startswith("--") or "var(" in value for prop, value in own.items()):
            style, own = self.substituted(own, ctx.style)
        for prop, value in own.items():
            if prop in INHERITED_DEFAULTS:
                keyword = value.lower()
                if keyword in _FROM_PARENT:
                    continue  # inherit, unset, revert: the parent's value, already there
                if style is ctx.style:
                    style = dict(ctx.style)  # copied only when something changes
                style[prop] = INHERITED_DEFAULTS[prop] if keyword == "initial" else value
        shorthand = own.get("marker")
        if shorthand is not None and shorthand.lower() not in _FROM_PARENT:
            for prop in _MARKERS:
                if prop not in own:  # the longhands declared alongside win (an approximation)
                    if style is ctx.style:
                        style = dict(ctx.style)
                    style[prop] = shorthand
        return style, own

    def substituted(
        self, own: dict[str, str], parent: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Custom properties (inherited) and var() references, as CSS resolves them: a
        reference to nothing without a fallback, a cycle, or a value grown past
        MAX_VAR_CHARS makes the property invalid, that is unset (the parent's value for an
        inherited property, the initial one otherwise)."""
        style = dict(parent)
        custom = {p: v for p, v in own.items() if p.startswith("--")}
        style.update(custom)
        for prop, value in custom.items():
            resolved = _substitute(value, lambda n, p=prop: None if n == p else style.get(n))
            if resolved is None:
                if prop in parent:
                    style[prop] = parent[prop]
                else:
                    del style[prop]
            else:
                style[prop] = resolved
        out: dict[str, str] = {}
        for prop, value in own.items():
            if prop.startswith("--"):
                continue
            if "var(" in value:
                resolved = _substitute(value, style.get)
                if resolved is None:
                    self.warn(f"CSS {prop}: {value!r} refers to no custom property: unset")
                    continue
                value = resolved
            out[prop] = value
        return style, out

    # -- the walk -------------------------------------------------------------------------
    def walk(self, el: Element, ctx: Ctx, name: str) -> None:
        self.visits += 1
        if self.visits > self.limits.max_elements:
            raise HostileInputError(
                f"SVG refused: more than {self.limits.max_elements} elements to draw "
                "once <use> references are expanded"
            )
        if ctx.depth > self.limits.max_depth:
            raise HostileInputError(
                f"SVG refused: elements nested deeper than {self.limits.max_depth} levels "
                "once <use> references are expanded"
            )
        if not self.doc.is_svg(el):
            return  # editor data (inkscape:, sodipodi:, ...) and foreign markup
        tag = local_name(el)
        if tag in NEVER_DRAWN or not self.applies(el):
            return
        style, own = self.computed(el, ctx)
        if own.get("display", "").strip().lower() == "none":
            return
        if "transform" in own:
            raise DesignError(
                f"element {name!r}: CSS transform property is not supported; "
                "use the transform attribute"
            )
        self.check_numbers(el, name)
        try:
            own_map = parse_transform(el.get("transform"))
            if own_map != IDENTITY and ("transform-origin" in own or "transform-box" in own):
                own_map = self.about_origin(own_map, own, ctx.viewport, name)
            matrix = compose(ctx.matrix, own_map)
        except TransformError as exc:
            raise DesignError(f"element {name!r}: {exc}") from None
        opacity = ctx.opacity * _opacity(own.get("opacity"))
        clips = ctx.clips
        clip = own.get("clip-path", "none").strip()
        if clip.lower() != "none":
            found = self.clip_index(clip, matrix, ctx.viewport, name, el)
            if found is not None:
                clips = (*clips, found)
        mask = own.get("mask", "none").strip()
        if mask.lower() != "none":
            clips = (*clips, *self.mask_indexes(mask, matrix, ctx.viewport, name, el))
        inner = Ctx(
            matrix, style, opacity, ctx.viewport, ctx.prefix, ctx.depth + 1, ctx.uses, clips
        )
        if tag in GROUPS or tag == "svg":
            if tag == "svg":
                port = self.nested_viewport(el, inner, name, el.get("width"), el.get("height"))
                if port is not None:
                    self.children(el, port)
                return
            self.children(el, inner)
        elif tag == "switch":
            self.switch(el, inner)
        elif tag == "use":
            self.use(el, inner, name)
        elif tag in TEXT:
            if opacity > 0 and self.text_shows(el, ctx.style):
                raise DesignError(
                    f"design contains text (element {name!r}): convert text to paths before carving"
                )
        elif tag in NOT_CARVED:
            self.warn(f"<{tag}> {name!r} is not carved: only vector paths are")
        elif tag in shapes.SHAPES:
            self.shape(el, tag, inner, name)
        # any other SVG element (unknown, or SVG 2 additions) draws nothing itself

    def walk_root(self, geo: RootGeometry) -> None:
        """Draw the document: geo.matrix maps root user units to document mm."""
        root = self.doc.root
        ctx = Ctx(geo.matrix, dict(INHERITED_DEFAULTS), 1.0, geo.viewport, "", 1, frozenset())
        style, own = self.computed(root, ctx)
        if own.get("display", "").strip().lower() == "none":
            return
        if "transform" in own:
            raise DesignError(
                "root <svg>: CSS transform property is not supported; use the transform attribute"
            )
        matrix = compose(self.root_transform(geo, own), geo.matrix)
        for prop in ("clip-path", "mask"):
            if own.get(prop, "none").strip().lower() != "none":
                self.warn(f"{prop} on the root <svg> is not applied")
        opacity = _opacity(own.get("opacity"))
        self.children(root, Ctx(matrix, style, opacity, geo.viewport, "", 2, frozenset()))

    def root_transform(self, geo: RootGeometry, own: dict[str, str]) -> Affine:
        """The root's transform attribute as browsers apply it (SVG 2, CSS Transforms): to
        the outermost <svg>'s CSS box, in the px of that box, outside the viewBox mapping,
        about transform-origin (default: the box's centre). Returned in document mm."""
        self.check_numbers(self.doc.root, "root <svg>")
        try:
            m = parse_transform(self.doc.root.get("transform"))
        except TransformError as exc:
            raise DesignError(f"root <svg>: {exc}") from None
        if m == IDENTITY:
            return IDENTITY
        linear = m[:4] != IDENTITY[:4]
        if geo.width_mm is None or geo.height_mm is None:
            if linear:
                raise DesignError(
                    "root <svg>: a transform that scales, rotates or skews the whole drawing "
                    "needs a document size (width and height, or a viewBox) to turn about"
                )
            box = (0.0, 0.0)  # a translation does not depend on the origin
        else:
            box = (geo.width_mm / MM_PER_PX, geo.height_mm / MM_PER_PX)
        # the root has a CSS box, so every transform-box value is that box (no border)
        try:
            ox, oy = parse_origin(own.get("transform-origin", "50% 50%"), *box)
        except TransformError as exc:
            raise DesignError(f"root <svg>: {exc}") from None
        px = about(m, ox, oy)
        return compose(scale(MM_PER_PX), compose(px, scale(1.0 / MM_PER_PX)))

    def about_origin(self, m: Affine, own: dict[str, str], viewport, name: str) -> Affine:
        """An element's transform about its transform-origin; the reference box is the
        nearest viewport (transform-box view-box, SVG's default), its corner at 0 0."""
        box_kind = own.get("transform-box", "view-box").strip().lower()
        if box_kind != "view-box":
            raise TransformError(
                f"transform-box {box_kind!r} (about the element's own bounding box) "
                "is not supported"
            )
        text = own.get("transform-origin")
        if text is None:
            return m
        return about(m, *parse_origin(text, *viewport))

    def clip_index(
        self,
        value: str,
        matrix: Affine,
        viewport: tuple[float, float],
        name: str,
        el: Element | None = None,
    ) -> int | None:
        """The index in self.clips of the region `clip-path: value` clips to, for an element
        whose user space maps to document mm by `matrix`; None when nothing is clipped."""
        m = _URL_REF.fullmatch(value)
        if m is None:
            self.warn(f"clip-path {value!r} on {name!r} is not applied: the whole shape is cut")
            return None
        target = self.doc.ids.get(m.group(1))
        if target is None or local_name(target) != "clipPath" or not self.doc.is_svg(target):
            # CSS Masking: a reference to nothing, or not to a clipPath, clips nothing
            self.warn(f"clip-path {value!r} on {name!r} refers to no <clipPath>: not clipped")
            return None
        where = target.get("id") or "clipPath"
        units = (target.get("clipPathUnits") or "userSpaceOnUse").strip()
        if units == "objectBoundingBox":
            box = self.shape_bbox(el, viewport) if el is not None else None
            if box is None:
                self.warn(
                    f"clipPath {where!r} in objectBoundingBox units is not applied on "
                    f"{name!r} (its bounding box cannot be told): the whole shape is cut"
                )
                return None
            x0, y0, x1, y1 = box
            matrix = compose(matrix, (x1 - x0, 0.0, 0.0, y1 - y0, x0, y0))
        key = (id(target), matrix)
        found = self._clip_keys.get(key)
        if found is not None:
            return found
        if (self.declared(target).get("clip-path") or "none").strip().lower() != "none":
            self.warn(f"the clip-path of clipPath {where!r} itself is not applied")
        self.check_numbers(target, f"clipPath {where!r}")
        try:
            base = compose(matrix, parse_transform(target.get("transform")))
        except TransformError as exc:
            raise DesignError(f"clipPath {where!r}: {exc}") from None
        own_rule = self.declared(target).get("clip-rule", "nonzero")
        shapes_in: list[ClipShape] = []
        for child in target:
            if isinstance(child.tag, str) and self.doc.is_svg(child):
                shape = self.clip_shape(child, base, own_rule, viewport, where)
                if shape is not None:
                    shapes_in.append(shape)
        self.clips.append(shapes_in)
        self._clip_keys[key] = len(self.clips) - 1
        return len(self.clips) - 1

    def mask_indexes(
        self,
        value: str,
        matrix: Affine,
        viewport: tuple[float, float],
        name: str,
        el: Element | None = None,
    ) -> tuple[int, ...]:
        """A mask made of opaque-enough filled shapes (Figma's icon masks: a shape with
        mask-type alpha, or light shapes in a luminance mask) shows its content where those
        shapes are: it is read as a clip to their area (and to the mask's own rectangle).
        Anything else (strokes, gradients, images, groups, black shapes covering light ones,
        bounding-box units) is not applied: the whole shape is cut, with a warning."""
        m = _URL_REF.fullmatch(value)
        target = self.doc.ids.get(m.group(1)) if m else None
        if target is None or local_name(target) != "mask" or not self.doc.is_svg(target):
            self.warn(f"mask {value!r} on {name!r} refers to no <mask>: not applied")
            return ()
        where = target.get("id") or "mask"
        key = (id(target), matrix, id(el))
        found = self._mask_keys.get(key)
        if found is not None:
            return found
        try:
            found = self.mask_regions(target, matrix, viewport, where, el)
        except _Unsupported as exc:
            self.warn(f"mask {where!r} on {name!r} is not applied ({exc}): the whole shape is cut")
            found = ()
        self._mask_keys[key] = found
        return found

    def mask_regions(
        self,
        mask: Element,
        matrix: Affine,
        viewport: tuple[float, float],
        where: str,
        el: Element | None = None,
    ) -> tuple[int, ...]:
        mown = self.declared(mask)
        self.check_numbers(mask, f"mask {where!r}")
        content_units = (mask.get("maskContentUnits") or "userSpaceOnUse").strip()
        units = (mask.get("maskUnits") or "objectBoundingBox").strip()
        explicit = any(mask.get(a) is not None for a in ("x", "y", "width", "height"))
        box_map = IDENTITY
        if content_units == "objectBoundingBox" or (units == "objectBoundingBox" and explicit):
            box = self.shape_bbox(el, viewport) if el is not None else None
            if box is None:
                raise _Unsupported("the element's bounding box cannot be told")
            box_map = (box[2] - box[0], 0.0, 0.0, box[3] - box[1], box[0], box[1])
        content = compose(matrix, box_map) if content_units == "objectBoundingBox" else matrix
        vw, vh = viewport
        regions: list[list[ClipShape]] = []
        if units == "objectBoundingBox" and explicit:
            try:
                x, y, w, h = (
                    _fraction(mask.get(a) or d)
                    for a, d in (
                        ("x", "-10%"),
                        ("y", "-10%"),
                        ("width", "120%"),
                        ("height", "120%"),
                    )
                )
            except ValueError as exc:
                raise DesignError(f"mask {where!r}: {exc}") from None
            box = SubPath((x, y), [(LINE, x + w, y), (LINE, x + w, y + h), (LINE, x, y + h)], True)
            regions.append(
                [ClipShape(compose(matrix, box_map), [box] if w > 0 and h > 0 else [], "nonzero")]
            )
        if units == "userSpaceOnUse":
            try:
                x, w = (to_px(mask.get(a) or d, vw) for a, d in (("x", "-10%"), ("width", "120%")))
                y, h = (to_px(mask.get(a) or d, vh) for a, d in (("y", "-10%"), ("height", "120%")))
            except LengthError as exc:
                raise DesignError(f"mask {where!r}: {exc}") from None
            box = SubPath((x, y), [(LINE, x + w, y), (LINE, x + w, y + h), (LINE, x, y + h)], True)
            regions.append([ClipShape(matrix, [box] if w > 0 and h > 0 else [], "nonzero")])
        alpha_mode = (
            mown.get("mask-type") or mask.get("mask-type") or "luminance"
        ).strip().lower() == "alpha"
        shown: list[ClipShape] = []
        for child in mask:
            if not (isinstance(child.tag, str) and self.doc.is_svg(child)):
                continue
            tag = local_name(child)
            if tag in ("title", "desc", "metadata"):
                continue
            if tag not in shapes.SHAPES and tag != "use":
                raise _Unsupported(f"<{tag}> inside it")
            cown = self.declared(child)
            if self.hidden_in_clip(child):
                continue

            def prop(name: str, default: str, cown=cown) -> str:
                return (cown.get(name) or mown.get(name) or default).strip()

            color = prop("color", "black")
            stroke, _ = paint_alpha(prop("stroke", "none"), color, self.doc.ids)
            if stroke is None or (stroke > 0 and prop("stroke-width", "1") not in ("0", "0px")):
                raise _Unsupported("a stroked shape inside it")
            fill_text = prop("fill", "black")
            if fill_text.lower().startswith("url("):
                raise _Unsupported("a gradient or pattern inside it")
            fill, _ = paint_alpha(fill_text, color, self.doc.ids)
            strength = (fill or 0.0) * _opacity(prop("fill-opacity", "1"))
            strength *= _opacity(prop("opacity", "1"))
            if strength <= 0:
                continue
            if not alpha_mode and _is_black(fill_text, color):
                if shown:
                    raise _Unsupported("a black shape over a lighter one")
                continue  # black in a luminance mask shows nothing
            rule = prop("fill-rule", "nonzero").lower()
            shape = self.clip_shape(
                child,
                content,
                "evenodd" if rule == "evenodd" else "nonzero",
                viewport,
                where,
            )
            if shape is not None:
                shape.rule = "evenodd" if rule == "evenodd" else "nonzero"
                shown.append(shape)
        regions.append(shown)
        indexes = []
        for region in regions:
            self.clips.append(region)
            indexes.append(len(self.clips) - 1)
        return tuple(indexes)

    def clip_shape(
        self, el: Element, base: Affine, rule: str, viewport: tuple[float, float], where: str
    ) -> ClipShape | None:
        """A child of a <clipPath> as a clipping shape (a shape, or a <use> of one)."""
        tag = local_name(el)
        self.check_numbers(el, f"clipPath {where!r}")
        try:
            mat = compose(base, parse_transform(el.get("transform")))
            if tag == "use":
                target = self.doc.ids.get((el.get("href") or el.get(XLINK_HREF) or "")[1:])
                vw, vh = viewport
                x, y = to_px(el.get("x") or "0", vw), to_px(el.get("y") or "0", vh)
                if target is None or local_name(target) not in shapes.SHAPES:
                    return None
                if self.hidden_in_clip(el):
                    return None
                self.check_numbers(target, f"clipPath {where!r}")
                mat = compose(
                    compose(mat, translate(x, y)), parse_transform(target.get("transform"))
                )
                el, tag = target, local_name(target)
        except (TransformError, LengthError) as exc:
            raise DesignError(f"clipPath {where!r}: {exc}") from None
        if tag in TEXT:
            raise DesignError(
                f"clipPath {where!r} clips with text: convert text to paths before carving"
            )
        if tag not in shapes.SHAPES or self.hidden_in_clip(el):
            return None
        own = self.declared(el)
        if (own.get("clip-path") or "none").strip().lower() != "none":
            self.warn(f"the clip-path of a shape inside clipPath {where!r} is not applied")
        try:
            subs = shapes.SHAPES[tag](el, *viewport)
        except (PathDataError, shapes.ShapeError) as exc:
            raise DesignError(f"clipPath {where!r}, {tag}: {exc}") from None
        subs = [sub for sub in subs if sub.segs or sub.closed]
        value = own.get("clip-rule", rule).strip().lower()
        return ClipShape(mat, subs, "evenodd" if value == "evenodd" else "nonzero")

    def shape_bbox(
        self, el: Element, viewport: tuple[float, float]
    ) -> tuple[float, float, float, float] | None:
        """The object bounding box of a shape, or of a group's shapes, in the element's own
        user units (geometry, not stroke; children through their transforms; display:none
        left out), or None when there is none or it has no width or no height."""
        items: list[tuple[Affine, list[SubPath]]] = []
        if not self._bbox_items(el, IDENTITY, viewport, items, 0):
            return None
        try:
            polylines = flatten(items, 1e-4, self.limits.max_segments, 1e-12)
        except (SegmentLimitError, CoordinateOverflowError):
            return None
        pts = [p for group in polylines for p in group if len(p)]
        if not pts:
            return None
        allpts = np.concatenate(pts)
        x0, y0 = allpts.min(axis=0)
        x1, y1 = allpts.max(axis=0)
        if x1 - x0 <= 0 or y1 - y0 <= 0:
            return None
        return float(x0), float(y0), float(x1), float(y1)

    def _bbox_items(
        self,
        el: Element,
        m: Affine,
        viewport: tuple[float, float],
        items: list[tuple[Affine, list[SubPath]]],
        depth: int,
    ) -> bool:
        """Collect (map, subpaths) of the shapes under el; False when the box cannot be
        told (text, images, <use>, nested viewports inside)."""
        tag = local_name(el)
        if tag in shapes.SHAPES:
            try:
                subs = shapes.SHAPES[tag](el, *viewport)
            except (PathDataError, shapes.ShapeError):
                return False
            items.append((m, [sub for sub in subs if sub.segs or sub.closed]))
            return True
        if tag not in GROUPS or depth > self.limits.max_depth:
            return False
        for child in el:
            if not (isinstance(child.tag, str) and self.doc.is_svg(child)):
                continue
            name = local_name(child)
            if name in NEVER_DRAWN or name in ("title", "desc"):
                continue
            if self.declared(child).get("display", "").strip().lower() == "none":
                continue
            self.check_numbers(child, self.doc.locator.get(child, name))
            try:
                child_map = compose(m, parse_transform(child.get("transform")))
            except TransformError:
                return False
            if not self._bbox_items(child, child_map, viewport, items, depth + 1):
                return False
        return True

    def check_numbers(self, el: Element, name: str) -> None:
        """Refuse, in linear time, a transform, path data or point list whose numbers do not
        parse (see cam.svg.guard) before the detailed parsers see it."""
        transform = el.get("transform")
        if transform:
            bad = bad_transform_args(transform)
            if bad is not None:
                where = name if name.startswith(("root ", "clipPath ")) else f"element {name!r}"
                raise DesignError(f"{where}: malformed transform near {bad[:30]!r}")
        for attr in LENGTH_ATTRIBUTES:
            value = el.get(attr)
            if value is not None and len(value) > MAX_LENGTH_CHARS:
                raise DesignError(
                    f"element {name!r}: attribute {attr} is {len(value)} characters long: "
                    "not a length"
                )
        tag = local_name(el)
        if tag == "path":
            bad = bad_path_run(el.get("d") or "")
            if bad is not None:
                raise DesignError(f"path {name!r}: malformed path data near {bad!r}")
        elif tag in ("polyline", "polygon"):
            if not number_run_ok(el.get("points") or ""):
                raise DesignError(f"{tag} {name!r}: malformed points")

    def hidden_in_clip(self, el: Element) -> bool:
        own = self.declared(el)
        return own.get("display", "").strip().lower() == "none" or own.get(
            "visibility", ""
        ).strip().lower() in ("hidden", "collapse")

    def text_shows(self, el: Element, parent_style: dict[str, str]) -> bool:
        """Whether a text element paints any glyph: some non-blank character under a
        visible, painted fill or stroke (empty text objects, which editors leave behind,
        and text with neither fill nor stroke show nothing and are not refused)."""
        own = self.declared(el)
        if own.get("display", "").strip().lower() == "none":
            return False
        if _opacity(own.get("opacity")) <= 0:
            return False
        style = dict(parent_style)
        for prop, value in own.items():
            if prop in INHERITED_DEFAULTS and value.lower() not in _FROM_PARENT:
                style[prop] = INHERITED_DEFAULTS[prop] if value.lower() == "initial" else value
        if (el.text or "").strip() or any((child.tail or "").strip() for child in el):
            if style["visibility"].strip().lower() not in ("hidden", "collapse"):
                for prop in ("fill", "stroke"):
                    alpha, _ = paint_alpha(style[prop], style["color"], self.doc.ids)
                    strength = (1.0 if alpha is None else alpha) * _opacity(
                        style[prop + "-opacity"]
                    )
                    if strength > 0 and (prop == "fill" or style["stroke-width"].strip() != "0"):
                        return True
        return any(
            self.text_shows(child, style)
            for child in el
            if isinstance(child.tag, str) and self.doc.is_svg(child)
        )

    def locate(self, el: Element, ctx: Ctx) -> str:
        return ctx.prefix + self.doc.locator[el]

    def children(self, el: Element, ctx: Ctx) -> None:
        for child in el:
            if isinstance(child.tag, str):
                self.walk(child, ctx, self.locate(child, ctx))

    def applies(self, el: Element) -> bool:
        """Conditional processing: no extension is supported; English is the language."""
        if el.get("requiredExtensions") is not None:
            return False
        langs = el.get("systemLanguage")
        if langs is not None:
            return any(lang.strip().lower().startswith("en") for lang in langs.split(","))
        return True

    def switch(self, el: Element, ctx: Ctx) -> None:
        for child in el:
            if isinstance(child.tag, str) and self.doc.is_svg(child) and self.applies(child):
                self.walk(child, ctx, self.locate(child, ctx))
                return

    def nested_viewport(
        self, el: Element, ctx: Ctx, name: str, width: str | None, height: str | None
    ) -> Ctx | None:
        """The context inside a nested <svg> or an instantiated <symbol>; None when its
        viewport is empty (nothing drawn)."""
        vw, vh = ctx.viewport
        try:
            x = to_px(el.get("x") or "0", vw) if local_name(el) == "svg" else 0.0
            y = to_px(el.get("y") or "0", vh) if local_name(el) == "svg" else 0.0
            w = to_px(width if width and width.strip() != "auto" else "100%", vw)
            h = to_px(height if height and height.strip() != "auto" else "100%", vh)
            vb = parse_view_box(el.get("viewBox"))
            aspect = parse_aspect(el.get("preserveAspectRatio"))
        except EmptyViewBoxError:
            return None  # SVG draws nothing for a zero-size viewBox
        except (LengthError, TransformError) as exc:
            raise DesignError(f"element {name!r}: {exc}") from None
        if w <= 0 or h <= 0:
            return None
        overflow = self.declared(el).get("overflow", "hidden").strip().lower()
        if overflow not in ("visible", "auto"):
            # a nested viewport clips what overflows it (the user agent style sheet gives
            # svg and symbol overflow: hidden); the rectangle is in the parent's user space
            key = (ctx.matrix, x, y, w, h)
            index = self._box_keys.get(key)
            if index is None:
                box = SubPath(
                    (x, y), [(LINE, x + w, y), (LINE, x + w, y + h), (LINE, x, y + h)], True
                )
                self.clips.append([ClipShape(ctx.matrix, [box], "nonzero")])
                index = self._box_keys[key] = len(self.clips) - 1
            ctx = replace(ctx, clips=(*ctx.clips, index))
        if vb is None:
            return replace(ctx, matrix=compose(ctx.matrix, translate(x, y)), viewport=(w, h))
        inner = view_box_map(vb, aspect, w, h, x, y)
        return replace(ctx, matrix=compose(ctx.matrix, inner), viewport=(vb[2], vb[3]))

    def use(self, el: Element, ctx: Ctx, name: str) -> None:
        href = el.get("href") or el.get(XLINK_HREF) or ""
        href = href.strip()
        if not href.startswith("#"):
            self.warn(f"<use> {name!r} refers to {href!r} outside this file: not drawn")
            return
        target = self.doc.ids.get(href[1:])
        if target is None:
            self.warn(f"<use> {name!r} refers to missing {href!r}: not drawn")
            return
        if id(target) in ctx.uses or _is_ancestor(target, el, self.doc.parent):
            raise HostileInputError(f"SVG refused: <use> {name!r} makes a cycle through {href!r}")
        vw, vh = ctx.viewport
        try:
            x, y = to_px(el.get("x") or "0", vw), to_px(el.get("y") or "0", vh)
        except LengthError as exc:
            raise DesignError(f"element {name!r}: {exc}") from None
        inner = replace(
            ctx,
            matrix=compose(ctx.matrix, translate(x, y)),
            style=_with_context(ctx.style, ctx.style),
            prefix=name + ">",
            uses=ctx.uses | {id(target)},
        )
        target_name = self.locate(target, inner)
        if local_name(target) == "symbol" and self.doc.is_svg(target):
            self.symbol(target, el, inner, target_name)
        elif local_name(target) == "svg" and self.doc.is_svg(target):
            self.walk_svg_instance(target, el, inner, target_name)
        else:
            self.walk(target, inner, target_name)

    def symbol(self, sym: Element, use: Element, ctx: Ctx, name: str) -> None:
        self.visits += 1
        style, own = self.computed(sym, ctx)
        if own.get("display", "").strip().lower() == "none" or not self.applies(sym):
            return
        width = use.get("width") or sym.get("width")
        height = use.get("height") or sym.get("height")
        inner = replace(
            ctx,
            style=style,
            opacity=ctx.opacity * _opacity(own.get("opacity")),
            depth=ctx.depth + 1,
        )
        port = self.nested_viewport(sym, inner, name, width, height)
        if port is not None:
            self.children(sym, port)

    def walk_svg_instance(self, svg: Element, use: Element, ctx: Ctx, name: str) -> None:
        # a <use> of an <svg> sizes its viewport with the <use>'s width/height when given
        w, h = use.get("width"), use.get("height")
        if w is None and h is None:
            self.walk(svg, ctx, name)
            return
        self.visits += 1
        style, own = self.computed(svg, ctx)
        if own.get("display", "").strip().lower() == "none":
            return
        inner = replace(
            ctx,
            style=style,
            opacity=ctx.opacity * _opacity(own.get("opacity")),
            depth=ctx.depth + 1,
        )
        port = self.nested_viewport(svg, inner, name, w or svg.get("width"), h or svg.get("height"))
        if port is not None:
            self.children(svg, port)

    # -- shapes ---------------------------------------------------------------------------
    def shape(self, el: Element, tag: str, ctx: Ctx, name: str) -> None:
        vw, vh = ctx.viewport
        try:
            subs = shapes.SHAPES[tag](el, vw, vh)
        except (PathDataError, shapes.ShapeError) as exc:
            raise DesignError(f"{tag} {name!r}: {exc}") from None
        # a moveto with no segment after it (and no closepath) starts no subpath: browsers
        # draw nothing there, not even a dot with round caps
        subs = [sub for sub in subs if sub.segs or sub.closed]
        if not subs:
            return
        style = ctx.style
        if tag in MARKABLE and any(style[m].strip().lower() != "none" for m in _MARKERS):
            self.markers(subs, ctx, name, self.stroke_width(style, vw, vh))
        visible = style["visibility"].strip().lower() not in ("hidden", "collapse")
        fill = tag != "line" and visible and self.alpha("fill", ctx, name) > 0
        stroke = visible and self.alpha("stroke", ctx, name) > 0
        width = self.stroke_width(style, vw, vh) if stroke else 0.0
        stroke = stroke and width > 0
        if not (fill or stroke):
            return
        pattern, offset = self.dash_pattern(style, vw, vh, name) if stroke else (None, 0.0)
        rule = style["fill-rule"].strip().lower()
        self.drawn.append(
            Drawn(
                name,
                ctx.matrix,
                subs,
                fill,
                stroke,
                "evenodd" if rule == "evenodd" else "nonzero",
                width,
                style["stroke-linecap"].strip().lower() in ("round", "square"),
                ctx.clips,
                pattern,
                offset,
            )
        )

    def dash_pattern(
        self, style: dict[str, str], vw: float, vh: float, name: str
    ) -> tuple[tuple[float, ...] | None, float]:
        """(dash lengths, offset) in user units, or (None, 0) for a solid stroke."""
        text = style["stroke-dasharray"].strip()
        if text.lower() in ("none", ""):
            return None, 0.0
        ref = math.hypot(vw, vh) / math.sqrt(2.0)
        try:
            tokens = [v for v in re.split(r"[\s,]+", text) if v]
            if any(len(v) > MAX_LENGTH_CHARS for v in tokens):
                raise LengthError("a dash length too long to be one")
            if len(style["stroke-dashoffset"]) > MAX_LENGTH_CHARS:
                raise LengthError("a dash offset too long to be one")
            values = [to_px(v, ref) for v in tokens]
            offset = to_px(style["stroke-dashoffset"].strip() or "0", ref)
        except LengthError:
            self.warn(f"stroke-dasharray {text!r} on {name!r} is not valid: a solid line is cut")
            return None, 0.0
        return parse_pattern(values), offset

    # -- markers ---------------------------------------------------------------------------
    def markers(self, subs: list[SubPath], ctx: Ctx, name: str, stroke_width: float) -> None:
        """Draw the markers of a path, line, polyline or polygon on its vertices (drawn
        before the shape itself here; the cut order does not depend on paint order)."""
        verts = marker_vertices(subs)
        last = len(verts) - 1
        for index, vertex in enumerate(verts):
            for pos in ("start", "mid", "end"):
                if pos == "start" and index != 0 or pos == "end" and index != last:
                    continue
                if pos == "mid" and index in (0, last):
                    continue
                value = ctx.style["marker-" + pos].strip()
                if value.lower() != "none":
                    self.marker(value, pos, vertex, ctx, name, stroke_width)

    def marker(
        self, value: str, pos: str, vertex, ctx: Ctx, name: str, stroke_width: float
    ) -> None:
        m = _URL_REF.fullmatch(value)
        target = self.doc.ids.get(m.group(1)) if m else None
        if target is None or local_name(target) != "marker" or not self.doc.is_svg(target):
            self.warn(f"marker {value!r} on {name!r} refers to no <marker>: not drawn")
            return
        if id(target) in ctx.uses:
            return  # a marker drawn inside its own content: once is enough
        where = target.get("id") or "marker"
        self.check_numbers(target, f"marker {where!r}")
        vw, vh = ctx.viewport
        try:
            mw = to_px(target.get("markerWidth") or "3", vw)
            mh = to_px(target.get("markerHeight") or "3", vh)
            vb = parse_view_box(target.get("viewBox"))
            aspect = parse_aspect(target.get("preserveAspectRatio"))
            ref_x = to_px(target.get("refX") or "0", vb[2] if vb else mw)
            ref_y = to_px(target.get("refY") or "0", vb[3] if vb else mh)
        except EmptyViewBoxError:
            return
        except (LengthError, TransformError) as exc:
            raise DesignError(f"marker {where!r}: {exc}") from None
        if mw <= 0 or mh <= 0:
            return
        orient = (target.get("orient") or "0").strip()
        if orient == "auto":
            angle = vertex.angle()
        elif orient == "auto-start-reverse":
            angle = vertex.angle() + (180.0 if pos == "start" else 0.0)
        else:
            angle = _angle(orient, where)
        units = (target.get("markerUnits") or "strokeWidth").strip()
        size = stroke_width if units == "strokeWidth" else 1.0
        if size <= 0:
            return  # scaled to nothing, as by a zero stroke width
        content = view_box_map(vb, aspect, mw, mh) if vb else IDENTITY
        rx = content[0] * ref_x + content[2] * ref_y + content[4]
        ry = content[1] * ref_x + content[3] * ref_y + content[5]
        port = compose(
            ctx.matrix,
            compose(
                translate(vertex.x, vertex.y),
                compose(rotate(angle), compose(scale(size), translate(-rx, -ry))),
            ),
        )
        clips = ctx.clips
        if self.declared(target).get("overflow", "hidden").strip().lower() not in (
            "visible",
            "auto",
        ):
            box = SubPath((0.0, 0.0), [(LINE, mw, 0.0), (LINE, mw, mh), (LINE, 0.0, mh)], True)
            self.clips.append([ClipShape(port, [box], "nonzero")])
            clips = (*clips, len(self.clips) - 1)
        inner = Ctx(
            compose(port, content),
            _with_context(self.inherited_style(target), ctx.style),
            ctx.opacity,
            (vb[2], vb[3]) if vb else (mw, mh),
            f"{name}>",
            ctx.depth + 1,
            ctx.uses | {id(target)},
            clips,
        )
        self.visits += 1
        self.children(target, inner)

    def inherited_style(self, el: Element) -> dict[str, str]:
        """The computed inherited properties of an element where it is written (markers
        take their style from their own ancestors, not from the shape they mark)."""
        found = self._marker_styles.get(el)
        if found is not None:
            return found
        chain = []
        node: Element | None = el
        while node is not None:
            chain.append(node)
            node = self.doc.parent.get(node)
        ctx = Ctx(IDENTITY, dict(INHERITED_DEFAULTS), 1.0, (0.0, 0.0), "", 0, frozenset())
        for node in reversed(chain):
            style, _ = self.computed(node, ctx)
            ctx = replace(ctx, style=style)
        self._marker_styles[el] = ctx.style
        return ctx.style

    def alpha(self, prop: str, ctx: Ctx, name: str) -> float:
        """Effective opacity of the fill or stroke: paint alpha x prop-opacity x opacity."""
        style = ctx.style
        paint = _context_paint(style[prop], style)
        alpha, warning = paint_alpha(paint, style["color"], self.doc.ids)
        if warning:
            self.warn(f"{name!r}: {warning}")
        if alpha is None:
            self.warn(f"{name!r}: {prop} {style[prop]!r} is not a colour: taken as the default")
            alpha = 1.0 if prop == "fill" else 0.0
        own = opacity_value(style[prop + "-opacity"])
        return alpha * (1.0 if own is None else own) * ctx.opacity

    def stroke_width(self, style: dict[str, str], vw: float, vh: float) -> float:
        if len(style["stroke-width"]) > MAX_LENGTH_CHARS:
            return 1.0  # not a length: the initial value
        try:
            return to_px(style["stroke-width"], math.hypot(vw, vh) / math.sqrt(2.0))
        except LengthError:
            return 1.0


_MARKERS = frozenset(("marker-start", "marker-mid", "marker-end"))
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,((?:[^()]|\([^()]*\))*))?\)")
MAX_VAR_CHARS = 10_000  # a var() chain that doubles at every step stops here


_ANGLE = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(deg|grad|rad|turn)?")
_DEGREES_PER = {"deg": 1.0, "grad": 0.9, "rad": 180.0 / math.pi, "turn": 360.0}


def _angle(text: str, where: str) -> float:
    m = _ANGLE.fullmatch(text.strip().lower())
    if m is None:
        raise DesignError(f"marker {where!r}: orient {text!r} is not an angle")
    return float(m.group(1)) * _DEGREES_PER[m.group(2) or "deg"]


def _fraction(text: str) -> float:
    """A number or a percentage as a fraction (of a bounding box)."""
    text = text.strip()
    try:
        return float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"not a fraction: {text!r}") from None


def _context_paint(paint: str, style: dict[str, str]) -> str:
    """context-fill / context-stroke: the paint of the element a marker marks or a <use>
    instantiates content for (none outside them)."""
    low = paint.strip().lower()
    if low in ("context-fill", "context-stroke"):
        return style.get("-" + low, "none")
    return paint


def _with_context(style: dict[str, str], context: dict[str, str]) -> dict[str, str]:
    """style carrying the context element's fill and stroke paints for context-fill and
    context-stroke inside it."""
    out = dict(style)
    out["-context-fill"] = _context_paint(context["fill"], context)
    out["-context-stroke"] = _context_paint(context["stroke"], context)
    return out


class _Unsupported(Exception):
    """A mask that cannot be read as a clip."""


_BLACK = re.compile(
    r"black|#0{3}|#0{6}|rgba?\(\s*0%?[\s,]+0%?[\s,]+0%?\s*(?:[,/][^)]*)?\)"
    r"|hsla?\([^,\s]+[\s,]+[^,\s]+[\s,]+0%?\s*(?:[,/][^)]*)?\)"
)


def _is_black(paint: str, color: str) -> bool:
    """A paint of no luminance: it shows nothing in a luminance mask."""
    text = paint.strip().lower()
    if text == "currentcolor":
        text = color.strip().lower()
    return _BLACK.fullmatch(text) is not None


def _substitute(value: str, lookup) -> str | None:
    """value with its var(--name[, fallback]) references replaced; None when one refers to
    nothing and has no fallback, or the text grows past MAX_VAR_CHARS."""
    for _ in range(1000):
        m = _VAR.search(value)
        if m is None:
            return value
        found = lookup(m.group(1))
        if found is None:
            if m.group(2) is None:
                return None
            found = m.group(2).strip()
        value = value[: m.start()] + found + value[m.end() :]
        if len(value) > MAX_VAR_CHARS:
            return None
    return None


_URL_REF = re.compile(r"url\(\s*['\"]?#([^'\")]+)['\"]?\s*\)")


def _opacity(text: str | None) -> float:
    value = opacity_value(text)
    return 1.0 if value is None else value


def _is_ancestor(candidate: Element, el: Element, parent: dict[Element, Element]) -> bool:
    node: Element | None = el
    while node is not None:
        if node is candidate:
            return True
        node = parent.get(node)
    return False

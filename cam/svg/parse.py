"""Reading the SVG file: size limits, safe XML, the element index the drawing walk needs.

Plain internal text entities are expanded before parsing (cam.svg.entities, which refuses
external and parameter entities, nesting and growth past its caps); defusedxml then refuses
any entity declaration and external reference left, before anything is expanded, so
"billion laughs" and external-entity files cost nothing. Nesting depth and element count are checked before anything is drawn.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from cam.errors import DesignError, HostileInputError

from .entities import expand_entities
from .limits import SvgLimits
from .style import StyleSheet, local_name, media_applies

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def read_source(source: bytes | str | os.PathLike, limits: SvgLimits) -> tuple[bytes | str, str]:
    """(the SVG's bytes or text, a default name). A str starting with '<' is SVG text, kept
    as text so that its encoding declaration (if any) is not applied a second time."""
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), ""
    elif isinstance(source, str) and source.lstrip().startswith("<"):
        _check_size(len(source.encode("utf-8", "replace")), limits)
        return source, ""
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise DesignError(f"cannot read design file {str(path)!r}: {exc.strerror}") from None
        _check_size(size, limits)
        data, name = path.read_bytes(), path.stem
    _check_size(len(data), limits)
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, limits)
    return data, name


def _gunzip(data: bytes, limits: SvgLimits) -> bytes:
    """A gzip-compressed SVG (.svgz), decompressed at most to the size limit: a small file
    that would inflate past it (a "zip bomb") is refused without inflating the rest."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limits.max_bytes + 1)
    except zlib.error as exc:
        raise DesignError(f"SVG is gzip-compressed (.svgz) but cannot be read: {exc}") from None
    if len(out) > limits.max_bytes or inflater.unconsumed_tail:
        raise HostileInputError(
            f"SVG refused: the compressed file inflates to more than "
            f"{limits.max_bytes / 1e6:.1f} MB, over the limit"
        )
    if not inflater.eof:
        raise DesignError("SVG is gzip-compressed (.svgz) but the file is cut short")
    return out


def _check_size(size: int, limits: SvgLimits) -> None:
    if size > limits.max_bytes:
        raise HostileInputError(
            f"SVG refused: the file is {size / 1e6:.1f} MB, over the "
            f"{limits.max_bytes / 1e6:.1f} MB limit"
        )


def parse_xml(data: bytes | str) -> Element:
    """The element tree of an SVG. Internal text entities (Illustrator's DOCTYPE) are
    expanded first by cam.svg.entities, which refuses every other kind; the parser itself
    then refuses any entity declaration and any external reference."""
    data = expand_entities(data)
    try:
        return SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as exc:
        raise HostileInputError(
            f"SVG refused: it declares XML entities ({exc.name!r}) where they cannot be read safely"
        ) from None
    except defusedxml.ExternalReferenceForbidden as exc:
        raise HostileInputError(
            f"SVG refused: it references external XML resources ({exc.sysid!r})"
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise HostileInputError(f"SVG refused: unsafe XML ({exc})") from None
    except ParseError as exc:
        raise DesignError(f"SVG is not well-formed XML: {exc}") from None
    except (LookupError, UnicodeError) as exc:  # an unknown or wrong declared encoding
        raise DesignError(f"SVG is not readable XML: {exc}") from None


def check_tree(root: Element, limits: SvgLimits) -> int:
    """Refuse trees too deep or too large; returns the element count."""
    count = 0
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        count += 1
        if count > limits.max_elements:
            raise HostileInputError(f"SVG refused: more than {limits.max_elements} elements")
        if depth > limits.max_depth:
            raise HostileInputError(
                f"SVG refused: elements nested deeper than {limits.max_depth} levels"
            )
        stack.extend((child, depth + 1) for child in el)
    return count


@dataclass
class Document:
    """The parsed tree and the indexes the drawing walk looks things up in."""

    root: Element
    svg_ns: str  # "{http://www.w3.org/2000/svg}" or "" for a file without namespace
    parent: dict[Element, Element] = field(default_factory=dict)
    ids: dict[str, Element] = field(default_factory=dict)
    locator: dict[Element, str] = field(default_factory=dict)
    sheet: StyleSheet = field(default_factory=StyleSheet)

    def is_svg(self, el: Element) -> bool:
        tag = el.tag
        if not isinstance(tag, str):
            return False
        if self.svg_ns:
            return tag.startswith(self.svg_ns)
        return not tag.startswith("{")


def index(root: Element) -> Document:
    tag = root.tag if isinstance(root.tag, str) else ""
    if local_name(root) != "svg":
        raise DesignError(f"not an SVG file: the root element is <{local_name(root)}>")
    ns = "{" + SVG_NS + "}" if tag.startswith("{" + SVG_NS + "}") else ""
    if tag.startswith("{") and not ns:
        raise DesignError(f"not an SVG file: root element {tag!r} is in another namespace")
    doc = Document(root, ns)
    counters: dict[str, int] = {}
    for el in root.iter():
        for child in el:
            doc.parent[child] = el
        name = local_name(el)
        counters[name] = counters.get(name, 0) + 1
        el_id = el.get("id")
        if el_id and el_id not in doc.ids:
            doc.ids[el_id] = el
        doc.locator[el] = el_id or f"{name}#{counters[name]}"
        if name == "style" and doc.is_svg(el):
            if (el.get("type") or "text/css").strip().lower() == "text/css":
                media = media_applies(el.get("media") or "")
                if media:
                    doc.sheet.add("".join(el.itertext()))
                elif media is None:
                    doc.sheet.warnings.append(
                        f"<style media={el.get('media')!r}> is not applied: "
                        "it depends on the window"
                    )
    return doc


# Containers and resources that SVG never renders where they are written.
NEVER_DRAWN = frozenset(
    """defs symbol clipPath mask marker pattern linearGradient radialGradient meshgradient
    metadata title desc style script filter font font-face missing-glyph view cursor
    animate animateMotion animateTransform animateColor set mpath hatch solidcolor""".split()
)


def use_target(doc: Document, el: Element) -> Element | None:
    """The element a <use> instantiates, when it is in this file."""
    href = (el.get("href") or el.get(XLINK_HREF) or "").strip()
    return doc.ids.get(href[1:]) if href.startswith("#") else None


def check_expansion(doc: Document, limits: SvgLimits) -> None:
    """Refuse <use> cycles, and trees that grow too large or too deep once every <use>
    is expanded, before drawing anything: a fan-out bomb (ten <use> of ten <use> of ...)
    is found by counting, memoised per element, not by expanding it."""
    memo: dict[Element, tuple[int, int]] = {}  # element -> (elements drawn, height)
    active: set[Element] = set()
    cap = limits.max_elements

    def deeper() -> HostileInputError:
        return HostileInputError(
            f"SVG refused: elements nested deeper than {limits.max_depth} levels "
            "once <use> references are expanded"
        )

    def visit(el: Element, depth: int) -> tuple[int, int]:
        if depth > limits.max_depth:
            raise deeper()
        found = memo.get(el)
        if found is not None:
            if depth + found[1] - 1 > limits.max_depth:
                raise deeper()
            return found
        if el in active:
            where = el.get("id") or local_name(el)
            raise HostileInputError(f"SVG refused: <use> references make a cycle through {where!r}")
        active.add(el)
        count, height = 1, 1
        kids = [(child, local_name(child) not in NEVER_DRAWN) for child in el]
        if local_name(el) == "use":
            target = use_target(doc, el)
            if target is not None:
                kids.append((target, True))  # a <use> draws even a <symbol>
        for child, drawn in kids:
            if not isinstance(child.tag, str):
                continue
            c, h = visit(child, depth + 1)
            height = max(height, h + 1)
            if drawn:
                count = min(count + c, cap + 1)
        active.discard(el)
        if count > cap:
            raise HostileInputError(
                f"SVG refused: more than {cap} elements to draw once <use> references are expanded"
            )
        memo[el] = (count, height)
        return count, height

    visit(doc.root, 1)

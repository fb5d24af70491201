"""The CSS cascade of an SVG, for the properties that decide what is cut.

Precedence, lowest first: presentation attributes, <style> sheet rules (by specificity,
then order), inline style="", sheet !important, inline !important. Selectors supported:
type, .class, #id, *, compounds (rect.st0), groups (a, b), descendant (g .st0) and child
(g > .st0) combinators. Rules with other selectors (pseudo-classes, attributes, siblings)
are skipped with a warning: they rarely style drawings, and guessing could paint what a
browser would not.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element

# Properties that change what is cut; everything else (colours' hue, fonts, ...) is ignored.
PROPERTIES = frozenset(
    """fill stroke stroke-width visibility display fill-rule color opacity fill-opacity
    stroke-opacity stroke-linecap stroke-dasharray clip-path mask marker-start marker-mid
    marker-end transform transform-origin transform-box""".split()
)
# the transform attribute is read as geometry; transform-box is a CSS property only
PRESENTATION = PROPERTIES - {"transform", "transform-box"}

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_COMPOUND = re.compile(r"(\*|[A-Za-z_][\w-]*)?((?:[.#][\w-]+)*)")


@dataclass(frozen=True, slots=True)
class Compound:
    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]

    def matches(self, tag: str, el: Element) -> bool:
        if self.tag is not None and self.tag != tag:
            return False
        if self.ids and any(el.get("id") != i for i in self.ids):
            return False
        if self.classes:
            have = set((el.get("class") or "").split())
            return all(c in have for c in self.classes)
        return True


@dataclass(frozen=True, slots=True)
class Rule:
    parts: tuple[Compound, ...]  # left to right
    combinators: tuple[str, ...]  # " " or ">" between parts
    specificity: tuple[int, int, int]
    order: int
    decls: tuple[tuple[str, str, bool], ...]  # (property, value, important)


def parse_declarations(text: str) -> list[tuple[str, str, bool]]:
    """'fill: red; stroke:none !important' -> [(prop, value, important), ...]."""
    out = []
    for item in _COMMENT.sub("", text).split(";"):
        if ":" not in item:
            continue
        prop, value = item.split(":", 1)
        prop, value = prop.strip().lower(), value.strip()
        important = False
        m = re.search(r"!\s*important\s*$", value, re.I)
        if m:
            important, value = True, value[: m.start()].strip()
        if prop and value:
            out.append((prop, value, important))
    return out


def _parse_selector(text: str) -> tuple[tuple[Compound, ...], tuple[str, ...]] | None:
    tokens = re.sub(r"\s*>\s*", " > ", text.strip()).split()
    parts: list[Compound] = []
    combs: list[str] = []
    pending = " "
    for tok in tokens:
        if tok == ">":
            if not parts or pending == ">":
                return None
            pending = ">"
            continue
        m = _COMPOUND.fullmatch(tok)
        if m is None or not tok:
            return None
        tag = None if m.group(1) in (None, "*") else m.group(1)
        items = re.findall(r"[.#][\w-]+", m.group(2))
        if parts:
            combs.append(pending)
        parts.append(
            Compound(
                tag,
                tuple(i[1:] for i in items if i[0] == "#"),
                tuple(i[1:] for i in items if i[0] == "."),
            )
        )
        pending = " "
    if not parts or pending == ">":
        return None
    return tuple(parts), tuple(combs)


def _specificity(parts: Iterable[Compound]) -> tuple[int, int, int]:
    a = b = c = 0
    for p in parts:
        a += len(p.ids)
        b += len(p.classes)
        c += p.tag is not None
    return a, b, c


def _skip_block(text: str, pos: int) -> int:
    """Index after the {...} block opening at text[pos] (nested braces counted)."""
    depth = 0
    for i in range(pos, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


class StyleSheet:
    """All <style> rules of a document, indexed by the rightmost compound's key."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.warnings: list[str] = []
        self._by_key: dict[str, list[Rule]] = {}

    def add(self, css: str) -> None:
        text = _COMMENT.sub("", css)
        pos = 0
        while pos < len(text):
            brace = text.find("{", pos)
            if brace < 0:
                break
            head = text[pos:brace].strip()
            if head.startswith("@") or ";" in head:
                # @media, @font-face, @import ...: not part of a drawing's geometry
                at = head.rfind(";")
                if at >= 0 and not head[at + 1 :].strip().startswith("@"):
                    pos = pos + text[pos:brace].rfind(";") + 1
                    continue
                pos = _skip_block(text, brace)
                continue
            end = _skip_block(text, brace)
            decls = tuple(
                d for d in parse_declarations(text[brace + 1 : end - 1]) if d[0] in PROPERTIES
            )
            for selector in head.split(","):
                self._add_rule(selector, decls)
            pos = end

    def _add_rule(self, selector: str, decls: tuple[tuple[str, str, bool], ...]) -> None:
        parsed = _parse_selector(selector)
        if parsed is None:
            self.warnings.append(f"CSS selector {selector.strip()!r} not supported: rule ignored")
            return
        parts, combs = parsed
        rule = Rule(parts, combs, _specificity(parts), len(self.rules), decls)
        self.rules.append(rule)
        last = parts[-1]
        key = (
            "#" + last.ids[0]
            if last.ids
            else "." + last.classes[0]
            if last.classes
            else last.tag or "*"
        )
        self._by_key.setdefault(key, []).append(rule)

    def matching(self, el: Element, tag: str, parent_of: Callable[[Element], Element | None]):
        """Rules whose selector matches el, in no particular order."""
        if not self.rules:
            return []
        keys = [tag, "*"]
        if el.get("id"):
            keys.append("#" + el.get("id", ""))
        keys.extend("." + c for c in (el.get("class") or "").split())
        found = []
        for key in keys:
            for rule in self._by_key.get(key, ()):
                if _match(rule, len(rule.parts) - 1, el, tag, parent_of):
                    found.append(rule)
        return found


def local_name(el: Element) -> str:
    tag = el.tag
    return _local(tag) if isinstance(tag, str) else ""


@functools.lru_cache(maxsize=512)
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _match(rule: Rule, i: int, el: Element, tag: str, parent_of) -> bool:
    if not rule.parts[i].matches(tag, el):
        return False
    if i == 0:
        return True
    parent = parent_of(el)
    if rule.combinators[i - 1] == ">":
        return parent is not None and _match(rule, i - 1, parent, local_name(parent), parent_of)
    while parent is not None:
        if _match(rule, i - 1, parent, local_name(parent), parent_of):
            return True
        parent = parent_of(parent)
    return False


def cascade(
    el: Element, tag: str, sheet: StyleSheet, parent_of: Callable[[Element], Element | None]
) -> dict[str, str]:
    """Declared values of el's own properties after the cascade (no inheritance yet)."""
    ranked: dict[str, tuple[tuple, str]] = {}

    def offer(prop: str, value: str, rank: tuple) -> None:
        if prop in PROPERTIES and (prop not in ranked or rank >= ranked[prop][0]):
            ranked[prop] = (rank, value)

    for prop, value in el.attrib.items():
        if prop in PRESENTATION and value.strip():
            offer(prop, value.strip(), (0, (0, 0, 0), 0))
    for rule in sheet.matching(el, tag, parent_of):
        for prop, value, important in rule.decls:
            offer(prop, value, (3 if important else 1, rule.specificity, rule.order))
    inline = el.get("style")
    if inline:
        for prop, value, important in parse_declarations(inline):
            offer(prop, value, (4 if important else 2, (0, 0, 0), 0))
    return {prop: value for prop, (_, value) in ranked.items()}

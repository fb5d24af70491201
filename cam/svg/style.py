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
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree.ElementTree import Element

# Properties that change what is cut; everything else (colours' hue, fonts, ...) is ignored.
PROPERTIES = frozenset(
    """fill stroke stroke-width visibility display fill-rule color opacity fill-opacity
    stroke-opacity stroke-linecap stroke-dasharray clip-path mask marker-start marker-mid
    marker-end transform transform-origin transform-box clip-rule mask-type overflow marker stroke-dashoffset""".split()
)


def wanted(prop: str) -> bool:
    """A property the cascade keeps: one that changes the cut, or a custom property
    (--name), which var() may bring into one."""
    return prop in PROPERTIES or prop.startswith("--")


# the transform attribute is read as geometry; transform-box is a CSS property only
PRESENTATION = PROPERTIES - {"transform", "transform-box"}

def strip_comments(text: str) -> str:
    """CSS without its /* comments */ (an unterminated one runs to the end), in one pass:
    each comment's end is searched for once."""
    if "/*" not in text:
        return text
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("/*", pos)
        if start < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:start])
        end = text.find("*/", start + 2)
        if end < 0:
            break
        pos = end + 2
    return " ".join(out)
_IDENT = r"-?[A-Za-z_][\w-]*"
_IDENT_RE = re.compile(_IDENT)
_ATTR = re.compile(
    rf"\[\s*({_IDENT})\s*(?:([~|^$*]?=)\s*(\"[^\"]*\"|'[^']*'|-?[\w.-]+)\s*([iIsS])?\s*)?\]"
)
_SIMPLE = re.compile(rf"\*|{_IDENT}|[#.]-?[\w-]+")
_SPACES = re.compile(r"\s*")
_NTH = re.compile(r"([+-]?\d*)n(?:([+-])(\d+))?|([+-]?\d+)")
# the state of a pointer or of focus: never true of a drawing being cut
_NEVER = frozenset(
    "hover active focus focus-visible focus-within visited target target-within".split()
)
_STRUCTURAL = frozenset("root first-child last-child only-child empty".split())


class SelectorError(ValueError):
    """A selector this reader does not support (its rule is skipped with a warning)."""


class _Context:
    """Tree lookups for matching: parents, and element siblings (cached per parent)."""

    def __init__(self, parent_of: Callable[[Element], Element | None]) -> None:
        self.parent_of = parent_of
        self._kids: dict[int, list[Element]] = {}

    def siblings(self, el: Element) -> list[Element]:
        parent = self.parent_of(el)
        if parent is None:
            return [el]
        kids = self._kids.get(id(parent))
        if kids is None:
            kids = [k for k in parent if isinstance(k.tag, str)]
            self._kids[id(parent)] = kids
        return kids


@dataclass(frozen=True, slots=True)
class Compound:
    tag: str | None
    ids: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str, str, bool], ...] = ()  # (name, operator, value, ignore case)
    # ("first-child",) ... ("nth-child", a, b, from_end), ("not", compounds), ("is", compounds)
    pseudos: tuple[tuple, ...] = ()

    def matches(self, tag: str, el: Element, ctx: _Context) -> bool:
        if self.tag is not None and self.tag != tag:
            return False
        if self.ids and any(el.get("id") != i for i in self.ids):
            return False
        if self.classes:
            have = set((el.get("class") or "").split())
            if not all(c in have for c in self.classes):
                return False
        for name, op, value, fold in self.attrs:
            if not _attr_matches(el.get(name), op, value, fold):
                return False
        return all(_pseudo_matches(p, tag, el, ctx) for p in self.pseudos)


@dataclass(frozen=True, slots=True)
class Rule:
    parts: tuple[Compound, ...]  # left to right
    combinators: tuple[str, ...]  # " ", ">", "+" or "~" between parts
    specificity: tuple[int, int, int]
    order: int
    decls: tuple[tuple[str, str, bool], ...]  # (property, value, important)


def _attr_matches(have: str | None, op: str, value: str, fold: bool) -> bool:
    if have is None:
        return False
    if not op:
        return True
    if fold:
        have, value = have.lower(), value.lower()
    if op == "=":
        return have == value
    if op == "~=":
        return value in have.split()
    if op == "|=":
        return have == value or have.startswith(value + "-")
    if not value:
        return False  # ^= $= *= with an empty value match nothing
    if op == "^=":
        return have.startswith(value)
    if op == "$=":
        return have.endswith(value)
    return value in have  # *=


def _pseudo_matches(p: tuple, tag: str, el: Element, ctx: _Context) -> bool:
    kind = p[0]
    if kind == "never":
        return False
    if kind == "root":
        return ctx.parent_of(el) is None
    if kind == "empty":
        return len(el) == 0 and not (el.text or "")
    if kind == "not":
        return not any(c.matches(tag, el, ctx) for c in p[1])
    if kind == "is":
        return any(c.matches(tag, el, ctx) for c in p[1])
    kids = ctx.siblings(el)
    pos = next(i for i, k in enumerate(kids) if k is el)
    if kind == "first-child":
        return pos == 0
    if kind == "last-child":
        return pos == len(kids) - 1
    if kind == "only-child":
        return len(kids) == 1
    _, a, b, from_end = p  # nth-child: the index is a*n + b for some n >= 0
    index = (len(kids) - pos) if from_end else pos + 1
    if a == 0:
        return index == b
    return (index - b) % a == 0 and (index - b) // a >= 0


def _parse_nth(arg: str) -> tuple[int, int]:
    text = "".join(arg.split()).lower()
    if text == "odd":
        return 2, 1
    if text == "even":
        return 2, 0
    m = _NTH.fullmatch(text)
    if m is None:
        raise SelectorError(f"nth argument {arg.strip()!r}")
    if m.group(4) is not None:
        return 0, int(m.group(4))
    coef = m.group(1)
    a = -1 if coef == "-" else 1 if coef in ("", "+") else int(coef)
    b = int(m.group(3)) * (-1 if m.group(2) == "-" else 1) if m.group(3) else 0
    return a, b


def _closing_paren(text: str, pos: int) -> int:
    depth = 0
    for i in range(pos, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    raise SelectorError("unbalanced parentheses")


def _compound_list(arg: str, name: str) -> tuple[tuple[Compound, ...], tuple[int, int, int]]:
    """The compounds of :not()/:is()/:where() and the largest specificity among them."""
    inner: list[Compound] = []
    best = (0, 0, 0)
    for part in arg.split(","):
        part = part.strip()
        if not part:
            raise SelectorError(f"empty :{name}()")
        compound, end, spec = _parse_compound(part, 0)
        if end != len(part):
            raise SelectorError(f":{name}() of more than one compound")
        inner.append(compound)
        best = max(best, spec)
    return tuple(inner), best


def _parse_compound(text: str, pos: int) -> tuple[Compound, int, tuple[int, int, int]]:
    """The compound selector at text[pos:]: (compound, index after it, specificity)."""
    tag: str | None = None
    ids: list[str] = []
    classes: list[str] = []
    attrs: list[tuple[str, str, str, bool]] = []
    pseudos: list[tuple] = []
    a = b = c = 0
    start = pos
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == "[":
            m = _ATTR.match(text, pos)
            if m is None:
                raise SelectorError("attribute selector")
            value = m.group(3) or ""
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            attrs.append((m.group(1), m.group(2) or "", value, (m.group(4) or "").lower() == "i"))
            b += 1
            pos = m.end()
        elif ch == ":":
            if text.startswith("::", pos):
                raise SelectorError("pseudo-element")  # ::before etc. never select a shape
            m = _IDENT_RE.match(text, pos + 1)
            if m is None:
                raise SelectorError("pseudo-class")
            name = m.group(0).lower()
            pos = m.end()
            arg = None
            if pos < n and text[pos] == "(":
                close = _closing_paren(text, pos)
                arg, pos = text[pos + 1 : close], close + 1
            if arg is None and name in _NEVER:
                pseudos.append(("never",))
                b += 1
            elif arg is None and name in _STRUCTURAL:
                pseudos.append((name,))
                b += 1
            elif arg is not None and name in ("nth-child", "nth-last-child"):
                pseudos.append(("nth-child", *_parse_nth(arg), name == "nth-last-child"))
                b += 1
            elif arg is not None and name in ("not", "is", "where"):
                inner, best = _compound_list(arg, name)
                pseudos.append(("not" if name == "not" else "is", inner))
                if name != "where":
                    a, b, c = a + best[0], b + best[1], c + best[2]
            else:
                raise SelectorError(f"pseudo-class :{name}")
        else:
            m = _SIMPLE.match(text, pos)
            if m is None:
                break
            tok = m.group(0)
            if tok[0] == "#":
                ids.append(tok[1:])
                a += 1
            elif tok[0] == ".":
                classes.append(tok[1:])
                b += 1
            elif pos == start:
                if tok != "*":
                    tag = tok
                    c += 1
            else:
                raise SelectorError(f"unexpected {tok!r}")
            pos = m.end()
            if pos < n and text[pos] == "|":
                raise SelectorError("namespace prefix")
    if pos == start:
        raise SelectorError(f"unexpected {text[pos : pos + 10]!r}")
    compound = Compound(tag, tuple(ids), tuple(classes), tuple(attrs), tuple(pseudos))
    return compound, pos, (a, b, c)


def _parse_selector(
    text: str,
) -> tuple[tuple[Compound, ...], tuple[str, ...], tuple[int, int, int]]:
    """(compounds left to right, the combinators between them, specificity)."""
    text = text.strip()
    parts: list[Compound] = []
    combs: list[str] = []
    spec = (0, 0, 0)
    pos = 0
    n = len(text)
    while True:
        compound, pos, s = _parse_compound(text, pos)
        parts.append(compound)
        spec = (spec[0] + s[0], spec[1] + s[1], spec[2] + s[2])
        after = _SPACES.match(text, pos).end()  # type: ignore[union-attr]
        if after >= n:
            break
        if text[after] in ">+~":
            combs.append(text[after])
            pos = _SPACES.match(text, after + 1).end()  # type: ignore[union-attr]
        elif after > pos:
            combs.append(" ")
            pos = after
        else:
            raise SelectorError(f"unexpected {text[pos : pos + 10]!r}")
        if pos >= n:
            raise SelectorError("a combinator with nothing after it")
    return tuple(parts), tuple(combs), spec


def parse_declarations(text: str) -> list[tuple[str, str, bool]]:
    """'fill: red; stroke:none !important' -> [(prop, value, important), ...]."""
    out = []
    for item in strip_comments(text).split(";"):
        if ":" not in item:
            continue
        prop, value = item.split(":", 1)
        prop, value = prop.strip(), value.strip()
        if not prop.startswith("--"):  # custom property names are case-sensitive
            prop = prop.lower()
        important = False
        m = re.search(r"!\s*important\s*$", value, re.I)
        if m:
            important, value = True, value[: m.start()].strip()
        if prop and value:
            out.append((prop, value, important))
    return out


def _split_top(text: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside :is(...))."""
    parts, depth, last = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[last:i])
            last = i + 1
    parts.append(text[last:])
    return parts


def media_applies(query: str) -> bool | None:
    """Whether a media query list holds on a screen: True, False, or None when it depends
    on features (width, resolution ...) a cut does not have."""
    results = []
    for part in query.lower().split(","):
        if "(" in part:
            return None
        words = part.split()
        negate = words[:1] == ["not"]
        if words[:1] in (["not"], ["only"]):
            words = words[1:]
        media = words[0] if words else "all"
        results.append((media in ("all", "screen")) != negate)
    return any(results)


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
        self._ctx: _Context | None = None

    def add(self, css: str) -> None:
        self._add_block(strip_comments(css))

    def _add_block(self, text: str) -> None:
        pos = 0
        while pos < len(text):
            brace = text.find("{", pos)
            if brace < 0:
                self._statements(text[pos:])
                break
            head = text[pos:brace]
            if ";" in head:  # statements (@import ...; @charset ...;) before the next block
                cut = head.rfind(";") + 1
                self._statements(head[:cut])
                head = head[cut:]
            head = head.strip()
            end = _skip_block(text, brace)
            body = text[brace + 1 : end - 1]
            pos = end
            if head.startswith("@"):
                self._at_rule(head, body)
                continue
            decls = tuple(d for d in parse_declarations(body) if wanted(d[0]))
            for selector in _split_top(head):
                self._add_rule(selector, decls)

    def _statements(self, text: str) -> None:
        for statement in text.split(";"):
            word = statement.strip().split(None, 1)[0].lower() if statement.strip() else ""
            if word == "@import":
                self.warnings.append(
                    f"CSS {statement.strip()!r}: imported style sheets are not read"
                )

    def _at_rule(self, head: str, body: str) -> None:
        """@media screen/all blocks apply (a browser shows the design on a screen), as do
        @layer blocks (their lower precedence is not modelled); @media print does not; a
        query on the window's size or @supports cannot be decided for a cut and is warned
        of; @font-face, @keyframes, @page ... say nothing about geometry."""
        name, _, rest = head.partition(" ")
        name = name.lower()
        if name == "@media":
            applies = media_applies(rest)
            if applies is None:
                self.warnings.append(f"CSS rules inside {head!r} are not applied")
            elif applies:
                self._add_block(body)
        elif name == "@layer":
            self._add_block(body)
        elif name == "@supports":
            self.warnings.append(f"CSS rules inside {head!r} are not applied")

    def _add_rule(self, selector: str, decls: tuple[tuple[str, str, bool], ...]) -> None:
        try:
            parts, combs, spec = _parse_selector(selector)
        except SelectorError as exc:
            if str(exc) != "pseudo-element":  # ::before and the like never select a shape
                self.warnings.append(
                    f"CSS selector {selector.strip()!r} not supported ({exc}): rule ignored"
                )
            return
        rule = Rule(parts, combs, spec, len(self.rules), decls)
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
        if self._ctx is None or self._ctx.parent_of is not parent_of:
            self._ctx = _Context(parent_of)
        ctx = self._ctx
        keys = [tag, "*"]
        if el.get("id"):
            keys.append("#" + el.get("id", ""))
        keys.extend("." + c for c in (el.get("class") or "").split())
        found = []
        for key in keys:
            for rule in self._by_key.get(key, ()):
                if _match(rule, len(rule.parts) - 1, el, tag, ctx):
                    found.append(rule)
        return found


def local_name(el: Element) -> str:
    tag = el.tag
    return _local(tag) if isinstance(tag, str) else ""


@functools.lru_cache(maxsize=512)
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _match(rule: Rule, i: int, el: Element, tag: str, ctx: _Context) -> bool:
    if not rule.parts[i].matches(tag, el, ctx):
        return False
    if i == 0:
        return True
    comb = rule.combinators[i - 1]
    if comb in "+~":
        kids = ctx.siblings(el)
        pos = next(k for k, kid in enumerate(kids) if kid is el)
        before = kids[pos - 1 : pos] if comb == "+" else kids[:pos]
        return any(_match(rule, i - 1, sib, local_name(sib), ctx) for sib in reversed(before))
    parent = ctx.parent_of(el)
    if comb == ">":
        return parent is not None and _match(rule, i - 1, parent, local_name(parent), ctx)
    while parent is not None:
        if _match(rule, i - 1, parent, local_name(parent), ctx):
            return True
        parent = ctx.parent_of(parent)
    return False


def cascade(
    el: Element, tag: str, sheet: StyleSheet, parent_of: Callable[[Element], Element | None]
) -> dict[str, str]:
    """Declared values of el's own properties after the cascade (no inheritance yet)."""
    ranked: dict[str, tuple[tuple, str]] = {}

    def offer(prop: str, value: str, rank: tuple) -> None:
        if wanted(prop) and (prop not in ranked or rank >= ranked[prop][0]):
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

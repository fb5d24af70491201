"""Internal text entities of a DTD (Adobe Illustrator, some CorelDRAW exports), read safely.

Illustrator starts its files with

    <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [
        <!ENTITY ns_svg "http://www.w3.org/2000/svg">
        <!ENTITY st0 "fill:none;stroke:#000000;">
    ]>
    <svg xmlns="&ns_svg;" ...><path style="&st0;" .../>

The internal subset is read here, not by the XML parser, and only this much is accepted: a
general entity whose value is plain text (character references allowed). External entities
(SYSTEM/PUBLIC), parameter entities and their references, an entity whose value refers to
another entity (the nesting that "billion laughs" needs) or holds markup are refused, and so
are more than MAX_ENTITIES declarations and references that together would add more than
MAX_EXPANDED_CHARS characters (one big entity used many times: "quadratic blowup"). Nothing
is ever fetched. The references are then replaced in the document text (outside comments,
CDATA and processing instructions), the entity declarations removed, and the result goes to
the XML parser, which still refuses any entity declaration it sees.
"""

from __future__ import annotations

import codecs
import re

from cam.errors import HostileInputError

MAX_ENTITIES = 500
MAX_EXPANDED_CHARS = 4_000_000

PREDEFINED = frozenset(["lt", "gt", "amp", "apos", "quot"])

_NAME = r"[A-Za-z_:\u00C0-\uFFFF][\w.\-:\u00B7-\uFFFF]*"
_NAME_RE = re.compile(_NAME)
_BODY_START = re.compile(rf"<!--|<!\[CDATA\[|<\?|&({_NAME});")
_SECTION_END = {"<!--": "-->", "<![CDATA[": "]]>", "<?": "?>"}
_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})


def expand_entities(data: bytes | str) -> bytes | str:
    """The document with its internal text entities expanded and declared no more; the
    input itself when it has no internal DTD subset. Raises HostileInputError for anything else a DTD
    could declare to make the parser fetch, loop or grow."""
    if isinstance(data, bytes) and b"<!DOCTYPE" not in data and not _wide(data):
        return data  # the common case: nothing to do, no decoding
    text = _decode(data)
    if text is None or "<!DOCTYPE" not in text:
        return data  # undecodable: the XML parser says why
    subset = _internal_subset(text)
    if subset is None:
        return data  # no internal subset: nothing declared
    start, end, close = subset
    entities, kept = _declarations(text, start, end)
    if not entities:
        return text[:start] + kept + text[end:]
    body = _expand_body(text, close, entities)
    return text[:start] + kept + text[end:close] + body


def _wide(data: bytes) -> bool:
    """UTF-16 or UTF-32 text, where an ASCII search finds nothing."""
    return data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or data[:2] in (
        b"<\x00",
        b"\x00<",
        b"\x00\x00",
    )


def _decode(data: bytes | str) -> str | None:
    if isinstance(data, str):
        return data
    if data.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):
        enc = "utf-32"
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        enc = "utf-16"
    elif data[:4] == b"<\x00?\x00":
        enc = "utf-16-le"
    elif data[:4] == b"\x00<\x00?":
        enc = "utf-16-be"
    else:
        m = _ENCODING.match(data)
        enc = m.group(1).decode("ascii") if m else "utf-8"
    try:
        return data.decode(enc)
    except (LookupError, UnicodeError):
        return None


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _refuse(text: str, pos: int, what: str) -> HostileInputError:
    return HostileInputError(f"SVG refused: {what} (line {_line(text, pos)})")


def _internal_subset(text: str) -> tuple[int, int, int] | None:
    """(start, end, close): the internal subset is text[start:end] (between '[' and ']'),
    the DOCTYPE ends at close (after '>'); None without a DOCTYPE with an internal subset."""
    pos = 1 if text.startswith("\ufeff") else 0
    n = len(text)
    while pos < n:
        if text[pos].isspace():
            pos += 1
        elif text.startswith("<?", pos):
            pos = _after(text, pos, "?>")
        elif text.startswith("<!--", pos):
            pos = _after(text, pos, "-->")
        elif text.startswith("<!DOCTYPE", pos):
            break
        else:
            return None  # the root element (or junk the parser will refuse): no DOCTYPE
    else:
        return None
    i = pos + len("<!DOCTYPE")
    while i < n:  # name and external id, up to '[' or '>', quoted literals skipped
        ch = text[i]
        if ch in "\"'":
            i = _after(text, i + 1, ch)
        elif ch == ">":
            return None
        elif ch == "[":
            break
        else:
            i += 1
    else:
        return None
    start = i + 1
    end = _subset_end(text, start)
    close = end + 1
    while close < n and text[close].isspace():
        close += 1
    if not text.startswith(">", close):
        raise _refuse(text, close, "the DOCTYPE does not end after its internal subset")
    return start, end, close + 1


def _after(text: str, pos: int, token: str) -> int:
    found = text.find(token, pos)
    return len(text) if found < 0 else found + len(token)


def _subset_end(text: str, pos: int) -> int:
    """Index of the ']' closing the internal subset (comments, PIs, literals skipped)."""
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == "]":
            return pos
        if text.startswith("<!--", pos):
            pos = _after(text, pos, "-->")
        elif text.startswith("<?", pos):
            pos = _after(text, pos, "?>")
        elif ch in "\"'":
            pos = _after(text, pos + 1, ch)
        else:
            pos += 1
    raise _refuse(text, pos, "the DOCTYPE's internal subset is not closed")


_DECLS = ("<!ELEMENT", "<!ATTLIST", "<!NOTATION")


def _declarations(text: str, start: int, end: int) -> tuple[dict[str, str], str]:
    """(entity name -> replacement text, the subset without its entity declarations)."""
    entities: dict[str, str] = {}
    kept: list[str] = []
    count = 0
    pos = start
    while pos < end:
        ch = text[pos]
        if ch.isspace():
            kept.append(ch)
            pos += 1
        elif text.startswith("<!--", pos) or text.startswith("<?", pos):
            stop = _after(text, pos, "-->" if text[pos + 1] == "!" else "?>")
            kept.append(text[pos:stop])
            pos = stop
        elif text.startswith("<!ENTITY", pos):
            count += 1
            if count > MAX_ENTITIES:
                raise _refuse(text, pos, f"more than {MAX_ENTITIES} entity declarations")
            pos = _entity(text, pos, entities)
        elif text.startswith(_DECLS, pos):
            stop = _decl_end(text, pos, end)
            kept.append(text[pos:stop])
            pos = stop
        elif ch == "%":
            m = _NAME_RE.match(text, pos + 1)
            name = m.group(0) if m else ""
            raise _refuse(
                text, pos, f"parameter entity reference '%{name};' in the DTD: not accepted"
            )
        else:
            raise _refuse(
                text,
                pos,
                f"unsupported declaration in the DTD near {text[pos : pos + 20].splitlines()[0]!r}",
            )
    return entities, "".join(kept)


def _decl_end(text: str, pos: int, end: int) -> int:
    i = pos + 2
    while i < end:
        ch = text[i]
        if ch in "\"'":
            i = _after(text, i + 1, ch)
        elif ch == ">":
            return i + 1
        else:
            i += 1
    raise _refuse(text, pos, f"unterminated declaration {text[pos : pos + 20]!r} in the DTD")


def _entity(text: str, pos: int, entities: dict[str, str]) -> int:
    """Read one <!ENTITY ...> at pos into entities; the index after it."""
    i = pos + len("<!ENTITY")
    m = re.compile(r"\s+(%\s+)?").match(text, i)
    if m is None:
        raise _refuse(text, pos, "malformed entity declaration")
    name_m = _NAME_RE.match(text, m.end())
    name = name_m.group(0) if name_m else ""
    if m.group(1):
        raise _refuse(text, pos, f"parameter entity '%{name};' declared: not accepted")
    if name_m is None:
        raise _refuse(text, pos, "malformed entity declaration (no name)")
    i = name_m.end()
    ws = re.compile(r"\s*").match(text, i)
    i = ws.end() if ws else i
    if text.startswith(("SYSTEM", "PUBLIC"), i):
        literal = re.compile(r"[A-Z]+\s+([\"'])(.*?)\1").match(text, i)
        target = literal.group(2) if literal else ""
        raise _refuse(
            text,
            pos,
            f"entity {name!r} is external ({text[i : i + 6]} {target!r}); "
            "only internal text entities are accepted, nothing is fetched",
        )
    if i >= len(text) or text[i] not in "\"'":
        raise _refuse(text, pos, f"malformed declaration of entity {name!r}")
    quote = text[i]
    close = text.find(quote, i + 1)
    if close < 0:
        raise _refuse(text, pos, f"unterminated value of entity {name!r}")
    raw = text[i + 1 : close]
    tail = re.compile(r"\s*>").match(text, close + 1)
    if tail is None:
        raise _refuse(text, pos, f"malformed declaration of entity {name!r}")
    value = _entity_value(text, pos, name, raw)
    if name not in PREDEFINED and name not in entities:  # the first declaration binds
        entities[name] = value
    return tail.end()


_PREDEFINED_TEXT = {"lt": "<", "gt": ">", "amp": "&", "apos": "'", "quot": '"'}
_VALUE_TOKEN = re.compile(r"&#(?:x([0-9a-fA-F]+)|([0-9]+));|&([^;\s]*);?|%|<")


def _entity_value(text: str, pos: int, name: str, raw: str) -> str:
    """The character data an entity's literal value stands for. A character reference is
    expanded when the entity is declared, so one spelling '<' or '&' would be read as
    markup where the entity is used: refused. A predefined reference (&amp; &lt; ...) stays
    character data. Any other reference is nesting, a '%' a parameter entity: refused."""
    out: list[str] = []
    last = 0
    for m in _VALUE_TOKEN.finditer(raw):
        out.append(raw[last : m.start()])
        last = m.end()
        token = m.group(0)
        if token == "%":
            raise _refuse(text, pos, f"entity {name!r} refers to a parameter entity: not accepted")
        if token == "<":
            raise _refuse(
                text, pos, f"entity {name!r} holds markup: only plain text entities are accepted"
            )
        if m.group(1) is not None or m.group(2) is not None:
            char = _char(text, pos, m)
            if char in "<&":
                raise _refuse(
                    text,
                    pos,
                    f"entity {name!r} holds markup ({token!r}): only plain text entities "
                    "are accepted",
                )
            out.append(char)
        elif m.group(3) in _PREDEFINED_TEXT and token.endswith(";"):
            out.append(_PREDEFINED_TEXT[m.group(3)])
        else:
            raise _refuse(
                text,
                pos,
                f"entity {name!r} refers to another entity ({token!r}): "
                "nested entities are not accepted",
            )
    out.append(raw[last:])
    return "".join(out)


def _char(text: str, pos: int, m: re.Match[str]) -> str:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0x10FFFF) or (
        0xFFFE <= code <= 0xFFFF
    ):
        raise _refuse(text, pos, f"character reference {m.group(0)!r} is not a character")
    return chr(code)


def _body_tokens(text: str, pos: int):
    """Entity references in text[pos:], comments, CDATA sections and processing
    instructions skipped; each section's end is searched once, so an unterminated one ends
    the scan (the XML parser refuses the file) instead of being searched for again and
    again."""
    while True:
        m = _BODY_START.search(text, pos)
        if m is None:
            return
        if m.group(1) is not None:
            yield m
            pos = m.end()
            continue
        end = text.find(_SECTION_END[m.group(0)], m.end())
        if end < 0:
            return
        pos = end + len(_SECTION_END[m.group(0)])


def _expand_body(text: str, pos: int, entities: dict[str, str]) -> str:
    """text[pos:] with every reference to a declared entity replaced by its text, escaped
    (an entity's value is character data, never markup); references elsewhere are left to
    the XML parser (predefined, character references, undeclared names it reports)."""
    escaped = {name: value.translate(_ESCAPES) for name, value in entities.items()}
    out: list[str] = []
    added = 0
    last = pos
    for m in _body_tokens(text, pos):
        name = m.group(1)
        if name is None or name not in escaped:
            continue
        added += len(entities[name])
        if added > MAX_EXPANDED_CHARS:
            raise _refuse(
                text,
                m.start(),
                f"entity references expand to more than {MAX_EXPANDED_CHARS} characters "
                f"(at '&{name};')",
            )
        out.append(text[last : m.start()])
        out.append(escaped[name])
        last = m.end()
    out.append(text[last:])
    return "".join(out)

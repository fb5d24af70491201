"""Style sheets read as a browser reads them. Each expectation below was checked against
Chromium's rendering of the same document (which lines it paints)."""

from __future__ import annotations

import pytest

from tests.cam.svg.helpers import by_id, load

SHEET = """
@charset "utf-8";
@media screen { .m1 { stroke: black } }
@media print { .m2 { stroke: black } }
@media not print { .m4 { stroke: black } }
@media all and (min-width: 10px) { .m3 { stroke: black } }
@layer base { .l1 { stroke: black } }
[data-k] { stroke: black }
line[data-v="a b"] { stroke: black }
[data-w~=x] { stroke: black }
[data-p^=pre] { stroke: black }
[data-s$=fix] { stroke: black }
[data-c*=mid] { stroke: black }
[data-d|=en] { stroke: black }
[data-i="ABC" i] { stroke: black }
g.sib > line:first-child { stroke: black }
g.sib > line:last-child { stroke: black }
g.nth > line:nth-child(2n+1) { stroke: black }
line.a + line.b { stroke: black }
line.c ~ line.d { stroke: black }
line.n:not(.no) { stroke: black }
line:is(.i1, .i2) { stroke: black }
line:hover { stroke: black }
line::before { stroke: black }
:root .r1 { stroke: black }
g:empty + line.e { stroke: black }
line.u { stroke: black } line.u { stroke: unset }
g.inh { stroke: black } g.inh > line.u2 { stroke: unset }
line.ini { stroke: black } line.ini { stroke: initial }
"""

# (id, attributes, painted by Chromium)
LINES = [
    ("m1", 'class="m1"', True),
    ("m2", 'class="m2"', False),
    ("m4", 'class="m4"', True),
    ("l1", 'class="l1"', True),
    ("k", 'data-k=""', True),
    ("v", 'data-v="a b"', True),
    ("w", 'data-w="y x z"', True),
    ("p", 'data-p="prefix"', True),
    ("s", 'data-s="suffix"', True),
    ("c", 'data-c="amidb"', True),
    ("d", 'data-d="en-GB"', True),
    ("i", 'data-i="abc"', True),
    ("a", 'class="a"', False),
    ("b", 'class="b"', True),
    ("c1", 'class="c"', False),
    ("x", "", False),
    ("d1", 'class="d"', True),
    ("n", 'class="n"', True),
    ("n2", 'class="n no"', False),
    ("i1", 'class="i2"', True),
    ("h", 'class="hh"', False),
    ("r1", 'class="r1"', True),
    ("u", 'class="u"', False),
    ("ini", 'class="ini"', False),
]
GROUPS = [
    ('<g class="sib">', [("f1", True), ("f2", False), ("f3", True)]),
    ('<g class="nth">', [("t1", True), ("t2", False), ("t3", True)]),
    ('<g class="inh">', [("u2", True)]),  # unset: inherited from the group
]


def _document():
    y = 0
    rows = []
    expected = []

    def line(lid, attrs):
        nonlocal y
        y += 1
        return f'<line id="{lid}" x1="0" y1="{y}" x2="10" y2="{y}" {attrs}/>'

    for lid, attrs, painted in LINES:
        rows.append(line(lid, attrs))
        expected.append((lid, painted))
    for opening, members in GROUPS:
        rows.append(opening + "".join(line(lid, "") for lid, _ in members) + "</g>")
        expected.extend(members)
    rows.append("<g/>" + line("e", 'class="e"'))
    expected.append(("e", True))
    return f"<style>{SHEET}</style>" + "".join(rows), expected


def test_selectors_and_at_rules_like_a_browser():
    body, expected = _document()
    design = load(body)
    cut = set(by_id(design))
    assert [lid for lid, painted in expected if painted] == [
        lid for lid, _ in expected if lid in cut
    ]
    assert any("(min-width: 10px)" in w and "not applied" in w for w in design.warnings)


@pytest.mark.parametrize(
    ("rule", "line_attrs", "painted"),
    [
        # specificity: an attribute or pseudo-class weighs as a class
        ("line[data-a] { stroke: black } line.k { stroke: none }", 'data-a="" class="k"', False),
        ("line.k { stroke: none } line[data-a] { stroke: black }", 'data-a="" class="k"', True),
        ("line:not(#z) { stroke: black } line.k.j { stroke: none }", 'class="k j"', True),
        ("line:where(#z, .k) { stroke: black } line { stroke: none }", 'class="k"', False),
        # a selector list with one unsupported member keeps the others
        ("line:dir(ltr), .k { stroke: black }", 'class="k"', True),
    ],
)
def test_specificity_of_new_selectors(rule, line_attrs, painted):
    design = load(
        f"<style>{rule}</style>"
        + f'<line id="l" x1="0" y1="1" x2="9" y2="1" {line_attrs}/>'
        + '<rect width="1" height="1"/>'
    )
    assert ("l" in by_id(design)) is painted


VAR_SHEET = """
:root { --ink: black; --Case: black; }
.a { stroke: var(--ink) }
.b { stroke: var(--nope, black) }
.c { stroke: var(--nope) }
g.d { --w: none } g.d line { stroke: var(--w, black) }
.e { --x: var(--y); --y: var(--x); stroke: var(--x, black) }
.f { stroke: var(--case) }
.g { stroke: var(--Case) }
.h { --k: var(--ink); stroke: var(--k) }
.i { stroke: black; } .i { stroke: var(--missing) }
"""


def test_custom_properties_and_var_like_a_browser():
    # painted by Chromium: a b e g h j; not: c (no such property), d (--w is none),
    # f (names are case-sensitive), i (invalid at computed time: unset, no stroke)
    lines = [
        ("a", 'class="a"'),
        ("b", 'class="b"'),
        ("c", 'class="c"'),
        ("e", 'class="e"'),
        ("f", 'class="f"'),
        ("g", 'class="g"'),
        ("h", 'class="h"'),
        ("i", 'class="i"'),
        ("j", 'style="stroke: var(--ink)"'),
    ]
    body = "".join(
        f'<line id="{lid}" x1="0" y1="{n}" x2="10" y2="{n}" {attrs}/>'
        for n, (lid, attrs) in enumerate(lines)
    )
    body += '<g class="d"><line id="d" x1="0" y1="20" x2="10" y2="20"/></g>'
    design = load(f"<style>{VAR_SHEET}</style>{body}")
    assert list(by_id(design)) == ["a", "b", "e", "g", "h", "j"]


def test_var_growth_is_capped():
    # each level doubles the text: 2**20 copies would be megabytes
    levels = "".join(f"--v{i + 1}: var(--v{i}) var(--v{i}); " for i in range(20))
    body = (
        f"<style>:root {{ --v0: black; {levels} }} .x {{ stroke: var(--v20, black) }}</style>"
        '<line id="x" class="x" x1="0" y1="1" x2="9" y2="1"/>'
    )
    design = load(body)
    assert list(by_id(design)) == ["x"]  # --v20 is invalid: the fallback applies


def test_style_element_media_attribute():
    body = (
        '<style media="print">.a { stroke: black }</style>'
        '<style media="screen">.b { stroke: black }</style>'
        '<style media="(min-width: 1px)">.c { stroke: black }</style>'
        '<line id="a" class="a" x1="0" y1="1" x2="9" y2="1"/>'
        '<line id="b" class="b" x1="0" y1="2" x2="9" y2="2"/>'
        '<line id="c" class="c" x1="0" y1="3" x2="9" y2="3"/>'
    )
    design = load(body)
    assert list(by_id(design)) == ["b"]
    assert any("min-width" in w for w in design.warnings)

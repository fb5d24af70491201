"""The cascade and paint rules that decide whether an element is cut."""

from __future__ import annotations

import pytest

from cam.svg.paint import color_alpha, opacity_value, paint_alpha
from tests.cam.svg.helpers import by_id, load, only


def _cut(body: str) -> list[str]:
    return list(by_id(load(body)))


def _line(lid: str, attrs: str = "", y: int = 0) -> str:
    return f'<line id="{lid}" x1="0" y1="{y}" x2="10" y2="{y}" {attrs}/>'


@pytest.mark.parametrize(
    ("text", "alpha"),
    [
        ("black", 1.0),
        ("RebeccaPurple", 1.0),
        ("#abc", 1.0),
        ("#abcd", 0xD / 15),
        ("#abc0", 0.0),
        ("#aabbcc", 1.0),
        ("#aabbcc80", 0x80 / 255),
        ("#aabbcc00", 0.0),
        ("rgb(1, 2, 3)", 1.0),
        ("rgb(1 2 3 / 0)", 0.0),
        ("rgba(1,2,3,0.25)", 0.25),
        ("rgba(1,2,3,0%)", 0.0),
        ("hsl(120 50% 50% / 50%)", 0.5),
        ("hsla(120, 50%, 50%, 0)", 0.0),
        ("transparent", 0.0),
        ("red icc-color(x, 1)", 1.0),
        ("notacolour", None),
        ("#12", None),
    ],
)
def test_colour_alpha(text, alpha):
    got = color_alpha(text)
    assert got == (pytest.approx(alpha) if alpha is not None else None)


def test_paints():
    assert paint_alpha("none", "black", {}) == (0.0, None)
    assert paint_alpha("currentColor", "rgba(0,0,0,0)", {}) == (0.0, None)
    assert paint_alpha("url(#g)", "black", {"g": 1})[0] == 1.0
    assert paint_alpha("url('#g') none", "black", {"g": 1})[0] == 1.0
    assert paint_alpha("url(#missing) none", "black", {})[0] == 0.0
    assert paint_alpha("url(#missing) red", "black", {})[0] == 1.0
    alpha, warning = paint_alpha("url(#missing)", "black", {})
    assert alpha == 0.0 and "refers to nothing" in warning
    assert opacity_value("50%") == 0.5 and opacity_value("2") == 1.0 and opacity_value("x") is None


def test_specificity_then_order():
    css = (
        "<style>#a { stroke: none } .s.t { stroke: black } .s { stroke: none } "
        "line { stroke: black } line.s { stroke: none }</style>"
    )
    # a: id beats the two-class rule; b: .s.t (0,2,0) beats later line.s (0,1,1)
    # c: line.s (0,1,1) beats .s and line; d: later equal-specificity rule wins
    body = (
        css
        + _line("a", 'class="s t"')
        + _line("b", 'class="s t"', 1)
        + _line("c", 'class="s"', 2)
        + "<style>.late { stroke: none } .late { stroke: black }</style>"
        + _line("d", 'class="late"', 3)
    )
    assert _cut(body) == ["b", "d"]


def test_important_beats_inline_and_inline_important_beats_all():
    body = (
        "<style>.x { stroke: black !important } .y { stroke: black !important }</style>"
        + _line("a", 'class="x" style="stroke: none"')
        + _line("b", 'class="y" style="stroke: none !important"', 1)
    )
    assert _cut(body) == ["a"]


def test_comments_at_rules_and_unsupported_selectors():
    # as Chromium shows the file: @media screen applies, attribute selectors match,
    # :hover never does, @font-face and @import say nothing of geometry
    body = (
        "<style>/* .c { stroke: black } */ @media screen { .m { stroke: black } }"
        "@font-face { font-family: f; src: url(f.woff) } @import 'x.css';"
        ".ok { stroke: black } line:hover { stroke: black } [id=h] { stroke: black }"
        "@media print { .p { stroke: black } } line:dir(ltr) { stroke: black }</style>"
        + _line("c", 'class="c"')
        + _line("m", 'class="m"', 1)
        + _line("ok", 'class="ok"', 2)
        + _line("h", "", 3)
        + _line("p", 'class="p"', 4)
    )
    d = load(body)
    assert list(by_id(d)) == ["m", "ok", "h"]
    assert not any("line:hover" in w for w in d.warnings)
    assert any("line:dir(ltr)" in w and "not supported" in w for w in d.warnings)
    assert any("imported style sheets are not read" in w for w in d.warnings)


def test_descendant_child_universal_and_grouped_selectors():
    body = (
        "<style>g.k > line { stroke: black } svg .deep line { stroke: black } "
        ".p, .q { stroke: black } * { stroke-width: 2 }</style>"
        '<g class="k">' + _line("child") + "<g>" + _line("grandchild", "", 1) + "</g></g>"
        '<g class="deep"><g>'
        + _line("deep", "", 2)
        + "</g></g>"
        + _line("p", 'class="p"', 3)
        + _line("q", 'class="q"', 4)
    )
    d = load(body)
    assert list(by_id(d)) == ["child", "deep", "p", "q"]
    assert only(d, "p").stroke_width_mm == pytest.approx(2)


def test_inheritance_inherit_keyword_and_current_color():
    body = (
        '<g stroke="black" stroke-width="3" color="transparent">'
        + _line("inh")
        + _line("cc", 'stroke="currentColor"', 1)
        + _line("cc2", 'stroke="currentColor" color="red"', 2)
        + '<g stroke="none">'
        + _line("kw", 'stroke="inherit"', 3)
        + "</g>"
        + "</g>"
    )
    d = load(body)
    assert list(by_id(d)) == ["inh", "cc2"]
    assert only(d, "inh").stroke_width_mm == pytest.approx(3)


def test_opacity_multiplies_and_is_not_overridden_by_children():
    body = (
        '<g opacity="0.5"><g opacity="0.5">' + _line("quarter", 'stroke="black"') + "</g></g>"
        '<g style="opacity:0">' + _line("zero", 'stroke="black" opacity="1"', 1) + "</g>"
        '<g fill-opacity="0">' + '<rect id="r" width="5" height="5"/>' + "</g>"
        '<g stroke-opacity="0">' + _line("so", 'stroke="black"', 2) + "</g>"
    )
    assert _cut(body) == ["quarter"]


def test_display_none_cannot_be_overridden_but_visibility_can():
    body = (
        '<g style="display:none">' + _line("d", 'stroke="black" style="display:inline"') + "</g>"
        '<g visibility="hidden">'
        + _line("v", 'stroke="black" visibility="visible"', 1)
        + _line("h", 'stroke="black"', 2)
        + "</g>"
    )
    assert _cut(body) == ["v"]


def test_style_on_use_reaches_the_instance_but_sheet_matches_where_written():
    body = (
        "<style>defs line { stroke: black }</style>"
        '<defs><line id="in" x1="0" y1="0" x2="5" y2="0"/>'
        '<circle id="c" cx="5" cy="5" r="2" fill="none"/></defs>'
        '<use id="u1" href="#in" x="1"/>'
        '<use id="u2" href="#c" stroke="black"/>'
        '<use id="u3" href="#c"/>'
    )
    assert _cut(body) == ["u1>in", "u2>c"]


def test_invalid_paint_falls_back_with_warning():
    d = load('<rect id="r" width="5" height="5" fill="bogus"/>')
    assert [p.kind for p in d.paths] == ["fill"]
    assert any("not a colour" in w for w in d.warnings)


def test_missing_markers_and_bad_dashes_warned():
    d = load(_line("l", 'stroke="black" stroke-dasharray="2 x" marker-end="url(#m)"'))
    text = " ".join(d.warnings)
    assert "stroke-dasharray '2 x'" in text and "refers to no <marker>" in text
    assert len(d.paths) == 1  # an invalid pattern: the solid line

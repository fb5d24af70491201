"""Files that must be refused, each with a message that says why."""

from __future__ import annotations

import pytest

from cam.errors import CamError, DesignError, HostileInputError
from cam.svg import SvgLimits, load_svg
from tests.cam.svg.helpers import doc, load

SVG11_DOCTYPE = """<?xml version="1.0" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="10mm" viewBox="0 0 10 10">
<rect width="5" height="5"/></svg>"""


def test_plain_doctype_is_fine():
    assert len(load_svg(SVG11_DOCTYPE).paths) == 1


def test_oversized_file_refused(tmp_path):
    big = doc("<!--" + "x" * 5000 + '--><rect width="5" height="5"/>')
    limits = SvgLimits(max_bytes=4000)
    with pytest.raises(HostileInputError, match=r"over the 0.0 MB limit|MB limit"):
        load_svg(big, limits=limits)
    path = tmp_path / "big.svg"
    path.write_text(big)
    with pytest.raises(HostileInputError, match="MB limit"):
        load_svg(path, limits=limits)
    assert load_svg(path).paths  # within the default limit


def test_too_many_elements_refused():
    body = '<rect width="5" height="5"/>' * 300
    with pytest.raises(HostileInputError, match="more than 200 elements"):
        load(body, limits=SvgLimits(max_elements=200))


def test_deep_nesting_refused():
    body = "<g>" * 200 + '<rect width="5" height="5"/>' + "</g>" * 200
    with pytest.raises(HostileInputError, match="nested deeper than 128 levels"):
        load(body)
    ok = "<g>" * 100 + '<rect width="5" height="5"/>' + "</g>" * 100
    assert len(load(ok).paths) == 1


def test_deep_nesting_through_use_chain_refused():
    body = '<rect id="u0" width="5" height="5"/>' + "".join(
        f'<g><use id="u{i}" href="#u{i - 1}"/></g>' for i in range(1, 200)
    )
    with pytest.raises(HostileInputError, match="nested deeper"):
        load(f"<defs>{body}</defs><use href='#u199'/>")


@pytest.mark.parametrize(
    "body",
    [
        '<g id="a"><use href="#a"/></g>',
        '<use id="self" href="#self"/>',
        '<defs><g id="x"><use href="#y"/></g><g id="y"><use xlink:href="#x"/></g></defs>'
        '<use href="#x"/>',
    ],
)
def test_use_cycles_refused(body):
    with pytest.raises(HostileInputError, match="cycle"):
        load(body + '<rect width="5" height="5"/>')


def test_use_fan_out_bomb_refused():
    levels = ['<rect id="l0" width="1" height="1"/>']
    for i in range(1, 10):
        uses = "".join(f'<use href="#l{i - 1}"/>' for _ in range(10))
        levels.append(f'<g id="l{i}">{uses}</g>')
    body = "<defs>" + "".join(levels) + '</defs><use href="#l9"/>'
    with pytest.raises(HostileInputError, match="once <use> references are expanded"):
        load(body)


def test_segment_limit_refused():
    with pytest.raises(HostileInputError, match="more than 50 line segments"):
        load(
            '<circle cx="50" cy="50" r="40" fill="none" stroke="black"/>',
            limits=SvgLimits(max_segments=50),
        )


def test_overflowing_coordinates_refused():
    with pytest.raises(DesignError, match="overflow"):
        load('<path transform="scale(1e300)" d="M0 0 C1e10 0 0 1e10 1e10 1e10" stroke="black"/>')


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("", "no visible strokes or fills"),
        ('<rect width="5" height="5" fill="none"/>', "no visible"),
        ('<defs><rect width="5" height="5"/></defs>', "no visible"),
        ('<g display="none"><rect width="5" height="5"/></g>', "no visible"),
        ('<rect width="0" height="5"/>', "no visible"),
        ('<image href="a.png" width="5" height="5"/>', "<image>"),
    ],
)
def test_empty_design_refused(body, why):
    with pytest.raises(DesignError, match=f"^nothing to carve: .*{why}"):
        load(body)


def test_text_refused_unless_hidden():
    with pytest.raises(
        DesignError,
        match=r"design contains text \(element 'motto'\): convert text to paths before carving",
    ):
        load('<rect width="5" height="5"/><text id="motto" x="1" y="1">Fu</text>')
    with pytest.raises(DesignError, match="element 'text#1'"):
        load('<rect width="5" height="5"/><g><text x="1" y="1"><tspan>Lu</tspan></text></g>')
    with pytest.raises(DesignError, match="element 'flowRoot#1'"):
        load("<flowRoot><flowPara>Shou</flowPara></flowRoot>")
    d = load(
        '<rect width="5" height="5"/><text display="none">x</text>'
        '<defs><text id="t">y</text></defs>'
    )
    assert len(d.paths) == 1


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (b"<svg", "not well-formed XML"),
        (b"<html xmlns='http://www.w3.org/1999/xhtml'/>", "not an SVG file"),
        (doc('<rect width="5" height="5" transform="rotate(1,)"/>'), "malformed transform"),
        (doc('<rect width="5" height="5" style="transform: rotate(3deg)"/>'), "CSS transform"),
        (doc('<rect width="5" height="5"/>', 'width="0mm" height="5mm"'), "width is 0 mm"),
        (doc('<rect width="5" height="5"/>', 'viewBox="0 0 0 5"'), "no area"),
        (doc('<rect width="5" height="5"/>', 'width="10 mm"'), "root <svg>"),
        (doc('<rect width="5mmm" height="5"/>'), "rect 'rect#1'"),
    ],
)
def test_malformed_svg_refused(text, why):
    with pytest.raises(DesignError, match=why):
        load_svg(text)


def test_zero_size_nested_viewbox_draws_nothing_negative_refused():
    body = '<svg viewBox="0 0 0 10"><rect width="5" height="5"/></svg><line x1="0" x2="1" stroke="red"/>'
    assert [p.element_id for p in load(body).paths] == ["line#1"]
    with pytest.raises(DesignError, match="negative size"):
        load('<svg viewBox="0 0 -1 10"><rect width="5" height="5"/></svg>')


def test_tolerance_range_and_error_hierarchy():
    with pytest.raises(DesignError, match="tolerance"):
        load('<rect width="5" height="5"/>', tolerance=0.0)
    assert issubclass(HostileInputError, DesignError) and issubclass(DesignError, CamError)


def test_missing_file_refused(tmp_path):
    with pytest.raises(DesignError, match="cannot read design file"):
        load_svg(tmp_path / "nope.svg")


def test_encodings():
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg" '
        'width="10mm" height="10mm"><title>Jadé</title><rect width="5" height="5"/></svg>'
    )
    assert load_svg(text).title == "Jadé"  # text: the declaration is not applied twice
    assert load_svg(text.encode("latin-1")).title == "Jadé"  # bytes: it is
    with pytest.raises(DesignError, match="not readable XML"):
        load_svg(text.replace("ISO-8859-1", "UT7-8").encode())


def test_limits_are_validated():
    with pytest.raises(ValueError, match="max_depth"):
        SvgLimits(max_depth=10_000)

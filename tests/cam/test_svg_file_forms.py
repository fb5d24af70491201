"""File forms and path corner cases met in real designs, read as browsers read them."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from cam.errors import DesignError, HostileInputError
from cam.svg import SvgLimits, load_svg
from tests.cam.svg.helpers import by_id, doc, load


def test_a_lone_moveto_draws_nothing_not_even_a_dot():
    # Chromium paints the line only: "M 100 100" at the end starts no subpath
    design = load(
        '<path id="p" d="M 10 10 L 60 10 M 50 50" stroke="black" stroke-width="8" '
        'stroke-linecap="round"/>'
    )
    (path,) = by_id(design)["p"]
    assert np.allclose(path.points, [[10, 90], [60, 90]])


def test_lone_movetos_only_is_nothing_to_carve():
    with pytest.raises(DesignError, match="nothing to carve"):
        load('<path d="M 10 10 M 50 50" stroke="black" stroke-linecap="round"/>')


@pytest.mark.parametrize("d", ["M 50 50 z", "M 50 50 L 50 50"])
def test_zero_length_subpath_with_round_caps_is_a_dot(d):
    design = load(f'<path id="p" d="{d}" stroke="black" stroke-width="8" stroke-linecap="round"/>')
    (path,) = by_id(design)["p"]
    assert path.points.tolist() == [[50.0, 50.0]]


def test_svgz_is_read(tmp_path):
    data = gzip.compress(doc('<rect id="r" x="10" y="10" width="5" height="5"/>').encode())
    target = tmp_path / "design.svgz"
    target.write_bytes(data)
    for source in (data, target):
        assert list(by_id(load_svg(source))) == ["r"]


def test_svgz_bomb_refused_before_inflating_it_all():
    body = "<!--" + " " * 3_000_000 + '--><rect width="5" height="5"/>'
    data = gzip.compress(doc(body).encode())
    assert len(data) < 20_000
    with pytest.raises(HostileInputError, match=r"inflates to more than 1.0 MB"):
        load_svg(data, limits=SvgLimits(max_bytes=1_000_000))


def test_svgz_cut_short_or_corrupt_refused():
    data = gzip.compress(doc('<rect width="5" height="5"/>').encode())
    with pytest.raises(DesignError, match=r"gzip-compressed.*cut short"):
        load_svg(data[: len(data) // 2])
    with pytest.raises(DesignError, match=r"gzip-compressed \(.svgz\) but cannot be read"):
        load_svg(data[:10] + b"\x00" * 40)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_byte_order_marks_and_wide_encodings(encoding):
    text = '<?xml version="1.0"?>' + doc('<rect id="r" width="5" height="5"/><title>玉</title>')
    design = load_svg(text.encode(encoding))
    assert list(by_id(design)) == ["r"]
    assert design.title == "玉"


@pytest.mark.parametrize(
    "d", ["M 0 0 L 1e200 1e200", "M 0 0 L 1e300 0", "M 0 0 C 1e300 0 0 1e300 1 1"]
)
def test_absurd_coordinates_refused(d):
    with pytest.raises(DesignError, match="absurdly large"):
        load(f'<path d="{d}" stroke="black" transform="scale(1e10)"/>')


def test_text_that_shows_nothing_is_not_refused():
    # Inkscape leaves empty text objects behind; text with neither fill nor stroke, or
    # hidden, paints no glyph in a browser either
    body = (
        '<rect id="r" width="5" height="5"/>'
        '<text xml:space="preserve" x="10" y="10"><tspan x="10" y="10"/></text>'
        '<text x="1" y="1">   </text>'
        '<text x="1" y="1" fill="none">Fu</text>'
        '<text x="1" y="1" visibility="hidden"><tspan>Lu</tspan></text>'
        '<text x="1" y="1" style="fill:none;stroke:black;stroke-width:0">Shou</text>'
    )
    assert list(by_id(load(body))) == ["r"]


@pytest.mark.parametrize(
    "text",
    [
        '<text fill="none"><tspan fill="black">Fu</tspan></text>',
        '<text visibility="hidden"><tspan visibility="visible">Lu</tspan></text>',
        '<text fill="none" stroke="red">Shou</text>',
        "<text><tspan/>tail</text>",
    ],
)
def test_text_that_shows_is_refused(text):
    with pytest.raises(DesignError, match="convert text to paths"):
        load('<rect width="5" height="5"/>' + text)

"""Inputs built so that a backtracking parser would take hours: refused or read at once.

Number runs ("1.5.5", "10-5") are checked by a linear automaton before the detailed parsers
see them (cam.svg.guard); style sheets' comments and an entity document's sections are
scanned in one pass. Without those, each test below would not finish.
"""

from __future__ import annotations

import itertools
import re

import pytest

from cam.errors import DesignError, HostileInputError
from cam.svg import load_svg
from cam.svg.guard import number_run_ok
from tests.cam.svg.helpers import by_id, load

# the SVG grammar's number run, as the detailed parsers write it (a backtracking expression)
NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
REFERENCE = re.compile(rf"\s*(?:{NUMBER}(?:\s*,?\s*{NUMBER})*)?\s*")


def test_the_automaton_reads_exactly_the_grammar():
    from cam.svg.guard import _automaton_error

    alphabet = "01.e-+, E\t"
    for n in range(7):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            valid = REFERENCE.fullmatch(text) is not None
            assert number_run_ok(text) is valid, text  # the possessive expression
            assert (_automaton_error(text) is None) is valid, text


DIGITS = "1" * 60


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f'<path d="M {DIGITS}--" stroke="black"/>', r"malformed path data near 'M 1111"),
        (f'<path d="M0 0 L{DIGITS},,1" stroke="black"/>', r"malformed path data"),
        (f'<rect width="5" height="5" transform="matrix({DIGITS},,0)"/>', r"malformed transform"),
        (f'<polyline points="{DIGITS},,1" stroke="black"/>', r"polyline .* malformed points"),
        (
            f'<clipPath id="c"><rect width="5" height="5" transform="scale({DIGITS}--)"/>'
            '</clipPath><rect width="9" height="9" clip-path="url(#c)"/>',
            r"malformed transform",
        ),
    ],
)
def test_pathological_number_runs_refused_at_once(body, message):
    with pytest.raises(DesignError, match=message):
        load(body)


def test_valid_runs_still_read():
    d = load(
        '<path id="p" d="M0 0L10-5.5.5 1e1" stroke="black"/>'
        '<polyline id="q" points="1,2 3 4,5,6" stroke="black"/>'
    )
    assert set(by_id(d)) == {"p", "q"}


def test_unterminated_css_comments_in_bulk():
    body = "<style>" + ".a{stroke:black} " + "/* x " * 200_000 + "</style>"
    d = load(body + '<line id="l" class="a" x1="0" y1="1" x2="9" y2="1"/>')
    assert list(by_id(d)) == ["l"]  # the rule before the first comment applies


def test_unterminated_sections_in_an_entity_document():
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "black">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
        '<rect width="5" height="5" fill="&a;"/>' + "<!--" * 200_000
    )
    with pytest.raises((DesignError, HostileInputError)):
        load_svg(text.encode())


def test_an_unclosed_transform_list_refused_at_once():
    with pytest.raises(DesignError, match="malformed transform"):
        load(f'<rect width="5" height="5" transform="matrix(-0.7603,-0.6495,0.7286,{DIGITS}"/>')


LONG = "1" * 100_000 + "-"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f'<rect width="{LONG}" height="5"/>', r"attribute width is 100001 characters long"),
        (f'<circle r="5" cx="{LONG}"/>', r"attribute cx is .* not a length"),
        (
            f'<g transform="rotate(9)" transform-origin="{LONG}"><rect width="5" height="5"/></g>',
            r"malformed transform-origin",
        ),
    ],
)
def test_absurdly_long_lengths_refused_at_once(body, message):
    with pytest.raises(DesignError, match=message):
        load(body)


def test_absurdly_long_stroke_width_and_dashes_are_not_lengths():
    d = load(
        f'<line id="l" x1="0" y1="1" x2="9" y2="1" stroke="black" style="stroke-width:{LONG}" '
        f'stroke-dasharray="{LONG}"/>'
    )
    assert list(by_id(d)) == ["l"]
    assert any("stroke-dasharray" in w for w in d.warnings)


def test_absurdly_long_document_size_refused():
    with pytest.raises(DesignError, match=r"root <svg>: attribute width is .* not a size"):
        load_svg(f'<svg xmlns="http://www.w3.org/2000/svg" width="{LONG}" height="9"/>')

"""The design's size at the bench: the document's size in mm, times the placement's scale."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.artisan.tickets import design_size_mm

UNITS = {"mm": 1.0, "cm": 10.0, "in": 25.4, "px": 25.4 / 96, "pt": 25.4 / 72}


@settings(max_examples=200, deadline=None)
@given(st.floats(0.5, 500), st.floats(0.5, 500), st.sampled_from(sorted(UNITS)),
       st.sampled_from(["1", "0.5", "1.25", "2"]))
def test_size_follows_the_documents_units_and_the_placement_scale(
        width: float, height: float, unit: str, scale: str) -> None:
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}{unit}" '
           f'height="{height}{unit}" viewBox="0 0 10 10"><path d="M0 0 L10 10"/></svg>')
    size = design_size_mm(svg, {"scale": scale})
    assert size is not None
    factor = UNITS[unit] * float(scale)
    assert math.isclose(size[0], width * factor, rel_tol=1e-9)
    assert math.isclose(size[1], height * factor, rel_tol=1e-9)


def test_a_design_without_a_size_makes_no_scale_claim() -> None:
    assert design_size_mm('<svg xmlns="http://www.w3.org/2000/svg" width="100%">'
                          '<path d="M0 0 L1 1"/></svg>') is None


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>',  # nested: billion laughs
    '<!DOCTYPE svg [<!ENTITY a SYSTEM "file:///etc/passwd">]>',  # an external entity
])
def test_a_hostile_design_is_not_measured(doctype: str) -> None:
    hostile = (f'<?xml version="1.0"?>{doctype}'
               '<svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="10mm">&a;</svg>')
    assert design_size_mm(hostile) is None


def test_an_illustrator_header_with_plain_entities_is_measured() -> None:
    svg = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY ns_svg "http://www.w3.org/2000/svg">]>'
           '<svg xmlns="&ns_svg;" width="10mm" height="20mm"/>')
    assert design_size_mm(svg) == (10.0, 20.0)


@settings(max_examples=50, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["0", "-1", "nan", "inf"])))
def test_a_broken_placement_scale_counts_as_one(scale: object) -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="10mm">'
           '<path d="M0 0 L1 1"/></svg>')
    size = design_size_mm(svg, {"scale": scale})
    assert size is not None
    assert size[0] > 0 and math.isfinite(size[0])

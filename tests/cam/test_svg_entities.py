"""Internal text entities (Illustrator's DOCTYPE) are read; every entity trick is refused
with a message that names it and its line, before anything grows or is fetched."""

from __future__ import annotations

import numpy as np
import pytest

from cam.errors import DesignError, HostileInputError
from cam.svg import load_svg
from cam.svg.entities import MAX_ENTITIES, MAX_EXPANDED_CHARS

# The header Adobe Illustrator 10 to CC write (namespaces as entities, used in xmlns), with
# the style entities older versions use in style="&st0;".
ILLUSTRATOR = """<?xml version="1.0" encoding="utf-8"?>
<!-- Generator: Adobe Illustrator 16.0.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)  -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [
\t<!ENTITY ns_extend "http://ns.adobe.com/Extensibility/1.0/">
\t<!ENTITY ns_ai "http://ns.adobe.com/AdobeIllustrator/10.0/">
\t<!ENTITY ns_graphs "http://ns.adobe.com/Graphs/1.0/">
\t<!ENTITY ns_vars "http://ns.adobe.com/Variables/1.0/">
\t<!ENTITY ns_imrep "http://ns.adobe.com/ImageReplacement/1.0/">
\t<!ENTITY ns_sfw "http://ns.adobe.com/SaveForWeb/1.0/">
\t<!ENTITY ns_custom "http://ns.adobe.com/GenericCustomNamespace/1.0/">
\t<!ENTITY ns_adobe_xpath "http://ns.adobe.com/XPath/1.0/">
\t<!ENTITY ns_svg "http://www.w3.org/2000/svg">
\t<!ENTITY ns_xlink "http://www.w3.org/1999/xlink">
\t<!ENTITY st0 "fill:none;stroke:#000000;stroke-width:0.5;stroke-miterlimit:10;">
\t<!ENTITY st1 'fill:#FFFFFF;stroke:none;'>
]>
<svg version="1.1" xmlns:x="&ns_extend;" xmlns:i="&ns_ai;" xmlns:graph="&ns_graphs;"
\t xmlns="&ns_svg;" xmlns:xlink="&ns_xlink;" x="0px" y="0px" width="72px" height="72px"
\t viewBox="0 0 72 72" enable-background="new 0 0 72 72" xml:space="preserve">
<switch>
\t<foreignObject requiredExtensions="&ns_ai;" x="0" y="0" width="1" height="1">
\t\t<i:pgfRef xlink:href="#adobe_illustrator_pgf"></i:pgfRef>
\t</foreignObject>
\t<g i:extraneous="self">
\t\t<path id="line" style="&st0;" d="M 0 36 L 72 36"/>
\t\t<rect id="box" style="&st1;" x="9" y="9" width="18" height="18"/>
\t\t<!-- &st0; in a comment is not expanded, <![CDATA[ nor &st1; here ]]> -->
\t</g>
</switch>
<i:pgf id="adobe_illustrator_pgf"><![CDATA[ eJzs &ns_svg; ]]></i:pgf>
</svg>
"""

PX = 25.4 / 96


def _check_illustrator(design) -> None:
    ids = {p.element_id: p for p in design.paths}
    assert set(ids) == {"line", "box"}
    assert ids["line"].kind == "stroke" and not ids["line"].closed
    assert np.allclose(ids["line"].points, [[0, 36 * PX], [72 * PX, 36 * PX]])
    assert ids["box"].kind == "fill"  # st1: white fill, no stroke
    assert design.height_mm == pytest.approx(72 * PX)


def test_illustrator_header_is_read():
    _check_illustrator(load_svg(ILLUSTRATOR.encode()))
    _check_illustrator(load_svg(ILLUSTRATOR))  # as text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_illustrator_header_in_other_encodings(encoding):
    text = ILLUSTRATOR.replace('encoding="utf-8"', f'encoding="{encoding.split("-sig")[0]}"')
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data  # a BOM, as Windows tools write UTF-16
    _check_illustrator(load_svg(data))


def _doc(subset: str, body: str = '<rect width="5" height="5"/>') -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE svg [\n{subset}\n]>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="10mm">{body}</svg>'
    ).encode()


def test_value_with_quotes_and_character_references():
    subset = """<!ENTITY d 'M 0 0 L 5 5'>\n<!ENTITY t "a &#34;b&#x22; c">"""
    body = '<title>&t;</title><path id="p" d="&d;" stroke="black"/>'
    design = load_svg(_doc(subset, body))
    assert design.title == 'a "b" c'
    assert len(design.paths) == 1 and design.paths[0].element_id == "p"


def test_predefined_references_in_a_value_stay_text():
    subset = '<!ENTITY brand "Patchy &amp; Friends &lt;3">'
    design = load_svg(_doc(subset, "<title>&brand;</title><rect width='5' height='5'/>"))
    assert design.title == "Patchy & Friends <3"


def test_first_declaration_binds_and_predefined_are_kept():
    subset = '<!ENTITY w "4">\n<!ENTITY w "9">\n<!ENTITY amp "x">'
    body = '<title>A &amp; B</title><rect width="&w;" height="&w;"/>'
    design = load_svg(_doc(subset, body))
    assert design.title == "A & B"
    assert design.bounds() == pytest.approx((0.0, 10 - 4 * PX, 4 * PX, 10.0))


def test_element_and_attlist_declarations_are_kept():
    subset = '<!ELEMENT svg ANY>\n<!ATTLIST rect fill CDATA "none">\n<!ENTITY s "black">'
    design = load_svg(_doc(subset, '<rect id="r" width="5" height="5" stroke="&s;"/>'))
    assert [p.kind for p in design.paths] == ["stroke"]  # the ATTLIST default fill="none"


def test_undeclared_entity_is_not_well_formed():
    with pytest.raises(DesignError, match=r"not well-formed XML: undefined entity"):
        load_svg(_doc('<!ENTITY a "x">', "<title>&b;</title><rect width='5' height='5'/>"))


def test_entity_text_in_a_comment_without_doctype_is_fine():
    data = b'<!-- <!ENTITY a "x"> --><svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="5" height="5"/></svg>'
    assert len(load_svg(data).paths) == 1


BILLION_LAUGHS = """<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">"""


@pytest.mark.parametrize(
    ("subset", "body", "message"),
    [
        (
            BILLION_LAUGHS,
            "<title>&lol9;</title>",
            r"entity 'lol1' refers to another entity \('&lol;'\): nested entities are not "
            r"accepted \(line 4\)",
        ),
        (
            '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
            "<title>&xxe;</title>",
            r"entity 'xxe' is external \(SYSTEM 'file:///etc/passwd'\).*nothing is fetched",
        ),
        (
            '<!ENTITY xxe PUBLIC "-//X//Y" "http://example.invalid/x.txt">',
            "<title>&xxe;</title>",
            r"entity 'xxe' is external \(PUBLIC '-//X//Y'\)",
        ),
        (
            "<!ENTITY % pe \"<!ENTITY x 'y'>\">\n%pe;",
            "",
            r"parameter entity '%pe;' declared: not accepted \(line 3\)",
        ),
        ("%ext;", "", r"parameter entity reference '%ext;' in the DTD: not accepted"),
        ('<!ENTITY a "x%b;">', "", r"entity 'a' refers to a parameter entity"),
        # a character reference that would spell a reference once expanded
        ('<!ENTITY a "b">\n<!ENTITY c "&#38;a;">', "", r"entity 'c' holds markup"),
        ('<!ENTITY a "<g/>">', "<title>&a;</title>", r"entity 'a' holds markup"),
        ('<!ENTITY a "&#0;">', "", r"character reference '&#0;' is not a character"),
        ("<!FOO bar>", "", r"unsupported declaration in the DTD near '<!FOO bar>'"),
        ('<!ENTITY a "x"', "", r"malformed declaration of entity 'a'|internal subset"),
    ],
)
def test_entity_attacks_refused(subset, body, message):
    data = _doc(subset, body + '<rect width="5" height="5"/>')
    with pytest.raises(HostileInputError, match=r"^SVG refused: " + message):
        load_svg(data)


def test_quadratic_blowup_hits_the_expansion_cap():
    big = "a" * 100_000
    refs = "&big;" * (MAX_EXPANDED_CHARS // len(big) + 1)
    data = _doc(f'<!ENTITY big "{big}">', f"<title>{refs}</title>")
    assert len(data) < 1_000_000  # a small file ...
    with pytest.raises(HostileInputError, match=r"expand to more than 4000000 characters"):
        load_svg(data)  # ... that would grow past the cap
    # the same entity a few times is fine
    ok = _doc(f'<!ENTITY big "{big}">', "<title>&big;&big;</title><rect width='5' height='5'/>")
    assert len(load_svg(ok).title) == 200_000


def test_entity_count_capped():
    subset = "\n".join(f'<!ENTITY e{i} "x">' for i in range(MAX_ENTITIES + 1))
    with pytest.raises(HostileInputError, match=rf"more than {MAX_ENTITIES} entity declarations"):
        load_svg(_doc(subset))

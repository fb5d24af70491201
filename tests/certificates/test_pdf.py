"""The certificate PDF: text, embedded CJK font, QR, and the attached signed JSON."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from certificates.content import format_mass
from certificates.errors import ContentError, FontNotFound, ImageError
from certificates.issue import IssuedCertificate
from certificates.keys import KeyStore
from certificates.numbers import format_code
from certificates.pdf import attachment_name, render_pdf
from certificates.signing import verify

from .conftest import BASE_URL, png_image


@pytest.fixture
def pdf(issued: IssuedCertificate) -> bytes:
    return render_pdf(
        issued.document,
        photo_png=png_image("seagreen"),
        design_png=png_image("white"),
        verify_url=issued.verify_url(BASE_URL),
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_text_has_number_name_masses_title_and_host(pdf: bytes, issued: IssuedCertificate) -> None:
    text = _text(pdf)
    ident = issued.document["credentialSubject"]["identification"]
    for expected in (
        issued.number,
        "和田玉",
        format_mass(ident["massBeforeCarvingMg"]),
        format_mass(ident["massAfterCarvingMg"]),
        "荷塘月色 Lotus Pond",
        "verify.jade.example",
        format_code(issued.code),
        issued.key_id[:40],
        "浮雕",
        "阴刻",
        "NGTC-2024-118822",
    ):
        assert expected in text, expected
    assert "52.340 g" in text and "48.115 g" in text


def test_attached_json_is_the_signed_document_and_verifies(
    pdf: bytes, issued: IssuedCertificate, keys: KeyStore
) -> None:
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    assert list(attachments) == [attachment_name(issued.number)]
    attached = json.loads(attachments[attachment_name(issued.number)][0])
    assert attached == issued.document
    assert verify(attached, keys.resolve).ok


def test_a_tampered_attachment_would_not_verify(pdf: bytes, keys: KeyStore) -> None:
    attached = json.loads(next(iter(PdfReader(io.BytesIO(pdf)).attachments.values()))[0])
    attached = copy.deepcopy(attached)
    attached["credentialSubject"]["identification"]["massAfterCarvingMg"] += 1
    assert not verify(attached, keys.resolve).ok


def test_every_font_is_embedded(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    cjk_fonts = 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/BaseFont"] in ("/Helvetica", "/Times-Roman", "/Courier"):
                continue  # the standard 14 are not required to be embedded; no CJK in them
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
            cjk_fonts += 1
    assert cjk_fonts >= 1


def test_the_printed_qr_decodes_to_the_verification_url(
    issued: IssuedCertificate, pdf: bytes
) -> None:
    images = [
        Image.open(io.BytesIO(img.data)) for img in PdfReader(io.BytesIO(pdf)).pages[0].images
    ]
    decoded = [r.text for img in images
               for r in zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)]
    assert decoded == [issued.verify_url(BASE_URL)]


def test_output_is_deterministic(issued: IssuedCertificate) -> None:
    args = dict(
        photo_png=png_image("seagreen"),
        design_png=png_image("white"),
        verify_url=issued.verify_url(BASE_URL),
    )
    assert render_pdf(issued.document, **args) == render_pdf(issued.document, **args)


def test_missing_font_is_a_named_error(issued: IssuedCertificate, tmp_path: Path) -> None:
    with pytest.raises(FontNotFound):
        render_pdf(
            issued.document,
            photo_png=png_image("red"),
            design_png=png_image("red"),
            verify_url=issued.verify_url(BASE_URL),
            font_path=tmp_path / "none.ttf",
        )


def test_unreadable_image_is_a_named_error(issued: IssuedCertificate) -> None:
    with pytest.raises(ImageError, match="design image"):
        render_pdf(
            issued.document,
            photo_png=png_image("red"),
            design_png=b"<svg/>",
            verify_url=issued.verify_url(BASE_URL),
        )


def test_unsigned_document_is_refused(issued: IssuedCertificate) -> None:
    unsigned = {k: v for k, v in issued.document.items() if k != "proof"}
    with pytest.raises(ContentError, match="signed"):
        render_pdf(
            unsigned,
            photo_png=png_image("red"),
            design_png=png_image("red"),
            verify_url=issued.verify_url(BASE_URL),
        )

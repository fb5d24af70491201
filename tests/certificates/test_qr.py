"""The verification URL and its QR: decoding the rendered QR gives back the exact URL."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from defusedxml import ElementTree
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from certificates.errors import ContentError, NumberError
from certificates.numbers import ALPHABET, check_symbol, new_verification_code
from certificates.qr import qr_png, qr_svg, url_host, verification_url


def _decode(png: bytes) -> list[str]:
    # QR codes only, as a phone's scanner reads them: a 1D reader may see a short linear
    # code in the modules' pattern
    image = Image.open(io.BytesIO(png))
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def _number(body: str) -> str:
    return f"JW-2026-{body}{check_symbol('2026' + body)}"


def test_url_form() -> None:
    code = new_verification_code()
    url = verification_url("https://verify.jade.example/", _number("7K3M9QXD"), code)
    assert url == f"https://verify.jade.example/verify/{_number('7K3M9QXD')}?c={code}"


def test_url_keeps_a_path_prefix_and_port() -> None:
    url = verification_url("http://shop.example:8080/jade", _number("00000000"), "A" * 20)
    assert url.startswith("http://shop.example:8080/jade/verify/JW-2026-")
    assert url_host(url) == "shop.example:8080"


@pytest.mark.parametrize(
    "base",
    [
        "ftp://jade.example",
        "jade.example",
        "https://",
        "https://jade.example/?x=1",
        "https://jade.example/#top",
    ],
)
def test_bad_base_urls_are_refused(base: str) -> None:
    with pytest.raises(ContentError):
        verification_url(base, _number("00000000"), "A" * 20)


def test_bad_number_or_code_is_refused() -> None:
    with pytest.raises(NumberError):
        verification_url("https://jade.example", "JW-2026-000000000", "A" * 20)
    with pytest.raises(NumberError):
        verification_url("https://jade.example", _number("00000000"), "A" * 19)


_codes = st.text(alphabet=ALPHABET, min_size=20, max_size=20)
_bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)
_hosts = st.sampled_from(
    ["https://verify.jade.example", "https://jade.example:8443/cert", "http://127.0.0.1:5000"]
)


@settings(max_examples=15, deadline=None)
@given(_hosts, _bodies, _codes)
@example("https://verify.jade.example", "K9ETXPYR", "JQN5F8B210DNHSPXY042")  # a 1D reader saw "3256"
def test_png_qr_decodes_to_the_exact_url(base: str, body: str, code: str) -> None:
    url = verification_url(base, _number(body), code)
    assert _decode(qr_png(url)) == [url]


def test_small_png_qr_still_decodes() -> None:
    url = verification_url(
        "https://verify.jade.example", _number("7K3M9QXD"), new_verification_code()
    )
    assert _decode(qr_png(url, scale=3)) == [url]


def test_svg_qr_is_well_formed_svg() -> None:
    url = verification_url(
        "https://verify.jade.example", _number("7K3M9QXD"), new_verification_code()
    )
    root = ElementTree.fromstring(qr_svg(url))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}path") is not None

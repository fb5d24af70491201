"""The verification URL and its QR code (segno).

The URL is ``<base>/verify/<number>?c=<code>``: the public page needs both, so a scan is all
a buyer has to do, while numbers alone cannot be enumerated.
"""

from __future__ import annotations

import io
from urllib.parse import quote, urlsplit

import segno

from .errors import ContentError
from .numbers import normalize_code, normalize_number

__all__ = ["verification_url", "url_host", "qr_png", "qr_svg"]

# 'Q' recovers about a quarter of the symbol: a printed certificate gets handled and scuffed.
_ERROR_LEVEL = "q"


def verification_url(base_url: str, number: str, code: str) -> str:
    """The one place the verification URL is spelled; `base_url` is e.g. https://jade.example."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ContentError(f"base URL must be http(s) with a host, got {base_url!r}")
    if parts.query or parts.fragment:
        raise ContentError(f"base URL must not carry a query or fragment: {base_url!r}")
    number = normalize_number(number)
    code = normalize_code(code)
    return f"{base_url.rstrip('/')}/verify/{quote(number, safe='')}?c={quote(code, safe='')}"


def url_host(url: str) -> str:
    """The host (with a non-default port) to print in clear beside the QR."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise ContentError(f"URL has no host: {url!r}")
    return parts.netloc.rsplit("@", 1)[-1].lower()


def _qr(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=_ERROR_LEVEL, boost_error=True)


def qr_png(url: str, *, scale: int = 8, border: int = 4) -> bytes:
    """PNG bytes of the QR; `border` is the quiet zone in modules (4 per ISO/IEC 18004)."""
    buf = io.BytesIO()
    _qr(url).save(buf, kind="png", scale=scale, border=border)
    return buf.getvalue()


def qr_svg(url: str, *, scale: int = 4, border: int = 4) -> bytes:
    buf = io.BytesIO()
    _qr(url).save(buf, kind="svg", scale=scale, border=border, xmldecl=True)
    return buf.getvalue()

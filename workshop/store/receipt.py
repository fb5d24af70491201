"""The receipt's QR code: the customer's tracking page, drawn inline as SVG (no image file)."""

from __future__ import annotations

import segno

__all__ = ["qr_svg", "tracking_url"]


def tracking_url(public_base_url: str, token: str) -> str:
    """The public tracking page of a job: the unguessable token, never the job number."""
    return f"{public_base_url.rstrip('/')}/track/{token}"


def qr_svg(url: str) -> str:
    """An inline <svg> of the QR for ``url``; 'M' error correction survives a creased receipt."""
    qr = segno.make_qr(url, error="m")
    return qr.svg_inline(scale=4, border=4, title="QR", omitsize=False)

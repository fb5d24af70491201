"""What the ``_certificate.html`` partial shows about one certificate, built from its row.

The partial is included on the job page, the store desk's pickup and the tracking page::

    {% with certificate = panel %}{% include "_certificate.html" %}{% endwith %}

where ``panel = certificate_panel(session, settings, row, code=..., pdf_url=...)``. The code
is known only right after QC (``job.one_time["certificate_code"]``); without it the link and
QR lead to the verification page, which asks for the code printed on the certificate.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from certificates import qr_svg, verification_url
from jobs.certificates import PDF_KIND
from workshop.config import Settings
from workshop.models import Artifact, Certificate

__all__ = ["CertificatePanel", "certificate_panel", "current_certificate_panel"]


@dataclass(frozen=True)
class CertificatePanel:
    number: str
    version: int
    status: str  # valid | superseded | revoked
    supersedes: str | None
    superseded_by: str | None
    revoked_reason: str | None
    key_id: str | None
    issued_at: dt.datetime
    verify_url: str | None  # None for a lab's certificate: it is not verified here
    qr_data_uri: str | None  # the QR of verify_url, an SVG data: URI for an <img>
    pdf_url: str | None

    @property
    def signed(self) -> bool:
        return self.key_id is not None


def _number_of(session: Session, cert_id: int | None) -> str | None:
    return session.scalar(select(Certificate.number).where(Certificate.id == cert_id)) \
        if cert_id else None


def _api_url(artifact: Artifact) -> str:
    return f"/api/v1/artifacts/{artifact.sha256}"


def certificate_panel(session: Session, settings: Settings, cert: Certificate, *,
                      code: str | None = None,
                      pdf_url: Callable[[Artifact], str] = _api_url) -> CertificatePanel:
    """The panel of ``cert``; ``pdf_url`` turns the PDF artifact into a link the page's
    reader may follow (the API's by default; a station passes its own download route)."""
    url = qr = link = None
    if cert.key_id:
        if code:
            url = verification_url(settings.public_base_url, cert.number, code)
        else:
            url = f"{settings.public_base_url.rstrip('/')}/verify/{cert.number}"
        qr = "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url)).decode("ascii")
        pdf = session.scalar(select(Artifact).where(
            Artifact.job_id == cert.job_id, Artifact.kind == PDF_KIND,
            Artifact.filename == f"{cert.number}.pdf").order_by(Artifact.id.desc()))
        link = pdf_url(pdf) if pdf is not None else None
    return CertificatePanel(
        number=cert.number, version=cert.version, status=cert.status,
        supersedes=_number_of(session, cert.supersedes_id),
        superseded_by=_number_of(session, cert.superseded_by_id),
        revoked_reason=cert.revoked_reason, key_id=cert.key_id, issued_at=cert.issued_at,
        verify_url=url, qr_data_uri=qr, pdf_url=link)


def current_certificate_panel(session: Session, settings: Settings, piece_id: int, *,
                              code: str | None = None,
                              pdf_url: Callable[[Artifact], str] = _api_url
                              ) -> CertificatePanel | None:
    """The panel of the piece's latest certificate version (what travels with the piece)."""
    cert = session.scalar(select(Certificate).where(Certificate.piece_id == piece_id)
                          .order_by(Certificate.version.desc()))
    return certificate_panel(session, settings, cert, code=code, pdf_url=pdf_url) \
        if cert is not None else None

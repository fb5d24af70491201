"""Certificate documents: canonical content, signing and verification, QR, PDF. Plain Python.

The workflow's certificate step calls, in order:

    keys = KeyStore(instance_path / "keys")
    issued = issue_certificate(identification, carving, supersedes=previous_number,
                               issuer=issuer_url, signing_key=keys.signing_key())
    url = issued.verify_url(public_base_url)
    pdf = render_pdf(issued.document, photo_png=..., design_png=..., verify_url=url)

and stores `issued.document`, `issued.number`, `issued.code_digest` (never the code itself)
and the PDF as an artifact, marking the previous certificate superseded in the same
transaction. The public page calls `answer_for(record_or_None, presented_code)`.
"""

from __future__ import annotations

from .content import Carving, CarvingMode, Identification, build_document, format_mass
from .errors import (
    CertificateError,
    ContentError,
    FloatNotAllowed,
    FontNotFound,
    ImageError,
    KeyNotFound,
    KeyStoreError,
    NumberError,
    SigningError,
)
from .issue import IssuedCertificate, issue_certificate
from .keys import KeyStatus, KeyStore, PublicKeyInfo
from .numbers import new_certificate_number, new_verification_code, normalize_number
from .pdf import render_pdf
from .qr import qr_png, qr_svg, url_host, verification_url
from .signing import SigningKey, VerifyResult, sign, verify
from .status import (
    Answer,
    AnswerKind,
    CertificateRecord,
    CertificateStatus,
    answer_for,
    code_digest,
    code_matches,
    public_content,
    verification_answer,
)

__all__ = [
    "Answer",
    "AnswerKind",
    "Carving",
    "CarvingMode",
    "CertificateError",
    "CertificateRecord",
    "CertificateStatus",
    "ContentError",
    "FloatNotAllowed",
    "FontNotFound",
    "Identification",
    "ImageError",
    "IssuedCertificate",
    "KeyNotFound",
    "KeyStatus",
    "KeyStore",
    "KeyStoreError",
    "NumberError",
    "PublicKeyInfo",
    "SigningError",
    "SigningKey",
    "VerifyResult",
    "answer_for",
    "build_document",
    "code_digest",
    "code_matches",
    "format_mass",
    "issue_certificate",
    "new_certificate_number",
    "new_verification_code",
    "normalize_number",
    "public_content",
    "qr_png",
    "qr_svg",
    "render_pdf",
    "sign",
    "url_host",
    "verification_answer",
    "verification_url",
    "verify",
]

"""Certificate status and the public verification answer, as pure functions.

The public page and JSON endpoint need the number *and* the code printed on the certificate.
A wrong code must be indistinguishable from an unknown number, or the endpoint becomes an
oracle for which numbers exist: both give `not_found`, through the same code path, with the
code compared in constant time against the stored digest (or a dummy digest when there is no
such certificate).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .errors import NumberError
from .numbers import normalize_code

__all__ = [
    "CertificateStatus",
    "CertificateRecord",
    "AnswerKind",
    "Answer",
    "code_digest",
    "code_matches",
    "verification_answer",
    "answer_for",
    "public_content",
]


class CertificateStatus(StrEnum):
    VALID = "valid"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"


class AnswerKind(StrEnum):
    VALID = "valid"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class CertificateRecord:
    """What the application stores about one certificate (a row, without the ORM)."""

    number: str
    status: CertificateStatus
    document: Mapping[str, Any]
    code_digest: str
    superseded_by: str | None = None
    revoked_reason: str | None = None


@dataclass(frozen=True)
class Answer:
    kind: AnswerKind
    number: str | None = None
    superseded_by: str | None = None
    reason: str | None = None
    content: Mapping[str, Any] | None = None

    @property
    def message(self) -> str:
        """One bilingual line for the page and the CLI."""
        if self.kind is AnswerKind.VALID:
            return f"有效 Valid: {self.number}"
        if self.kind is AnswerKind.SUPERSEDED:
            return f"已被取代 Superseded by {self.superseded_by}"
        if self.kind is AnswerKind.REVOKED:
            return f"已撤销 Revoked: {self.reason}"
        return "未找到 Not found"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.kind.value, "message": self.message}
        for key, value in (
            ("number", self.number),
            ("supersededBy", self.superseded_by),
            ("reason", self.reason),
            ("certificate", self.content),
        ):
            if value is not None:
                out[key] = value
        return out


NOT_FOUND = Answer(AnswerKind.NOT_FOUND)
# Compared against when there is no record, so both paths hash and compare the same bytes.
_DUMMY_DIGEST = hashlib.sha256(b"no such certificate").hexdigest()


def code_digest(code: str) -> str:
    """SHA-256 hex of the normalized code: what the database stores instead of the code."""
    return hashlib.sha256(normalize_code(code).encode("ascii")).hexdigest()


def code_matches(expected_digest: str | None, presented: str) -> bool:
    """Constant-time check of a presented code; always does the same work, match or not."""
    try:
        presented_digest = code_digest(presented)
    except NumberError:
        presented_digest = hashlib.sha256(b"malformed code").hexdigest()
        expected_digest = None
    target = expected_digest if expected_digest is not None else _DUMMY_DIGEST
    same = hmac.compare_digest(presented_digest.encode("ascii"), target.encode("ascii"))
    return same and expected_digest is not None


# What the public may see of a certificate. A whitelist, so that a field added to the
# document later (a customer reference, say) stays private until someone decides otherwise.
_PUBLIC_TOP = ("issuer", "validFrom")
_PUBLIC_SUBJECT = ("certificateNumber", "supersedes", "identification", "carving")


def public_content(document: Mapping[str, Any]) -> dict[str, Any]:
    subject = document.get("credentialSubject") or {}
    out: dict[str, Any] = {k: document[k] for k in _PUBLIC_TOP if k in document}
    out.update({k: subject[k] for k in _PUBLIC_SUBJECT if k in subject})
    proof = document.get("proof")
    if isinstance(proof, Mapping) and "verificationMethod" in proof:
        out["keyId"] = proof["verificationMethod"]
    return out


def verification_answer(record: CertificateRecord | None, code_ok: bool) -> Answer:
    """valid / superseded by N / revoked (reason) / not_found; a wrong code is not_found."""
    if record is None or not code_ok:
        return NOT_FOUND
    content = public_content(record.document)
    status = CertificateStatus(record.status)  # a plain "superseded" from a row works too
    if status is CertificateStatus.SUPERSEDED:
        return Answer(
            AnswerKind.SUPERSEDED,
            record.number,
            superseded_by=record.superseded_by,
            content=content,
        )
    if status is CertificateStatus.REVOKED:
        return Answer(
            AnswerKind.REVOKED, record.number, reason=record.revoked_reason, content=content
        )
    return Answer(AnswerKind.VALID, record.number, content=content)


def answer_for(record: CertificateRecord | None, presented_code: str) -> Answer:
    """The whole public check: constant-time code comparison, then the answer."""
    expected = record.code_digest if record is not None else None
    return verification_answer(record, code_matches(expected, presented_code))

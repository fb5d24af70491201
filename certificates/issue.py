"""One call for the workflow's certificate step: number, code, document, signature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .content import Carving, Identification, build_document
from .numbers import new_certificate_number, new_verification_code
from .qr import verification_url
from .signing import SigningKey, sign
from .status import code_digest

__all__ = ["IssuedCertificate", "issue_certificate"]


@dataclass(frozen=True)
class IssuedCertificate:
    """A new signed certificate. Store `document`, `number` and `code_digest`; print `code`."""

    number: str
    code: str
    code_digest: str
    supersedes: str
    key_id: str
    document: dict[str, Any]

    def verify_url(self, base_url: str) -> str:
        return verification_url(base_url, self.number, self.code)


def issue_certificate(
    identification: Identification,
    carving: Carving,
    *,
    supersedes: str,
    issuer: str,
    signing_key: SigningKey,
    valid_from: datetime | None = None,
    number: str | None = None,
) -> IssuedCertificate:
    """Build and sign the certificate that supersedes `supersedes`.

    The caller marks the superseded certificate (status superseded, superseded_by = number)
    in the same transaction that stores this one; a number collision surfaces there as a
    unique-constraint error, and the step is retried with a fresh number.
    """
    moment = valid_from or datetime.now(UTC)
    number = number or new_certificate_number(moment.astimezone(UTC).year)
    code = new_verification_code()
    unsigned = build_document(
        identification,
        carving,
        number=number,
        supersedes=supersedes,
        issuer=issuer,
        valid_from=moment,
    )
    signed = sign(unsigned, signing_key, created=moment)
    return IssuedCertificate(
        number, code, code_digest(code), supersedes, signing_key.key_id, signed
    )

"""POST /certificates/{number}/revoke: an admin revokes a certificate, with the reason.

Public verification then answers "revoked" with that reason. Who and when stay on the row.
"""

from __future__ import annotations

from typing import Any

from jobs import certificates as certs
from workshop.api.base import body, bp, caller, db
from workshop.errors import Conflict, Invalid, NotFound
from workshop.models import Certificate


def certificate_status(session: Any, cert: Certificate) -> dict[str, Any]:
    record = certs.record_of(session, cert)
    return {
        "number": cert.number, "status": cert.status, "superseded_by": record.superseded_by,
        "revoked_reason": cert.revoked_reason,
        "revoked_at": cert.revoked_at.isoformat() if cert.revoked_at else None,
        "revoked_by": cert.revoked_by, "key_id": cert.key_id,
    }


@bp.post("/certificates/<number>/revoke")
def revoke_certificate(number: str):  # type: ignore[no-untyped-def]
    principal = caller("certificates.revoke")
    reason = body("RevokeIn")["reason"]
    session = db()
    try:
        cert = certs.revoke(session, number, reason, by=principal.label)
    except certs.CertificateNotFound as exc:
        raise NotFound(str(exc), number=number) from exc
    except certs.AlreadyRevoked as exc:
        raise Conflict(str(exc), number=number) from exc
    except ValueError as exc:
        raise Invalid(str(exc), field="reason") from exc
    session.commit()
    return certificate_status(session, cert)

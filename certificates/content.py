"""The certificate's content: identification data, carving information, and the VC 2.0 document.

The document is what gets signed, so every value in it must have exactly one JSON spelling:
numbers are integers (mass in milligrams) or decimal strings (refractive index "1.62"),
never floats, whose shortest round-trip form differs between languages and invites
"52.34 g" to be read back as 52.339999.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from .errors import ContentError, FloatNotAllowed

__all__ = [
    "VC_CONTEXT",
    "CERTIFICATE_CONTEXT",
    "CERTIFICATE_TYPE",
    "CarvingMode",
    "Identification",
    "Carving",
    "build_document",
    "assert_json_safe",
    "format_mass",
    "subject_of",
]

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# The workshop's own terms, mapped by @vocab so that JSON-LD readers see stable IRIs; the
# proof is JCS (plain JSON), so no context document has to be fetched to verify.
CERTIFICATE_CONTEXT: dict[str, str] = {"@vocab": "https://jade-workshop.example/ns/certificate#"}
CERTIFICATE_TYPE = "JadeCertificate"

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# I-JSON (RFC 7493) integers: what every JSON reader holds exactly, and what RFC 8785 accepts.
_MAX_SAFE_INT = 2**53 - 1


class CarvingMode(StrEnum):
    HAND = "hand"
    MACHINE = "machine"


@dataclass(frozen=True)
class Identification:
    """The piece as identified by its original certificate, and as weighed after carving.

    `name` is the GB/T 16552 name (和田玉, 翡翠, ...); `treatment` its treatment note as the
    lab wrote it (e.g. "天然 natural", "B货 bleached and impregnated"). Masses are integer mg.
    `photo_sha256` is the digest of the photograph printed on the new certificate.
    """

    original_number: str
    issuing_lab: str
    name: str
    treatment: str
    mass_before_mg: int
    mass_after_mg: int
    shape: str
    dimensions: str
    colour: str
    photo_sha256: str
    refractive_index: str | None = None
    density: str | None = None


@dataclass(frozen=True)
class Carving:
    """What was carved, by whom or by which machine, and with which program."""

    design_id: str
    design_title: str
    designer: str
    mode: CarvingMode
    carved_on: date
    workshop: str
    co_owners: tuple[str, ...] = ()
    artisan: str | None = None
    machine: str | None = None
    program_sha256: str | None = None
    styles: tuple[str, ...] = field(default_factory=tuple)


def format_mass(mg: int) -> str:
    """Milligrams as grams with three decimals, by integer arithmetic: 52340 -> '52.340 g'."""
    return f"{mg // 1000}.{mg % 1000:03d} g"


def _require_text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _require_mass(name: str, value: object) -> int:
    if isinstance(value, float):
        raise FloatNotAllowed(name, value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= _MAX_SAFE_INT:
        raise ContentError(f"{name} must be a positive integer number of mg, got {value!r}")
    return value


def _require_digest(name: str, value: object) -> str:
    if not isinstance(value, str) or not _SHA256.match(value):
        raise ContentError(f"{name} must be a lowercase hex SHA-256 digest, got {value!r}")
    return value


def _optional_decimal(name: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        raise FloatNotAllowed(name, value)
    return _require_text(name, value)


def _identification_json(ident: Identification) -> dict[str, Any]:
    before = _require_mass("mass_before_mg", ident.mass_before_mg)
    after = _require_mass("mass_after_mg", ident.mass_after_mg)
    if after > before:
        raise ContentError(f"mass after carving ({after} mg) exceeds mass before ({before} mg)")
    out: dict[str, Any] = {
        "originalCertificate": {
            "number": _require_text("original_number", ident.original_number),
            "issuingLab": _require_text("issuing_lab", ident.issuing_lab),
        },
        "name": _require_text("name", ident.name),
        "treatment": _require_text("treatment", ident.treatment),
        "massBeforeCarvingMg": before,
        "massAfterCarvingMg": after,
        "shape": _require_text("shape", ident.shape),
        "dimensions": _require_text("dimensions", ident.dimensions),
        "colour": _require_text("colour", ident.colour),
        "photoSha256": _require_digest("photo_sha256", ident.photo_sha256),
    }
    ri = _optional_decimal("refractive_index", ident.refractive_index)
    density = _optional_decimal("density", ident.density)
    if ri is not None:
        out["refractiveIndex"] = ri
    if density is not None:
        out["density"] = density
    return out


def _carver_json(carving: Carving) -> dict[str, Any]:
    mode = CarvingMode(carving.mode)
    if mode is CarvingMode.HAND:
        return {"mode": mode.value, "artisan": _require_text("artisan", carving.artisan)}
    return {
        "mode": mode.value,
        "machine": _require_text("machine", carving.machine),
        "programSha256": _require_digest("program_sha256", carving.program_sha256),
    }


def _carving_json(carving: Carving) -> dict[str, Any]:
    if not isinstance(carving.carved_on, date):
        raise ContentError(f"carved_on must be a date, got {carving.carved_on!r}")
    out: dict[str, Any] = {
        "design": {
            "id": _require_text("design_id", carving.design_id),
            "title": _require_text("design_title", carving.design_title),
            "designer": _require_text("designer", carving.designer),
            "coOwners": [_require_text("co_owners[]", o) for o in carving.co_owners],
        },
        **_carver_json(carving),
        "styles": [_require_text("styles[]", s) for s in carving.styles],
        "date": carving.carved_on.isoformat()[:10],
        "workshop": _require_text("workshop", carving.workshop),
    }
    return out


def _utc_stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ContentError("valid_from must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_document(
    identification: Identification,
    carving: Carving,
    *,
    number: str,
    supersedes: str,
    issuer: str,
    valid_from: datetime,
) -> dict[str, Any]:
    """The unsigned Verifiable Credential 2.0 for a re-issued certificate.

    `number` is the new certificate's number, `supersedes` the number of the certificate it
    replaces (the lab's original on a first re-issue), `issuer` the workshop's issuer URL.
    Raises ContentError (FloatNotAllowed for a float) with the offending field.
    """
    _require_text("number", number)
    subject = {
        "type": "CarvedJadePiece",
        "certificateNumber": number,
        "supersedes": _require_text("supersedes", supersedes),
        "identification": _identification_json(identification),
        "carving": _carving_json(carving),
    }
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT, dict(CERTIFICATE_CONTEXT)],
        "id": f"urn:jade-workshop:certificate:{number}",
        "type": ["VerifiableCredential", CERTIFICATE_TYPE],
        "issuer": _require_text("issuer", issuer),
        "validFrom": _utc_stamp(valid_from),
        "credentialSubject": subject,
    }
    assert_json_safe(document)
    return document


def assert_json_safe(value: object, path: str = "$") -> None:
    """Raise unless `value` is JSON made only of str, int (I-JSON range), bool, None, list, dict.

    Floats raise FloatNotAllowed naming the path, e.g. `$.credentialSubject.mass`.
    """
    if isinstance(value, float):
        raise FloatNotAllowed(path, value)
    if value is None or isinstance(value, (str, bool)):
        return
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INT:
            raise ContentError(f"{path}: integer {value} is outside the I-JSON range")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ContentError(f"{path}: object keys must be strings, got {key!r}")
            assert_json_safe(item, f"{path}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            assert_json_safe(item, f"{path}[{i}]")
        return
    raise ContentError(f"{path}: {type(value).__name__} is not allowed in signed content")


def subject_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The credentialSubject of a (signed or unsigned) certificate document."""
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        raise ContentError("document has no credentialSubject object")
    return subject

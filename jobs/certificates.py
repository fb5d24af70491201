"""The workshop's side of certificates: issue at QC, look up, revoke, and what the PDF needs.

``certificates/`` is the plain library (content, signing, answers, PDF); this module feeds it
the database's rows. The step runs inside the ``qc_pass`` transaction (jobs.rules): the new
certificate is signed with the active key of the key store (files under
``Settings.keys_dir``, created on first use), stored with its number, signed document, key id
and the *digest* of its verification code, and the code itself goes to ``ctx.one_time`` (shown
once to whoever passed QC) and into the outbox row that renders the PDF, which scrubs it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from certificates import (
    Carving,
    CarvingMode,
    CertificateRecord,
    CertificateStatus,
    Identification,
    IssuedCertificate,
    KeyStore,
    issue_certificate,
    new_certificate_number,
    normalize_number,
)
from certificates.errors import NumberError
from jobs.errors import GuardFailed, InvalidPayload
from jobs.types import Context
from workshop.config import Settings
from workshop.models import Artifact, Certificate, Design, Machine, Piece, User, utcnow

__all__ = [
    "CERTIFICATE_CODE", "PDF_KIND", "RENDER_PDF", "SCRUBBED", "AlreadyRevoked",
    "CertificateNotFound", "design_png", "find", "issue_for_qc", "keystore", "lookup_number",
    "placeholder_png", "record_of", "revoke",
]

CERTIFICATE_CODE = "certificate_code"  # the key of the code in job.one_time
RENDER_PDF = "render_certificate_pdf"  # the outbox effect
PDF_KIND = "certificate_pdf"  # the artifact kind of the printed certificate
PLACEHOLDER_KIND = "photo_placeholder"
SCRUBBED = "(printed)"  # what the outbox keeps once the code is in the PDF
NOT_STATED = "未注明 not stated"
PHOTO_KINDS = ("photo",)

PIECE_LABELS = {
    "bangle": "手镯 bangle", "bi_disc": "玉璧 bi disc", "ring": "玉环 ring",
    "buckle": "玉扣 buckle", "pendant": "挂件 pendant", "plaque": "牌 plaque",
}


class CertificateNotFound(LookupError):
    """No certificate with that number."""


class AlreadyRevoked(ValueError):
    """The certificate was revoked before; a revocation is final and keeps its first reason."""


def keystore(settings: Settings) -> KeyStore:
    return KeyStore(settings.keys_dir)


def lookup_number(text: str) -> str:
    """A presented number as stored: ours normalized (o→0, lower case), a lab's as typed."""
    try:
        return normalize_number(text)
    except NumberError:
        return text.strip()


def find(session: Session, number: str) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.number == lookup_number(number)))


def record_of(session: Session, cert: Certificate) -> CertificateRecord:
    """The row as the plain library sees it (superseded_by as a number, not an id)."""
    successor = session.get(Certificate, cert.superseded_by_id) if cert.superseded_by_id else None
    return CertificateRecord(
        number=cert.number, status=CertificateStatus(cert.status),
        document=cert.document or {}, code_digest=cert.code_digest or "",
        superseded_by=successor.number if successor else None,
        revoked_reason=cert.revoked_reason)


def revoke(session: Session, number: str, reason: str, by: str) -> Certificate:
    """Revoke (the caller commits). Who, when and why stay on the row."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a revocation needs a reason")
    cert = session.scalar(select(Certificate).where(Certificate.number == lookup_number(number))
                          .with_for_update())
    if cert is None:
        raise CertificateNotFound(f"no certificate {number}")
    if cert.status == CertificateStatus.REVOKED:
        raise AlreadyRevoked(f"certificate {cert.number} was revoked on "
                             f"{cert.revoked_at:%Y-%m-%d}: {cert.revoked_reason}")
    cert.status = CertificateStatus.REVOKED
    cert.revoked_reason = reason
    cert.revoked_at = utcnow()
    cert.revoked_by = by
    return cert


# ---- the QC step -----------------------------------------------------------------------------

def issue_for_qc(ctx: Context, piece: Piece, current: Certificate) -> IssuedCertificate:
    """Sign the certificate that supersedes ``current``; GuardFailed when facts are missing."""
    identification = _identification(ctx, piece, current)
    carving = _carving(ctx)
    keys = keystore(ctx.settings)
    keys.ensure_active()
    moment = dt.datetime.now(dt.UTC)
    return issue_certificate(
        identification, carving, supersedes=current.number,
        issuer=ctx.settings.public_base_url.rstrip("/"), signing_key=keys.signing_key(),
        valid_from=moment, number=_fresh_number(ctx.session, moment.year))


def _fresh_number(session: Session, year: int) -> str:
    # 40 random bits: a clash is all but impossible, but costs one query to rule out
    for _ in range(5):
        number = new_certificate_number(year)
        if session.scalar(select(Certificate.id).where(Certificate.number == number)) is None:
            return number
    raise GuardFailed("could not draw an unused certificate number; try again")


def _mass_after_mg(ctx: Context, before_mg: int) -> int:
    given = ctx.data.get("mass_after_g")
    if given in (None, ""):
        return before_mg
    try:
        grams = Decimal(str(given))
    except InvalidOperation:
        raise InvalidPayload("mass_after_g is not a number",
                             fields={"mass_after_g": "a decimal number of grams"}) from None
    after = int((grams * 1000).to_integral_value())
    if not 0 < after <= before_mg:
        raise InvalidPayload(
            f"mass after carving {grams} g must be above 0 and at most the mass before "
            f"({Decimal(before_mg) / 1000} g)", fields={"mass_after_g": "out of range"})
    return after


def _identification(ctx: Context, piece: Piece, current: Certificate) -> Identification:
    before = piece.mass_mg
    if current.document:  # a re-issue of our own: the last recorded mass is the starting point
        ident = current.document["credentialSubject"]["identification"]
        before = int(ident["massAfterCarvingMg"])
    ident_data = (current.content or {}).get("identification", {})
    return Identification(
        original_number=piece.certificate_no,
        issuing_lab=piece.lab or NOT_STATED,
        name=piece.material,
        treatment=str(ident_data.get("treatment") or NOT_STATED),
        mass_before_mg=before,
        mass_after_mg=_mass_after_mg(ctx, before),
        shape=PIECE_LABELS.get(piece.shape, piece.shape),
        dimensions=_dimensions(piece.dimensions or {}),
        colour=piece.colour or NOT_STATED,
        photo_sha256=_photo_sha(ctx),
    )


def _dimensions(dims: dict[str, Any]) -> str:
    parts = [f"{k.removesuffix('_mm').replace('_', ' ')} {v} mm" for k, v in sorted(dims.items())]
    return "; ".join(parts) or NOT_STATED


def _latest_artifact(session: Session, job_id: int, kinds: tuple[str, ...]) -> Artifact | None:
    return session.scalar(select(Artifact).where(Artifact.job_id == job_id,
                                                 Artifact.kind.in_(kinds))
                          .order_by(Artifact.id.desc()))


def _photo_sha(ctx: Context) -> str:
    photo = _latest_artifact(ctx.session, ctx.job.id, PHOTO_KINDS)
    if photo is not None:
        return photo.sha256
    # No photo was taken: the certificate says so with an image that reads "no photo", stored
    # like any photo so that the document's digest and the printed image always agree.
    from workshop import artifacts

    stored = artifacts.save(ctx.session, ctx.settings, placeholder_png("No photo recorded"),
                            kind=PLACEHOLDER_KIND, filename=f"job-{ctx.job.id}-no-photo.png",
                            media_type="image/png", job_id=ctx.job.id)
    ctx.recorded["photo"] = "none recorded"
    return stored.sha256


def _carving(ctx: Context) -> Carving:
    from jobs.rules import active_assignment

    job = ctx.job
    design = ctx.session.get(Design, job.design_id) if job.design_id else None
    assignment = active_assignment(ctx)
    common: dict[str, Any] = {"carved_on": dt.datetime.now(dt.UTC).date(),
                              "workshop": ctx.settings.workshop_name}
    if job.route == CarvingMode.MACHINE:
        machine = (ctx.session.get(Machine, assignment.machine_id)
                   if assignment and assignment.machine_id else None)
        program = _latest_artifact(ctx.session, job.id, ("gcode",))
        if program is None:
            raise GuardFailed("a machine job passes QC with the program that carved it: "
                              "no G-code is stored for this job")
        carver: dict[str, Any] = {"machine": machine.code if machine else NOT_STATED,
                  "program_sha256": program.sha256}
    else:
        artisan = (ctx.session.get(User, assignment.artisan_id)
                   if assignment and assignment.artisan_id else None)
        carver = {"artisan": (artisan.display_name or artisan.username) if artisan else NOT_STATED}
    if design is None:  # a hand job may be carved freely, without a design
        named: dict[str, Any] = {"design_id": "—", "design_title": "自由雕刻 free carving",
                 "designer": carver.get("artisan", NOT_STATED)}
    else:
        named = {"design_id": design.code, "design_title": design.title,
                 "designer": design.designer or NOT_STATED}
    return Carving(mode=CarvingMode(job.route), **named, **carver, **common)


# ---- images for the PDF --------------------------------------------------------------------

def placeholder_png(text: str, size: tuple[int, int] = (480, 360)) -> bytes:
    """A plain grey PNG with ``text``: same input, same bytes (its digest is signed)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (236, 240, 237))
    draw = ImageDraw.Draw(image)
    draw.rectangle([4, 4, size[0] - 5, size[1] - 5], outline=(170, 190, 176), width=2)
    left, top, right, bottom = draw.textbbox((0, 0), text)
    draw.text(((size[0] - right + left) // 2, (size[1] - bottom + top) // 2), text,
              fill=(60, 80, 66))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def design_png(svg: str | None, size: int = 800) -> bytes:
    """The design's paths drawn dark on white, as the CAM reads them; a placeholder when the
    SVG cannot be read (the printed design image illustrates, it is not signed)."""
    if not svg:
        return placeholder_png("Free carving: no design file")
    try:
        from cam.svg import load_svg

        design = load_svg(svg)
        if not design.paths:
            raise ValueError("no visible paths")
    except Exception:  # the certificate must print even when the CAM is absent or refuses
        return placeholder_png("Design image unavailable")
    from PIL import Image, ImageDraw

    width, height = max(design.width_mm, 1e-6), max(design.height_mm, 1e-6)
    scale = (size - 40) / max(width, height)
    pixels = (int(width * scale) + 40, int(height * scale) + 40)
    image = Image.new("RGB", pixels, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for path in design.paths:
        # machine Y points up; image rows go down
        points = [(20 + x * scale, pixels[1] - 20 - y * scale) for x, y in path.points]
        if path.closed and len(points) > 2:
            points.append(points[0])
        if len(points) == 1:
            points.append(points[0])
        draw.line(points, fill=(31, 61, 43), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def photo_for_pdf(data: bytes, longest: int = 1600) -> bytes:
    """The photo as PNG, no larger than the page needs (a phone photo is 4000 px wide)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as opened:
        image = opened.convert("RGB")
    image.thumbnail((longest, longest))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

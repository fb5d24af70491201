"""POST /artifacts (photos and documents, content addressed) and GET /artifacts/{sha256}."""

from __future__ import annotations

import hashlib

from flask import request, send_file
from sqlalchemy import select

from workshop import artifacts as store
from workshop.api import serialize
from workshop.api.base import bp, caller, db, settings
from workshop.errors import Invalid, NotFound
from workshop.models import Artifact, Job

# what a receipt, QC or dispatch photo may be, told by its first bytes (not by the client's
# Content-Type, which is whatever the phone says)
SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"WEBP", 8, "image/webp"),
    (b"ftypheic", 4, "image/heic"),
    (b"%PDF-", 0, "application/pdf"),
)
KINDS = ("photo", "document")


def sniff(data: bytes) -> str | None:
    for magic, offset, media_type in SIGNATURES:
        if data[offset:offset + len(magic)] == magic:
            return media_type
    return None


def _job_id() -> int | None:
    raw = request.form.get("job_id")
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or db().get(Job, int(raw)) is None:
        raise Invalid(f"no job {raw!r} to attach the file to", field="job_id")
    return int(raw)


@bp.post("/artifacts")
def upload_artifact():  # type: ignore[no-untyped-def]
    principal = caller("artifacts.upload")
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("send the file as multipart/form-data in the field 'file'", field="file")
    kind = request.form.get("kind", "photo")
    if kind not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}", field="kind")
    data = upload.read()
    if not data:
        raise Invalid("the file is empty", field="file")
    media_type = sniff(data)
    if media_type is None:
        raise Invalid("only JPEG, PNG, WebP, HEIC photos and PDF documents are accepted",
                      field="file")
    session = db()
    sha = hashlib.sha256(data).hexdigest()
    job_id = _job_id()
    existing = session.scalar(select(Artifact).where(
        Artifact.sha256 == sha, Artifact.job_id.is_(job_id) if job_id is None
        else Artifact.job_id == job_id).limit(1))
    if existing is not None:  # the same photo sent twice (a retried upload): one row
        return serialize.artifact(existing), 200
    artifact = store.save(session, settings(), data, kind=kind, media_type=media_type,
                          filename=_safe_name(upload.filename, kind), job_id=job_id,
                          created_by=principal.label)
    session.commit()
    return serialize.artifact(artifact), 201


def _safe_name(name: str | None, kind: str) -> str:
    # the name is only shown and offered on download; keep it short and free of paths
    base = (name or kind).replace("\\", "/").rsplit("/", 1)[-1].strip() or kind
    return base[-120:]


@bp.get("/artifacts/<sha256>")
def get_artifact(sha256: str):  # type: ignore[no-untyped-def]
    caller("artifacts.read")
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise NotFound(f"no artifact {sha256[:80]!r}: not a sha256 hex digest")
    artifact = db().scalar(select(Artifact).where(Artifact.sha256 == sha256).limit(1))
    path = store.path_for(settings(), sha256) if artifact is not None else None
    if artifact is None or path is None or not path.is_file():
        raise NotFound(f"no artifact {sha256}")
    return send_file(path, mimetype=artifact.media_type, download_name=artifact.filename,
                     etag=sha256, max_age=3600)

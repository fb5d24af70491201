"""Photos of pieces and jobs, from the artisan's tablet and the store's desk camera: checked,
stored as content-addressed artifacts, and found again (the newest of a job, else the one
taken when the piece was sold)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from workshop import artifacts as store
from workshop.api.artifacts import sniff
from workshop.config import Settings
from workshop.errors import Invalid
from workshop.models import Artifact, Job, Piece

__all__ = ["IMAGE_TYPES", "PHOTO_KINDS", "latest_photo", "piece_photo", "read_image",
           "save_upload", "store_photo"]

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic"})
PHOTO_KINDS = ("photo", "piece_photo")
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}


def read_image(upload: FileStorage | None) -> tuple[bytes, str]:
    """(bytes, media type) of an uploaded photo; Invalid (422) when it is none."""
    if upload is None or not upload.filename and not upload.content_length:
        raise Invalid("choose or take a photo first", field="file")
    data = upload.read()
    if not data:
        raise Invalid("the photo is empty", field="file")
    media_type = sniff(data)
    if media_type not in IMAGE_TYPES:
        raise Invalid("a photo must be JPEG, PNG, WebP or HEIC", field="file")
    return data, media_type


def save_upload(session: Session, settings: Settings, job_id: int | None,
                upload: FileStorage | None, created_by: str, *, kind: str = "photo",
                name: str | None = None) -> tuple[Artifact, bool]:
    """Store the photo for ``job_id``: (artifact, created). The same photo sent again (a retry
    after a lost answer) finds its row instead of adding another. The caller commits."""
    return store_photo(session, settings, read_image(upload), job_id=job_id, kind=kind,
                       name=name, created_by=created_by)


def store_photo(session: Session, settings: Settings, image: tuple[bytes, str], *,
                job_id: int | None = None, kind: str = "photo", name: str | None = None,
                created_by: str = "system") -> tuple[Artifact, bool]:
    """Store checked photo bytes (from :func:`read_image`): (artifact, created)."""
    data, media_type = image
    sha = hashlib.sha256(data).hexdigest()
    existing = session.scalar(select(Artifact).where(
        Artifact.sha256 == sha, Artifact.kind == kind,
        Artifact.job_id.is_(None) if job_id is None else Artifact.job_id == job_id).limit(1))
    if existing is not None:
        return existing, False
    filename = f"{name or kind}.{EXTENSIONS[media_type]}"
    artifact = store.save(session, settings, data, kind=kind, filename=filename,
                          media_type=media_type, job_id=job_id, created_by=created_by)
    session.flush()
    return artifact, True


def latest_photo(session: Session, job: Job, piece: Piece) -> Artifact | None:
    """The newest photo of the job (receipt, progress), else the one taken at sale."""
    found = session.scalar(select(Artifact).where(
        Artifact.job_id == job.id, Artifact.kind == "photo").order_by(Artifact.id.desc()))
    if found is not None:
        return found
    return piece_photo(session, piece)


def piece_photo(session: Session, piece: Piece) -> Artifact | None:
    """The photo taken when the piece was registered at the desk (kind piece_photo, named by
    the certificate number: a piece has no job yet when it is sold)."""
    return session.scalar(select(Artifact).where(
        Artifact.kind == "piece_photo", Artifact.filename.startswith(f"{piece.certificate_no}."))
        .order_by(Artifact.id.desc()))

"""Stored files (G-code, DXF, previews, photos, PDFs), addressed by their sha256.

The bytes live once under ``Settings.artifact_dir/<sha[:2]>/<sha>`` (a directory every worker
host can reach); each use by a job is an Artifact row naming the file. Writes go to a temporary
file renamed into place, so a reader never sees half a file and two writers of the same content
do not clash.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from workshop.config import Settings
from workshop.models import Artifact

__all__ = ["ArtifactMissing", "path_for", "read", "save", "store_bytes"]


class ArtifactMissing(FileNotFoundError):
    """No stored file for that sha256 (or its content no longer matches it)."""


def path_for(settings: Settings, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return settings.artifact_dir / sha256[:2] / sha256


def store_bytes(settings: Settings, data: bytes) -> str:
    """Store ``data`` (once) and return its sha256."""
    sha = hashlib.sha256(data).hexdigest()
    target = path_for(settings, sha)
    if target.exists():
        return sha
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sha


def save(session: Session, settings: Settings, data: bytes, *, kind: str, filename: str,
         media_type: str, job_id: int | None = None, created_by: str = "system") -> Artifact:
    """Store ``data`` and add an Artifact row for this use of it (the caller commits)."""
    sha = store_bytes(settings, data)
    artifact = Artifact(sha256=sha, job_id=job_id, kind=kind, media_type=media_type,
                        filename=filename, size=len(data), created_by=created_by)
    session.add(artifact)
    return artifact


def read(settings: Settings, sha256: str) -> bytes:
    path = path_for(settings, sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ArtifactMissing(f"artifact {sha256} is not stored") from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ArtifactMissing(f"artifact {sha256} is damaged: its content changed")
    return data

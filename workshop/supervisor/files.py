"""Serving a job's stored files and its design to staff pages, safely.

SVG can carry script. A design or preview SVG is only ever shown as ``<img src=...>`` (a
browser runs no script in an image) and is served with a Content-Security-Policy that forbids
script and every outside fetch, so opening its URL directly is harmless too. Nothing from a
stored SVG is pasted into a page.
"""

from __future__ import annotations

from flask import Response, abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop import artifacts
from workshop.config import Settings
from workshop.models import Artifact, Design, Job

__all__ = ["DOWNLOAD_KINDS", "design_response", "job_file_response"]

# a worksheet opened by a browser shows these; G-code and DXF are saved, never shown
DOWNLOAD_KINDS = frozenset({"gcode", "dxf"})
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


def _secure(resp: Response, media_type: str) -> Response:
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, max-age=3600"
    if "svg" in media_type:
        resp.headers["Content-Security-Policy"] = SVG_CSP
    return resp


def design_response(session: Session, job: Job) -> Response:
    design = session.get(Design, job.design_id) if job.design_id else None
    if design is None:
        abort(404, description="this job has no design")
    resp = Response(design.svg.encode(), mimetype="image/svg+xml")
    return _secure(resp, "image/svg+xml")


def job_file_response(session: Session, settings: Settings, job_id: int, sha256: str, *,
                      download: bool = False) -> Response:
    """The stored file ``sha256`` if it belongs to job ``job_id``, else 404."""
    row = session.scalar(select(Artifact).where(Artifact.job_id == job_id,
                                                Artifact.sha256 == sha256)
                         .order_by(Artifact.id.desc()))
    if row is None:
        abort(404, description="no such file for this job")
    try:
        data = artifacts.read(settings, row.sha256)
    except (artifacts.ArtifactMissing, ValueError):
        abort(404, description="the file is no longer stored")
    resp = Response(data, mimetype=row.media_type)
    if download or row.kind in DOWNLOAD_KINDS:
        resp.headers["Content-Disposition"] = f'attachment; filename="{_safe_name(row.filename)}"'
    return _secure(resp, row.media_type)


def _safe_name(name: str) -> str:
    kept = "".join(c for c in name if c.isalnum() or c in "-_.")
    return kept or "download"

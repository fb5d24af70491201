"""Rows to the JSON shapes published in workshop/openapi.py (Job, JobSummary, Piece, ...)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from workshop.models import (
    Artifact,
    Assignment,
    Certificate,
    Design,
    Event,
    Job,
    Order,
    Piece,
    Store,
)


def grams(mass_mg: int) -> str:
    """Milligrams to an exact decimal string of grams: 12345 -> "12.345"."""
    return str((Decimal(mass_mg) / 1000).quantize(Decimal("0.001")))


def summary_query() -> Select[Any]:
    """Jobs with what a summary shows, in one query (no lazy loads per row)."""
    return (
        select(Job, Order.platform_ref, Piece.certificate_no, Design.code, Store.code)
        .join(Order, Job.order_id == Order.id)
        .join(Piece, Job.piece_id == Piece.id)
        .outerjoin(Design, Job.design_id == Design.id)
        .outerjoin(Store, Order.store_id == Store.id)
    )


def summary(row: Any) -> dict[str, Any]:
    job, order_reference, certificate_no, design_code, store_code = row
    return {
        "id": job.id,
        "order_reference": order_reference,
        "line_no": job.line_no,
        "state": job.state,
        "route": job.route,
        "carving_mode": job.carving_mode,
        "version": job.version,
        "certificate_no": certificate_no,
        "design_code": design_code,
        "due_date": job.due_date.isoformat() if job.due_date else None,
        "priority": job.priority,
        "rework_count": job.rework_count,
        "review_reason": job.review_reason,
        "held_from": job.held_from,
        "store_code": store_code,
        "updated_at": job.updated_at.isoformat(),
    }


def job_summary(session: Session, job: Job) -> dict[str, Any]:
    row = session.execute(summary_query().where(Job.id == job.id)).one()
    return summary(row)


def event(ev: Event) -> dict[str, Any]:
    return {
        "seq": ev.seq,
        "event": ev.event,
        "from_state": ev.from_state,
        "to_state": ev.to_state,
        "actor": ev.actor,
        "note": ev.note,
        "data": ev.data,
        "attachments": ev.attachments,
        "at": ev.at.isoformat(),
    }


def artifact(art: Artifact) -> dict[str, Any]:
    return {
        "sha256": art.sha256,
        "kind": art.kind,
        "media_type": art.media_type,
        "filename": art.filename,
        "size": art.size,
        "job_id": art.job_id,
        "url": f"/api/v1/artifacts/{art.sha256}",
    }


def certificate(cert: Certificate, numbers: dict[int, str]) -> dict[str, Any]:
    return {
        "number": cert.number,
        "version": cert.version,
        "status": cert.status,
        "supersedes": numbers.get(cert.supersedes_id) if cert.supersedes_id else None,
        "content": cert.content,
        "issued_at": cert.issued_at.isoformat(),
    }


def piece(session: Session, p: Piece) -> dict[str, Any]:
    store_code = session.scalar(select(Store.code).where(Store.id == p.store_id)) \
        if p.store_id else None
    certs = list(session.scalars(
        select(Certificate).where(Certificate.piece_id == p.id).order_by(Certificate.version)))
    numbers = {c.id: c.number for c in certs}
    return {
        "id": p.id,
        "certificate_no": p.certificate_no,
        "shape": p.shape,
        "material": p.material,
        "mass_g": grams(p.mass_mg),
        "dimensions": p.dimensions,
        "carvable_faces": p.carvable_faces,
        "set_code": p.set_code,
        "store_code": store_code,
        "certificates": [certificate(c, numbers) for c in certs],
    }


def order(session: Session, o: Order) -> dict[str, Any]:
    rows = session.execute(summary_query().where(Job.order_id == o.id).order_by(Job.line_no))
    store_code = session.scalar(select(Store.code).where(Store.id == o.store_id)) \
        if o.store_id else None
    return {
        "id": o.id,
        "reference": o.platform_ref,
        "delivery": o.delivery,
        "store_code": store_code,
        "amount_paid": str((Decimal(o.amount_paid_cents) / 100).quantize(Decimal("0.01"))),
        "currency": o.currency,
        "jobs": [summary(r) for r in rows],
    }


def assignment(a: Assignment | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"machine_id": a.machine_id, "artisan_id": a.artisan_id,
            "progress_pct": a.progress_pct, "assigned_at": a.assigned_at.isoformat()}


def job_detail(session: Session, job: Job, allowed_events: list[str]) -> dict[str, Any]:
    events = session.scalars(select(Event).where(Event.job_id == job.id).order_by(Event.seq))
    artifacts = session.scalars(
        select(Artifact).where(Artifact.job_id == job.id).order_by(Artifact.id))
    current = session.scalar(select(Assignment).where(
        Assignment.job_id == job.id, Assignment.active.is_(True)).order_by(Assignment.id.desc()))
    p = session.get(Piece, job.piece_id)
    return {
        **job_summary(session, job),
        "allowed_events": allowed_events,
        "events": [event(e) for e in events],
        "artifacts": [artifact(a) for a in artifacts],
        "piece": piece(session, p) if p is not None else None,
        "assignment": assignment(current),
        "tracking_token": job.tracking_token,
    }

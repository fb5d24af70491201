"""``jobs list`` and ``jobs show``: what a supervisor reads at a terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workshop.models import Assignment, Certificate, Design, Event, Job, Order, Outbox, Piece

__all__ = ["list_jobs", "show_job"]


def list_jobs(factory: sessionmaker[Session], *, state: str | None = None,
              route: str | None = None, out: Callable[[str], Any] = print) -> int:
    with factory() as session:
        query = (select(Job, Order.platform_ref, Piece.certificate_no, Piece.shape)
                 .join(Order, Job.order_id == Order.id).join(Piece, Job.piece_id == Piece.id)
                 .order_by(Job.id.desc()))
        if state:
            query = query.where(Job.state == state)
        if route:
            query = query.where(Job.route == route)
        rows = session.execute(query).all()
    out(f"{'id':>5}  {'state':<20} {'route':<8} {'order':<20} {'piece':<26} {'due':<10} rework")
    for job, ref, number, shape in rows:
        due = job.due_date.isoformat() if job.due_date else "-"
        out(f"{job.id:>5}  {job.state:<20} {job.route:<8} {ref:<20} "
            f"{number + ' ' + shape:<26} {due:<10} {job.rework_count}")
    out(f"{len(rows)} job(s)")
    return 0


def show_job(factory: sessionmaker[Session], job_id: int,
             out: Callable[[str], Any] = print) -> int:
    with factory() as session:
        job = session.get(Job, job_id)
        if job is None:
            out(f"no job {job_id}")
            return 1
        order = session.get_one(Order, job.order_id)
        piece = session.get_one(Piece, job.piece_id)
        design = session.get(Design, job.design_id) if job.design_id else None
        events = session.scalars(select(Event).where(Event.job_id == job_id)
                                 .order_by(Event.seq)).all()
        certificates = session.scalars(select(Certificate).where(
            Certificate.piece_id == piece.id).order_by(Certificate.version)).all()
        assignment = session.scalar(select(Assignment).where(
            Assignment.job_id == job_id, Assignment.active.is_(True)))
        effects = session.scalars(select(Outbox).where(Outbox.job_id == job_id)
                                  .order_by(Outbox.id)).all()
    out(f"Job {job.id}  ·  order {order.platform_ref} line {job.line_no}  ·  "
        f"version {job.version}")
    out(f"  piece     {piece.certificate_no} {piece.shape} ({piece.material}, "
        f"{piece.mass_mg / 1000:g} g)")
    out(f"  design    {design.code + ' ' + design.title if design else '-'}")
    out(f"  route     {job.route} (ordered: {job.carving_mode})   state {job.state}"
        + (f" (held from {job.held_from})" if job.held_from else ""))
    if job.review_reason:
        out(f"  reason    {job.review_reason}")
    if assignment is not None:
        who = (f"machine #{assignment.machine_id}" if assignment.machine_id
               else f"artisan #{assignment.artisan_id}")
        out(f"  assigned  {who}, {assignment.progress_pct}% done")
    out(f"  rework    {job.rework_count} loop(s)")
    for cert in certificates:
        out(f"  cert v{cert.version}   {cert.number} {cert.status}")
    out("  timeline")
    for e in events:
        moved = f"{e.from_state or '-'} -> {e.to_state}"
        when = e.at.strftime("%Y-%m-%d %H:%M:%S")
        note = f"  {e.note}" if e.note else ""
        files = f"  [{len(e.attachments)} file(s)]" if e.attachments else ""
        out(f"  {e.seq:>3}  {when}  {e.event:<17} {moved:<40} {e.actor}{note}{files}")
    if effects:
        out("  side effects")
    for row in effects:
        what = row.kind + (f":{row.payload.get('kind')}" if row.kind == "notify" else "")
        error = f"  last error: {row.last_error}" if row.last_error else ""
        out(f"  {row.id:>5}  {what:<28} {row.status:<10} attempts {row.attempts}/"
            f"{row.max_attempts}{error}")
    return 0

"""Each machine's queue: the jobs assigned to it and not yet carved, in the order to run them.

Running first (a job on the table stays there), then by priority, due date (undated last) and
the time of assignment; carved jobs last, until the operator hands them to quality control.
Programs still being made are listed apart: they come next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.config import Settings
from workshop.models import Assignment, Design, Job, Machine, Piece
from workshop.supervisor import queries

__all__ = ["QUEUED_STATES", "QueueItem", "machine_queues", "upcoming"]

QUEUED_STATES = ("carving", "scheduled", "rework", "carved")
UPCOMING_STATES = ("toolpath_pending", "toolpath_ready", "needs_review")
_FAR = dt.date.max


@dataclass(frozen=True)
class QueueItem:
    job: Job
    certificate_no: str
    shape: str
    design_title: str | None
    estimated_hours: float
    assigned_at: dt.datetime | None


def _sort_key(item: QueueItem) -> tuple[int, int, dt.date, dt.datetime, int]:
    running = {"carving": 0, "carved": 2}.get(item.job.state, 1)
    at = item.assigned_at or dt.datetime.max.replace(tzinfo=dt.UTC)
    return running, -item.job.priority, item.job.due_date or _FAR, at, item.job.id


def machine_queues(session: Session, settings: Settings) -> list[tuple[Machine, list[QueueItem]]]:
    rows = session.execute(
        select(Assignment, Job, Piece.certificate_no, Piece.shape, Design.title)
        .join(Job, Assignment.job_id == Job.id).join(Piece, Job.piece_id == Piece.id)
        .outerjoin(Design, Job.design_id == Design.id)
        .where(Assignment.active.is_(True), Assignment.machine_id.is_not(None),
               Job.state.in_(QUEUED_STATES))).all()
    per_machine: dict[int, list[QueueItem]] = {}
    for a, job, cert_no, shape, title in rows:
        hours = queries.remaining_for(session, settings, job, shape, a)
        assert a.machine_id is not None  # by the query
        per_machine.setdefault(a.machine_id, []).append(
            QueueItem(job, cert_no, shape, title, hours, a.assigned_at))
    machines = session.scalars(select(Machine).order_by(Machine.code)).all()
    return [(m, sorted(per_machine.get(m.id, []), key=_sort_key)) for m in machines]


def upcoming(session: Session, settings: Settings) -> list[QueueItem]:
    """Machine jobs whose program is being made, ready to assign, or waiting for review."""
    rows = session.execute(
        select(Job, Piece.certificate_no, Piece.shape, Design.title)
        .join(Piece, Job.piece_id == Piece.id).outerjoin(Design, Job.design_id == Design.id)
        .where(Job.route == "machine", Job.state.in_(UPCOMING_STATES))).all()
    items = [QueueItem(job, cert_no, shape, title,
                       queries.remaining_for(session, settings, job, shape), None)
             for job, cert_no, shape, title in rows]
    return sorted(items, key=_sort_key)

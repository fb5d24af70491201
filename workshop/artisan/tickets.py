"""What the bench shows: my tickets, the open tickets I may take, the design's true size, the
latest photo of the piece, and whether the work is paused."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from cam.errors import CamError
from cam.svg.document import root_geometry
from cam.svg.parse import parse_xml
from jobs.types import State
from workshop.models import Assignment, Design, Event, Job, Piece, Role

__all__ = ["BENCH_STATES", "Ticket", "design_size_mm", "is_paused", "my_tickets",
           "open_tickets", "ticket"]

# where a hand job is the bench's business (held tickets stay visible so nothing is forgotten)
BENCH_STATES = (State.SCHEDULED, State.CARVING, State.CARVED, State.REWORK, State.ON_HOLD)


@dataclass(frozen=True)
class Ticket:
    job: Job
    piece: Piece
    design: Design | None
    assignment: Assignment | None

    @property
    def progress_pct(self) -> int:
        return self.assignment.progress_pct if self.assignment is not None else 0


def _assignment(session: Session, job_id: int) -> Assignment | None:
    return session.scalar(select(Assignment).where(
        Assignment.job_id == job_id, Assignment.active.is_(True)).order_by(Assignment.id.desc()))


def ticket(session: Session, job: Job) -> Ticket:
    design = session.get(Design, job.design_id) if job.design_id else None
    return Ticket(job, session.get_one(Piece, job.piece_id), design,
                  _assignment(session, job.id))


def my_tickets(session: Session, user_id: int, role: str) -> list[Ticket]:
    """An artisan's assigned hand jobs; a supervisor or admin sees every artisan's."""
    stmt = (select(Job).join(Assignment, Assignment.job_id == Job.id)
            .where(Assignment.active.is_(True), Assignment.artisan_id.is_not(None),
                   Job.route == "hand", Job.state.in_([s.value for s in BENCH_STATES])))
    if role == Role.ARTISAN:
        stmt = stmt.where(Assignment.artisan_id == user_id)
    stmt = stmt.order_by(Job.priority.desc(), Job.due_date.is_(None), Job.due_date, Job.id)
    return [ticket(session, job) for job in session.scalars(stmt).unique()]


def open_tickets(session: Session) -> list[Ticket]:
    """Hand jobs waiting for an artisan to take them."""
    stmt = (select(Job).where(Job.state == State.TICKET_OPEN, Job.route == "hand")
            .order_by(Job.priority.desc(), Job.due_date.is_(None), Job.due_date, Job.id))
    return [ticket(session, job) for job in session.scalars(stmt)]


def design_size_mm(svg: str, placement: dict | None = None) -> tuple[float, float] | None:
    """The design's size as carved, in mm: its document size times the placement's scale.
    None when the document does not say (the page then shows it without a scale claim)."""
    try:
        geometry = root_geometry(parse_xml(svg.encode("utf-8")))
    except CamError:
        return None
    if geometry.width_mm is None or geometry.height_mm is None:
        return None
    factor = 1.0
    try:
        factor = float(Decimal(str((placement or {}).get("scale", "1"))))
    except (InvalidOperation, ValueError):
        factor = 1.0
    if not (factor > 0 and math.isfinite(factor)):
        factor = 1.0
    return geometry.width_mm * factor, geometry.height_mm * factor


def is_paused(session: Session, job_id: int) -> bool:
    """Pause and resume keep the state (carving); the latest of the two tells."""
    last = session.scalar(select(Event.event).where(
        Event.job_id == job_id, Event.event.in_(("pause", "resume", "start")))
        .order_by(Event.seq.desc()))
    return last == "pause"

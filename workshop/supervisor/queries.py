"""What the supervisor's and the CNC station's pages read from the database.

Kept out of the routes so the pages stay thin and these can be tested on a real database.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop import artifacts
from workshop.config import Settings
from workshop.models import (
    Artifact,
    Assignment,
    Design,
    Event,
    Job,
    Machine,
    Order,
    Piece,
    Store,
    User,
)
from workshop.supervisor import planning
from workshop.supervisor.metrics import WIP_STATES, JobFacts

__all__ = [
    "BoardFilters", "Card", "active_assignment", "assignee_label", "board", "job_facts", "latest_artifact",
    "loads", "program_report", "remaining_for",
]

DONE_STATES = frozenset({"ready_for_dispatch", "dispatched", "delivered", "awaiting_pickup",
                         "collected", "returned", "cancelled"})
# a machine or artisan is loaded by the jobs it holds until they are carved
LOADING_STATES = ("scheduled", "carving", "rework")


@dataclass(frozen=True)
class BoardFilters:
    route: str | None = None  # machine | hand
    store: str | None = None  # store code
    due: str | None = None  # overdue | at_risk | week (due within 7 days) | none (no due date)
    min_priority: int | None = None


@dataclass(frozen=True)
class Card:
    job: Job
    store_code: str | None
    certificate_no: str
    shape: str
    design_title: str | None
    assignee: str | None
    remaining_hours: float
    flag: str | None


def latest_artifact(session: Session, job_id: int, kind: str) -> Artifact | None:
    return session.scalar(select(Artifact).where(Artifact.job_id == job_id, Artifact.kind == kind)
                          .order_by(Artifact.id.desc()))


def program_report(session: Session, settings: Settings, job_id: int) -> dict[str, Any] | None:
    """The CAM report of the job's latest program, or None (no program, file unreadable)."""
    row = latest_artifact(session, job_id, "report")
    if row is None:
        return None
    try:
        report = json.loads(artifacts.read(settings, row.sha256))
    except (artifacts.ArtifactMissing, ValueError):
        return None
    return report if isinstance(report, dict) else None


def active_assignment(session: Session, job_id: int) -> Assignment | None:
    return session.scalar(select(Assignment).where(
        Assignment.job_id == job_id, Assignment.active.is_(True)).order_by(Assignment.id.desc()))


def remaining_for(session: Session, settings: Settings, job: Job, shape: str,
                  assignment: Assignment | None = None) -> float:
    seconds = None
    if job.route == "machine":
        report = program_report(session, settings, job.id)
        seconds = report.get("estimated_seconds") if report else None
    pct = assignment.progress_pct if assignment is not None else 0
    return planning.remaining_hours(state=job.state, route=job.route, shape=shape,
                                    estimated_seconds=seconds, progress_pct=pct)


def assignee_label(session: Session, a: Assignment | None) -> str | None:
    if a is None:
        return None
    if a.machine_id:
        machine = session.get(Machine, a.machine_id)
        return machine.code if machine else None
    user = session.get(User, a.artisan_id) if a.artisan_id else None
    return user.display_name if user else None


def board(session: Session, settings: Settings, filters: BoardFilters, now: dt.datetime
          ) -> dict[str, list[Card]]:
    """Unfinished jobs (plus those waiting to leave) per state, most urgent first."""
    stmt = (select(Job, Store.code, Piece.certificate_no, Piece.shape, Design.title)
            .join(Order, Job.order_id == Order.id).join(Piece, Job.piece_id == Piece.id)
            .outerjoin(Design, Job.design_id == Design.id)
            .outerjoin(Store, Order.store_id == Store.id)
            .where(Job.state.in_(WIP_STATES))
            .order_by(Job.priority.desc(), Job.due_date.is_(None), Job.due_date, Job.id))
    if filters.route:
        stmt = stmt.where(Job.route == filters.route)
    if filters.store:
        stmt = stmt.where(Store.code == filters.store)
    if filters.min_priority is not None:
        stmt = stmt.where(Job.priority >= filters.min_priority)
    columns: dict[str, list[Card]] = {s: [] for s in WIP_STATES}
    for job, store_code, cert_no, shape, title in session.execute(stmt):
        assignment = active_assignment(session, job.id)
        remaining = remaining_for(session, settings, job, shape, assignment)
        flag = planning.due_flag(job.due_date, remaining, now, finished=job.state in DONE_STATES)
        card = Card(job, store_code, cert_no, shape, title, assignee_label(session, assignment),
                    remaining, flag)
        if _due_matches(filters.due, card, now):
            columns[job.state].append(card)
    return columns


def _due_matches(due: str | None, card: Card, now: dt.datetime) -> bool:
    if not due:
        return True
    if due in (planning.DueFlag.OVERDUE, planning.DueFlag.AT_RISK):
        return card.flag == due
    if due == "week":
        return card.job.due_date is not None and card.job.due_date <= now.date() + dt.timedelta(7)
    if due == "none":
        return card.job.due_date is None
    raise ValueError(f"unknown due filter {due!r}")


def loads(session: Session, settings: Settings) -> tuple[list[tuple[Machine, planning.Load]],
                                                         list[tuple[User, planning.Load]]]:
    """Each machine's and each active artisan's current load: jobs held, hours left."""
    rows = session.execute(
        select(Assignment, Job, Piece.shape).join(Job, Assignment.job_id == Job.id)
        .join(Piece, Job.piece_id == Piece.id)
        .where(Assignment.active.is_(True), Job.state.in_(LOADING_STATES))).all()
    per_machine: dict[int, list[float]] = {}
    per_artisan: dict[int, list[float]] = {}
    for a, job, shape in rows:
        hours = remaining_for(session, settings, job, shape, a)
        if a.machine_id:
            per_machine.setdefault(a.machine_id, []).append(hours)
        elif a.artisan_id:
            per_artisan.setdefault(a.artisan_id, []).append(hours)
    machines = session.scalars(select(Machine).order_by(Machine.code)).all()
    artisans = session.scalars(select(User).where(User.role == "artisan", User.active.is_(True))
                               .order_by(User.display_name)).all()
    return ([(m, _load(per_machine.get(m.id, ()))) for m in machines],
            [(u, _load(per_artisan.get(u.id, ()))) for u in artisans])


def _load(hours: Iterable[float]) -> planning.Load:
    values = list(hours)
    return planning.Load(len(values), round(sum(values), 2))


def job_facts(session: Session) -> list[JobFacts]:
    """Every job as the figures see it; done = first reached ready_for_dispatch."""
    done_at = dict(session.execute(
        select(Event.job_id, func.min(Event.at)).where(Event.to_state == "ready_for_dispatch")
        .group_by(Event.job_id)).all())
    return [JobFacts(j.id, j.state, j.created_at, done_at.get(j.id), j.due_date, j.rework_count)
            for j in session.scalars(select(Job).order_by(Job.id))]

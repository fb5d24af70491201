"""What the desk looks at: the jobs of this counter, by what the clerk has to do with them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jobs.types import State
from workshop.models import Job, Order, Piece
from workshop.permissions import Principal, store_scope

__all__ = ["DeskJob", "desk_jobs", "find", "order_jobs", "visible_job"]


@dataclass(frozen=True)
class DeskJob:
    job: Job
    order: Order
    piece: Piece


def _scoped(principal: Principal):  # type: ignore[no-untyped-def]
    stmt = (select(Job, Order, Piece).join(Order, Job.order_id == Order.id)
            .join(Piece, Job.piece_id == Piece.id))
    own = store_scope(principal)
    if own is not None:
        stmt = stmt.where(Order.store_id == own)
    return stmt


def desk_jobs(session: Session, principal: Principal, *states: State) -> list[DeskJob]:
    stmt = (_scoped(principal).where(Job.state.in_([s.value for s in states]))
            .order_by(Order.id, Job.line_no))
    return [DeskJob(*row) for row in session.execute(stmt)]


def find(session: Session, principal: Principal, query: str) -> list[DeskJob]:
    """Jobs by order reference, certificate number, or job number."""
    query = query.strip()
    if not query:
        return []
    clauses = [Order.platform_ref == query, Piece.certificate_no == query,
               Order.customer_phone == query]
    if query.lstrip("#").isdigit():
        clauses.append(Job.id == int(query.lstrip("#")))
    stmt = _scoped(principal).where(or_(*clauses)).order_by(Order.id, Job.line_no).limit(50)
    return [DeskJob(*row) for row in session.execute(stmt)]


def order_jobs(session: Session, principal: Principal, order_id: int) -> list[DeskJob]:
    stmt = _scoped(principal).where(Order.id == order_id).order_by(Job.line_no)
    return [DeskJob(*row) for row in session.execute(stmt)]


def visible_job(session: Session, principal: Principal, job_id: int) -> DeskJob | None:
    row = session.execute(_scoped(principal).where(Job.id == job_id)).first()
    return DeskJob(*row) if row is not None else None

"""GET /jobs, GET /jobs/{id}, POST /jobs/{id}/events: the workflow, for staff (and the platform,
which reads the jobs it sent and reports delivery)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import request
from sqlalchemy import func, select

from jobs import engine
from jobs.errors import JobNotFound
from workshop import permissions
from workshop.api import serialize
from workshop.api.base import actor_for, body, bp, caller, db, settings, store_by_code
from workshop.errors import Invalid
from workshop.models import Job, Order
from workshop.permissions import Principal

DEFAULT_LIMIT, MAX_LIMIT = 50, 200


def _date_arg(name: str) -> dt.date | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"{name} must be a date like 2026-05-20, not {raw!r}", field=name) from None


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise Invalid(f"{name} must be an integer from {low} to {high}", field=name)
    return int(raw)


def _filters(principal: Principal) -> list[Any]:
    known = {"state", "route", "due_before", "due_after", "store", "limit", "offset"}
    unknown = sorted(set(request.args) - known)
    if unknown:
        raise Invalid(f"unknown filter {unknown[0]!r}; known: {', '.join(sorted(known))}",
                      field=unknown[0])
    clauses: list[Any] = []
    if state := request.args.get("state"):
        clauses.append(Job.state == state)
    if route := request.args.get("route"):
        clauses.append(Job.route == route)
    if (before := _date_arg("due_before")) is not None:
        clauses.append(Job.due_date <= before)
    if (after := _date_arg("due_after")) is not None:
        clauses.append(Job.due_date >= after)
    if code := request.args.get("store"):
        store = store_by_code(code)
        clauses.append(Order.store_id == store.id)  # type: ignore[union-attr]
    if (own := permissions.store_scope(principal)) is not None:
        clauses.append(Order.store_id == own)
    return clauses


@bp.get("/jobs")
def list_jobs():  # type: ignore[no-untyped-def]
    principal = caller("jobs.list")
    clauses = _filters(principal)
    limit = _int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int_arg("offset", 0, 0, 10**9)
    session = db()
    total = session.scalar(
        select(func.count(Job.id)).join(Order, Job.order_id == Order.id).where(*clauses))
    # most urgent first: priority, then due date (undated last), then oldest
    stmt = (serialize.summary_query().where(*clauses)
            .order_by(Job.priority.desc(), Job.due_date.is_(None), Job.due_date, Job.id)
            .limit(limit).offset(offset))
    items = [serialize.summary(row) for row in session.execute(stmt)]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def _visible_job(principal: Principal, job_id: int) -> Job:
    session = db()
    job = session.get(Job, job_id)
    own = permissions.store_scope(principal)
    if job is not None and own is not None:
        store_id = session.scalar(select(Order.store_id).where(Order.id == job.order_id))
        job = job if store_id == own else None
    if job is None:
        raise JobNotFound(f"no job {job_id}", job_id=job_id)
    return job


@bp.get("/jobs/<int:job_id>")
def get_job(job_id: int):  # type: ignore[no-untyped-def]
    principal = caller("jobs.read")
    job = _visible_job(principal, job_id)
    allowed = engine.allowed_events(job, actor_for(principal))
    return serialize.job_detail(db(), job, allowed)


@bp.post("/jobs/<int:job_id>/events")
def fire_event(job_id: int):  # type: ignore[no-untyped-def]
    principal = caller("jobs.fire")
    data = body("EventIn")
    _visible_job(principal, job_id)
    session = db()
    actor = actor_for(principal)
    payload = dict(data.get("data") or {})
    if data.get("note"):
        payload["note"] = data["note"]
    # one transaction inside the engine: it commits, or rolls back and raises
    job = engine.fire(session, job_id, data["event"], actor=actor, version=data["version"],
                      data=payload, attachments=data.get("attachments") or (),
                      settings=settings())
    answer = serialize.job_detail(session, job, engine.allowed_events(job, actor))
    # a secret issued by this event (the set's pickup code) is shown in this answer only
    answer.update(getattr(job, "one_time", None) or {})
    return answer

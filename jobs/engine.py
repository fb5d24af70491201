"""The engine: fires one event on one job, in one transaction, by the table in jobs/states.py.

Order of checks (the first that fails answers, and nothing is written): the job exists, the
payload is valid, the actor's role may fire the event, the caller's version is the job's, the
job's state allows it, the guard passes. Then: the action, the new state, the version bump (the
UPDATE itself is guarded by the version: two concurrent fires cannot both win), an appended
Event, the status of the job's machine (jobs/machines.py), and the effects written to the
outbox. States in AUTO_FOLLOW fire their next event at once, as the system, in the same
transaction.

This is the only module that assigns ``Job.state``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from jobs import effects
from jobs.errors import (
    IllegalTransition,
    InvalidPayload,
    JobNotFound,
    NotAllowed,
    PickupCodeRejected,
    StaleVersion,
)
from jobs.states import AUTO_FOLLOW, COMMON_FIELDS, TRANSITIONS, by_event
from jobs.types import ADMIN, PERSON_ROLES, Actor, Context, State, Transition
from workshop.config import Settings
from workshop.models import Artifact, Event, Job, Order, utcnow

__all__ = ["Actor", "allowed_events", "fire", "create_job", "may_fire"]

# never written into the timeline: the pickup code is a secret even after it was used
SECRET_FIELDS = frozenset({"code"})


def fire(session: Session, job_id: int, event: str, *, actor: Actor, version: int | None,
         data: Mapping[str, Any] | None = None, attachments: Iterable[str] = (),
         settings: Settings | None = None) -> Job:
    """Fire ``event`` on job ``job_id`` and commit. Returns the job, refreshed.

    ``version`` None skips the caller's version check (system events); the UPDATE is still
    guarded by the version that was read. Secrets issued by the event (a pickup code) are on
    ``job.one_time`` for the caller to show once; they are stored only hashed.
    """
    if settings is None:
        from workshop import config

        settings = config.load()
    try:
        job, one_time = _fire(session, job_id, event, actor, version, dict(data or {}),
                              tuple(attachments), settings)
        session.commit()
    except PickupCodeRejected:
        session.rollback()
        _count_wrong_code(session, job_id, settings)
        raise
    except (StaleDataError, IntegrityError) as exc:
        session.rollback()
        raise StaleVersion(f"job {job_id} was changed by someone else; reload it and retry",
                           job_id=job_id) from exc
    except BaseException:
        session.rollback()
        raise
    job.one_time = one_time  # type: ignore[attr-defined]
    return job


def _fire(session: Session, job_id: int, event: str, actor: Actor, version: int | None,
          data: dict[str, Any], attachments: tuple[str, ...],
          settings: Settings) -> tuple[Job, dict[str, str]]:
    job = session.get(Job, job_id, populate_existing=True)
    if job is None:
        raise JobNotFound(f"no job {job_id}", job_id=job_id)
    transition = by_event(event)
    if transition is None:
        known = sorted(t.event for t in TRANSITIONS)
        raise InvalidPayload(f"unknown event {event!r}",
                             fields={"event": f"unknown; known events: {', '.join(known)}"})
    clean = validate(transition, data)
    _check_attachments(session, attachments)
    if not may_fire(actor, transition):
        raise NotAllowed(f"role {actor.role} may not fire {event}", role=actor.role, event=event)
    # the version before the state: a caller who saw an older job is told to reload it, not
    # that its event is illegal in a state it has never seen
    if version is not None and version != job.version:
        raise StaleVersion(f"job {job_id} is at version {job.version}, not {version}; reload it",
                           job_id=job_id, version=job.version)
    if job.state not in transition.sources:
        allowed = allowed_events(job, actor)
        raise IllegalTransition(
            f"{event} is not possible while the job is {job.state}; "
            f"possible now: {', '.join(allowed) or 'nothing'}",
            state=job.state, event=event, allowed_events=allowed)
    ctx = Context(session, job, actor, clean, settings, attachments)
    if transition.guard is not None:
        transition.guard(ctx)
    _apply(ctx, transition)
    for sibling in _cascade(job, transition):
        _apply(Context(session, sibling, actor, clean, settings, attachments,
                       one_time=ctx.one_time), transition, write_effects=False)
    return job, ctx.one_time


def _apply(ctx: Context, transition: Transition, *, write_effects: bool = True) -> None:
    job = ctx.job
    source = job.state
    computed = transition.action(ctx) if transition.action is not None else None
    target = transition.target or computed
    if target is None:
        raise AssertionError(f"{transition.event}: no target state")
    job.state = target
    # always a real change, so an event that keeps the state (progress, pause) still bumps the
    # version through the guarded UPDATE
    job.updated_at = utcnow()
    # flush the guarded UPDATE first: a concurrent winner makes it fail before anything else
    ctx.session.flush()
    note = ctx.data.get("note", "") or ctx.data.get("reason", "") or job.review_reason or ""
    recorded = {k: v for k, v in ctx.data.items() if k not in SECRET_FIELDS and k != "note"}
    recorded.update(ctx.recorded)
    _append_event(ctx, transition.event, source, target, note, recorded)
    effects.in_transaction(ctx, transition.event)
    if write_effects:
        effects.write(ctx, transition.effects)
    follow = AUTO_FOLLOW.get(State(target))
    if follow is not None:
        follow_transition = by_event(follow)
        assert follow_transition is not None
        _apply(Context(ctx.session, job, Actor.system(), {}, ctx.settings,
                       one_time=ctx.one_time), follow_transition)


def _append_event(ctx: Context, event: str, source: str | None, target: str, note: str,
                  recorded: dict[str, Any]) -> None:
    seq = ctx.session.scalar(select(func.coalesce(func.max(Event.seq), 0))
                             .where(Event.job_id == ctx.job.id)) or 0
    ctx.session.add(Event(
        job_id=ctx.job.id, seq=seq + 1, event=event, from_state=source, to_state=target,
        actor_id=ctx.actor.id if ctx.actor.kind == "user" else None,
        actor=ctx.actor.recorded_as, note=note, data=recorded,
        attachments=list(ctx.attachments)))
    ctx.session.flush()


def create_job(session: Session, actor: Actor, note: str = "", **fields: Any) -> Job:
    """A new job in its first state, with its creation event (intake calls this)."""
    job = Job(state=State.AWAITING_PIECE, **fields)
    session.add(job)
    session.flush()
    session.add(Event(job_id=job.id, seq=1, event="create", from_state=None, to_state=job.state,
                      actor_id=actor.id if actor.kind == "user" else None,
                      actor=actor.recorded_as, note=note, data={}, attachments=[]))
    return job


def _cascade(job: Job, transition: Transition) -> list[Job]:
    if not transition.cascade:
        return []
    return [j for j in job.order.jobs if j.id != job.id and j.state in transition.sources]


def validate(transition: Transition, data: dict[str, Any]) -> dict[str, Any]:
    """The payload, normalised; InvalidPayload naming every field at fault."""
    fields = {f.name: f for f in (*transition.payload, *COMMON_FIELDS)}
    reasons: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, value in data.items():
        spec = fields.get(name)
        if spec is None:
            reasons[name] = f"unknown field for {transition.event}"
            continue
        if value is None and not spec.required:
            continue
        normalised, reason = spec.check(value)
        if reason:
            reasons[name] = reason
        else:
            clean[name] = normalised
    for spec in fields.values():
        if spec.required and spec.name not in data:
            reasons[spec.name] = "required"
    if reasons:
        raise InvalidPayload(f"invalid data for {transition.event}: "
                             + "; ".join(f"{k} {v}" for k, v in sorted(reasons.items())),
                             fields=reasons)
    return clean


def _check_attachments(session: Session, attachments: tuple[str, ...]) -> None:
    if not attachments:
        return
    known = set(session.scalars(select(Artifact.sha256).where(Artifact.sha256.in_(attachments))))
    missing = [a for a in attachments if a not in known]
    if missing:
        raise InvalidPayload("attachments must be stored artifacts",
                             fields={"attachments": f"unknown: {', '.join(missing)}"})


def may_fire(actor: Actor, transition: Transition) -> bool:
    """Roles per the table; admin may fire every event a person may fire (not system ones)."""
    if actor.role in transition.roles:
        return True
    return actor.role == ADMIN and bool(transition.roles & PERSON_ROLES)


def allowed_events(job: Job, actor: Actor) -> list[str]:
    """The events ``actor`` may fire on ``job`` now, by state and role (guards need the data)."""
    return [t.event for t in TRANSITIONS if job.state in t.sources and may_fire(actor, t)]


def _count_wrong_code(session: Session, job_id: int, settings: Settings) -> None:
    """Count a wrong pickup code; at the limit, lock the set's pickup for review."""
    try:
        job = session.get_one(Job, job_id, populate_existing=True)
        session.execute(update(Order).where(Order.id == job.order_id)
                        .values(pickup_attempts=Order.pickup_attempts + 1))
        attempts = session.scalar(select(Order.pickup_attempts).where(Order.id == job.order_id))
        if (attempts or 0) >= settings.pickup_max_attempts and job.state == State.AWAITING_PICKUP:
            lock = by_event("lock_pickup")
            assert lock is not None
            reason = f"{attempts} wrong pickup codes; locked until a supervisor reviews it"
            ctx = Context(session, job, Actor.system(), {"reason": reason}, settings)
            _apply(ctx, lock)
            for sibling in _cascade(job, lock):
                _apply(Context(session, sibling, Actor.system(), {"reason": reason}, settings),
                       lock, write_effects=False)
        session.commit()
    except BaseException:
        session.rollback()
        raise

"""The outbox: side effects written by transitions, handed to rq by a drain loop.

A row's life: ``pending`` (due at ``next_attempt_at``) -> ``dispatched`` (enqueued, leased until
``lease_until``) -> ``done``; a failure puts it back to ``pending`` with a backoff, and after
``max_attempts`` it is ``failed`` (kept, visible, with ``last_error``). A row still
``dispatched`` when its lease runs out (the worker was killed, Redis lost the job) is dispatched
again, so an effect is never lost; effects are written to be safe to run twice.

Redis down: drain leaves the rows ``pending`` and tries again next round. Transitions never
wait for any of this: they only insert rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from jobs import queues
from workshop.models import Outbox, OutboxStatus, utcnow

if TYPE_CHECKING:
    from redis import Redis

    from workshop.config import Settings

__all__ = ["LEASE_S", "backoff", "drain", "due", "finish", "record_failure"]

log = logging.getLogger(__name__)

# how long a dispatched row waits for its worker before it is dispatched again; the rq job
# timeout is shorter than the lease, so a live worker never overlaps a redispatch of its own row
LEASE_S = {"generate_program": 900, "notify": 120}
DEFAULT_LEASE_S = 300
LEASE_MARGIN_S = 30
QUEUE_OF = {"generate_program": queues.CAM, "notify": queues.NOTIFY}
# backoff after the n-th failed attempt, seconds (the last value repeats)
BACKOFF_S = (10, 60, 300, 900, 3600)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=BACKOFF_S[min(max(attempts, 1), len(BACKOFF_S)) - 1])


def lease_for(kind: str, lease_s: float | None = None) -> float:
    return lease_s if lease_s is not None else LEASE_S.get(kind, DEFAULT_LEASE_S)


def due(session: Session, now: dt.datetime, limit: int = 100) -> list[Outbox]:
    """Rows whose time has come: pending and due, or dispatched with an expired lease."""
    query = (select(Outbox).where(or_(
        (Outbox.status == OutboxStatus.PENDING) & (Outbox.next_attempt_at <= now),
        (Outbox.status == OutboxStatus.DISPATCHED) & (Outbox.lease_until < now)))
        .order_by(Outbox.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        # several drain loops (one per worker host) share the table without double dispatch
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def drain(session_factory: sessionmaker[Session], redis: Redis, settings: Settings, *,
          lease_s: float | None = None, limit: int = 100) -> int:
    """Enqueue every due row; returns how many were handed to rq."""
    now = utcnow()
    with session_factory() as session:
        rows = due(session, now, limit)
        claimed = []
        for row in rows:
            lease = lease_for(row.kind, lease_s)
            row.status = OutboxStatus.DISPATCHED
            row.lease_until = now + dt.timedelta(seconds=lease)
            claimed.append((row.id, row.kind, lease))
        session.commit()
    sent = 0
    for index, (row_id, kind, lease) in enumerate(claimed):
        try:
            _enqueue(redis, settings, row_id, kind, lease, now)
            sent += 1
        except Exception as exc:  # Redis is down: the rows go back to wait for the next round
            log.warning("outbox %s not enqueued: %s", row_id, exc)
            for later_id, _kind, _lease in claimed[index:]:
                _release(session_factory, later_id, f"not enqueued: {exc}")
            break
    return sent


def _enqueue(redis: Redis, settings: Settings, row_id: int, kind: str, lease: float,
             now: dt.datetime) -> None:
    from rq import Retry

    from jobs.tasks import run_outbox

    # rq ids allow letters, digits, - and _; the prefix keeps a test run's jobs findable
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", settings.queue_prefix)
    queue = queues.queue(redis, settings, QUEUE_OF.get(kind, queues.EFFECTS))
    queue.enqueue(run_outbox, row_id,
                  job_id=f"{prefix}outbox-{row_id}-{int(now.timestamp() * 1000)}",
                  job_timeout=max(int(lease) - LEASE_MARGIN_S, 5),
                  retry=Retry(max=3, interval=[2, 10, 30]), failure_ttl=7 * 86400)


def _release(session_factory: sessionmaker[Session], row_id: int, error: str) -> None:
    with session_factory() as session:
        row = session.get(Outbox, row_id)
        if row is not None and row.status == OutboxStatus.DISPATCHED:
            row.status = OutboxStatus.PENDING
            row.lease_until = None
            row.last_error = error
            session.commit()


def finish(session: Session, row: Outbox) -> None:
    row.status = OutboxStatus.DONE
    row.done_at = utcnow()
    row.lease_until = None
    row.last_error = None
    if "pickup_code" in row.payload:
        # delivered to the customer: the code is no longer kept in clear anywhere
        row.payload = {**row.payload, "pickup_code": "(delivered)"}


def record_failure(session: Session, row: Outbox, error: str, *, final: bool = False) -> bool:
    """Count a failed attempt; True when the row has now failed for good."""
    row.attempts += 1
    row.last_error = error[:4000]
    row.lease_until = None
    if final or row.attempts >= row.max_attempts:
        row.status = OutboxStatus.FAILED
        return True
    row.status = OutboxStatus.PENDING
    row.next_attempt_at = utcnow() + backoff(row.attempts)
    return False

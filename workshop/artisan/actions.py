"""A change sent from the tablet, applied exactly once.

The tablet queues every change with an id it made itself and sends it until it hears an answer.
An answer can be lost after the change was applied (the network drops on the way back), so the
same id may arrive twice: the id is remembered in ``idempotency_keys`` in the SAME transaction
as the event, and a second arrival answers "already applied" without firing again. A refused
change (illegal in the job's state, wrong data) writes nothing, so its id is not remembered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobs import engine
from jobs.errors import StaleVersion
from jobs.intake import request_hash
from jobs.types import Actor
from workshop.config import Settings
from workshop.errors import Conflict, Invalid
from workshop.models import IdempotencyKey, Job

__all__ = ["BENCH_EVENTS", "Applied", "apply_action", "parse_action"]

# what the bench may send; the engine still decides by role, state and guard
BENCH_EVENTS = frozenset({"assign", "start", "pause", "resume", "progress", "finish",
                          "submit_qc"})
_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
MAX_NOTE = 2000
KEY_PREFIX = "bench:"


@dataclass(frozen=True)
class Action:
    id: str
    job_id: int
    event: str
    data: dict[str, Any]
    attachments: tuple[str, ...]

    def digest(self) -> str:
        return request_hash({"job_id": self.job_id, "event": self.event, "data": self.data,
                             "attachments": list(self.attachments)})


@dataclass(frozen=True)
class Applied:
    job: Job
    duplicate: bool


def parse_action(job_id: int, body: Mapping[str, Any] | None) -> Action:
    """The tablet's JSON, checked; Invalid (422) names the field at fault."""
    if not isinstance(body, Mapping):
        raise Invalid("send the change as a JSON object")
    action_id = body.get("id")
    if not isinstance(action_id, str) or not _ID.match(action_id):
        raise Invalid("id must be 8 to 64 letters, digits, '-' or '_' (made by the tablet)",
                      field="id")
    event = body.get("event")
    if event not in BENCH_EVENTS:
        raise Invalid(f"event must be one of: {', '.join(sorted(BENCH_EVENTS))}", field="event")
    data: dict[str, Any] = {}
    if event == "progress":
        pct = body.get("pct")
        if isinstance(pct, bool) or not isinstance(pct, int) or not 0 <= pct <= 100:
            raise Invalid("progress is a whole percentage from 0 to 100", field="pct")
        data["pct"] = pct
    note = body.get("note")
    if note is not None:
        if not isinstance(note, str) or len(note) > MAX_NOTE:
            raise Invalid(f"a note is text of at most {MAX_NOTE} characters", field="note")
        if note.strip():
            data["note"] = note.strip()
    attachments = body.get("attachments") or []
    if not isinstance(attachments, list) or not all(
            isinstance(a, str) and _SHA.match(a) for a in attachments):
        raise Invalid("attachments are the sha256 of uploaded photos", field="attachments")
    return Action(action_id, job_id, str(event), data, tuple(attachments))


def apply_action(session: Session, settings: Settings, actor: Actor, action: Action) -> Applied:
    """Fire the action once. A repeat of an applied id answers ``duplicate=True``; the same id
    with another content is a conflict (a tablet bug, never silently merged)."""
    client = actor.recorded_as
    key = KEY_PREFIX + action.id
    digest = action.digest()
    if _remembered(session, client, key, digest):
        return Applied(session.get_one(Job, action.job_id), duplicate=True)
    session.add(IdempotencyKey(client=client, key=key, request_hash=digest, status_code=200,
                               response={"job_id": action.job_id, "event": action.event}))
    try:
        session.flush()
    except IntegrityError:
        # the twin of this request is being applied right now and won the key
        session.rollback()
        if _remembered(session, client, key, digest):
            return Applied(session.get_one(Job, action.job_id), duplicate=True)
        raise
    try:
        job = engine.fire(session, action.job_id, action.event, actor=actor, version=None,
                          data=action.data, attachments=action.attachments, settings=settings)
    except StaleVersion:
        # the engine maps a lost unique key to StaleVersion: a twin committed first
        if _remembered(session, client, key, digest):
            return Applied(session.get_one(Job, action.job_id), duplicate=True)
        raise
    return Applied(job, duplicate=False)


def _remembered(session: Session, client: str, key: str, digest: str) -> bool:
    stored = session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.client == client, IdempotencyKey.key == key))
    if stored is None:
        return False
    if stored.request_hash != digest:
        raise Conflict("this change id was already used for a different change",
                       field="id")
    return True

"""What a customer may see of a job: its states over time, and nothing personal.

No names, no notes, no actors, no pickup code, no lab certificate number: the tracking link can
be forwarded or photographed, so it must show only what anyone holding it may know. The one
number shown is that of the workshop's own current certificate, once QC has issued it, for the
"verify your certificate" link: it proves nothing by itself, since the verification page asks
for the code printed on the certificate, and that code is never on this page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.models import Certificate, Event, Job, Piece, Store

__all__ = ["PublicStatus", "PublicStep", "public_status"]

# where the job stands, in the customer's words: how far along the way it is (0..4; -1 while
# the stone has not reached the workshop yet)
STAGES = ("received", "carving", "finishing", "ready", "done")
_STAGE_OF = {
    "awaiting_piece": -1, "received": 0, "toolpath_pending": 1, "toolpath_ready": 1,
    "ticket_open": 1, "scheduled": 1, "carving": 1, "rework": 1, "needs_review": 1,
    "carved": 2, "qc": 2, "certificate_reissued": 2, "ready_for_dispatch": 3,
    "awaiting_pickup": 3, "dispatched": 3, "delivered": 4, "collected": 4,
}


@dataclass(frozen=True)
class PublicStep:
    state: str
    at: dt.datetime


@dataclass(frozen=True)
class PublicStatus:
    state: str
    updated_at: dt.datetime
    shape: str
    carving_mode: str
    store_name: str | None  # where to collect it, when it is collected at a store
    delivery: str
    steps: list[PublicStep]
    # the piece's current signed certificate, for the link to /verify (never its code)
    certificate_number: str | None = None

    @property
    def stage(self) -> int:
        return _STAGE_OF.get(self.state, -1)

    def as_json(self) -> dict[str, object]:
        return {"state": self.state, "stage": self.stage, "stages": list(STAGES),
                "updated_at": _iso(self.updated_at), "shape": self.shape,
                "carving_mode": self.carving_mode, "delivery": self.delivery,
                "store": self.store_name,
                "timeline": [{"state": s.state, "at": _iso(s.at)} for s in self.steps]}


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they are UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def public_status(session: Session, token: str) -> PublicStatus | None:
    """The public view of the job with tracking ``token``; None when there is none."""
    if not token or len(token) > 64:
        return None
    job = session.scalar(select(Job).where(Job.tracking_token == token))
    if job is None:
        return None
    piece = session.get(Piece, job.piece_id)
    store = session.get(Store, job.order.store_id) if job.order.store_id else None
    events = session.scalars(select(Event).where(Event.job_id == job.id)
                             .order_by(Event.seq)).all()
    steps: list[PublicStep] = []
    for event in events:
        # a change that leaves the state where it was (a note, progress) is not a step
        if not steps or steps[-1].state != event.to_state:
            steps.append(PublicStep(event.to_state, _aware(event.at)))
    return PublicStatus(
        state=job.state, updated_at=_aware(job.updated_at), shape=piece.shape if piece else "",
        carving_mode=job.carving_mode, delivery=job.order.delivery,
        store_name=store.name if store and job.order.delivery == "pickup" else None,
        steps=steps, certificate_number=_verifiable_number(session, job.piece_id))


def _verifiable_number(session: Session, piece_id: int) -> str | None:
    """The number of the piece's latest certificate if we signed it and it is still valid."""
    cert = session.scalar(select(Certificate).where(Certificate.piece_id == piece_id)
                          .order_by(Certificate.version.desc()).limit(1))
    if cert is None or cert.key_id is None or cert.status != "valid":
        return None
    return cert.number


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)

"""The workflow's vocabulary: states, roles, actors, payload fields and the transition record.

Kept apart from the table (jobs/states.py) so that guards and actions (jobs/rules.py) can name
states without importing the table that names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workshop.config import Settings
    from workshop.models import Job

__all__ = [
    "ACTIVE", "Actor", "Context", "Field", "PRE_CARVING", "ROLES", "State", "TERMINAL",
    "Transition", "PERSON_ROLES",
]


class State(StrEnum):
    AWAITING_PIECE = "awaiting_piece"
    RECEIVED = "received"
    TOOLPATH_PENDING = "toolpath_pending"
    TOOLPATH_READY = "toolpath_ready"
    TICKET_OPEN = "ticket_open"
    SCHEDULED = "scheduled"
    CARVING = "carving"
    CARVED = "carved"
    QC = "qc"
    REWORK = "rework"
    CERTIFICATE_REISSUED = "certificate_reissued"
    READY_FOR_DISPATCH = "ready_for_dispatch"
    DISPATCHED = "dispatched"
    DELIVERED = "delivered"
    AWAITING_PICKUP = "awaiting_pickup"
    COLLECTED = "collected"
    ON_HOLD = "on_hold"
    NEEDS_REVIEW = "needs_review"
    RETURNED = "returned"
    CANCELLED = "cancelled"


TERMINAL = frozenset({State.DELIVERED, State.COLLECTED, State.RETURNED, State.CANCELLED})
# every state a hold can interrupt (a hold of a hold means nothing)
ACTIVE = frozenset(State) - TERMINAL - {State.ON_HOLD}
# the stone is still uncut: cancelling or re-routing costs nothing but time
PRE_CARVING = frozenset({
    State.AWAITING_PIECE, State.RECEIVED, State.TOOLPATH_PENDING, State.TOOLPATH_READY,
    State.TICKET_OPEN, State.SCHEDULED, State.NEEDS_REVIEW,
})

ADMIN, SUPERVISOR, CNC_OPERATOR, ARTISAN, STORE_CLERK = (
    "admin", "supervisor", "cnc_operator", "artisan", "store_clerk")
PLATFORM, SYSTEM = "platform", "system"
PERSON_ROLES = frozenset({ADMIN, SUPERVISOR, CNC_OPERATOR, ARTISAN, STORE_CLERK})
ROLES = PERSON_ROLES | {PLATFORM, SYSTEM}


@dataclass(frozen=True)
class Actor:
    """Who fires an event. ``kind``: user | platform | system; ``id``: the user's or client's id."""

    kind: str
    id: int | None
    label: str
    role: str

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls("system", None, label, SYSTEM)

    @property
    def recorded_as(self) -> str:
        return f"{self.kind}:{self.label} ({self.role})" if self.kind == "user" else (
            f"{self.kind}:{self.label}")



@dataclass(frozen=True)
class Field:
    """One field of an event's payload. ``kind``: str | int | decimal | bool."""

    name: str
    kind: str = "str"
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 2000

    def check(self, value: Any) -> tuple[Any, str | None]:
        """(normalised value, None) or (None, the reason the value is refused)."""
        if self.kind == "str":
            if not isinstance(value, str) or not value.strip():
                return None, "must be a non-empty string"
            if len(value) > self.max_length:
                return None, f"must be at most {self.max_length} characters"
            if self.choices and value not in self.choices:
                return None, f"must be one of: {', '.join(self.choices)}"
            return value.strip(), None
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return None, "must be an integer"
            if (self.minimum is not None and value < self.minimum) or (
                    self.maximum is not None and value > self.maximum):
                return None, f"must be between {self.minimum} and {self.maximum}"
            return value, None
        if self.kind == "decimal":
            # decimal text (or an int), never a float: masses are compared exactly
            if isinstance(value, bool) or not isinstance(value, str | int):
                return None, "must be a decimal number written as a string, e.g. \"12.34\""
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                return None, "is not a decimal number"
            if not number.is_finite() or number <= 0:
                return None, "must be a positive number"
            return str(number), None
        if self.kind == "bool":
            return (value, None) if isinstance(value, bool) else (None, "must be true or false")
        raise AssertionError(f"unknown field kind {self.kind}")


@dataclass
class Context:
    """What a guard or an action sees: the job (already locked by version), who, and the data."""

    session: Session
    job: Job
    actor: Actor
    data: dict[str, Any]
    settings: Settings
    attachments: tuple[str, ...] = ()
    # recorded in the event beyond the payload (the new certificate number, the mass difference)
    recorded: dict[str, Any] = field(default_factory=dict)
    # handed back to the caller once and never stored in clear (a pickup code)
    one_time: dict[str, str] = field(default_factory=dict)


Guard = Callable[[Context], None]
Action = Callable[[Context], "State | None"]


@dataclass(frozen=True)
class Transition:
    """One row of the table: ``event`` moves a job from any of ``sources`` to ``target``.

    ``target`` None means the action computes it (receipt: received or on_hold; release: back
    where the hold found the job). ``effects`` name outbox writers (jobs/effects.py); each
    decides whether it applies to the job. ``cascade``: the event moves every job of the order
    together (a set leaves the workshop as one parcel).
    """

    event: str
    sources: frozenset[State]
    target: State | None
    roles: frozenset[str]
    guard: Guard | None = None
    effects: tuple[str, ...] = ()
    payload: tuple[Field, ...] = ()
    action: Action | None = None
    cascade: bool = False
    description: str = ""

"""Every exception the workflow raises: small, named, one flat file.

The web layer maps them to HTTP in one place (workshop/errors.py): JobNotFound 404,
IllegalTransition 409, StaleVersion 409, NotAllowed 403, InvalidPayload 422, GuardFailed 409,
OrderConflict 409, PieceConflict 409. ``details`` carries what a client needs to act (the allowed events, the
current version, the field reasons).
"""

from __future__ import annotations

__all__ = [
    "GuardFailed", "IllegalTransition", "InvalidPayload", "JobNotFound", "NotAllowed",
    "OrderConflict", "PickupCodeRejected", "PieceConflict", "StaleVersion", "WorkflowError",
]


class WorkflowError(Exception):
    """Base of every refusal of the workflow; nothing was written when one is raised."""

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class JobNotFound(WorkflowError):
    """No job with that id."""


class IllegalTransition(WorkflowError):
    """The event cannot happen in the job's current state."""


class StaleVersion(WorkflowError):
    """The caller acted on an old version of the job: someone changed it first."""


class NotAllowed(WorkflowError):
    """The actor's role may not fire this event (or not on this job)."""


class InvalidPayload(WorkflowError):
    """The event's data is missing fields or has values of the wrong kind; ``details['fields']``."""


class GuardFailed(WorkflowError):
    """The state and role are right but the job is not ready for the event (the reason says why)."""


class PickupCodeRejected(GuardFailed):
    """A wrong pickup code. The attempt is counted (the only refusal that writes something)."""


class OrderConflict(WorkflowError):
    """An order reference already used with a different request body."""


class PieceConflict(WorkflowError):
    """A certificate number already registered for another piece."""

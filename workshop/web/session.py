"""The request's database session and the one way a page changes a job.

``db()`` opens a session on first use and closes it when the request ends (rolled back when
not committed), so a refused form leaves the database as it was. ``fire_from_form`` calls the
workflow engine as the logged-in user and turns a workflow refusal into a flashed message and
an :class:`ActionRefused` (answered 4xx by the handler in ``workshop.web``), never a 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app, flash, g, request
from sqlalchemy.orm import Session

from jobs import errors as jobs_errors
from jobs.engine import fire
from jobs.types import Actor
from workshop.config import Settings
from workshop.models import Job
from workshop.permissions import Principal

__all__ = ["ActionRefused", "actor", "close_session", "db", "fire_from_form", "settings"]

# a refusal's HTTP status: the same mapping the API uses (workshop/errors.py)
_STATUS: list[tuple[type[Exception], int]] = [
    (jobs_errors.JobNotFound, 404),
    (jobs_errors.NotAllowed, 403),
    (jobs_errors.InvalidPayload, 422),
    (jobs_errors.WorkflowError, 409),
]


class ActionRefused(Exception):
    """A change asked for from a page was refused; ``message`` says why, ``status`` is 4xx."""

    def __init__(self, message: str, status: int = 409, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details
        self.flashed = False  # fire_from_form flashes before raising; the handler then won't


def settings() -> Settings:
    return current_app.extensions["workshop"]["settings"]  # type: ignore[no-any-return]


def db() -> Session:
    """The request's session (one per request, closed at its end)."""
    if "web_session" not in g:
        g.web_session = current_app.extensions["workshop"]["sessionmaker"]()
    return g.web_session  # type: ignore[no-any-return]


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("web_session", None)
    if session is not None:
        session.close()


def actor(principal: Principal) -> Actor:
    """The workflow's view of a logged-in person: recorded in the event log with the role."""
    return Actor("user", principal.id, principal.name, principal.role)


def _form_version() -> int | None:
    raw = request.form.get("version", "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ActionRefused("the page sent a malformed job version; reload it", 400) from exc


def fire_from_form(job_id: int, event: str, data: Mapping[str, Any] | None = None, *,
                   version: int | None = None, attachments: Iterable[str] = ()) -> Job:
    """Fire ``event`` on job ``job_id`` as the logged-in user and commit; returns the job.

    ``version`` defaults to the form's hidden ``version`` field (the job's version when the page
    was drawn), so acting on a page someone else has changed meanwhile is refused, not lost.
    A workflow refusal is flashed (category ``error``) and raised as :class:`ActionRefused`.
    """
    from workshop.web.guard import current_principal

    principal = current_principal()
    if principal is None:
        raise ActionRefused("log in first", 401)
    if version is None:
        version = _form_version()
    try:
        return fire(db(), job_id, event, actor=actor(principal), version=version,
                    data=dict(data or {}), attachments=tuple(attachments), settings=settings())
    except jobs_errors.WorkflowError as exc:
        status = next(code for cls, code in _STATUS if isinstance(exc, cls))
        message = _explain(exc)
        flash(message, "error")
        refused = ActionRefused(message, status, **exc.details)
        refused.flashed = True
        raise refused from exc


def _explain(exc: jobs_errors.WorkflowError) -> str:
    fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
    if isinstance(fields, dict) and fields:
        reasons = "; ".join(f"{name}: {why}" for name, why in fields.items())
        return f"{exc.message} ({reasons})"
    return exc.message

"""The supervisor's forms: which fields each action takes, read and checked with clear reasons.

The workflow checks everything again (roles, state, version, guards); these checks only catch
what a person can get wrong in a form before it reaches the engine, and say so in their words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

__all__ = ["ACTIONS", "REASON_REQUIRED", "FormError", "event_data"]

# the actions a supervisor takes from the job page, in the order the page offers them
ACTIONS = ("assign", "approve_program", "retry_program", "reroute", "hold", "release",
           "qc_pass", "qc_fail", "cancel", "return_uncarved")
# the table asks a reason for hold, cancel, return and qc_fail; the workshop also wants one
# for a re-route and a release, recorded as the event's note
REASON_REQUIRED = frozenset({"hold", "cancel", "return_uncarved", "qc_fail", "reroute",
                             "release"})
_REASON_IS_NOTE = frozenset({"reroute", "release"})


class FormError(ValueError):
    """A field of the form is missing or wrong; the message says which and why."""


def event_data(event: str, form: Mapping[str, str]) -> dict[str, Any]:
    """The engine's payload for ``event`` from the submitted ``form``."""
    if event not in ACTIONS:
        raise FormError(_("Unknown action: %(event)s", event=event))
    data: dict[str, Any] = {}
    reason = (form.get("reason") or "").strip()
    if event in REASON_REQUIRED and not reason:
        raise FormError(_("Please give a reason: it is recorded in the job's timeline."))
    if reason:
        data["note" if event in _REASON_IS_NOTE else "reason"] = reason
    note = (form.get("note") or "").strip()
    if note and "note" not in data:
        data["note"] = note
    if event == "assign":
        data.update(_assignee(form.get("assignee") or ""))
    if event == "reroute":
        route = form.get("route") or ""
        if route not in ("machine", "hand"):
            raise FormError(_("Choose the new route: machine or hand."))
        data["route"] = route
    return data


def _assignee(value: str) -> dict[str, int]:
    kind, _sep, raw = value.partition(":")
    if kind not in ("machine", "artisan") or not raw.isdigit() or int(raw) < 1:
        raise FormError(_("Choose a machine or an artisan to assign the job to."))
    return {f"{kind}_id": int(raw)}

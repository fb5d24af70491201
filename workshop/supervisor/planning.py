"""Estimates, loads and due-date flags: plain functions the board and the assign form share.

Estimates are in hours of work. A machine job's carving time comes from its CAM report
(``estimated_seconds``) plus the set-up at the machine; a hand job's from the piece's shape,
scaled by what the artisan has not done yet. Time left before a due date is counted in working
hours (a bench is not manned at night), so a 20-hour hand carving due in two days is at risk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "HAND_HOURS", "MACHINE_DEFAULT_HOURS", "MACHINE_SETUP_HOURS", "WORK_HOURS_PER_DAY", "DueFlag",
    "Load", "due_flag", "hand_hours", "machine_hours", "remaining_hours", "working_hours_left",
]

# hours of hand carving per piece shape, from the workshop's own records of simple motifs
HAND_HOURS: dict[str, float] = {
    "bangle": 24.0, "bi_disc": 16.0, "ring": 8.0, "buckle": 6.0, "pendant": 10.0, "plaque": 12.0,
}
HAND_DEFAULT_HOURS = 12.0
# fixing the stone, touching off Z0 on the surface, the first dry run above it
MACHINE_SETUP_HOURS = 0.5
# before the program exists nothing better is known
MACHINE_DEFAULT_HOURS = 1.0
WORK_HOURS_PER_DAY = 8.0
# what is left of a job after carving (QC, certificate, packing) is not counted: it is short and
# done by other people than the ones whose load is shown

# the job's own carving is finished in these states: nothing left to do at the machine or bench
CARVED_STATES = frozenset({
    "carved", "qc", "certificate_reissued", "ready_for_dispatch", "dispatched", "delivered",
    "awaiting_pickup", "collected", "returned", "cancelled",
})


class DueFlag:
    OVERDUE = "overdue"
    AT_RISK = "at_risk"


@dataclass(frozen=True)
class Load:
    """What one machine or artisan holds now: jobs assigned and not yet carved."""

    jobs: int
    hours: float


def hand_hours(shape: str) -> float:
    return HAND_HOURS.get(shape, HAND_DEFAULT_HOURS)


def machine_hours(estimated_seconds: float | None) -> float:
    if estimated_seconds is None:
        return MACHINE_DEFAULT_HOURS
    if estimated_seconds < 0:
        raise ValueError(f"estimated_seconds must not be negative, not {estimated_seconds}")
    return MACHINE_SETUP_HOURS + estimated_seconds / 3600


def remaining_hours(*, state: str, route: str, shape: str, estimated_seconds: float | None,
                    progress_pct: int = 0) -> float:
    """Hours of carving the job still needs (0 once carved)."""
    if state in CARVED_STATES:
        return 0.0
    if route == "machine":
        return machine_hours(estimated_seconds)
    done = min(max(progress_pct, 0), 100) / 100
    return hand_hours(shape) * (1 - done)


def working_hours_left(due: dt.date, now: dt.datetime) -> float:
    """Working hours from ``now`` to the end of the due date (UTC); negative once past it."""
    end = dt.datetime.combine(due + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return (end - now).total_seconds() / 86400 * WORK_HOURS_PER_DAY


def due_flag(due: dt.date | None, remaining: float, now: dt.datetime, *,
             finished: bool = False) -> str | None:
    """``overdue`` past the due date, ``at_risk`` when the work left exceeds the time left."""
    if due is None or finished:
        return None
    left = working_hours_left(due, now)
    if left <= 0:
        return DueFlag.OVERDUE
    if remaining > left:
        return DueFlag.AT_RISK
    return None

"""The supervisor's figures, computed from plain facts about jobs (no database, no Flask).

A job is *done* for these figures when it first reached ``ready_for_dispatch``: the workshop's
own work is finished then; how long the customer takes to collect is not the workshop's lead
time. Times are timezone-aware UTC; weeks are ISO weeks (Monday first).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Figures", "JobFacts", "WeekCount", "compute", "week_start"]

# the order of the board's columns and of the WIP chart: the workflow, front to back
WIP_STATES = (
    "awaiting_piece", "received", "needs_review", "toolpath_pending", "toolpath_ready",
    "ticket_open", "scheduled", "carving", "carved", "qc", "rework", "certificate_reissued",
    "ready_for_dispatch", "awaiting_pickup", "dispatched", "on_hold",
)


@dataclass(frozen=True)
class JobFacts:
    """What the figures need to know about one job."""

    id: int
    state: str
    created_at: dt.datetime
    done_at: dt.datetime | None = None  # first reached ready_for_dispatch
    due_date: dt.date | None = None
    rework_count: int = 0


@dataclass(frozen=True)
class WeekCount:
    """The jobs done in one ISO week, and how they went."""

    week: dt.date  # the Monday
    count: int
    lead_time_days_median: float | None = None
    on_time_rate: float | None = None  # of those with a due date
    rework_rate: float | None = None


@dataclass(frozen=True)
class Figures:
    wip: dict[str, int]  # state -> jobs in it, in WIP_STATES order, zero states left out
    lead_time_days_median: float | None
    lead_time_days_mean: float | None
    done: int  # jobs done (all time)
    on_time_rate: float | None  # of done jobs with a due date: share done by the end of it
    on_time_counted: int
    throughput: list[WeekCount] = field(default_factory=list)  # oldest week first
    rework_rate: float | None = None  # of done jobs: share that went back to the bench


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def compute(jobs: Iterable[JobFacts], *, today: dt.date, weeks: int = 8) -> Figures:
    """Every figure at once; ``weeks`` is how many ISO weeks of throughput, ending this one."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    facts = list(jobs)
    done = [j for j in facts if j.done_at is not None]
    lead = [_days(j.done_at - j.created_at) for j in done if j.done_at is not None]
    dated = [j for j in done if j.due_date is not None]
    return Figures(
        wip=_wip(facts),
        lead_time_days_median=statistics.median(lead) if lead else None,
        lead_time_days_mean=statistics.fmean(lead) if lead else None,
        done=len(done),
        on_time_rate=_share(dated, _on_time),
        on_time_counted=len(dated),
        throughput=_throughput(done, today, weeks),
        rework_rate=_share(done, lambda j: j.rework_count > 0),
    )


def _wip(facts: Sequence[JobFacts]) -> dict[str, int]:
    counts = Counter(j.state for j in facts)  # finished states are not in WIP_STATES
    return {s: counts[s] for s in WIP_STATES if counts[s]}


def _days(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 86400


def _on_time(job: JobFacts) -> bool:
    assert job.done_at is not None and job.due_date is not None
    # due "on the 20th" means by the end of the 20th, in UTC like every stored time
    return job.done_at.astimezone(dt.UTC).date() <= job.due_date


def _share(jobs: Sequence[JobFacts], test: Callable[[JobFacts], bool]) -> float | None:
    if not jobs:
        return None
    return sum(1 for j in jobs if test(j)) / len(jobs)


def _throughput(done: Sequence[JobFacts], today: dt.date, weeks: int) -> list[WeekCount]:
    last = week_start(today)
    mondays = [last - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    per_week: dict[dt.date, list[JobFacts]] = {m: [] for m in mondays}
    for job in done:
        assert job.done_at is not None
        monday = week_start(job.done_at.astimezone(dt.UTC).date())
        if monday in per_week:
            per_week[monday].append(job)
    return [_week(m, jobs) for m, jobs in per_week.items()]


def _week(monday: dt.date, jobs: list[JobFacts]) -> WeekCount:
    lead = [_days(j.done_at - j.created_at) for j in jobs if j.done_at is not None]
    return WeekCount(monday, len(jobs),
                     lead_time_days_median=statistics.median(lead) if lead else None,
                     on_time_rate=_share([j for j in jobs if j.due_date is not None], _on_time),
                     rework_rate=_share(jobs, lambda j: j.rework_count > 0))

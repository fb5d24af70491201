"""What a page shows, gathered in one place: the job page's parts and the figures' charts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.cnc.setup import simulation_verdict
from workshop.config import Settings
from workshop.models import (
    Artifact,
    Assignment,
    Certificate,
    Design,
    Event,
    Job,
    Order,
    Piece,
    Store,
)
from workshop.supervisor import charts, metrics, planning, queries
from workshop.web.labels import state_label

__all__ = ["EVENT_LABELS", "JobPage", "event_label", "figure_charts", "job_page",
           "machine_status_label"]

EVENT_LABELS: dict[str, Any] = {
    "create": _l("Created"), "receive": _l("Stone received"), "route": _l("Routed"),
    "program_ready": _l("Program ready"), "program_failed": _l("Program failed"),
    "approve_program": _l("Program approved"), "retry_program": _l("Generate again"),
    "set_placement": _l("Placement changed"),
    "reroute": _l("Re-route"), "assign": _l("Assign"), "start": _l("Start"),
    "pause": _l("Pause"), "resume": _l("Resume"), "fault": _l("Machine fault"), "progress": _l("Progress"),
    "finish": _l("Finish"), "submit_qc": _l("To quality control"), "qc_pass": _l("QC passed"),
    "qc_fail": _l("QC failed: rework"), "mark_ready": _l("Packed"),
    "dispatch": _l("Dispatched"), "deliver": _l("Delivered"),
    "ready_for_pickup": _l("Ready for pickup"), "collect": _l("Collected"),
    "lock_pickup": _l("Pickup locked"), "hold": _l("Hold"), "release": _l("Release"),
    "cancel": _l("Cancel"), "return_uncarved": _l("Return uncarved"),
}
IMAGE_KINDS = ("photo", "preview", "simulation")


def machine_status_label(status: str) -> str:
    labels = {"idle": _("idle"), "running": _("running"), "fault": _("fault"),
              "maintenance": _("maintenance")}
    return labels.get(status, status)


def event_label(event: str) -> str:
    return str(EVENT_LABELS.get(event, event))


@dataclass
class JobPage:
    job: Job
    order: Order
    piece: Piece
    design: Design | None
    store: Store | None
    events: list[Event]
    artifacts: list[Artifact]
    certificates: list[Certificate]
    assignment: Assignment | None
    assignee: str | None
    report: dict[str, Any] | None
    remaining_hours: float
    flag: str | None
    images: dict[str, list[Artifact]] = field(default_factory=dict)
    # the job's pictures by sha256: an event's attachments are shown beside it in the timeline
    pictures: dict[str, Artifact] = field(default_factory=dict)
    downloads: list[Artifact] = field(default_factory=list)
    # the cut simulation's verdict (workshop.cnc.setup.simulation_verdict)
    simulation_problems: list[str] | None = None


def job_page(session: Session, settings: Settings, job_id: int, now: dt.datetime
             ) -> JobPage | None:
    job = session.get(Job, job_id)
    if job is None:
        return None
    piece = session.get_one(Piece, job.piece_id)
    order = session.get_one(Order, job.order_id)
    arts = list(session.scalars(select(Artifact).where(Artifact.job_id == job.id)
                                .order_by(Artifact.id)))
    assignment = queries.active_assignment(session, job.id)
    remaining = queries.remaining_for(session, settings, job, piece.shape, assignment)
    page = JobPage(
        job=job, order=order, piece=piece,
        design=session.get(Design, job.design_id) if job.design_id else None,
        store=session.get(Store, order.store_id) if order.store_id else None,
        events=list(session.scalars(select(Event).where(Event.job_id == job.id)
                                    .order_by(Event.seq))),
        artifacts=arts,
        certificates=list(session.scalars(select(Certificate).where(
            Certificate.piece_id == piece.id).order_by(Certificate.version))),
        assignment=assignment, assignee=queries.assignee_label(session, assignment),
        report=queries.program_report(session, settings, job.id),
        remaining_hours=remaining,
        flag=planning.due_flag(job.due_date, remaining, now,
                               finished=job.state in queries.DONE_STATES),
    )
    for kind in IMAGE_KINDS:
        page.images[kind] = [a for a in arts if a.kind == kind
                             and a.media_type.startswith("image/")]
    page.pictures = {a.sha256: a for a in arts if a.media_type.startswith("image/")
                     and a.media_type != "image/svg+xml"}
    page.downloads = [a for a in arts if a.kind in ("gcode", "dxf", "report", "certificate_pdf",
                                                    "simulation_report")]
    if job.route == "machine":
        page.simulation_problems = simulation_verdict(session, settings, job.id)
    return page


def figure_charts(facts: list[metrics.JobFacts], today: dt.date, weeks: int = 8
                  ) -> dict[str, Any]:
    """The figures and their charts: WIP by state, then per week done, lead time, on time and
    rework (a week with nothing to measure draws no bar)."""
    figures = metrics.compute(facts, today=today, weeks=weeks)
    per_week = figures.throughput

    def weekly(value: Any, title: str, fmt: str = "{:g}") -> Any:
        bars = [(w.week.strftime("%m-%d"), value(w)) for w in per_week]
        return charts.bar_chart(bars, title=title, value_format=fmt)

    return {
        "figures": figures,
        "wip_chart": charts.bar_chart([(state_label(s), n) for s, n in figures.wip.items()],
                                      title=_("Work in progress by state")),
        "throughput_chart": weekly(lambda w: w.count, _("Jobs done per week")),
        "lead_chart": weekly(lambda w: w.lead_time_days_median,
                             _("Lead time per week (median, days)"), "{:.1f}"),
        "on_time_chart": weekly(lambda w: None if w.on_time_rate is None
                                else 100 * w.on_time_rate, _("On time per week"), "{:.0f}%"),
        "rework_chart": weekly(lambda w: None if w.rework_rate is None
                               else 100 * w.rework_rate, _("Rework per week"), "{:.0f}%"),
    }

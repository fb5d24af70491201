"""The supervisor's pages: thin handlers (load or 404 -> permission -> change through the
workflow -> commit -> redirect). What the pages read is in ``queries``; the figures in
``metrics``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from jobs import machines as machine_status
from jobs.certificates import CERTIFICATE_CODE
from jobs.engine import allowed_events
from workshop.cnc import progress
from workshop.models import Job, Store, utcnow
from workshop.supervisor import forms, queries, views
from workshop.supervisor.files import design_response, job_file_response
from workshop.verify.panel import current_certificate_panel
from workshop.web.guard import current_principal, station_required
from workshop.web.session import ActionRefused, actor, db, fire_from_form, settings

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")

STATION = "supervisor"
DUE_FILTERS = ("overdue", "at_risk", "week", "none")


def _filters() -> queries.BoardFilters:
    """The board's filters from the query string; a wrong value is named and left out."""
    args = request.args
    route = args.get("route") or None
    if route not in (None, "machine", "hand"):
        flash(_("Unknown route filter %(value)s: showing every route.", value=route), "error")
        route = None
    due = args.get("due") or None
    if due not in (None, *DUE_FILTERS):
        flash(_("Unknown due-date filter %(value)s: showing every due date.", value=due), "error")
        due = None
    store = args.get("store") or None
    if store and db().scalar(select(Store.id).where(Store.code == store)) is None:
        flash(_("Unknown store %(value)s: showing every store.", value=store), "error")
        store = None
    priority = (args.get("priority") or "").strip()
    min_priority = None
    if priority:
        try:
            min_priority = int(priority)
        except ValueError:
            flash(_("Priority must be a whole number, not %(value)s.", value=priority), "error")
    return queries.BoardFilters(route, store, due, min_priority)


@bp.get("/")
@station_required(STATION)
def index():  # type: ignore[no-untyped-def]
    filters = _filters()
    columns = queries.board(db(), settings(), filters, utcnow())
    stores = db().scalars(select(Store).order_by(Store.code)).all()
    machine_loads, _artisans = queries.loads(db(), settings())
    return render_template("supervisor/board.html", columns=columns, filters=filters,
                           stores=stores, due_filters=DUE_FILTERS,
                           total=sum(len(c) for c in columns.values()),
                           machine_loads=machine_loads,
                           machine_changes=machine_status.latest_events(db()),
                           machine_status_label=views.machine_status_label)


@bp.get("/jobs/<int:job_id>")
@station_required(STATION)
def job(job_id: int):  # type: ignore[no-untyped-def]
    return _job_page(job_id)


def _job_page(job_id: int, certificate_code: str | None = None):  # type: ignore[no-untyped-def]
    page = views.job_page(db(), settings(), job_id, utcnow())
    if page is None:
        abort(404, description=_("No job %(id)s.", id=job_id))
    principal = current_principal()
    assert principal is not None
    possible = allowed_events(page.job, actor(principal))
    machines, artisans = queries.loads(db(), settings())
    program = progress.program_status(db(), settings(), page.job) \
        if page.job.route == "machine" else None
    certificate = current_certificate_panel(
        db(), settings(), page.piece.id, code=certificate_code,
        pdf_url=lambda a: url_for("supervisor.job_file", job_id=a.job_id, sha256=a.sha256,
                                  download=1))
    return render_template("supervisor/job.html", page=page, program=program,
                           certificate=certificate, certificate_code=certificate_code,
                           actions=[e for e in forms.ACTIONS if e in possible],
                           reason_required=forms.REASON_REQUIRED,
                           machines=machines, artisans=artisans,
                           event_label=views.event_label,
                           machine_status_label=views.machine_status_label)


@bp.post("/jobs/<int:job_id>/events/<event>")
@station_required(STATION)
def fire(job_id: int, event: str):  # type: ignore[no-untyped-def]
    try:
        data = forms.event_data(event, request.form)
    except forms.FormError as exc:
        flash(str(exc), "error")
        raise ActionRefused(str(exc), 422) from exc
    changed = fire_from_form(job_id, event, data)
    flash(_("Done: %(event)s.", event=views.event_label(event)), "success")
    code = (getattr(changed, "one_time", None) or {}).get(CERTIFICATE_CODE)
    if code:
        # the new certificate's code is stored hashed: shown on this answer only, no redirect
        return _job_page(job_id, certificate_code=code)
    return redirect(url_for("supervisor.job", job_id=job_id))


@bp.get("/jobs/<int:job_id>/design.svg")
@station_required(STATION)
def design(job_id: int):  # type: ignore[no-untyped-def]
    return design_response(db(), _job_or_404(job_id))


@bp.get("/jobs/<int:job_id>/files/<sha256>")
@station_required(STATION)
def job_file(job_id: int, sha256: str):  # type: ignore[no-untyped-def]
    return job_file_response(db(), settings(), job_id, sha256,
                             download=request.args.get("download") == "1")


@bp.get("/figures")
@station_required(STATION)
def figures():  # type: ignore[no-untyped-def]
    today = utcnow().date()
    charts = views.figure_charts(queries.job_facts(db()), today)
    return render_template("supervisor/figures.html", **charts)


def _job_or_404(job_id: int) -> Job:
    found = db().get(Job, job_id)
    if found is None:
        abort(404, description=_("No job %(id)s.", id=job_id))
    return found


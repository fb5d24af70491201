"""The CNC station's pages: thin handlers (load or 404 -> permission -> change through the
workflow -> commit -> redirect)."""

from __future__ import annotations

from typing import NoReturn

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from jobs import machines
from jobs.engine import allowed_events
from jobs.errors import InvalidPayload, NotAllowed, WorkflowError
from workshop.cnc import progress, queue
from workshop.cnc.setup import setup_sheet
from workshop.models import Job, Machine
from workshop.supervisor.files import job_file_response
from workshop.supervisor.views import event_label, machine_status_label
from workshop.web.guard import current_principal, station_required
from workshop.web.session import ActionRefused, actor, db, fire_from_form, settings

bp = Blueprint("cnc", __name__, url_prefix="/cnc")

STATION = "cnc"
# the operator's buttons, in the order they are offered; "fault" puts the job on hold with its
# reason until a supervisor releases it (docs/workflow.md)
ACTIONS = ("approve_program", "start", "resume", "pause", "fault", "finish", "submit_qc")
# what the operator may set a machine to by hand; running follows the jobs' start and resume
MACHINE_STATUSES = ("idle", "maintenance", "fault")


def _job_or_404(job_id: int) -> Job:
    job = db().get(Job, job_id)
    if job is None:
        abort(404, description=_("No job %(id)s.", id=job_id))
    return job


@bp.get("/")
@station_required(STATION)
def index():  # type: ignore[no-untyped-def]
    return render_template("cnc/queue.html", queues=queue.machine_queues(db(), settings()),
                           upcoming=queue.upcoming(db(), settings()),
                           last_change=machines.latest_events(db()),
                           settable=MACHINE_STATUSES,
                           machine_status_label=machine_status_label)


@bp.get("/jobs/<int:job_id>")
@station_required(STATION)
def job(job_id: int):  # type: ignore[no-untyped-def]
    found = _job_or_404(job_id)
    if found.route != "machine":
        abort(404, description=_("Job %(id)s is carved by hand: it has no set-up sheet.",
                                 id=job_id))
    principal = current_principal()
    assert principal is not None
    possible = set(allowed_events(found, actor(principal)))
    return render_template("cnc/setup.html", sheet=setup_sheet(db(), settings(), found),
                           program=progress.program_status(db(), settings(), found),
                           actions=[a for a in ACTIONS if a in possible],
                           event_label=_action_label)


def _action_label(event: str) -> str:
    return _("Report a fault") if event == "fault" else event_label(event)


@bp.post("/jobs/<int:job_id>/events/<event>")
@station_required(STATION)
def fire(job_id: int, event: str):  # type: ignore[no-untyped-def]
    if event not in ACTIONS:
        raise ActionRefused(_("Unknown action: %(event)s", event=event), 404)
    _job_or_404(job_id)
    note = (request.form.get("note") or "").strip()
    if event == "fault":
        reason = (request.form.get("reason") or "").strip()
        if not reason:
            message = _("Describe the fault: the supervisor reads it in the job's timeline.")
            flash(message, "error")
            raise ActionRefused(message, 422)
        fire_from_form(job_id, "fault", {"reason": reason})
    else:
        fire_from_form(job_id, event, {"note": note} if note else {})
    # the machine's status follows the job's event in the engine's own transaction
    flash(_("Done: %(event)s.", event=_action_label(event)), "success")
    return redirect(url_for("cnc.job", job_id=job_id))


@bp.post("/machines/<int:machine_id>/status")
@station_required(STATION)
def machine_status(machine_id: int):  # type: ignore[no-untyped-def]
    """Set a machine idle, in maintenance or at fault, with the reason; recorded."""
    machine = db().get(Machine, machine_id)
    if machine is None:
        abort(404, description=_("No machine %(id)s.", id=machine_id))
    status = (request.form.get("status") or "").strip()
    reason = (request.form.get("reason") or "").strip()
    if status not in MACHINE_STATUSES:
        _refuse(_("Choose idle, maintenance or fault."), 422)
    if status != "idle" and not reason:
        _refuse(_("Give the reason: what is wrong, what is being done."), 422)
    principal = current_principal()
    assert principal is not None
    try:
        changed = machines.set_status(db(), machine, status, actor(principal), reason)
        db().commit()
    except WorkflowError as exc:
        db().rollback()
        _refuse(exc.message, 403 if isinstance(exc, NotAllowed)
                else 422 if isinstance(exc, InvalidPayload) else 409)
    label = machine_status_label(status)
    if changed:
        flash(_("%(machine)s is now %(status)s.", machine=machine.code, status=label), "success")
    else:
        flash(_("%(machine)s was %(status)s already.", machine=machine.code, status=label),
              "info")
    return redirect(url_for("cnc.index", _anchor=f"machine-{machine.code}"))


def _refuse(message: str, status: int) -> NoReturn:
    flash(message, "error")
    refused = ActionRefused(message, status)
    refused.flashed = True
    raise refused


@bp.get("/jobs/<int:job_id>/files/<sha256>")
@station_required(STATION)
def job_file(job_id: int, sha256: str):  # type: ignore[no-untyped-def]
    return job_file_response(db(), settings(), job_id, sha256,
                             download=request.args.get("download") == "1")


@bp.get("/jobs/<int:job_id>/program.json")
@station_required(STATION)
def program_status(job_id: int):  # type: ignore[no-untyped-def]
    return jsonify(progress.program_status(db(), settings(), _job_or_404(job_id)))

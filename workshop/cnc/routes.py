"""The CNC station's pages: thin handlers (load or 404 -> permission -> change through the
workflow -> commit -> redirect)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from jobs.engine import allowed_events
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
# what the machine is doing after each action (its status is the machine's, not the job's)
MACHINE_STATUS = {"start": "running", "resume": "running", "pause": "idle", "fault": "fault",
                  "finish": "idle"}


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
    found = _job_or_404(job_id)
    machine_id = _assigned_machine(found)
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
    _set_machine_status(machine_id, MACHINE_STATUS.get(event))
    flash(_("Done: %(event)s.", event=_action_label(event)), "success")
    return redirect(url_for("cnc.job", job_id=job_id))


def _assigned_machine(job: Job) -> int | None:
    from workshop.supervisor.queries import active_assignment

    current = active_assignment(db(), job.id)
    return current.machine_id if current is not None else None


def _set_machine_status(machine_id: int | None, status: str | None) -> None:
    if machine_id is None or status is None:
        return
    machine = db().get(Machine, machine_id)
    if machine is not None and machine.status != status:
        machine.status = status
        db().commit()


@bp.get("/jobs/<int:job_id>/files/<sha256>")
@station_required(STATION)
def job_file(job_id: int, sha256: str):  # type: ignore[no-untyped-def]
    return job_file_response(db(), settings(), job_id, sha256,
                             download=request.args.get("download") == "1")


@bp.get("/jobs/<int:job_id>/program.json")
@station_required(STATION)
def program_status(job_id: int):  # type: ignore[no-untyped-def]
    return jsonify(progress.program_status(db(), settings(), _job_or_404(job_id)))

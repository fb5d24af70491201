"""/artisan: thin handlers (load or 404 -> station check -> change through the engine)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    jsonify,
    make_response,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import select

from jobs.engine import allowed_events
from workshop import artifacts as store
from workshop import photos
from workshop.artisan import actions, labels, tickets
from workshop.models import Artifact, Event, Job, Role
from workshop.permissions import Principal
from workshop.web.guard import current_principal, station_required
from workshop.web.session import actor, db, settings

bp = Blueprint("artisan", __name__, url_prefix="/artisan")


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"event_label": labels.event_label, "shape_label": labels.shape_label,
            "face_label": labels.face_label}


def _me() -> Principal:
    principal = current_principal()
    assert principal is not None  # station_required let the request in
    return principal


def _hand_job(job_id: int) -> Job:
    """A hand job this person may see at the bench: 404 otherwise (an artisan does not learn
    which other tickets exist)."""
    job = db().get(Job, job_id)
    if job is None or job.route != "hand":
        abort(404)
    me = _me()
    if me.role == Role.ARTISAN and job.state != "ticket_open":
        current = tickets.ticket(db(), job).assignment
        if current is None or current.artisan_id != me.id:
            abort(404)
    return job


@bp.get("/")
@station_required("artisan")
def index():  # type: ignore[no-untyped-def]
    me = _me()
    return render_template("artisan/index.html",
                           mine=tickets.my_tickets(db(), me.id, me.role),
                           open_tickets=tickets.open_tickets(db()))


@bp.get("/jobs/<int:job_id>")
@station_required("artisan")
def ticket(job_id: int):  # type: ignore[no-untyped-def]
    job = _hand_job(job_id)
    session = db()
    t = tickets.ticket(session, job)
    size = tickets.design_size_mm(t.design.svg, job.placement) if t.design else None
    events = list(session.scalars(select(Event).where(Event.job_id == job.id)
                                  .order_by(Event.seq.desc())))
    return render_template(
        "artisan/ticket.html", t=t, size=size, events=events,
        photo=photos.latest_photo(session, job, t.piece),
        paused=tickets.is_paused(session, job.id),
        allowed=allowed_events(job, actor(_me())))


@bp.get("/jobs/<int:job_id>/state.json")
@station_required("artisan")
def state(job_id: int):  # type: ignore[no-untyped-def]
    job = _hand_job(job_id)
    return jsonify(_state(job))


def _state(job: Job) -> dict[str, Any]:
    session = db()
    t = tickets.ticket(session, job)
    return {"id": job.id, "state": job.state, "version": job.version,
            "progress_pct": t.progress_pct, "paused": tickets.is_paused(session, job.id),
            "allowed_events": allowed_events(job, actor(_me()))}


@bp.get("/jobs/<int:job_id>/design.svg")
@station_required("artisan")
def design(job_id: int):  # type: ignore[no-untyped-def]
    job = _hand_job(job_id)
    t = tickets.ticket(db(), job)
    if t.design is None:
        abort(404)
    response = make_response(t.design.svg)
    response.mimetype = "image/svg+xml"
    # a customer's own SVG is shown as an image only: nothing in it may run or load
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/jobs/<int:job_id>/photos/<sha256>")
@station_required("artisan")
def photo(job_id: int, sha256: str):  # type: ignore[no-untyped-def]
    job = _hand_job(job_id)
    t = tickets.ticket(db(), job)
    art = db().scalar(select(Artifact).where(Artifact.sha256 == sha256).limit(1))
    shown = photos.latest_photo(db(), job, t.piece)
    if art is None or (art.job_id != job.id and (shown is None or shown.sha256 != sha256)):
        abort(404)
    path = store.path_for(settings(), sha256)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=art.media_type, max_age=3600, etag=sha256)


@bp.post("/jobs/<int:job_id>/photos")
@station_required("artisan")
def upload_photo(job_id: int):  # type: ignore[no-untyped-def]
    job = _hand_job(job_id)
    art, created = photos.save_upload(db(), settings(), job.id, request.files.get("file"),
                                      _me().label)
    db().commit()
    return jsonify({"sha256": art.sha256, "url": url_for(".photo", job_id=job.id,
                                                          sha256=art.sha256)}), (
        201 if created else 200)


@bp.post("/jobs/<int:job_id>/actions")
@station_required("artisan")
def act(job_id: int):  # type: ignore[no-untyped-def]
    job = _hand_job(job_id)
    action = actions.parse_action(job.id, request.get_json(silent=True))
    applied = actions.apply_action(db(), settings(), actor(_me()), action)
    return jsonify({"ok": True, "duplicate": applied.duplicate, "job": _state(applied.job)})

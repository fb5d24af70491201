"""/store: the desk. Thin handlers: load or 404 -> station check -> intake or the engine ->
redirect. A refused form is drawn again with what the clerk typed and why it was refused."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask import session as cookie_session
from flask_babel import gettext as _
from sqlalchemy import select

from jobs import errors as jobs_errors
from jobs.certificates import PDF_KIND
from jobs.intake import accept_order, register_piece
from jobs.types import State
from workshop import artifacts as stored
from workshop import photos
from workshop.errors import WorkshopError
from workshop.models import Artifact, Design, Event, Job, PieceShape, Store
from workshop.permissions import Principal
from workshop.store import desk, forms, labels, receipt
from workshop.verify.panel import CertificatePanel, current_certificate_panel
from workshop.web.guard import current_principal, station_required
from workshop.web.session import ActionRefused, actor, db, fire_from_form, settings

bp = Blueprint("store", __name__, url_prefix="/store")
bp.context_processor(labels.helpers)


def _me() -> Principal:
    principal = current_principal()
    assert principal is not None  # station_required let the request in
    return principal


def _job(job_id: int) -> desk.DeskJob:
    found = desk.visible_job(db(), _me(), job_id)
    if found is None:
        abort(404)
    return found


def _store_code() -> str | None:
    """The clerk's own counter; a manager at the desk chooses one on the form."""
    me = _me()
    if me.store_id is not None:
        return db().scalar(select(Store.code).where(Store.id == me.store_id))
    chosen = request.values.get("store_code") or None
    if chosen is None:
        chosen = db().scalar(select(Store.code).order_by(Store.id).limit(1))
    return chosen


@bp.get("/")
@station_required("store")
def index():  # type: ignore[no-untyped-def]
    session, me = db(), _me()
    query = request.args.get("q", "")
    carved = desk.desk_jobs(session, me, State.READY_FOR_DISPATCH)
    return render_template(
        "store/index.html", query=query, found=desk.find(session, me, query),
        awaiting=desk.desk_jobs(session, me, State.AWAITING_PIECE),
        ready=[d for d in carved if d.order.delivery == "pickup"],
        courier=[d for d in carved if d.order.delivery == "courier"],
        pickup=desk.desk_jobs(session, me, State.AWAITING_PICKUP))


# ---- a sold piece ---------------------------------------------------------------------------

@bp.route("/pieces/new", methods=["GET", "POST"])
@station_required("store")
def new_piece():  # type: ignore[no-untyped-def]
    if request.method == "GET":
        return _piece_form({}, {})
    session = db()
    try:
        data = forms.piece(request.form, _store_code())
        upload = request.files.get("photo")
        has_photo = upload is not None and bool(upload.filename)
        if has_photo:  # checked before anything is written: a bad photo refuses the form
            photo_bytes = photos.read_image(upload)
        piece = register_piece(session, data, actor(_me()))
    except forms.FormErrors as exc:
        return _piece_form(request.form, exc.errors, 422)
    except WorkshopError as exc:
        return _piece_form(request.form, {str(exc.details.get("field", "photo")): exc.message},
                           422)
    except jobs_errors.InvalidPayload as exc:
        return _piece_form(request.form, dict(exc.details.get("fields", {})) or
                           {"certificate_no": exc.message}, 422)
    except jobs_errors.PieceConflict as exc:
        return _piece_form(request.form, {"certificate_no": exc.message}, 409)
    if has_photo:
        photos.store_photo(session, settings(), photo_bytes, kind="piece_photo",
                           name=piece.certificate_no, created_by=_me().label)
        session.commit()
    flash(_("Piece %(number)s registered.", number=piece.certificate_no), "success")
    return redirect(url_for(".index", q=piece.certificate_no))


def _piece_form(values: Any, errors: dict[str, str], status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("store/piece_form.html", values=values, errors=errors,
                           shapes=[s.value for s in PieceShape],
                           dimensions=forms.DIMENSIONS, stores=_stores()), status


def _stores() -> list[Store]:
    if _me().store_id is not None:
        return []
    return list(db().scalars(select(Store).order_by(Store.code)))


# ---- a walk-in customer's order ----------------------------------------------------------------

@bp.route("/orders/new", methods=["GET", "POST"])
@station_required("store")
def new_order():  # type: ignore[no-untyped-def]
    code = _store_code()
    if code is None:
        abort(404)
    if request.method == "GET":
        return _order_form({"reference": forms.new_reference(code)}, {})
    try:
        data = forms.desk_order(request.form, code)
        order, _created = accept_order(db(), data, actor(_me()), settings())
    except forms.FormErrors as exc:
        return _order_form(request.form, exc.errors, 422)
    except jobs_errors.InvalidPayload as exc:
        return _order_form(request.form, _line_errors(exc.details.get("fields", {})), 422)
    except jobs_errors.OrderConflict as exc:
        return _order_form(request.form, {"reference": exc.message}, 409)
    return redirect(url_for(".order", order_id=order.id))


def _line_errors(fields: Any) -> dict[str, str]:
    """Intake names fields like lines[0].certificate_no; the form names them line0_..."""
    errors = {}
    for name, why in dict(fields or {}).items():
        if name.startswith("lines["):
            index, _dot, rest = name[len("lines["):].partition("].")
            name = f"line{index}_{rest}"
        errors[name] = str(why)
    return errors or {"reference": "refused"}


def _order_form(values: Any, errors: dict[str, str], status: int = 200):  # type: ignore[no-untyped-def]
    designs = list(db().scalars(select(Design).order_by(Design.title)))
    return render_template("store/order_form.html", values=values, errors=errors,
                           designs=designs, lines=range(forms.LINES), stores=_stores()), status


@bp.get("/orders/<int:order_id>")
@station_required("store")
def order(order_id: int):  # type: ignore[no-untyped-def]
    jobs = desk.order_jobs(db(), _me(), order_id)
    if not jobs:
        abort(404)
    return render_template("store/order.html", order=jobs[0].order, jobs=jobs)


# ---- the stone handed in, and its receipt ------------------------------------------------------

@bp.route("/jobs/<int:job_id>/receive", methods=["GET", "POST"])
@station_required("store")
def receive(job_id: int):  # type: ignore[no-untyped-def]
    found = _job(job_id)
    if request.method == "GET":
        return _receive_form(found, {}, {})
    try:
        data = forms.receipt(request.form)
        upload = request.files.get("photo")
        attachments: list[str] = []
        if upload is not None and upload.filename:
            art, _new = photos.save_upload(db(), settings(), job_id, upload, _me().label)
            db().commit()
            attachments.append(art.sha256)
        job = fire_from_form(job_id, "receive", data, attachments=attachments)
    except forms.FormErrors as exc:
        return _receive_form(found, request.form, exc.errors, 422)
    except WorkshopError as exc:
        return _receive_form(found, request.form, {"photo": exc.message}, 422)
    except ActionRefused as exc:
        return _receive_form(found, request.form, {}, exc.status)
    if job.state == State.ON_HOLD:
        # the receipt is still printed: the customer handed the stone in either way
        flash(_("The stone is on hold for a supervisor's review: %(reason)s",
                reason=job.review_reason or ""), "warning")
    return redirect(url_for(".receipt_page", job_id=job_id))


def _receive_form(found: desk.DeskJob, values: Any, errors: dict[str, str],
                  status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("store/receive.html", d=found, values=values, errors=errors,
                           conditions=forms.CONDITIONS), status


@bp.get("/jobs/<int:job_id>/receipt")
@station_required("store")
def receipt_page(job_id: int):  # type: ignore[no-untyped-def]
    found = _job(job_id)
    received = db().scalar(select(Event).where(Event.job_id == job_id,
                                               Event.event == "receive").order_by(Event.seq))
    if received is None:
        flash(_("The stone has not been received yet."), "error")
        return redirect(url_for(".receive", job_id=job_id))
    url = receipt.tracking_url(settings().public_base_url, found.job.tracking_token)
    store = db().get(Store, found.order.store_id) if found.order.store_id else None
    return render_template("store/receipt.html", d=found, event=received, store=store,
                           tracking_url=url, qr_svg=receipt.qr_svg(url))


def _certificate(found: desk.DeskJob) -> CertificatePanel | None:
    """The piece's current certificate, its PDF through the desk's own route (printed at
    pickup: the customer takes the new certificate home with the piece)."""
    return current_certificate_panel(
        db(), settings(), found.piece.id,
        pdf_url=lambda a: url_for(".certificate_pdf", job_id=found.job.id, sha256=a.sha256))


@bp.get("/jobs/<int:job_id>/certificate/<sha256>.pdf")
@station_required("store")
def certificate_pdf(job_id: int, sha256: str):  # type: ignore[no-untyped-def]
    """The stored certificate PDF of a job of this counter, opened to print it."""
    found = _job(job_id)
    art = db().scalar(select(Artifact).where(
        Artifact.sha256 == sha256, Artifact.kind == PDF_KIND,
        # the certificate may have been issued by an earlier job on the same piece
        Artifact.job_id.in_(select(Job.id).where(Job.piece_id == found.piece.id))).limit(1))
    if art is None:
        abort(404)
    path = stored.path_for(settings(), sha256)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", max_age=0, etag=sha256,
                     download_name=art.filename)


@bp.get("/jobs/<int:job_id>/photos/<sha256>")
@station_required("store")
def photo(job_id: int, sha256: str):  # type: ignore[no-untyped-def]
    """A photo of this job, or of its piece taken at sale."""
    found = _job(job_id)
    shown = photos.latest_photo(db(), found.job, found.piece)
    art = db().scalar(select(Artifact).where(
        Artifact.sha256 == sha256, Artifact.kind.in_(photos.PHOTO_KINDS)).limit(1))
    if art is None or (art.job_id != job_id and (shown is None or shown.sha256 != sha256)):
        abort(404)
    path = stored.path_for(settings(), sha256)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=art.media_type, max_age=3600, etag=sha256)


# ---- pickup ------------------------------------------------------------------------------------

@bp.post("/jobs/<int:job_id>/ready-for-pickup")
@station_required("store")
def ready_for_pickup(job_id: int):  # type: ignore[no-untyped-def]
    found = _job(job_id)
    try:
        job = fire_from_form(job_id, "ready_for_pickup")
    except ActionRefused:
        return redirect(url_for(".order", order_id=found.order.id))
    code = (getattr(job, "one_time", None) or {}).get("pickup_code")
    # shown on this answer only: the code is stored hashed and cannot be shown again
    return render_template("store/pickup_code.html", d=found, code=code,
                           jobs=desk.order_jobs(db(), _me(), found.order.id))


@bp.route("/jobs/<int:job_id>/pickup", methods=["GET", "POST"])
@station_required("store")
def pickup(job_id: int):  # type: ignore[no-untyped-def]
    found = _job(job_id)
    if request.method == "GET":
        return _pickup_form(found, None, None)
    code = (request.form.get("code") or "").strip()
    if not code:
        return _pickup_form(found, _("Type the pickup code the customer shows."), None, 422)
    try:
        fire_from_form(job_id, "collect", {"code": code})
    except ActionRefused as exc:
        # the refusal is shown in the form, once, not also as a banner above it
        cookie_session.pop("_flashes", None)
        left = exc.details.get("attempts_left")
        if isinstance(left, int):
            message = _("Wrong pickup code: the piece was not handed over.")
        else:
            message = exc.message
        return _pickup_form(found, message, left if isinstance(left, int) else None,
                            exc.status)
    flash(_("Handed over: order %(ref)s collected.", ref=found.order.platform_ref), "success")
    return redirect(url_for(".order", order_id=found.order.id))


def _pickup_form(found: desk.DeskJob, error: str | None, attempts_left: int | None,
                 status: int = 200):  # type: ignore[no-untyped-def]
    db().refresh(found.order)  # the wrong-code count was written by the engine's own commit
    # the latest photo of the carved piece, to hand over the right one
    photo = photos.latest_photo(db(), found.job, found.piece)
    return render_template("store/pickup.html", d=found, error=error, photo=photo,
                           certificate=_certificate(found),
                           attempts_left=attempts_left,
                           attempts=found.order.pickup_attempts,
                           max_attempts=settings().pickup_max_attempts), status

"""The set-up sheet's 3D view of the piece and the adjustable placement (routes on the CNC
blueprint): the picture and glTF of the piece, a check answered at once while the operator
turns the knobs, and the save that goes through the workflow (``set_placement``) as an event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from jobs import placement as placing
from jobs.engine import allowed_events
from workshop.cnc.routes import STATION, _job_or_404, bp
from workshop.models import Design, Job, Piece
from workshop.web.guard import current_principal, station_required
from workshop.web.session import ActionRefused, actor, db, fire_from_form

PLACEMENT_FIELDS = ("mode", "scale", "rotation_deg", "offset_x", "offset_y")


def _inputs(job: Job, face_asked: str | None = None) -> tuple[Any, str, str]:
    """(piece spec, face name, design SVG): a 404 when there is nothing to place, a 422 for a
    face the piece does not have."""
    from cam.errors import PieceError

    design = db().get(Design, job.design_id) if job.design_id else None
    if design is None:
        abort(404, description=_("Job %(id)s has no design to place.", id=job.id))
    try:
        spec = placing.piece_spec(db().get_one(Piece, job.piece_id))
    except PieceError as exc:
        abort(404, description=str(exc))
    try:
        return spec, placing.face_for(spec, face_asked or job.face), design.svg
    except PieceError as exc:
        raise ActionRefused(str(exc), 422, fields={"face": str(exc)}) from exc


def _wanted(job: Job, values: Mapping[str, Any]) -> placing.JobPlacement:
    """The placement asked for, or the job's own when the request names none."""
    if not any(values.get(k) not in (None, "") for k in PLACEMENT_FIELDS):
        return placing.JobPlacement.from_row(job.placement)
    try:
        return placing.JobPlacement.parse(values)
    except placing.PlacementInput as exc:
        raise ActionRefused(_("The placement is not valid: %(why)s", why=str(exc)), 422,
                            fields=exc.fields) from exc


def _query(wanted: placing.JobPlacement, face: str) -> dict[str, Any]:
    return {**wanted.as_row(), "face": face}


@bp.app_template_global("piece3d")
def piece3d(job: Job) -> dict[str, Any]:
    """What the set-up sheet's 3D panel shows for `job` (templates/cnc/_piece3d.html)."""
    from cam.errors import PieceError
    from cam.pieces.faces import face_names

    view: dict[str, Any] = {"modelled": False, "reason": "", "editable": False}
    try:
        spec = placing.piece_spec(db().get_one(Piece, job.piece_id))
        face = placing.face_for(spec, job.face)
    except PieceError as exc:
        view["reason"] = str(exc)
        return view
    principal = current_principal()
    editable = principal is not None and "set_placement" in allowed_events(job, actor(principal))
    wanted = placing.JobPlacement.from_row(job.placement)
    return {**view, "modelled": True, "editable": editable, "face": face,
            "faces": face_names(spec), "placement": wanted,
            # the job's version in the address: a saved placement is never shown from cache
            "png_url": url_for("cnc.piece_png", job_id=job.id, v=job.version),
            "glb_url": url_for("cnc.piece_glb", job_id=job.id),
            "check_url": url_for("cnc.check_placement", job_id=job.id),
            "save_url": url_for("cnc.save_placement", job_id=job.id)}


@bp.get("/jobs/<int:job_id>/piece.png")
@station_required(STATION)
def piece_png(job_id: int) -> Response:
    """The piece with the design placed on its face: the job's placement, or the one in the
    query (mode, scale, rotation_deg, offset_x, offset_y, face) while it is being adjusted."""
    job = _job_or_404(job_id)
    spec, face, svg = _inputs(job, request.args.get("face"))
    png, _checked = placing.preview_png(spec, face, svg, _wanted(job, request.args))
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=60"})


@bp.get("/jobs/<int:job_id>/piece.glb")
@station_required(STATION)
def piece_glb(job_id: int) -> Response:
    from cam.pieces.render import piece_glb as glb

    job = _job_or_404(job_id)
    spec, _face, _svg = _inputs(job)
    piece = db().get_one(Piece, job.piece_id)
    return Response(glb(spec), mimetype="model/gltf-binary", headers={
        "Content-Disposition": f'attachment; filename="{piece.certificate_no}.glb"'})


@bp.post("/jobs/<int:job_id>/placement/check")
@station_required(STATION)
def check_placement(job_id: int):  # type: ignore[no-untyped-def]
    """Answer at once: ok with the placement the program would use, or the refusal (overflow
    in mm and where), and the picture of it either way. Nothing is stored."""
    job = _job_or_404(job_id)
    values = request.get_json(silent=True) or request.form
    spec, face, svg = _inputs(job, values.get("face"))
    wanted = _wanted(job, values)
    checked = placing.check(spec, face, svg, wanted)
    resolved = checked.placement
    return jsonify({
        "ok": checked.ok, "face": face, "asked": wanted.describe(),
        "message": resolved.describe() if resolved is not None else checked.reason,
        "placement": None if resolved is None else {
            "scale": resolved.scale, "rotation_deg": resolved.rotation_deg,
            "offset_x": resolved.offset_x, "offset_y": resolved.offset_y},
        "preview_url": url_for("cnc.piece_png", job_id=job.id, **_query(wanted, face)),
    })


@bp.post("/jobs/<int:job_id>/placement")
@station_required(STATION)
def save_placement(job_id: int):  # type: ignore[no-untyped-def]
    """Record the placement through the workflow (who, when, from, to, why); the program is
    generated again. A placement off the stone is refused with the overflow."""
    job = _job_or_404(job_id)
    body = request.get_json(silent=True)
    values: Mapping[str, Any] = body if isinstance(body, dict) else request.form
    data = {k: str(values[k]) for k in (*PLACEMENT_FIELDS, "face", "reason")
            if values.get(k) not in (None, "")}
    version = _version(values.get("version"))
    fired = fire_from_form(job.id, "set_placement", data, version=version)
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify({"ok": True, "state": fired.state, "version": fired.version,
                        "placement": fired.placement, "face": fired.face})
    flash(_("Placement saved: the program is being generated again."), "success")
    return redirect(url_for("cnc.job", job_id=job.id))


def _version(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError) as exc:
        raise ActionRefused(_("The page sent a malformed job version; reload it."), 400) from exc

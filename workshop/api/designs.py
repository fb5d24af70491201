"""The design library: list (offered only where a design fits), read, upload (checked by the
CAM: refused with its reason), new versions of the terms, and the preview."""

from __future__ import annotations

from flask import Response, request
from sqlalchemy import select

from jobs.quotes import fits
from workshop import artifacts
from workshop.api.base import body, bp, caller, db, settings
from workshop.designs import library
from workshop.errors import Invalid, NotFound
from workshop.models import Design, DesignPreview, Piece


@bp.get("/designs")
def list_designs():  # type: ignore[no-untyped-def]
    caller("designs.read")
    session = db()
    query = select(Design).order_by(Design.code)
    if source := request.args.get("source"):
        query = query.where(Design.source == source)
    designs = list(session.scalars(query))
    if tag := request.args.get("tag"):
        designs = [d for d in designs if tag in (d.tags or [])]
    if number := request.args.get("certificate_no"):
        piece = session.scalar(select(Piece).where(Piece.certificate_no == number))
        if piece is None:
            raise NotFound(f"no piece with certificate {number}", certificate_no=number)
        face = request.args.get("face", "front")
        designs = [d for d in designs if fits(session, d, piece, face) is None]
    return {"items": [library.design_summary(d) for d in designs], "total": len(designs)}


@bp.get("/designs/<code>")
def get_design(code: str):  # type: ignore[no-untyped-def]
    caller("designs.read")
    session = db()
    return library.design_json(session, library.get_design(session, code))


@bp.get("/designs/<code>/preview")
def design_preview(code: str):  # type: ignore[no-untyped-def]
    caller("designs.read")
    session = db()
    design = library.get_design(session, code)
    preview = session.scalar(select(DesignPreview).where(DesignPreview.design_id == design.id))
    if preview is None:
        raise NotFound(f"design {code} has no preview (added before previews were drawn)")
    return Response(artifacts.read(settings(), preview.sha256), mimetype="image/svg+xml")


@bp.post("/designs")
def create_design():  # type: ignore[no-untyped-def]
    principal = caller("designs.create")
    data = body("DesignUpload")
    design = library.create_design(db(), settings(), data, principal.label)
    return library.design_json(db(), design), 201


@bp.post("/designs/<code>/terms")
def add_terms(code: str):  # type: ignore[no-untyped-def]
    caller("designs.create")
    data = body("DesignTermsIn")
    session = db()
    design = library.get_design(session, code)
    if not data.get("shares"):
        raise Invalid("new terms need the owners' shares", field="shares")
    library.add_terms(session, design, data)
    session.commit()
    return library.design_json(session, design), 201

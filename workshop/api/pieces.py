"""POST /pieces: registration of a piece at sale, with its certificate number and data."""

from __future__ import annotations

from jobs import intake
from workshop.api import serialize
from workshop.api.base import actor_for, body, bp, caller, db


@bp.post("/pieces")
def register_piece():  # type: ignore[no-untyped-def]
    principal = caller("pieces.register")
    data = body("PieceIn")
    session = db()
    piece = intake.register_piece(session, data, actor_for(principal))  # commits
    return serialize.piece(session, piece), 201

"""GET /quotes: the lines of the bill for a piece + design + carving mode + delivery.

Amounts are exact decimal strings in the workshop's currency (rounding: ROUND_HALF_EVEN to the
minor unit, once per line); the platform charges exactly these lines.
"""

from __future__ import annotations

import datetime as dt

from flask import request
from sqlalchemy import select

from jobs.quotes import QuoteError, quote
from workshop.api.base import bp, caller, db, settings
from workshop.errors import Invalid, NotFound
from workshop.models import Design, Piece


def _required(name: str) -> str:
    value = request.args.get(name, "").strip()
    if not value:
        raise Invalid(f"query parameter {name} is required", field=name)
    return value


def _day() -> dt.date | None:
    raw = request.args.get("date")
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise Invalid("date must be YYYY-MM-DD", field="date") from exc


@bp.get("/quotes")
def get_quote():  # type: ignore[no-untyped-def]
    caller("quotes.read")
    session = db()
    number = _required("certificate_no")
    piece = session.scalar(select(Piece).where(Piece.certificate_no == number))
    if piece is None:
        raise NotFound(f"no piece with certificate {number}", certificate_no=number)
    design = None
    if code := request.args.get("design_code", "").strip():
        design = session.scalar(select(Design).where(Design.code == code))
        if design is None:
            raise NotFound(f"no design {code}", design_code=code)
    try:
        bill = quote(session, piece, design, _required("carving_mode"),
                     request.args.get("delivery", "pickup"), settings(),
                     face=request.args.get("face", "front"), day=_day())
    except QuoteError as exc:
        raise Invalid(str(exc)) from exc
    return {"certificate_no": number, "design_code": design.code if design else None,
            **bill.to_json()}

"""The design library station (managers): the designs with their owners and terms, and each
owner's royalty statement for a period, as a page and as CSV (the same rows, the same totals)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from jobs import royalties
from workshop.designs import library
from workshop.models import Design
from workshop.web.guard import station_required
from workshop.web.session import db

bp = Blueprint("designs", __name__, url_prefix="/designs", template_folder="templates")

# the same people as the production board (supervisors, admins); not a station of its own in
# the header, so it is opened from the URL or the board
STATION = "supervisor"


@bp.get("/")
@station_required(STATION)
def index():  # type: ignore[no-untyped-def]
    session = db()
    designs = [library.design_json(session, d)
               for d in session.scalars(select(Design).order_by(Design.code))]
    return render_template("designs/library.html", designs=designs,
                           parties=royalties.parties(session))


def _period() -> tuple[dt.date, dt.date]:
    """``start`` and ``end`` (inclusive) from the query; the current month by default."""
    today = dt.datetime.now(dt.UTC).date()
    try:
        start = dt.date.fromisoformat(request.args.get("start") or today.replace(day=1).isoformat())
        end = dt.date.fromisoformat(request.args.get("end") or today.isoformat())
    except ValueError:
        abort(400, description=_("Dates are written YYYY-MM-DD."))
    if end < start:
        abort(400, description=_("The period ends before it starts."))
    return start, end


def _statement() -> royalties.Statement:
    party = request.args.get("party_ref", "").strip()
    if not party:
        abort(400, description=_("Choose an owner."))
    start, end = _period()
    return royalties.statement(db(), party, start, end)


@bp.get("/statement")
@station_required(STATION)
def statement():  # type: ignore[no-untyped-def]
    found = _statement()
    return render_template("designs/statement.html", statement=found,
                           parties=royalties.parties(db()))


@bp.get("/statement.csv")
@station_required(STATION)
def statement_csv():  # type: ignore[no-untyped-def]
    found = _statement()
    name = f"royalties-{found.party_ref}-{found.start}-{found.end}.csv"
    return Response(found.to_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

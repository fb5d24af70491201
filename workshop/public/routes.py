"""The customer's tracking page ``/track/<token>`` and its JSON ``/track/<token>.json``.

The token is the job's unguessable ``tracking_token`` (192 random bits), never the job id. An
unknown token gets the same plain 404 as a malformed one. The answer is not cached and the
token never leaves in a Referer header.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, make_response, render_template
from flask_babel import gettext as _

from workshop.public.timeline import STAGES, public_status
from workshop.web.session import db

__all__ = ["bp"]

bp = Blueprint("public", __name__)


@bp.get("/track/<token>")
def track(token: str):  # type: ignore[no-untyped-def]
    as_json = token.endswith(".json")
    if as_json:
        token = token.removesuffix(".json")
    status = public_status(db(), token)
    if status is None:
        abort(404, description=_("No carving job is tracked under this link. Check the link "
                                 "on your receipt."))
    if as_json:
        response = jsonify(status.as_json())
    else:
        response = make_response(
            render_template("public/track.html", status=status, stages=STAGES, token=token))
    return _private(response)


def _private(response):  # type: ignore[no-untyped-def]
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response

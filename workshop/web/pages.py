"""Refusals answered as pages: a 4xx met in the browser shows the site's frame (header, language,
the way back) with the reason, instead of a bare error text.

JSON callers and the API keep the answers of ``workshop/errors.py``; so does every 5xx, whose
page must not depend on the database that may be what failed.
"""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from workshop import errors
from workshop.errors import WorkshopError

__all__ = ["init_pages"]


def _as_page(status: int, message: str):  # type: ignore[no-untyped-def]
    return render_template("error.html", status=status, message=message,
                           back=request.referrer), status


def init_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        status = exc.code or 500
        if status >= 500 or errors._wants_json():
            return errors._answer(status, (exc.name or "error").lower().replace(" ", "_"),
                                  exc.description or "")
        return _as_page(status, exc.description or exc.name)

    @app.errorhandler(WorkshopError)
    def _workshop_error(exc: WorkshopError):  # type: ignore[no-untyped-def]
        if exc.status >= 500 or errors._wants_json():
            return errors._answer(exc.status, exc.code, exc.message, exc.details or None)
        return _as_page(exc.status, exc.message)

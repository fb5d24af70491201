"""One place that maps named exceptions to HTTP answers with the reason in the body.

JSON for the API (and any client that asks for JSON), a short HTML page otherwise. A 500 rolls
back the request's session first.
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from cam.errors import CamError
from jobs import errors as jobs_errors


class WorkshopError(Exception):
    """Base of the application's named errors; ``status`` is the HTTP code to answer with."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(WorkshopError):
    status, code = 404, "not_found"


class Unauthorized(WorkshopError):
    status, code = 401, "unauthorized"


class Forbidden(WorkshopError):
    status, code = 403, "forbidden"


class Conflict(WorkshopError):
    status, code = 409, "conflict"


class Invalid(WorkshopError):
    status, code = 422, "invalid"


# the workflow and the CAM raise their own named errors (they never import the application);
# they are mapped to HTTP here. Flask picks the most specific class, so PickupCodeRejected wins
# over its base GuardFailed.
NAMED_ERRORS: list[tuple[type[Exception], int, str]] = [
    (jobs_errors.JobNotFound, 404, "not_found"),
    (jobs_errors.IllegalTransition, 409, "illegal_transition"),
    (jobs_errors.StaleVersion, 409, "stale_version"),
    (jobs_errors.GuardFailed, 409, "guard_failed"),
    (jobs_errors.PickupCodeRejected, 409, "pickup_code_rejected"),
    (jobs_errors.OrderConflict, 409, "order_conflict"),
    (jobs_errors.PieceConflict, 409, "piece_conflict"),
    (jobs_errors.NotAllowed, 403, "forbidden"),
    (jobs_errors.InvalidPayload, 422, "invalid"),
    (CamError, 422, "cam_refused"),
]


def _details_of(exc: Exception) -> dict | None:
    details = getattr(exc, "details", None)
    return dict(details) if isinstance(details, dict) and details else None


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json"


def _answer(status: int, code: str, message: str, details: dict | None = None):  # type: ignore[no-untyped-def]
    if _wants_json():
        body: dict[str, object] = {"error": code, "message": message}
        if details:
            body["details"] = details
        return jsonify(body), status
    from markupsafe import escape

    return f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>", status


def init_app(app: Flask) -> None:
    @app.errorhandler(WorkshopError)
    def _workshop_error(exc: WorkshopError):  # type: ignore[no-untyped-def]
        return _answer(exc.status, exc.code, exc.message, exc.details or None)

    for cls, status, code in NAMED_ERRORS:
        app.register_error_handler(cls, _named_handler(status, code))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        return _answer(exc.code or 500, (exc.name or "error").lower().replace(" ", "_"),
                       exc.description or "")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error")
        return _answer(500, "internal_error", "internal error; nothing was changed")


def _named_handler(status: int, code: str):  # type: ignore[no-untyped-def]
    def handle(exc: Exception):  # type: ignore[no-untyped-def]
        return _answer(status, code, str(exc) or code.replace("_", " "), _details_of(exc))

    return handle

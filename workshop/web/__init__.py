"""The browser side shared by every station: accounts (login, logout, landing), CSRF, secure
session cookies, languages, the request's database session and the page guard.

Stations build on it::

    from workshop.web.guard import station_required, current_principal
    from workshop.web.session import db, fire_from_form, ActionRefused

and their templates ``{% extends "base.html" %}`` and ``{% import "_macros.html" as m %}``.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, flash, render_template, request
from redis import Redis

from workshop.web import csrf
from workshop.web.i18n import current_lang, init_i18n
from workshop.web.labels import init_labels
from workshop.web.pages import init_pages
from workshop.web.session import ActionRefused, close_session, settings
from workshop.web.throttle import LoginThrottle

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from workshop.web.accounts import bp

    public_url = app.extensions["workshop"]["settings"].public_base_url
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=public_url.startswith("https://"),
        SESSION_COOKIE_NAME="workshop_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=12),  # one working day at the bench
    )
    init_i18n(app)
    init_labels(app)
    shared = app.extensions["workshop"]
    base_s = app.config.get("LOGIN_DELAY_BASE_S", 1.0)

    def store() -> Redis | None:  # every server process and host counts in the same Redis
        from workshop.redis_conn import app_redis

        return app_redis(shared, shared["settings"])

    prefix = shared["settings"].queue_prefix
    app.extensions["login_throttle"] = {
        "user": LoginThrottle(free=3, base_s=base_s, store=store, prefix=prefix),
        # an office shares one address: more attempts before the address itself is slowed
        "ip": LoginThrottle(free=20, base_s=base_s, store=store, prefix=prefix),
    }
    app.before_request(csrf.check)
    app.after_request(_security_headers)
    app.context_processor(_template_context)
    app.teardown_appcontext(close_session)
    app.register_error_handler(ActionRefused, _refused)
    init_pages(app)
    app.register_blueprint(bp)


def _security_headers(response):  # type: ignore[no-untyped-def]
    # no page of ours is meant to be framed by another site (clickjacking) or sniffed into
    # another type; a page may set a stricter referrer policy (the tracking page does)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _template_context() -> dict[str, object]:
    from workshop.web.guard import current_principal, current_user

    return {"current_user": current_principal(), "current_user_row": current_user(),
            "csrf_token": csrf.csrf_token, "lang": current_lang(),
            "public_base_url": settings().public_base_url}


def _refused(exc: ActionRefused):  # type: ignore[no-untyped-def]
    """A change refused from a page: the reason (already flashed by ``fire_from_form`` or
    flashed here), with a way back; JSON for a fetch."""
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return {"error": "refused", "message": exc.message, "details": exc.details}, exc.status
    if not exc.flashed:
        flash(exc.message, "error")
    return render_template("refused.html", message=exc.message,
                           back=request.referrer), exc.status

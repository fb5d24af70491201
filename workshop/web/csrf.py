"""CSRF protection for every form and every fetch that changes something.

A random token lives in the (signed, HttpOnly) session; each form carries it in the hidden field
``csrf_token`` and each ``fetch`` in the ``X-CSRFToken`` header (static/app.js adds it from the
page's ``<meta name="csrf-token">``). A state-changing request without the right token is a 400.
The JSON API under /api/ is exempt: it authenticates by bearer token, which a foreign page
cannot make a browser send.
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session
from flask_babel import gettext as _

__all__ = ["EXEMPT_PREFIXES", "check", "csrf_token"]

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRFToken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
EXEMPT_PREFIXES = ("/api/",)


def csrf_token() -> str:
    """This session's token (created on first use)."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def check() -> None:
    """``before_request`` hook: refuse a state-changing request without the session's token."""
    if request.method in SAFE_METHODS or request.path.startswith(EXEMPT_PREFIXES):
        return
    expected = session.get(SESSION_KEY)
    sent = request.headers.get(HEADER) or request.form.get(FORM_FIELD)
    if not expected or not sent:
        abort(400, description=_("The form's security token is missing: reload the page and "
                                 "send it again."))
    if not hmac.compare_digest(str(expected), str(sent)):
        abort(400, description=_("The form's security token does not match this session (it "
                                 "may have expired): reload the page and send it again."))

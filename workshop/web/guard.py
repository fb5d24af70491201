"""Who is logged in, and the gate in front of every station page.

The session cookie carries only the user's id (``session["user_id"]``); the user is read from
the database on each request, so a deactivated account or a changed role takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, redirect, render_template, request, session, url_for

from workshop.models import User
from workshop.permissions import STATIONS, Principal, may_open_station

__all__ = ["current_principal", "current_user", "login_user", "logout_user", "station_required"]

F = TypeVar("F", bound=Callable[..., Any])

SESSION_KEY = "user_id"


def current_user() -> User | None:
    """The logged-in, active user of this request, or None."""
    if "web_user" not in g:
        from workshop.web.session import db

        user_id = session.get(SESSION_KEY)
        user = db().get(User, user_id) if isinstance(user_id, int) else None
        g.web_user = user if user is not None and user.active else None
    return g.web_user  # type: ignore[no-any-return]


def current_principal() -> Principal | None:
    user = current_user()
    if user is None:
        return None
    return Principal("user", user.id, user.username, user.role, user.store_id)


def login_user(user: User) -> None:
    # a fresh session on login: nothing an attacker planted before survives (session fixation)
    lang = session.get("lang")
    session.clear()
    session[SESSION_KEY] = user.id
    if lang:
        session["lang"] = lang
    session.permanent = True
    g.pop("web_user", None)


def logout_user() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    g.pop("web_user", None)


def station_required(station: str) -> Callable[[F], F]:
    """Only a logged-in user whose role may open ``station`` gets through.

    Not logged in: redirect to ``/login?next=<this page>``. Wrong role: a 403 page saying why.
    """
    if station not in STATIONS and station != "public":
        raise KeyError(f"unknown station {station!r}")

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal is None:
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            if not may_open_station(principal.role, station):
                return forbidden(station, principal)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def forbidden(station: str, principal: Principal) -> tuple[str, int]:
    allowed = sorted(STATIONS.get(station, frozenset()))
    return render_template("forbidden.html", station=station, role=principal.role,
                           allowed=allowed), 403

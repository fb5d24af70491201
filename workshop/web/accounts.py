"""Login, logout and the landing page that sends each person to the own station."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.routing import BuildError

from workshop.auth import check_password
from workshop.models import Role, User
from workshop.web.guard import current_principal, login_user, logout_user
from workshop.web.session import db
from workshop.web.throttle import LoginThrottle

__all__ = ["HOME_STATION", "bp", "home_url"]

bp = Blueprint("accounts", __name__)

# where each role starts its day; each station's blueprint has an ``index`` endpoint
HOME_STATION = {
    Role.ADMIN: "supervisor", Role.SUPERVISOR: "supervisor", Role.CNC_OPERATOR: "cnc",
    Role.ARTISAN: "artisan", Role.STORE_CLERK: "store",
}


def home_url(role: str) -> str | None:
    station = HOME_STATION.get(Role(role)) if role in set(Role) else None
    if station is None:
        return None
    try:
        return url_for(f"{station}.index")
    except BuildError:  # that station is not installed
        return None


@bp.get("/")
def landing():  # type: ignore[no-untyped-def]
    principal = current_principal()
    if principal is None:
        return redirect(url_for("accounts.login"))
    target = home_url(principal.role)
    if target is not None:
        return redirect(target)
    return render_template("landing.html")


def _safe_next(raw: str | None) -> str | None:
    """Only a path on this site: ``next`` must never send someone to another host."""
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or not raw.startswith("/") or raw.startswith("//"):
        return None
    return raw


def _throttles() -> tuple[LoginThrottle, LoginThrottle]:
    t = current_app.extensions["login_throttle"]
    return t["user"], t["ip"]


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_url, username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    user_throttle, ip_throttle = _throttles()
    user_key, ip_key = f"user:{username.lower()}", f"ip:{request.remote_addr}"
    wait = max(user_throttle.wait_seconds(user_key), ip_throttle.wait_seconds(ip_key))
    if wait > 0:
        flash(_("Too many failed attempts. Try again in %(s)d seconds.", s=int(wait) + 1), "error")
        return render_template("login.html", next=next_url, username=username), 429
    if not username or not password:
        flash(_("Enter your user name and password."), "error")
        return render_template("login.html", next=next_url, username=username), 400
    user = db().scalar(select(User).where(User.username == username))
    if user is None or not user.active or not check_password(user, password):
        return _failed(user, username, next_url, user_key, ip_key)
    user.failed_logins = 0
    db().commit()
    user_throttle.succeeded(user_key)
    login_user(user)
    return redirect(next_url or home_url(user.role) or url_for("accounts.landing"))


def _failed(user: User | None, username: str, next_url: str | None, user_key: str,
            ip_key: str):  # type: ignore[no-untyped-def]
    if user is not None:
        user.failed_logins += 1
        db().commit()
    user_throttle, ip_throttle = _throttles()
    wait = max(user_throttle.failed(user_key), ip_throttle.failed(ip_key))
    # the same words whether the name or the password was wrong: names are not disclosed
    message = _("User name or password is wrong.")
    if wait > 0:
        message += " " + _("Try again in %(s)d seconds.", s=int(wait) + 1)
    flash(message, "error")
    return render_template("login.html", next=next_url, username=username), 401


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))

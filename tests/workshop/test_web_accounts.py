"""Login, logout, the landing page by role, the station guard and the session cookie."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Blueprint
from sqlalchemy import select

from tests.web_support import PASSWORDS, csrf_from, log_in
from workshop.models import User


def _login(client: Any, username: str, password: str, **extra: str) -> Any:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token, **extra})


def test_login_page_is_open_and_landing_sends_strangers_to_it(client: Any) -> None:
    assert client.get("/login").status_code == 200
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


@pytest.mark.parametrize("username,station", [
    ("supervisor", "/supervisor/"), ("operator", "/cnc/"), ("artisan.wang", "/artisan/"),
    ("clerk", "/store/"), ("admin", "/supervisor/"),
])
def test_login_sends_each_role_to_its_station(app: Any, seeded: Any, username: str,
                                              station: str) -> None:
    if not any(r.rule.startswith(station) for r in app.url_map.iter_rules()):
        pytest.skip(f"{station} is not installed")
    client = app.test_client()
    response = _login(client, username, PASSWORDS[username])
    assert response.status_code == 302
    assert response.headers["Location"] == station
    assert client.get("/").headers["Location"] == station


def test_wrong_password_is_refused_with_the_same_words_as_an_unknown_name(
        client: Any, seeded: Any) -> None:
    wrong = _login(client, "supervisor", "not-the-password")
    unknown = _login(client, "nobody-here", "whatever")
    assert wrong.status_code == unknown.status_code == 401
    assert "User name or password is wrong" in wrong.get_data(as_text=True) or \
        "用户名或密码错误" in wrong.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not logged in
    with seeded() as session:
        user = session.scalar(select(User).where(User.username == "supervisor"))
        assert user.failed_logins == 1


def test_login_follows_a_local_next_but_never_another_host(client: Any, seeded: Any) -> None:
    response = _login(client, "clerk", PASSWORDS["clerk"], next="/track/abc")
    assert response.headers["Location"] == "/track/abc"
    other = client.application.test_client()
    response = _login(other, "clerk", PASSWORDS["clerk"], next="https://evil.example/x")
    assert "evil.example" not in response.headers["Location"]
    response = _login(other, "clerk", PASSWORDS["clerk"], next="//evil.example/x")
    assert "evil.example" not in response.headers["Location"]


def test_inactive_user_cannot_log_in(client: Any, seeded: Any) -> None:
    with seeded() as session:
        session.scalar(select(User).where(User.username == "clerk")).active = False
        session.commit()
    assert _login(client, "clerk", PASSWORDS["clerk"]).status_code == 401


def test_logout_ends_the_session(client: Any, seeded: Any) -> None:
    token = log_in(client, "supervisor")
    assert client.get("/").headers["Location"] != "/login"
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/login")


def test_session_cookie_is_httponly_and_lax(client: Any, seeded: Any) -> None:
    response = _login(client, "supervisor", PASSWORDS["supervisor"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over http in tests


def test_session_cookie_is_secure_behind_https(settings: Any, session_factory: Any) -> None:
    import dataclasses

    from workshop.app import create_app

    app = create_app(dataclasses.replace(settings, public_base_url="https://jade.example"))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def _guarded_app(app: Any) -> Any:
    """A page behind each station's guard, whatever the stations themselves serve."""
    from workshop.web.guard import station_required

    bp = Blueprint("probe", __name__)
    for station in ("supervisor", "cnc", "artisan", "store"):
        bp.add_url_rule(f"/probe/{station}", f"probe_{station}",
                        station_required(station)(lambda s=station: f"inside {s}"))
    app.register_blueprint(bp)
    return app


@pytest.mark.parametrize("username,station,allowed", [
    ("clerk", "store", True), ("clerk", "supervisor", False), ("clerk", "cnc", False),
    ("artisan.wang", "artisan", True), ("artisan.wang", "store", False),
    ("operator", "cnc", True), ("operator", "artisan", False),
    ("supervisor", "supervisor", True), ("supervisor", "cnc", True),
    ("admin", "store", True),
])
def test_station_guard_by_role(app: Any, seeded: Any, username: str, station: str,
                               allowed: bool) -> None:
    client = _guarded_app(app).test_client()
    log_in(client, username)
    response = client.get(f"/probe/{station}")
    if allowed:
        assert response.status_code == 200
        assert response.get_data(as_text=True) == f"inside {station}"
    else:
        assert response.status_code == 403
        page = response.get_data(as_text=True)
        assert 'id="forbidden"' in page
        assert f"inside {station}" not in page


def test_station_guard_sends_strangers_to_login_with_next(app: Any, seeded: Any) -> None:
    client = _guarded_app(app).test_client()
    response = client.get("/probe/cnc?machine=2")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/login?next=")
    assert "probe/cnc" in location
    # and after logging in, there it goes
    token = csrf_from(client.get(location).get_data(as_text=True))
    from urllib.parse import parse_qs, urlsplit

    next_url = parse_qs(urlsplit(location).query)["next"][0]
    response = client.post("/login", data={"username": "operator", "csrf_token": token,
                                           "password": PASSWORDS["operator"], "next": next_url})
    assert response.headers["Location"] == "/probe/cnc?machine=2"


def test_deactivating_a_user_logs_them_out_at_once(app: Any, seeded: Any) -> None:
    client = _guarded_app(app).test_client()
    log_in(client, "operator")
    assert client.get("/probe/cnc").status_code == 200
    with seeded() as session:
        session.scalar(select(User).where(User.username == "operator")).active = False
        session.commit()
    assert client.get("/probe/cnc").status_code == 302


def test_pages_refuse_framing_and_sniffing(client: Any, seeded: Any) -> None:
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("username,stations", [
    ("admin", {"supervisor", "cnc", "artisan", "store"}),
    ("supervisor", {"supervisor", "cnc", "artisan", "store"}),
    ("operator", {"cnc"}), ("artisan.wang", {"artisan"}), ("clerk", {"store"}),
])
def test_the_header_offers_only_the_roles_stations(app: Any, seeded: Any, username: str,
                                                   stations: set[str]) -> None:
    import re

    client = app.test_client()
    log_in(client, username)
    page = client.get("/login").get_data(as_text=True)
    nav = page[page.index('<nav class="stations"'):page.index("</nav>")]
    linked = set(re.findall(r'href="/([a-z]+)/"', nav))
    installed = {s for s in stations if f"{s}.index" in app.view_functions}
    assert linked == installed

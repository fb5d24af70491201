"""Authentication and endpoint permissions: 401 with a reason, 403 with a reason."""

from __future__ import annotations

import pytest

from workshop import permissions
from workshop.models import Role


@pytest.mark.parametrize("headers, reason", [
    ({}, "credentials required"),
    ({"Authorization": "Bearer wst_not-a-real-token"}, "not recognised"),
    ({"Authorization": "Bearer wak_not-a-real-key"}, "not recognised"),
    ({"Authorization": "Bearer something-else"}, "not recognised"),
    ({"Authorization": "Basic dXNlcjpwdw=="}, "Bearer"),
    ({"X-API-Key": "wak_wrong"}, "not recognised"),
])
def test_missing_or_bad_credentials_are_401(client, crew, headers, reason) -> None:
    response = client.get("/api/v1/jobs", headers=headers)
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"] == "unauthorized" and reason in body["message"]


def test_staff_token_and_api_key_are_accepted(client, crew) -> None:
    assert client.get("/api/v1/jobs", headers=crew["artisan"]).status_code == 200
    key = crew["platform"]["Authorization"].split()[1]
    response = client.post("/api/v1/pieces", headers={"X-API-Key": key}, json={})
    assert response.status_code == 422  # authenticated, then the empty body is refused


def test_platform_key_may_not_read_jobs(client, crew) -> None:
    response = client.get("/api/v1/jobs", headers=crew["platform"])
    assert response.status_code == 403
    body = response.get_json()
    assert "platform" in body["message"] and body["details"]["action"] == "jobs.list"


def test_inactive_user_token_stops_working(client, crew, session_factory) -> None:
    from sqlalchemy import update

    from workshop.models import User

    with session_factory() as session:
        session.execute(update(User).where(User.id == crew.user_ids["artisan"]).values(active=False))
        session.commit()
    assert client.get("/api/v1/jobs", headers=crew["artisan"]).status_code == 401


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_staff_role_may_read_jobs_but_only_some_register_pieces(role) -> None:
    who = permissions.Principal("user", 1, "x", role)
    assert permissions.may(who, "jobs.read")
    expected = role in {"admin", "supervisor", "store_clerk"}
    assert permissions.may(who, "pieces.register") is expected


@pytest.mark.parametrize("role, station, allowed", [
    ("cnc_operator", "cnc", True), ("cnc_operator", "artisan", False),
    ("artisan", "artisan", True), ("artisan", "supervisor", False),
    ("store_clerk", "store", True), ("store_clerk", "cnc", False),
    ("supervisor", "cnc", True), ("admin", "store", True),
    ("platform", "supervisor", False), ("platform", "public", True),
])
def test_station_permissions(role, station, allowed) -> None:
    assert permissions.may_open_station(role, station) is allowed


def test_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        permissions.may(permissions.Principal("user", 1, "x", "admin"), "jobs.delete")


def test_login_issues_a_new_token_that_replaces_the_old(client, crew, session_factory):
    r = client.post("/api/v1/tokens", json={"username": "artisan1", "password": "pw"})
    assert r.status_code == 201
    body = r.get_json()
    assert body["token"].startswith("wst_") and body["role"] == "artisan"
    new = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/v1/jobs", headers=new).status_code == 200
    assert client.get("/api/v1/jobs", headers=crew["artisan"]).status_code == 401


@pytest.mark.parametrize("username, password", [("artisan1", "wrong"), ("nobody", "pw")])
def test_login_refused_alike_and_counted(client, crew, session_factory, username, password):
    from sqlalchemy import select

    from workshop.models import User

    r = client.post("/api/v1/tokens", json={"username": username, "password": password})
    assert r.status_code == 401
    assert r.get_json()["message"] == "username or password not recognised"
    with session_factory() as s:
        failed = s.scalar(select(User.failed_logins).where(User.username == "artisan1"))
    assert failed == (1 if username == "artisan1" else 0)
    assert client.get("/api/v1/jobs", headers=crew["artisan"]).status_code == 200


def test_login_needs_both_fields(client, crew):
    r = client.post("/api/v1/tokens", json={"username": "artisan1"})
    assert r.status_code == 422 and "password" in r.get_json()["message"]

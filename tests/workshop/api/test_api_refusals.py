"""Refusals through the API: the status code, the reason in the body, and the database unchanged."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.workshop.api.flow import (
    WEDDING_SET,
    fire,
    job,
    line,
    order_body,
    place_order,
    receive,
    register,
    send,
)
from workshop.models import Assignment, Certificate, Event, Job, Order, Outbox


def snapshot(session_factory) -> tuple:
    """Everything a transition could touch."""
    with session_factory() as s:
        return (
            [(j.id, j.state, j.version, j.route, j.rework_count, j.review_reason, j.held_from)
             for j in s.scalars(select(Job).order_by(Job.id))],
            [(e.job_id, e.seq, e.event) for e in s.scalars(select(Event).order_by(Event.id))],
            [(o.id, o.kind, o.status) for o in s.scalars(select(Outbox).order_by(Outbox.id))],
            [(c.number, c.status) for c in s.scalars(select(Certificate).order_by(Certificate.id))],
            [(a.id, a.active) for a in s.scalars(select(Assignment).order_by(Assignment.id))],
            [(o.id, o.pickup_attempts) for o in s.scalars(select(Order).order_by(Order.id))],
        )


@pytest.fixture
def open_ticket(client, crew) -> int:
    """A hand job received at the counter: state ticket_open."""
    register(client, crew, WEDDING_SET[0])
    [job_id] = place_order(client, crew, order_body("TM-REF", [line(WEDDING_SET[0][0])]))
    receive(client, crew, job_id, WEDDING_SET[0][2])
    return job_id


@pytest.mark.parametrize("event, who, data, version_offset, status, error, words", [
    ("finish", "supervisor", {}, 0, 409, "illegal_transition", "not possible while the job is"),
    ("receive", "store_clerk", {"channel": "store_counter", "mass_g": "38.52"}, 0, 409,
     "illegal_transition", "ticket_open"),
    ("hold", "supervisor", {"reason": "checking"}, -1, 409, "stale_version", "version"),
    ("hold", "supervisor", {"reason": "checking"}, +1, 409, "stale_version", "reload"),
    ("reroute", "artisan", {"route": "machine"}, 0, 403, "forbidden", "artisan may not"),
    ("qc_pass", "store_clerk", {}, 0, 403, "forbidden", "store_clerk"),
    ("cancel", "platform", {"reason": "x"}, 0, 403, "forbidden", "platform"),
    ("program_ready", "admin", {}, 0, 403, "forbidden", "admin may not"),
    ("reroute", "supervisor", {"route": "laser"}, 0, 422, "invalid", "route"),
    ("reroute", "supervisor", {}, 0, 422, "invalid", "route required"),
    ("hold", "supervisor", {"reason": "x", "colour": "green"}, 0, 422, "invalid", "colour"),
    ("assign", "supervisor", {"artisan_id": "seven"}, 0, 422, "invalid", "integer"),
    ("assign", "supervisor", {"artisan_id": 999}, 0, 422, "invalid", "not an active artisan"),
    ("teleport", "supervisor", {}, 0, 422, "invalid", "'teleport' is not one of"),
])
def test_refused_with_reason_and_nothing_written(client, crew, session_factory, open_ticket,
                                                 event, who, data, version_offset, status,
                                                 error, words):
    version = job(client, crew, open_ticket)["version"] + version_offset
    before = snapshot(session_factory)
    r = send(client, crew, open_ticket, event, who, version=max(version, 1), **data)
    assert r.status_code == status, r.get_json()
    body = r.get_json()
    assert body["error"] == error and words in body["message"]
    assert snapshot(session_factory) == before


def test_illegal_transition_lists_what_is_possible(client, crew, open_ticket):
    r = send(client, crew, open_ticket, "qc_pass", "supervisor")
    details = r.get_json()["details"]
    assert details["state"] == "ticket_open" and "assign" in details["allowed_events"]


def test_stale_version_tells_the_current_one(client, crew, open_ticket):
    current = job(client, crew, open_ticket)["version"]
    r = send(client, crew, open_ticket, "hold", "supervisor", version=current - 1, reason="x")
    assert r.get_json()["details"]["version"] == current


@pytest.mark.parametrize("raw, content_type, words", [
    ('{"event": "hold", "version":', "application/json", "not valid JSON"),
    ("event=hold&version=3", "application/x-www-form-urlencoded", "Content-Type"),
    ('{"event": "hold", "version": "3"}', "application/json", "version"),
    ('{"event": "hold", "version": 3, "data": [1]}', "application/json", "data"),
    ('{"event": "hold", "version": 3, "extra": 1}', "application/json", "extra"),
    ('{"version": 3}', "application/json", "event"),
    ('{"event": "hold", "version": 3, "attachments": ["abc"]}', "application/json",
     "attachments/0"),
    ('["hold", 3]', "application/json", "object"),
])
def test_malformed_bodies_are_422(client, crew, session_factory, open_ticket, raw,
                                  content_type, words):
    before = snapshot(session_factory)
    r = client.post(f"/api/v1/jobs/{open_ticket}/events", data=raw,
                    headers={**crew["supervisor"], "Content-Type": content_type})
    assert r.status_code == 422
    body = r.get_json()
    assert body["error"] == "invalid" and words in body["message"]
    assert snapshot(session_factory) == before


def test_unknown_attachment_is_refused(client, crew, session_factory, open_ticket):
    before = snapshot(session_factory)
    r = client.post(f"/api/v1/jobs/{open_ticket}/events", headers=crew["supervisor"], json={
        "event": "hold", "version": job(client, crew, open_ticket)["version"],
        "data": {"reason": "crack?"}, "attachments": ["0" * 64]})
    assert r.status_code == 422 and "attachments" in r.get_json()["message"]
    assert snapshot(session_factory) == before


def test_unknown_job_is_404(client, crew):
    for r in (client.get("/api/v1/jobs/4040", headers=crew["supervisor"]),
              client.post("/api/v1/jobs/4040/events", headers=crew["supervisor"],
                          json={"event": "hold", "version": 1, "data": {"reason": "x"}})):
        assert r.status_code == 404 and "4040" in r.get_json()["message"]


def test_clerk_of_another_store_does_not_see_the_job(client, crew, open_ticket):
    assert client.get(f"/api/v1/jobs/{open_ticket}", headers=crew["other_clerk"]).status_code == 404
    listed = client.get("/api/v1/jobs", headers=crew["other_clerk"]).get_json()
    assert listed["total"] == 0
    assert client.get(f"/api/v1/jobs/{open_ticket}", headers=crew["store_clerk"]).status_code == 200


def test_two_transitions_at_once_one_wins_the_other_is_409(app, client, crew, open_ticket):
    """Two artisans' tablets report progress on one version: no lost update."""
    fire(client, crew, open_ticket, "assign", "artisan")
    fire(client, crew, open_ticket, "start", "artisan")
    before = job(client, crew, open_ticket)
    version, events_before = before["version"], len(before["events"])
    barrier = threading.Barrier(2)
    answers: dict[int, tuple[int, dict]] = {}

    def attempt(pct: int) -> None:
        own = app.test_client()  # one client per thread, as two tablets would be
        barrier.wait()
        r = own.post(f"/api/v1/jobs/{open_ticket}/events", headers=crew["artisan"],
                     json={"event": "progress", "version": version, "data": {"pct": pct}})
        answers[pct] = (r.status_code, r.get_json())

    threads = [threading.Thread(target=attempt, args=(pct,)) for pct in (30, 70)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(status for status, _ in answers.values()) == [200, 409], answers
    winner = next(pct for pct, (status, _) in answers.items() if status == 200)
    loser_body = next(body for status, body in answers.values() if status == 409)
    assert loser_body["error"] == "stale_version" and "reload" in loser_body["message"]
    after = job(client, crew, open_ticket)
    assert after["version"] == version + 1 and after["state"] == "carving"
    assert len(after["events"]) == events_before + 1
    assert after["events"][-1]["data"]["pct"] == winner
    assert after["assignment"]["progress_pct"] == winner

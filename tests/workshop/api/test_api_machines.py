"""The machines through the JSON API: the list, a status change and its refusals (each with
the reason, none writing anything), the recorded changes, and a job started through the API
running its machine."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from jobs import tasks
from tests.workshop.api.flow import (
    WEDDING_SET,
    fire,
    job,
    line,
    order_body,
    place_order,
    receive,
    register,
)
from workshop.models import MachineEvent


def _rows(session_factory: Any) -> list[MachineEvent]:
    with session_factory() as s:
        rows = list(s.scalars(select(MachineEvent).order_by(MachineEvent.id)))
        s.expunge_all()
        return rows


def _status(client: Any, crew: Any, machine_id: int, who: str = "cnc_operator",
            **body: Any) -> Any:
    return client.post(f"/api/v1/machines/{machine_id}/status", headers=crew[who], json=body)


def test_the_list_names_each_machine_with_its_status_axes_and_tools(client, crew,
                                                                    session_factory) -> None:
    from workshop.models import Tool

    with session_factory() as s:
        s.add(Tool(machine_id=crew.machine_ids["rotary"], name="ball-0.8", slot=2))
        s.commit()
    r = client.get("/api/v1/machines", headers=crew["store_clerk"])
    assert r.status_code == 200
    items = {m["code"]: m for m in r.get_json()["items"]}
    assert items["ENG-1"] == {
        "id": crew.machine_ids["engraver"], "code": "ENG-1", "name": "3-axis engraver",
        "profile": "engraver-3axis-grbl", "status": "idle", "accepts_work": True,
        "since": None, "reason": "", "axes": "XYZ", "tools_loaded": []}
    assert items["ROT-1"]["axes"] == "XYZA"
    assert items["ROT-1"]["tools_loaded"] == [{"slot": 2, "name": "ball-0.8"}]
    assert client.get("/api/v1/machines", headers=crew["platform"]).status_code == 403
    assert client.get("/api/v1/machines").status_code == 401


def test_a_status_change_is_answered_listed_and_recorded(client, crew, session_factory) -> None:
    eng = crew.machine_ids["engraver"]
    r = _status(client, crew, eng, status="maintenance", reason="spindle bearings")
    assert r.status_code == 200, r.get_json()
    answer = r.get_json()
    assert (answer["status"], answer["reason"], answer["changed"]) == (
        "maintenance", "spindle bearings", True)
    assert answer["accepts_work"] is False and answer["since"]
    listed = {m["code"]: m for m in client.get(
        "/api/v1/machines", headers=crew["supervisor"]).get_json()["items"]}["ENG-1"]
    assert (listed["status"], listed["since"], listed["reason"]) == (
        "maintenance", answer["since"], "spindle bearings")
    again = _status(client, crew, eng, status="maintenance", reason="still")
    assert again.status_code == 200 and again.get_json()["changed"] is False
    assert _status(client, crew, eng, "supervisor", status="idle").status_code == 200
    events = client.get(f"/api/v1/machines/{eng}/events", headers=crew["admin"]).get_json()
    assert [(e["from_status"], e["to_status"], e["actor"], e["reason"])
            for e in events["items"]] == [
        ("maintenance", "idle", "user:supervisor1 (supervisor)", ""),
        ("idle", "maintenance", "user:cnc_operator1 (cnc_operator)", "spindle bearings")]
    rows = _rows(session_factory)
    assert [r.actor_id for r in rows] == [crew.user_ids["cnc_operator"],
                                          crew.user_ids["supervisor"]]
    limited = client.get(f"/api/v1/machines/{eng}/events?limit=1", headers=crew["admin"])
    assert len(limited.get_json()["items"]) == 1


@pytest.mark.parametrize("who, body, status, error, words", [
    ("cnc_operator", {"status": "asleep"}, 422, "invalid", "status"),
    ("cnc_operator", {"status": "maintenance"}, 422, "invalid", "maintenance needs a reason"),
    ("cnc_operator", {"status": "fault", "reason": ""}, 422, "invalid", "fault needs a reason"),
    ("cnc_operator", {"reason": "no status"}, 422, "invalid", "status"),
    ("cnc_operator", {"status": "idle", "colour": "red"}, 422, "invalid", "colour"),
    ("artisan", {"status": "maintenance", "reason": "x"}, 403, "forbidden",
     "may not machines set_status"),
    ("store_clerk", {"status": "idle"}, 403, "forbidden", "may not"),
    ("platform", {"status": "idle"}, 403, "forbidden", "may not"),
])
def test_bad_input_and_other_roles_are_refused_with_the_reason(client, crew, session_factory,
                                                               who, body, status, error,
                                                               words) -> None:
    r = _status(client, crew, crew.machine_ids["engraver"], who, **body)
    assert r.status_code == status, r.get_json()
    answer = r.get_json()
    assert answer["error"] == error and words in answer["message"]
    assert _rows(session_factory) == []


def test_an_unknown_status_names_the_valid_ones(client, crew) -> None:
    r = _status(client, crew, crew.machine_ids["engraver"], status="asleep")
    assert r.status_code == 422
    message = r.get_json()["message"]
    for valid in ("idle", "running", "maintenance", "fault"):
        assert valid in message


def test_running_from_a_fault_is_a_conflict_until_the_machine_is_idle(client, crew,
                                                                       session_factory) -> None:
    eng = crew.machine_ids["engraver"]
    assert _status(client, crew, eng, status="fault", reason="coolant pump").status_code == 200
    r = _status(client, crew, eng, "supervisor", status="running")
    assert r.status_code == 409
    assert r.get_json()["error"] == "guard_failed"
    assert "ENG-1 is at fault since" in r.get_json()["message"]
    assert "(coolant pump): set it idle" in r.get_json()["message"]
    assert [e.to_status for e in _rows(session_factory)] == ["fault"]


def test_unknown_machine_and_bad_parameters(client, crew) -> None:
    assert _status(client, crew, 9999, status="idle").status_code == 404
    assert client.get("/api/v1/machines/9999/events",
                      headers=crew["admin"]).status_code == 404
    eng = crew.machine_ids["engraver"]
    for query in ("limit=0", "limit=x", "since=2026"):
        r = client.get(f"/api/v1/machines/{eng}/events?{query}", headers=crew["admin"])
        assert r.status_code == 422, query


def test_a_start_through_the_api_runs_the_machine_and_records_it(client, crew, settings,
                                                                  session_factory) -> None:
    from jobs.simulation import simulate_program

    register(client, crew, WEDDING_SET[0])
    number, _shape, mass, _d = WEDDING_SET[0]
    [job_id] = place_order(client, crew, order_body(
        "TM-MACHINE-RUN", [line(number, "machine", "D-BI-CLOUD")], delivery="courier"))
    receive(client, crew, job_id, mass)
    tasks.generate_program(job_id, settings=settings, factory=session_factory)
    assert job(client, crew, job_id)["state"] == "toolpath_ready"
    assert simulate_program(job_id, settings=settings, factory=session_factory) == "ok"
    fire(client, crew, job_id, "approve_program", "cnc_operator")
    eng = crew.machine_ids["engraver"]
    fire(client, crew, job_id, "assign", "supervisor", machine_id=eng)
    fire(client, crew, job_id, "start", "cnc_operator")
    machine = {m["code"]: m for m in client.get(
        "/api/v1/machines", headers=crew["cnc_operator"]).get_json()["items"]}["ENG-1"]
    assert machine["status"] == "running"
    [event] = client.get(f"/api/v1/machines/{eng}/events",
                         headers=crew["cnc_operator"]).get_json()["items"]
    assert (event["from_status"], event["to_status"], event["job_id"], event["actor"]) == (
        "idle", "running", job_id, "user:cnc_operator1 (cnc_operator)")
    # a fault through the API stops it with the reason
    fire(client, crew, job_id, "fault", "cnc_operator", reason="spindle stalled")
    machine = {m["code"]: m for m in client.get(
        "/api/v1/machines", headers=crew["cnc_operator"]).get_json()["items"]}["ENG-1"]
    assert (machine["status"], machine["reason"]) == ("fault", "spindle stalled")


def test_assignment_through_the_api_to_a_machine_in_maintenance_is_refused(
        client, crew, settings, session_factory) -> None:
    from jobs.simulation import simulate_program

    register(client, crew, WEDDING_SET[0])
    number, _shape, mass, _d = WEDDING_SET[0]
    [job_id] = place_order(client, crew, order_body(
        "TM-MACHINE-MAINT", [line(number, "machine", "D-BI-CLOUD")], delivery="courier"))
    receive(client, crew, job_id, mass)
    tasks.generate_program(job_id, settings=settings, factory=session_factory)
    simulate_program(job_id, settings=settings, factory=session_factory)
    fire(client, crew, job_id, "approve_program", "cnc_operator")
    eng = crew.machine_ids["engraver"]
    assert _status(client, crew, eng, status="maintenance",
                   reason="spindle bearings").status_code == 200
    before = job(client, crew, job_id)
    r = client.post(f"/api/v1/jobs/{job_id}/events", headers=crew["supervisor"],
                    json={"event": "assign", "version": before["version"],
                          "data": {"machine_id": eng}})
    assert r.status_code == 409
    assert r.get_json()["error"] == "guard_failed"
    assert "ENG-1 is in maintenance since" in r.get_json()["message"]
    assert "(spindle bearings)" in r.get_json()["message"]
    after = job(client, crew, job_id)
    assert (after["state"], after["version"], after["assignment"]) == (
        before["state"], before["version"], before["assignment"])

"""Machine status at the stations: the CNC queue's form per machine (maintenance, fault, idle
with a reason; recorded), a fault reported at the machine, and the supervisor board's machine
loads with each machine's status."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.workshop import production_desk as desk
from workshop.models import Machine, MachineEvent


def _events(factory: Any, machine_id: int) -> list[MachineEvent]:
    with factory() as s:
        rows = list(s.scalars(select(MachineEvent).where(MachineEvent.machine_id == machine_id)
                              .order_by(MachineEvent.id)))
        s.expunge_all()
        return rows


def _status(factory: Any, machine_id: int) -> str:
    with factory() as s:
        return s.get_one(Machine, machine_id).status


def _machine_section(html: str, code: str) -> str:
    return html.split(f'data-machine="{code}"')[1].split("</section>")[0]


def test_the_operator_sets_maintenance_with_a_reason_and_back_to_idle(client_as, seeded) -> None:
    client, csrf = client_as("cnc_operator")
    eng = desk.machine_id(seeded, "ENG-1")
    page = client.get("/cnc/?lang=en").get_data(as_text=True)
    section = _machine_section(page, "ENG-1")
    assert f'action="/cnc/machines/{eng}/status"' in section and 'name="csrf_token"' in section
    r = client.post(f"/cnc/machines/{eng}/status",
                    data={"csrf_token": csrf, "status": "maintenance",
                          "reason": "spindle bearings"})
    assert r.status_code == 302 and r.location.endswith("/cnc/#machine-ENG-1")
    [event] = _events(seeded, eng)
    assert (event.from_status, event.to_status, event.reason, event.actor) == (
        "idle", "maintenance", "spindle bearings", "user:operator (cnc_operator)")
    page = client.get("/cnc/?lang=en").get_data(as_text=True)
    assert "ENG-1 is now maintenance." in page  # the flash message
    section = _machine_section(page, "ENG-1")
    assert 'data-status="maintenance"' in section
    assert "Since " in section and "spindle bearings" in section
    zh = client.get("/cnc/?lang=zh").get_data(as_text=True)
    assert "维护中" in _machine_section(zh, "ENG-1") and "机器状态" in zh
    r = client.post(f"/cnc/machines/{eng}/status", data={"csrf_token": csrf, "status": "idle"})
    assert r.status_code == 302
    assert _status(seeded, eng) == "idle"
    assert [e.to_status for e in _events(seeded, eng)] == ["maintenance", "idle"]


def test_the_form_refuses_bad_input_with_the_reason_and_writes_nothing(app, client_as,
                                                                        seeded) -> None:
    client, csrf = client_as("cnc_operator")
    eng = desk.machine_id(seeded, "ENG-1")
    cases = [({"status": "maintenance"}, 422, "Give the reason"),
             ({"status": "fault", "reason": "  "}, 422, "Give the reason"),
             ({"status": "running"}, 422, "Choose idle, maintenance or fault"),
             ({"status": "asleep", "reason": "x"}, 422, "Choose idle, maintenance or fault")]
    for data, status, words in cases:
        r = client.post(f"/cnc/machines/{eng}/status?lang=en", data={"csrf_token": csrf, **data})
        assert r.status_code == status, data
        assert words in r.get_data(as_text=True)
    # no CSRF token, another station's role, no such machine
    assert client.post(f"/cnc/machines/{eng}/status",
                       data={"status": "idle"}).status_code == 400
    artisan, artisan_csrf = client_as("artisan")
    assert artisan.post(f"/cnc/machines/{eng}/status",
                        data={"csrf_token": artisan_csrf, "status": "maintenance",
                              "reason": "x"}).status_code == 403
    assert client.post("/cnc/machines/9999/status",
                       data={"csrf_token": csrf, "status": "idle"}).status_code == 404
    assert _status(seeded, eng) == "idle" and _events(seeded, eng) == []


def test_a_fault_at_the_machine_is_recorded_on_the_machine_with_its_reason(client_as, seeded,
                                                                            settings) -> None:
    job_id = desk.program_ready_job(seeded, settings)
    eng = desk.machine_id(seeded, "ENG-1")
    desk.fire_as_supervisor(seeded, settings, job_id, "approve_program")
    desk.fire_as_supervisor(seeded, settings, job_id, "assign", machine_id=eng)
    client, csrf = client_as("cnc_operator")

    def post(event: str, **data: Any) -> Any:
        version = desk.job_row(seeded, job_id).version
        return client.post(f"/cnc/jobs/{job_id}/events/{event}",
                           data={"csrf_token": csrf, "version": version, **data})

    assert post("start").status_code == 302
    assert post("fault", reason="spindle stalled").status_code == 302
    assert _status(seeded, eng) == "fault"
    assert [(e.from_status, e.to_status, e.reason, e.job_id, e.actor)
            for e in _events(seeded, eng)] == [
        ("idle", "running", f"start of job {job_id}", job_id, "user:operator (cnc_operator)"),
        ("running", "fault", "spindle stalled", job_id, "user:operator (cnc_operator)")]
    section = _machine_section(client.get("/cnc/?lang=en").get_data(as_text=True), "ENG-1")
    assert 'data-status="fault"' in section and "spindle stalled" in section


def test_the_board_lists_each_machine_with_its_status_and_load(client_as, seeded,
                                                               settings) -> None:
    job_id = desk.program_ready_job(seeded, settings)
    eng = desk.machine_id(seeded, "ENG-1")
    desk.fire_as_supervisor(seeded, settings, job_id, "approve_program")
    desk.fire_as_supervisor(seeded, settings, job_id, "assign", machine_id=eng)
    operator, csrf = client_as("cnc_operator")
    rot = desk.machine_id(seeded, "ROT-1")
    operator.post(f"/cnc/machines/{rot}/status",
                  data={"csrf_token": csrf, "status": "maintenance", "reason": "A axis belt"})
    supervisor, _ = client_as("supervisor")
    page = supervisor.get("/supervisor/?lang=en").get_data(as_text=True)
    loads = page.split('id="machine-loads"')[1].split("</section>")[0]
    eng_line = loads.split('data-machine="ENG-1"')[1].split("</li>")[0]
    rot_line = loads.split('data-machine="ROT-1"')[1].split("</li>")[0]
    assert 'data-status="idle"' in eng_line and "1 job," in eng_line
    assert 'data-status="maintenance"' in rot_line and "maintenance" in rot_line
    assert "A axis belt" in rot_line and "0 jobs" in rot_line
    zh = supervisor.get("/supervisor/?lang=zh").get_data(as_text=True)
    assert "维护中" in zh.split('id="machine-loads"')[1].split("</section>")[0]

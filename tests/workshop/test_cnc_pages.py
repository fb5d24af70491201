"""The CNC station on a real database and the real CAM: queue, set-up sheet, files, actions."""

from __future__ import annotations

import json
import re
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy import select

from jobs.outbox import drain, record_failure
from tests.workshop import production_desk as desk
from workshop.models import Artifact, Job, Machine, Outbox


def _scheduled_on_eng(factory: Any, settings: Any) -> tuple[int, int]:
    job_id = desk.program_ready_job(factory, settings)
    eng = desk.machine_id(factory, "ENG-1")
    desk.fire_as_supervisor(factory, settings, job_id, "assign", machine_id=eng)
    return job_id, eng


def _artifact(factory: Any, job_id: int, kind: str) -> Artifact:
    with factory() as session:
        row = session.scalars(select(Artifact).where(Artifact.job_id == job_id,
                                                     Artifact.kind == kind)).one()
        session.expunge(row)
        return row


def test_queue_lists_each_machines_jobs(client_as, seeded, settings) -> None:
    job_id, _eng = _scheduled_on_eng(seeded, settings)
    client, _ = client_as("cnc_operator")
    html = client.get("/cnc/").get_data(as_text=True)
    eng = html.split('data-machine="ENG-1"')[1].split("</section>")[0]
    rot = html.split('data-machine="ROT-1"')[1].split("</section>")[0]
    assert re.findall(r'<li data-job="(\d+)"', eng) == [str(job_id)]
    assert 'data-job="' not in rot


def test_set_up_sheet_from_the_program_report(client_as, seeded, settings) -> None:
    job_id, _eng = _scheduled_on_eng(seeded, settings)
    report = json.loads((settings.artifact_dir / _artifact(seeded, job_id, "report").sha256[:2]
                         / _artifact(seeded, job_id, "report").sha256).read_text())
    client, _ = client_as("cnc_operator")
    html = client.get(f"/cnc/jobs/{job_id}?lang=en").get_data(as_text=True)
    tools = html.split('id="tools"')[1].split("</table>")[0]
    # ENG-1 holds ball-0.8 in slot 1 and ball-1.0 in slot 2
    assert re.search(rf"<td>1</td><td>{re.escape(report['tool']['name'])}.*?<td>2</td>", tools)
    assert re.search(rf'id="depth">{report["depth"]} mm', html)
    assert re.search(rf'id="passes">{report["passes"]}<', html)
    minutes = round(report["estimated_seconds"] / 60, 1)
    assert f'id="estimated">{minutes:g} min' in html
    # on a piece's face the origin is the face's centre; a design at its own size: its corner
    if report.get("face"):
        assert "X0 Y0 is the centre of the face" in html
    else:
        assert "X0 Y0 is the bottom-left corner of the design" in html
    cut_area = html.split('id="cut-area">')[1].split("</dd>")[0]
    xmin, ymin, xmax, ymax = (format_decimal(v, "0.0#", locale="en") for v in report["bbox_mm"])
    assert cut_area == f"X {xmin} – {xmax} mm<br>Y {ymin} – {ymax} mm"
    preview = _artifact(seeded, job_id, "preview")
    assert f'<img src="/cnc/jobs/{job_id}/files/{preview.sha256}"' in html


def test_gcode_and_dxf_download_as_files(client_as, seeded, settings) -> None:
    job_id, _eng = _scheduled_on_eng(seeded, settings)
    client, _ = client_as("cnc_operator")
    for kind, marker in (("gcode", "G21"), ("dxf", "SECTION")):
        row = _artifact(seeded, job_id, kind)
        resp = client.get(f"/cnc/jobs/{job_id}/files/{row.sha256}?download=1")
        assert resp.status_code == 200
        assert resp.headers["Content-Disposition"] == f'attachment; filename="{row.filename}"'
        assert marker in resp.get_data(as_text=True)
    other = desk.jobs_by_route(seeded)["hand"][0]
    gcode = _artifact(seeded, job_id, "gcode")
    assert client.get(f"/cnc/jobs/{other}/files/{gcode.sha256}").status_code == 404


def test_start_fault_and_finish_at_the_machine(client_as, seeded, settings) -> None:
    job_id, eng = _scheduled_on_eng(seeded, settings)
    client, csrf = client_as("cnc_operator")

    def post(event: str, **data: Any) -> Any:
        version = desk.job_row(seeded, job_id).version
        return client.post(f"/cnc/jobs/{job_id}/events/{event}",
                           data={"csrf_token": csrf, "version": version, **data})

    assert post("start").status_code == 302
    assert desk.job_row(seeded, job_id).state == "carving"
    with seeded() as session:
        assert session.get_one(Machine, eng).status == "running"
    assert post("fault").status_code == 422  # no reason
    assert desk.job_row(seeded, job_id).state == "carving"
    assert post("fault", reason="spindle stalled").status_code == 302
    last = desk.events(seeded, job_id)[-1]
    assert (last.event, last.from_state, last.to_state) == ("fault", "carving", "on_hold")
    assert last.data["reason"] == "spindle stalled"
    assert last.actor == "user:operator (cnc_operator)"
    held = desk.job_row(seeded, job_id)
    assert held.review_reason == "spindle stalled" and held.held_from == "carving"
    with seeded() as session:
        assert session.get_one(Machine, eng).status == "fault"
    # on hold the operator has nothing to press; the supervisor reads the fault and releases
    sheet = client.get(f"/cnc/jobs/{job_id}").get_data(as_text=True)
    assert 'id="actions"' not in sheet
    assert post("resume").status_code == 409
    supervisor, _ = client_as("supervisor")
    page = supervisor.get(f"/supervisor/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert 'id="review-reason">spindle stalled<' in page
    assert 'data-event="fault"' in page and "Machine fault" in page
    desk.fire_as_supervisor(seeded, settings, job_id, "release")
    assert desk.job_row(seeded, job_id).state == "carving"
    # the machine stays at fault until the operator says it is mended
    refused = post("resume")
    assert refused.status_code == 409
    assert "ENG-1 is at fault" in refused.get_data(as_text=True)
    assert desk.job_row(seeded, job_id).state == "carving"
    cleared = client.post(f"/cnc/machines/{eng}/status",
                          data={"csrf_token": csrf, "status": "idle", "reason": "bit replaced"})
    assert cleared.status_code == 302
    assert post("resume").status_code == 302
    assert post("finish").status_code == 302
    assert desk.job_row(seeded, job_id).state == "carved"
    # qc is the supervisor's: the operator cannot pass it
    assert post("qc_pass").status_code == 404
    assert desk.job_row(seeded, job_id).state == "carved"


def test_an_event_not_possible_now_is_refused_with_the_reason(client_as, seeded,
                                                              settings) -> None:
    job_id, _eng = _scheduled_on_eng(seeded, settings)
    client, csrf = client_as("cnc_operator")
    version = desk.job_row(seeded, job_id).version
    resp = client.post(f"/cnc/jobs/{job_id}/events/finish",
                       data={"csrf_token": csrf, "version": version})
    assert resp.status_code == 409
    assert "finish is not possible while the job is scheduled" in resp.get_data(as_text=True)


def test_program_status_follows_the_outbox(client_as, seeded, settings, redis) -> None:
    job_id = desk.jobs_by_route(seeded)["machine"][0]
    client, _ = client_as("cnc_operator")
    assert client.get(f"/cnc/jobs/{job_id}/program.json").get_json()["status"] == "none"
    desk.receive(seeded, settings, job_id, desk.MASSES["bi_disc"])
    status = client.get(f"/cnc/jobs/{job_id}/program.json").get_json()
    assert (status["state"], status["status"]) == ("toolpath_pending", "pending")
    assert drain(seeded, redis, settings) >= 1
    status = client.get(f"/cnc/jobs/{job_id}/program.json").get_json()
    assert status["status"] == "dispatched"
    page = client.get(f"/cnc/jobs/{job_id}").get_data(as_text=True)
    assert 'data-live="1"' in page  # the page polls while the program is being made
    with seeded() as session:  # the worker died: the row waits for its next attempt
        row = session.scalars(select(Outbox).where(Outbox.job_id == job_id,
                                                   Outbox.kind == "generate_program")).one()
        record_failure(session, row, "RuntimeError: worker lost")
        session.commit()
    status = client.get(f"/cnc/jobs/{job_id}/program.json?lang=en").get_json()
    assert (status["status"], status["attempts"]) == ("pending", 1)
    assert status["last_error"] == "RuntimeError: worker lost"
    for url in (f"/cnc/jobs/{job_id}?lang=en", f"/supervisor/jobs/{job_id}?lang=en"):
        viewer = client if url.startswith("/cnc") else client_as("supervisor")[0]
        html = viewer.get(url).get_data(as_text=True)
        assert "Last attempt failed: RuntimeError: worker lost (1 failed attempt)" in html


def test_hand_job_has_no_set_up_sheet_and_other_roles_are_refused(app, client_as,
                                                                  seeded) -> None:
    hand = desk.jobs_by_route(seeded)["hand"][0]
    client, _ = client_as("cnc_operator")
    assert client.get(f"/cnc/jobs/{hand}").status_code == 404
    for role in ("artisan", "store_clerk"):
        other, _ = client_as(role)
        assert other.get("/cnc/").status_code == 403
    supervisor, _ = client_as("supervisor")
    assert supervisor.get("/cnc/").status_code == 200
    assert app.test_client().get("/cnc/").status_code == 302


def test_queue_order_running_first_then_priority_due_and_assignment() -> None:
    import datetime as dt

    from workshop.cnc.queue import QueueItem, _sort_key

    def item(i: int, state: str, priority: int, due: dt.date | None, hour: int) -> QueueItem:
        job = Job(id=i, state=state, priority=priority, due_date=due)
        at = dt.datetime(2026, 5, 1, hour, tzinfo=dt.UTC)
        return QueueItem(job, "C", "bi_disc", None, 1.0, at)

    items = [item(1, "scheduled", 0, None, 8), item(2, "scheduled", 0, dt.date(2026, 5, 9), 9),
             item(3, "carving", -5, None, 10), item(4, "scheduled", 2, None, 11),
             item(5, "scheduled", 0, dt.date(2026, 5, 9), 7)]
    items.append(item(6, "carved", 9, dt.date(2026, 5, 2), 6))
    assert [it.job.id for it in sorted(items, key=_sort_key)] == [3, 4, 5, 2, 1, 6]


def test_the_cut_simulation_shows_and_gates_approval_on_both_pages(client_as, seeded,
                                                                   settings) -> None:
    job_id = desk.program_ready_job(seeded, settings, simulated=False)
    operator, csrf = client_as("cnc_operator")
    sheet = operator.get(f"/cnc/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert 'data-verdict="pending"' in sheet and "will appear here" in sheet
    refused = operator.post(f"/cnc/jobs/{job_id}/events/approve_program",
                            data={"csrf_token": csrf,
                                  "version": desk.job_row(seeded, job_id).version})
    assert refused.status_code == 409
    assert "the cut simulation has not run yet" in refused.get_data(as_text=True)
    assert desk.simulate(seeded, settings, job_id) == "ok"
    picture = _artifact(seeded, job_id, "simulation")
    sheet = operator.get(f"/cnc/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert f'<img src="/cnc/jobs/{job_id}/files/{picture.sha256}"' in sheet
    assert 'data-verdict="ok"' in sheet
    png = operator.get(f"/cnc/jobs/{job_id}/files/{picture.sha256}")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    supervisor, _ = client_as("supervisor")
    page = supervisor.get(f"/supervisor/jobs/{job_id}?lang=en").get_data(as_text=True)
    figure = page.split('id="simulation"')[1].split("</figure>")[0]
    assert f'<img src="/supervisor/jobs/{job_id}/files/{picture.sha256}"' in figure
    assert 'data-verdict="ok"' in figure
    report = _artifact(seeded, job_id, "simulation_report")
    assert f"/supervisor/jobs/{job_id}/files/{report.sha256}?download=1" in page
    approved = operator.post(f"/cnc/jobs/{job_id}/events/approve_program",
                             data={"csrf_token": csrf,
                                   "version": desk.job_row(seeded, job_id).version})
    assert approved.status_code == 302
    assert desk.events(seeded, job_id)[-1].event == "approve_program"


def test_a_failed_simulation_is_shown_with_its_reasons_and_blocks_approval(
        client_as, seeded, settings) -> None:
    from workshop import artifacts

    job_id = desk.program_ready_job(seeded, settings, simulated=False)
    gcode = _artifact(seeded, job_id, "gcode")
    head, _sep, tail = artifacts.read(settings, gcode.sha256).decode().rpartition("M30")
    with seeded() as session:  # a hand edit that plunges 2 mm: far deeper than asked
        artifacts.save(session, settings, f"{head}G1 Z-2 F100\nG0 Z5\nM30{tail}".encode(),
                       kind="gcode", filename=gcode.filename, media_type=gcode.media_type,
                       job_id=job_id)
        session.commit()
    assert desk.simulate(seeded, settings, job_id).startswith("failed")
    operator, csrf = client_as("cnc_operator")
    sheet = operator.get(f"/cnc/jobs/{job_id}?lang=en").get_data(as_text=True)
    verdict = sheet.split('data-verdict="failed"')[1].split("</div>")[0]
    assert "deeper than the requested" in verdict
    refused = operator.post(f"/cnc/jobs/{job_id}/events/approve_program",
                            data={"csrf_token": csrf,
                                  "version": desk.job_row(seeded, job_id).version})
    assert refused.status_code == 409
    assert "deeper than the requested" in refused.get_data(as_text=True)
    assert desk.events(seeded, job_id)[-1].event == "program_ready"

"""The supervisor's pages on a real database: board, filters, flags, job page, actions."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.workshop import production_desk as desk
from workshop.models import Assignment, Design, Job, utcnow
from workshop.supervisor import queries


def _cards(html: str, state: str) -> list[int]:
    """The job ids on the board's column for ``state``."""
    match = re.search(rf'<section class="kanban-col" data-state="{state}">(.*?)</section>',
                      html, re.S)
    return [int(i) for i in re.findall(r'data-job="(\d+)"', match.group(1))] if match else []


def _set_due(factory: Any, job_id: int, due: dt.date) -> None:
    with factory() as session:
        session.execute(update(Job).where(Job.id == job_id).values(due_date=due))
        session.commit()


def test_board_shows_jobs_in_their_state_columns(client_as, seeded, settings) -> None:
    machine_job = desk.program_ready_job(seeded, settings)
    hand = desk.jobs_by_route(seeded)["hand"]
    client, _ = client_as("supervisor")
    html = client.get("/supervisor/").get_data(as_text=True)
    assert _cards(html, "toolpath_ready") == [machine_job]
    assert sorted(_cards(html, "awaiting_piece")) == sorted(hand)


def test_board_filters_by_route_and_store(client_as, seeded, settings) -> None:
    hand = desk.jobs_by_route(seeded)["hand"]
    client, _ = client_as("supervisor")
    html = client.get("/supervisor/?route=hand").get_data(as_text=True)
    assert sorted(int(i) for i in re.findall(r'class="card[^"]*" href="[^"]+" data-job="(\d+)"',
                                             html)) == sorted(hand)
    html = client.get("/supervisor/?store=SH-NJR&priority=1").get_data(as_text=True)
    assert 'data-job="' not in html  # the seeded jobs all have priority 0


def test_a_wrong_filter_is_named_and_left_out(client_as, seeded) -> None:
    client, _ = client_as("supervisor")
    resp = client.get("/supervisor/?route=boat&due=soon&store=NOPE&priority=high&lang=en")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    for value in ("boat", "soon", "NOPE", "high"):
        assert value in html
    assert len(_cards(html, "awaiting_piece")) == 3  # every filter dropped: every job shown


def test_overdue_and_at_risk_flags(client_as, seeded, settings) -> None:
    machine_job, (ring, buckle) = desk.jobs_by_route(seeded)["machine"][0], \
        desk.jobs_by_route(seeded)["hand"]
    today = utcnow().date()
    _set_due(seeded, machine_job, today - dt.timedelta(days=1))
    _set_due(seeded, ring, today)  # 8 h of hand work, less than a working day left
    _set_due(seeded, buckle, today + dt.timedelta(days=30))
    client, _ = client_as("supervisor")
    html = client.get("/supervisor/").get_data(as_text=True)
    assert re.search(rf'class="card flag-overdue" href="[^"]+" data-job="{machine_job}"', html)
    assert re.search(rf'class="card flag-at_risk" href="[^"]+" data-job="{ring}"', html)
    assert re.search(rf'class="card" href="[^"]+" data-job="{buckle}"', html)
    only = client.get("/supervisor/?due=at_risk").get_data(as_text=True)
    assert re.findall(r'data-job="(\d+)"', only) == [str(ring)]


def test_job_page_shows_program_design_as_image_and_slots(client_as, seeded, settings) -> None:
    job_id = desk.program_ready_job(seeded, settings)
    client, _ = client_as("supervisor")
    html = client.get(f"/supervisor/jobs/{job_id}").get_data(as_text=True)
    assert f'<img src="/supervisor/jobs/{job_id}/design.svg"' in html
    with seeded() as session:
        svg = session.scalars(select(Design.svg).join(Job, Job.design_id == Design.id)
                              .where(Job.id == job_id)).one()
    path_data = re.search(r' d="([^"]{20,})"', svg)
    assert path_data and path_data.group(1) not in html  # the design is never inlined
    assert re.search(rf'<img src="/supervisor/jobs/{job_id}/files/[0-9a-f]{{64}}"', html)
    assert 'id="view-3d"' in html and 'id="simulation"' in html
    assert "program_ready" in html  # the timeline
    design = client.get(f"/supervisor/jobs/{job_id}/design.svg")
    assert design.mimetype == "image/svg+xml"
    assert "default-src 'none'" in design.headers["Content-Security-Policy"]
    assert design.get_data(as_text=True) == svg


def test_assign_lists_loads_and_assigns_through_the_engine(client_as, seeded, settings) -> None:
    job_id = desk.program_ready_job(seeded, settings)
    eng = desk.machine_id(seeded, "ENG-1")
    client, csrf = client_as("supervisor")
    html = client.get(f"/supervisor/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert re.search(rf'<option value="machine:{eng}">ENG-1 .*0 jobs, 0 h', html)
    version = desk.job_row(seeded, job_id).version
    resp = client.post(f"/supervisor/jobs/{job_id}/events/assign",
                       data={"csrf_token": csrf, "version": version,
                             "assignee": f"machine:{eng}", "note": "first in the morning"})
    assert resp.status_code == 302
    assert desk.job_row(seeded, job_id).state == "scheduled"
    last = desk.events(seeded, job_id)[-1]
    assert (last.event, last.actor, last.note) == ("assign", "user:supervisor (supervisor)",
                                                   "first in the morning")
    with seeded() as session:
        machines, _artisans = queries.loads(session, settings)
        load = dict((m.code, ld) for m, ld in machines)["ENG-1"]
        report = queries.program_report(session, settings, job_id)
    assert report is not None and load.jobs == 1
    assert load.hours == pytest.approx(0.5 + report["estimated_seconds"] / 3600, abs=0.01)


def test_hold_needs_a_reason_and_release_goes_back(client_as, seeded, settings) -> None:
    job_id = desk.program_ready_job(seeded, settings)
    client, csrf = client_as("supervisor")
    version = desk.job_row(seeded, job_id).version
    refused = client.post(f"/supervisor/jobs/{job_id}/events/hold",
                          data={"csrf_token": csrf, "version": version, "reason": "  "})
    assert refused.status_code == 422
    assert desk.job_row(seeded, job_id).state == "toolpath_ready"
    client.post(f"/supervisor/jobs/{job_id}/events/hold",
                data={"csrf_token": csrf, "version": version, "reason": "crack seen at the rim"})
    job = desk.job_row(seeded, job_id)
    assert (job.state, job.review_reason) == ("on_hold", "crack seen at the rim")
    client.post(f"/supervisor/jobs/{job_id}/events/release",
                data={"csrf_token": csrf, "version": job.version, "reason": "only a fibre"})
    assert desk.job_row(seeded, job_id).state == "toolpath_ready"
    assert desk.events(seeded, job_id)[-1].note == "only a fibre"


def test_stale_page_is_refused_and_changes_nothing(client_as, seeded, settings) -> None:
    job_id = desk.program_ready_job(seeded, settings)
    client, csrf = client_as("supervisor")
    old = desk.job_row(seeded, job_id).version
    desk.fire_as_supervisor(seeded, settings, job_id, "approve_program")
    resp = client.post(f"/supervisor/jobs/{job_id}/events/cancel",
                       data={"csrf_token": csrf, "version": old, "reason": "customer asked"})
    assert resp.status_code == 409
    assert desk.job_row(seeded, job_id).state == "toolpath_ready"


def test_reroute_to_hand_ends_the_machine_route(client_as, seeded, settings) -> None:
    job_id = desk.program_ready_job(seeded, settings)
    client, csrf = client_as("supervisor")
    version = desk.job_row(seeded, job_id).version
    client.post(f"/supervisor/jobs/{job_id}/events/reroute",
                data={"csrf_token": csrf, "version": version, "route": "hand",
                      "reason": "detail too fine for the ball-1.0"})
    job = desk.job_row(seeded, job_id)
    assert (job.state, job.route) == ("ticket_open", "hand")
    assert desk.events(seeded, job_id)[-1].note == "detail too fine for the ball-1.0"


def test_cancel_without_csrf_is_refused(client_as, seeded, settings) -> None:
    job_id = desk.jobs_by_route(seeded)["hand"][0]
    client, _ = client_as("supervisor")
    resp = client.post(f"/supervisor/jobs/{job_id}/events/cancel", data={"reason": "x"})
    assert resp.status_code == 400
    assert desk.job_row(seeded, job_id).state == "awaiting_piece"


def test_other_roles_are_refused_and_strangers_sent_to_login(app, client_as) -> None:
    for role in ("cnc_operator", "artisan", "store_clerk"):
        client, _ = client_as(role)
        assert client.get("/supervisor/").status_code == 403
        assert client.get("/supervisor/figures").status_code == 403
    anonymous = app.test_client().get("/supervisor/jobs/1")
    assert anonymous.status_code == 302 and "/login?next=" in anonymous.headers["Location"]


def test_figures_from_the_database(client_as, seeded, settings) -> None:
    ring = desk.jobs_by_route(seeded)["hand"][0]
    wang = desk.user_id(seeded, "artisan.wang")
    desk.receive(seeded, settings, ring, desk.MASSES["ring"])
    desk.fire_as_supervisor(seeded, settings, ring, "assign", artisan_id=wang)
    for event in ("start", "finish", "submit_qc"):
        desk.fire_as_supervisor(seeded, settings, ring, event)
    desk.fire_as_supervisor(seeded, settings, ring, "qc_fail", reason="line too shallow")
    for event in ("start", "finish", "submit_qc", "qc_pass"):
        desk.fire_as_supervisor(seeded, settings, ring, event)
    assert desk.job_row(seeded, ring).state == "ready_for_dispatch"
    with seeded() as session:
        facts = {f.id: f for f in queries.job_facts(session)}
        assert session.scalar(select(Assignment.progress_pct).where(Assignment.job_id == ring)) \
            is not None
    assert facts[ring].done_at is not None and facts[ring].rework_count == 1
    client, _ = client_as("supervisor")
    html = client.get("/supervisor/figures?lang=en").get_data(as_text=True)
    assert html.count("<svg class=\"chart\"") == 5
    rework_svg = html.split('<svg class="chart"')[5]
    assert re.search(r'class="value">100%<', rework_svg)  # this week's bar: 100 %
    assert re.search(r'id="kpi-rework">100', html)  # the one job done was reworked once
    # the two jobs still awaiting their stones and the ring ready to leave: two WIP bars
    wip_svg = html.split('<svg class="chart"')[1]
    assert wip_svg.count("<rect") == 2


def test_pages_speak_chinese_by_default_and_english_on_request(client_as, seeded,
                                                               settings) -> None:
    job_id = desk.program_ready_job(seeded, settings)
    client, _ = client_as("supervisor")
    zh = client.get("/supervisor/figures").get_data(as_text=True)
    assert "各状态在制工单" in zh and "Work in progress by state" not in zh
    zh_job = client.get(f"/supervisor/jobs/{job_id}").get_data(as_text=True)
    assert "刀路预览" in zh_job and "三维视图" in zh_job
    en = client.get(f"/supervisor/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert "Toolpath preview" in en and "刀路预览" not in en
    operator, _ = client_as("cnc_operator")
    assert "装夹单" in operator.get(f"/cnc/jobs/{job_id}?lang=zh").get_data(as_text=True)


def test_hand_job_is_assigned_to_an_artisan_whose_load_grows(client_as, seeded,
                                                             settings) -> None:
    ring, buckle = desk.jobs_by_route(seeded)["hand"]
    desk.receive(seeded, settings, ring, desk.MASSES["ring"])
    desk.receive(seeded, settings, buckle, desk.MASSES["buckle"])
    li = desk.user_id(seeded, "artisan.li")
    client, csrf = client_as("supervisor")
    page = client.get(f"/supervisor/jobs/{ring}?lang=en").get_data(as_text=True)
    assert "This job needs about 8 h of carving." in page
    assert 'value="machine:' not in page  # a hand job goes to an artisan
    client.post(f"/supervisor/jobs/{ring}/events/assign",
                data={"csrf_token": csrf, "version": desk.job_row(seeded, ring).version,
                      "assignee": f"artisan:{li}"})
    assert desk.job_row(seeded, ring).state == "scheduled"
    page = client.get(f"/supervisor/jobs/{buckle}?lang=en").get_data(as_text=True)
    assert re.search(rf'<option value="artisan:{li}">Li Shifu 李师傅 — 1 job, 8 h', page)
    bad = client.post(f"/supervisor/jobs/{buckle}/events/assign",
                      data={"csrf_token": csrf, "version": desk.job_row(seeded, buckle).version,
                            "assignee": "artisan:zero"})
    assert bad.status_code == 422
    assert desk.job_row(seeded, buckle).state == "ticket_open"


def test_a_hostile_design_never_reaches_the_page_as_markup(client_as, seeded) -> None:
    hostile = ('<svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="10mm" '
               'onload="alert(1)"><script>alert(2)</script>'
               '<path d="M1 1 L9 9" stroke="black"/></svg>')
    ring = desk.jobs_by_route(seeded)["hand"][0]
    with seeded() as session:
        design = session.scalars(select(Design).join(Job, Job.design_id == Design.id)
                                 .where(Job.id == ring)).one()
        design.svg = hostile
        session.commit()
    client, _ = client_as("supervisor")
    html = client.get(f"/supervisor/jobs/{ring}").get_data(as_text=True)
    assert "alert(" not in html and "onload" not in html
    served = client.get(f"/supervisor/jobs/{ring}/design.svg")
    csp = served.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_a_photo_attached_to_an_event_shows_in_the_timeline(client_as, seeded,
                                                            settings) -> None:
    from jobs.engine import fire
    from workshop import artifacts

    ring = desk.jobs_by_route(seeded)["hand"][0]
    png = b"\x89PNG\r\n\x1a\n" + bytes(32)
    with seeded() as session:
        photo = artifacts.save(session, settings, png, kind="photo", filename="rim.png",
                               media_type="image/png", job_id=ring)
        session.commit()
        sha = photo.sha256
        fire(session, ring, "hold", actor=desk.SUPERVISOR, version=None,
             data={"reason": "see the crack"}, attachments=(sha,), settings=settings)
    client, _ = client_as("supervisor")
    html = client.get(f"/supervisor/jobs/{ring}").get_data(as_text=True)
    hold = html.split('class="timeline-item state-on_hold" data-event="hold">')[1].split("</li>")[0]
    assert "see the crack" in hold
    assert f'<img src="/supervisor/jobs/{ring}/files/{sha}"' in hold
    assert client.get(f"/supervisor/jobs/{ring}/files/{sha}").data == png


def test_qc_pass_shows_the_new_certificate_and_its_code_once(client_as, seeded,
                                                            settings) -> None:
    ring = desk.jobs_by_route(seeded)["hand"][0]
    desk.receive(seeded, settings, ring, desk.MASSES["ring"])
    desk.fire_as_supervisor(seeded, settings, ring, "assign",
                            artisan_id=desk.user_id(seeded, "artisan.wang"))
    for event in ("start", "finish", "submit_qc"):
        desk.fire_as_supervisor(seeded, settings, ring, event)
    client, csrf = client_as("supervisor")
    resp = client.post(f"/supervisor/jobs/{ring}/events/qc_pass",
                       data={"csrf_token": csrf, "version": desk.job_row(seeded, ring).version})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    code = re.search(r'id="certificate-code".*?<code>([^<]+)</code>', html, re.S)
    assert code is not None
    with seeded() as session:
        from workshop.models import Certificate

        new = session.scalars(select(Certificate).where(Certificate.job_id == ring)).one()
    assert f'data-certificate="{new.number}" data-status="valid"' in html
    assert code.group(1) in html.split('class="card certificate-panel"')[1]  # in the QR link
    again = client.get(f"/supervisor/jobs/{ring}").get_data(as_text=True)
    assert code.group(1) not in again and 'id="certificate-code"' not in again
    assert f'data-certificate="{new.number}"' in again

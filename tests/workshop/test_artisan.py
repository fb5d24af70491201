"""The artisan's tablet pages: my tickets, the ticket at true scale, and changes applied once."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.workshop.tablet_desk import CSRF, JPEG, hand_job, login, make_shop
from workshop.models import Artifact, Assignment, Event, IdempotencyKey, Job

HEADERS = {"X-CSRFToken": CSRF, "Accept": "application/json"}


@pytest.fixture
def shop(session_factory: Any) -> Any:
    return make_shop(session_factory)


def _act(client: Any, job_id: int, action_id: str, event: str, **extra: Any) -> Any:
    return client.post(f"/artisan/jobs/{job_id}/actions", headers=HEADERS,
                       json={"id": action_id, "event": event, **extra})


def _events(session_factory: Any, job_id: int, name: str) -> list[Event]:
    with session_factory() as s:
        return list(s.scalars(select(Event).where(Event.job_id == job_id, Event.event == name)))


def test_my_tickets_lists_only_mine_and_open_ones(client, session_factory, shop) -> None:
    mine = hand_job(session_factory, shop, "NGTC-A", artisan="wang")
    theirs = hand_job(session_factory, shop, "NGTC-B", artisan="li")
    open_one = hand_job(session_factory, shop, "NGTC-C")
    login(client, shop.users["wang"])
    page = client.get("/artisan/").get_data(as_text=True)
    mine_section, _, open_section = page.partition('id="open-tickets"')
    assert f"/artisan/jobs/{mine}" in mine_section
    assert f"/artisan/jobs/{theirs}" not in page
    assert f"/artisan/jobs/{open_one}" in open_section
    # another artisan's ticket is not even said to exist
    assert client.get(f"/artisan/jobs/{theirs}").status_code == 404


def test_other_roles_are_refused_and_strangers_sent_to_login(client, session_factory,
                                                             shop) -> None:
    assert client.get("/artisan/").status_code == 302
    assert "/login" in client.get("/artisan/").headers["Location"]
    login(client, shop.users["xu"])
    assert client.get("/artisan/").status_code == 403


def test_design_is_drawn_at_its_size_in_millimetres(client, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop, artisan="wang")
    login(client, shop.users["wang"])
    page = client.get(f"/artisan/jobs/{job_id}").get_data(as_text=True)
    img = re.search(r'<img id="design"[^>]*>', page)
    assert img is not None
    assert "width: 24.00mm" in img.group(0) and "height: 12.00mm" in img.group(0)
    assert 'style="width: 10mm"' in page  # the calibration bar
    svg = client.get(f"/artisan/jobs/{job_id}/design.svg")
    assert svg.mimetype == "image/svg+xml"
    assert "default-src 'none'" in svg.headers["Content-Security-Policy"]


def test_the_same_change_sent_twice_is_applied_once(client, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop, artisan="wang")
    login(client, shop.users["wang"])
    first = _act(client, job_id, "a1b2c3d4e5f6", "start")
    again = _act(client, job_id, "a1b2c3d4e5f6", "start")
    assert first.status_code == 200 and first.json["duplicate"] is False
    assert again.status_code == 200 and again.json["duplicate"] is True
    assert again.json["job"]["state"] == "carving"
    assert len(_events(session_factory, job_id, "start")) == 1
    for _ in range(3):
        _act(client, job_id, "progress-0001", "progress", pct=40, note="outline cut")
    progress = _events(session_factory, job_id, "progress")
    assert [(e.data["pct"], e.note) for e in progress] == [(40, "outline cut")]
    with session_factory() as s:
        assert s.scalar(select(Assignment.progress_pct).where(
            Assignment.job_id == job_id, Assignment.active.is_(True))) == 40


def test_an_id_reused_for_another_change_is_a_conflict(client, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop, artisan="wang")
    login(client, shop.users["wang"])
    _act(client, job_id, "same-id-0001", "start")
    answer = _act(client, job_id, "same-id-0001", "pause")
    assert answer.status_code == 409
    assert _events(session_factory, job_id, "pause") == []


def test_a_refused_change_writes_nothing_and_says_why(client, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop, artisan="wang")
    login(client, shop.users["wang"])
    answer = _act(client, job_id, "finish-too-early", "finish")  # not started
    assert answer.status_code == 409
    assert "scheduled" in answer.json["message"]
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
        assert s.get_one(Job, job_id).state == "scheduled"


@pytest.mark.parametrize("body, field", [
    ({"id": "short", "event": "start"}, "id"),
    ({"id": "abcdefgh12", "event": "qc_pass"}, "event"),
    ({"id": "abcdefgh12", "event": "progress", "pct": 140}, "pct"),
    ({"id": "abcdefgh12", "event": "progress", "pct": "50"}, "pct"),
    ({"id": "abcdefgh12", "event": "start", "attachments": ["../etc"]}, "attachments"),
])
def test_malformed_changes_name_the_field(client, session_factory, shop, body, field) -> None:
    job_id = hand_job(session_factory, shop, artisan="wang")
    login(client, shop.users["wang"])
    answer = client.post(f"/artisan/jobs/{job_id}/actions", headers=HEADERS, json=body)
    assert answer.status_code == 422
    assert answer.json["details"]["field"] == field


def test_an_artisan_takes_an_open_ticket_for_themself(client, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop)
    login(client, shop.users["li"])
    answer = _act(client, job_id, "take-ticket-1", "assign")
    assert answer.status_code == 200 and answer.json["job"]["state"] == "scheduled"
    with session_factory() as s:
        assert s.scalar(select(Assignment.artisan_id).where(
            Assignment.job_id == job_id, Assignment.active.is_(True))) == shop.users["li"]


def test_photo_from_the_camera_is_stored_once_and_attached(client, session_factory,
                                                           shop) -> None:
    job_id = hand_job(session_factory, shop, artisan="wang")
    login(client, shop.users["wang"])
    _act(client, job_id, "start-00001", "start")
    upload = {"file": (io.BytesIO(JPEG), "IMG_0001.jpg")}
    first = client.post(f"/artisan/jobs/{job_id}/photos", headers=HEADERS, data=upload,
                        content_type="multipart/form-data")
    again = client.post(f"/artisan/jobs/{job_id}/photos", headers=HEADERS,
                        data={"file": (io.BytesIO(JPEG), "IMG_0001.jpg")},
                        content_type="multipart/form-data")
    assert (first.status_code, again.status_code) == (201, 200)
    sha = first.json["sha256"]
    assert again.json["sha256"] == sha
    _act(client, job_id, "photo-progress", "progress", pct=10, attachments=[sha])
    [event] = _events(session_factory, job_id, "progress")
    assert event.attachments == [sha]
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Artifact)
                        .where(Artifact.job_id == job_id)) == 1
    assert client.get(first.json["url"]).data == JPEG
    page = client.get(f"/artisan/jobs/{job_id}").get_data(as_text=True)
    assert f"/artisan/jobs/{job_id}/photos/{sha}" in page  # beside the design


def test_not_a_photo_is_refused(client, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop, artisan="wang")
    login(client, shop.users["wang"])
    answer = client.post(f"/artisan/jobs/{job_id}/photos", headers=HEADERS,
                         data={"file": (io.BytesIO(b"<svg/>"), "x.jpg")},
                         content_type="multipart/form-data")
    assert answer.status_code == 422


def test_actions_need_the_csrf_token(client, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop, artisan="wang")
    login(client, shop.users["wang"])
    answer = client.post(f"/artisan/jobs/{job_id}/actions", json={"id": "abcdefgh1",
                                                                   "event": "start"})
    assert answer.status_code == 400
    assert _events(session_factory, job_id, "start") == []


def test_pause_and_resume_show_on_the_state(client, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop, artisan="wang")
    login(client, shop.users["wang"])
    _act(client, job_id, "start-00002", "start")
    paused = _act(client, job_id, "pause-00002", "pause").json["job"]
    assert paused["paused"] is True and paused["state"] == "carving"
    resumed = _act(client, job_id, "resume-0002", "resume").json["job"]
    assert resumed["paused"] is False
    state = client.get(f"/artisan/jobs/{job_id}/state.json").json
    assert state["paused"] is False and "finish" in state["allowed_events"]


def test_the_tablet_speaks_chinese_by_default(client, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop, artisan="wang")
    login(client, shop.users["wang"])
    page = client.get(f"/artisan/jobs/{job_id}").get_data(as_text=True)
    assert "记录进度" in page and "10 毫米" in page
    assert "Record progress" in client.get(f"/artisan/jobs/{job_id}?lang=en").get_data(
        as_text=True)

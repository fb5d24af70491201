"""fire_from_form: a page's change goes through the workflow as the logged-in user, and a
refusal is a message and a 4xx with nothing changed, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Blueprint, request
from sqlalchemy import select

from tests.web_support import log_in
from workshop.models import Event, Job, Piece


def _probe(app: Any) -> Any:
    from workshop.web.guard import station_required
    from workshop.web.session import fire_from_form

    bp = Blueprint("fire_probe", __name__)

    @bp.post("/probe/jobs/<int:job_id>/<event>")
    @station_required("store")
    def fire_view(job_id: int, event: str):  # type: ignore[no-untyped-def]
        data = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version")}
        job = fire_from_form(job_id, event, data)
        return f"now {job.state} v{job.version}"

    app.register_blueprint(bp)
    return app


def _bi_disc_job(factory: Any) -> Job:
    with factory() as session:
        return session.scalar(select(Job).join(Piece, Job.piece_id == Piece.id)
                              .where(Piece.certificate_no == "NGTC-2026-070002"))


def _receipt(token: str, version: int, **extra: str) -> dict[str, str]:
    return {"csrf_token": token, "version": str(version), "channel": "store_counter",
            "mass_g": "28.150", **extra}


def test_a_change_is_fired_as_the_logged_in_user(app: Any, seeded: Any) -> None:
    client = _probe(app).test_client()
    token = log_in(client, "clerk")
    job = _bi_disc_job(seeded)
    response = client.post(f"/probe/jobs/{job.id}/receive", data=_receipt(token, job.version))
    assert response.status_code == 200, response.get_data(as_text=True)
    with seeded() as session:
        after = session.get(Job, job.id)
        assert after.state != "awaiting_piece"
        assert after.version > job.version
        event = session.scalar(select(Event).where(Event.job_id == job.id,
                                                   Event.event == "receive"))
        assert event.actor == "user:clerk (store_clerk)"
        assert event.actor_id is not None


def _state(factory: Any, job_id: int) -> tuple[str, int]:
    with factory() as session:
        job = session.get(Job, job_id)
        return job.state, job.version


@pytest.mark.parametrize("case,status,words", [
    ("stale", 409, "reload"),
    ("missing_mass", 422, "mass_g"),
    ("wrong_event_now", 409, "not possible"),
])
def test_a_refusal_is_a_message_and_a_4xx_and_nothing_changes(
        app: Any, seeded: Any, case: str, status: int, words: str) -> None:
    client = _probe(app).test_client()
    token = log_in(client, "clerk")
    job = _bi_disc_job(seeded)
    before = _state(seeded, job.id)
    url, data = f"/probe/jobs/{job.id}/receive", _receipt(token, job.version)
    if case == "stale":
        data["version"] = str(job.version - 1 or 99)
    elif case == "missing_mass":
        del data["mass_g"]
    else:
        url = f"/probe/jobs/{job.id}/ready_for_pickup"
        data = {"csrf_token": token, "version": str(job.version)}
    response = client.post(url, data=data, headers={"Referer": "/store/"})
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert words in page
    assert 'id="refused"' in page and 'href="/store/"' in page
    assert _state(seeded, job.id) == before


def test_a_role_the_workflow_refuses_is_a_403(app: Any, seeded: Any) -> None:
    client = _probe(app).test_client()
    token = log_in(client, "clerk")  # may open the store desk, but not pass quality control
    job = _bi_disc_job(seeded)
    response = client.post(f"/probe/jobs/{job.id}/qc_pass",
                           data={"csrf_token": token, "version": str(job.version)})
    assert response.status_code == 403
    assert "qc_pass" in response.get_data(as_text=True)
    assert _state(seeded, job.id)[0] == "awaiting_piece"


def test_a_fetch_gets_the_refusal_as_json(app: Any, seeded: Any) -> None:
    client = _probe(app).test_client()
    token = log_in(client, "clerk")
    job = _bi_disc_job(seeded)
    response = client.post(f"/probe/jobs/{job.id}/receive",
                           data=_receipt(token, job.version + 5),
                           headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.json["error"] == "refused"
    assert "reload" in response.json["message"]


def test_a_malformed_version_is_a_400(app: Any, seeded: Any) -> None:
    client = _probe(app).test_client()
    token = log_in(client, "clerk")
    job = _bi_disc_job(seeded)
    data = _receipt(token, job.version)
    data["version"] = "seven"
    response = client.post(f"/probe/jobs/{job.id}/receive", data=data)
    assert response.status_code == 400
    assert _state(seeded, job.id)[0] == "awaiting_piece"

"""The customer's tracking page: the job's timeline behind an unguessable link, nothing
personal on it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from jobs.engine import fire
from jobs.types import Actor
from workshop.models import Job, Order, Piece


def _jobs(factory: Any) -> list[Job]:
    with factory() as session:
        return list(session.scalars(select(Job).order_by(Job.id)))


def _personal(factory: Any) -> list[str]:
    """Everything about the customer, the people and the piece that must not leak."""
    with factory() as session:
        order = session.scalar(select(Order))
        pieces = session.scalars(select(Piece)).all()
        return [order.customer_name, order.customer_email, order.customer_phone,
                order.platform_ref, "Wang", "王芳", "138 0000", "clerk", "Xu Li",
                *[p.certificate_no for p in pieces]]


def _receive(factory: Any, job: Job, settings: Any) -> None:
    with factory() as session:
        fire(session, job.id, "receive", actor=Actor("user", None, "clerk", "store_clerk"),
             version=job.version, settings=settings,
             data={"channel": "store_counter", "mass_g": "28.150",
                   "condition": "Wang Fang says: fine, call 138 0000 0000"})


def test_the_page_shows_the_state_and_timeline_without_personal_data(
        client: Any, seeded: Any, settings: Any) -> None:
    job = _jobs(seeded)[0]
    _receive(seeded, job, settings)
    response = client.get(f"/track/{job.tracking_token}?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your carving" in page
    assert "Stone received" in page and "Awaiting the stone" in page
    for secret in _personal(seeded):
        assert secret not in page, secret
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_the_json_variant_follows_the_job(client: Any, seeded: Any, settings: Any) -> None:
    job = _jobs(seeded)[0]
    before = client.get(f"/track/{job.tracking_token}.json").json
    assert before["state"] == "awaiting_piece" and before["stage"] == -1
    assert [s["state"] for s in before["timeline"]] == ["awaiting_piece"]
    _receive(seeded, job, settings)
    after = client.get(f"/track/{job.tracking_token}.json").json
    with seeded() as session:
        state_now = session.get(Job, job.id).state
    assert after["state"] == state_now != "awaiting_piece"
    assert after["stage"] >= 0
    states = [s["state"] for s in after["timeline"]]
    assert states[0] == "awaiting_piece" and "received" in states
    assert states[-1] == state_now
    assert after["store"] is not None  # collected at the store: which one is no secret
    text = str(after)
    for secret in _personal(seeded):
        assert secret not in text, secret


def test_each_job_has_its_own_token_and_a_wrong_one_is_a_plain_404(
        client: Any, seeded: Any) -> None:
    jobs = _jobs(seeded)
    tokens = {j.tracking_token for j in jobs}
    assert len(tokens) == len(jobs)
    assert all(len(t) >= 32 for t in tokens)  # 192 random bits, url-safe
    token = jobs[0].tracking_token
    wrong = token[:-1] + ("y" if token.endswith("x") else "x")  # one character off
    a = client.get("/track/" + wrong)
    b = client.get(f"/track/{jobs[0].id}")
    c = client.get("/track/" + "A" * 500 + ".json")
    assert a.status_code == b.status_code == c.status_code == 404
    assert jobs[0].tracking_token not in a.get_data(as_text=True)


def test_no_login_is_needed_and_the_page_is_chinese_by_default(client: Any,
                                                                seeded: Any) -> None:
    job = _jobs(seeded)[1]
    page = client.get(f"/track/{job.tracking_token}").get_data(as_text=True)
    assert "您的雕刻" in page and "等待玉石" in page


def test_after_qc_the_page_links_to_verification_by_number_never_with_the_code(
        client: Any, seeded: Any, settings: Any) -> None:
    from jobs.certificates import CERTIFICATE_CODE
    from tests.workshop import production_desk as desk
    from workshop.models import Certificate

    ring = desk.jobs_by_route(seeded)["hand"][0]
    token = desk.job_row(seeded, ring).tracking_token
    desk.receive(seeded, settings, ring, desk.MASSES["ring"])
    before = client.get(f"/track/{token}?lang=en").get_data(as_text=True)
    assert 'id="verify-certificate"' not in before and "/verify" not in before
    desk.fire_as_supervisor(seeded, settings, ring, "assign",
                            artisan_id=desk.user_id(seeded, "artisan.wang"))
    for event in ("start", "finish", "submit_qc"):
        desk.fire_as_supervisor(seeded, settings, ring, event)
    with seeded() as session:
        passed = fire(session, ring, "qc_pass", actor=desk.SUPERVISOR, version=None,
                      settings=settings)
        code = passed.one_time[CERTIFICATE_CODE]
        number = session.scalars(select(Certificate.number)
                                 .where(Certificate.job_id == ring)).one()
    page = client.get(f"/track/{token}?lang=en").get_data(as_text=True)
    assert f'href="/verify/{number}"' in page and "Verify your certificate" in page
    assert code not in page and code not in str(client.get(f"/track/{token}.json").json)
    for secret in _personal(seeded):  # the lab's number and the customer stay off the page
        assert secret not in page, secret
    # the link asks for the code; with the code printed on the certificate it is valid
    asked = client.get(f"/verify/{number}?lang=en")
    assert asked.status_code == 200 and number in asked.get_data(as_text=True)
    checked = client.get(f"/verify/{number}.json?c={code}").json
    assert checked["status"] == "valid"

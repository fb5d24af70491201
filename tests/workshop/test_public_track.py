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
                order.platform_ref, "Wang", "王芳", "138", "clerk", "Xu Li",
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
    a = client.get("/track/" + jobs[0].tracking_token[:-1] + "x")
    b = client.get(f"/track/{jobs[0].id}")
    c = client.get("/track/" + "A" * 500 + ".json")
    assert a.status_code == b.status_code == c.status_code == 404
    assert jobs[0].tracking_token not in a.get_data(as_text=True)


def test_no_login_is_needed_and_the_page_is_chinese_by_default(client: Any,
                                                                seeded: Any) -> None:
    job = _jobs(seeded)[1]
    page = client.get(f"/track/{job.tracking_token}").get_data(as_text=True)
    assert "您的雕刻" in page and "等待玉石" in page

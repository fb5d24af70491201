"""The same change arriving twice at the same moment (a retry racing its original) is applied
once: both callers hear success, one of them "already applied"."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from tests.workshop.tablet_desk import CSRF, hand_job, login, make_shop
from workshop.models import Event


def test_twin_requests_make_one_event(app, session_factory) -> None:
    shop = make_shop(session_factory)
    job_id = hand_job(session_factory, shop, artisan="wang")
    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        login(client, shop.users["wang"])
    barrier = threading.Barrier(len(clients))
    answers: list[Any] = []

    def send(client: Any) -> None:
        barrier.wait()
        answers.append(client.post(
            f"/artisan/jobs/{job_id}/actions",
            headers={"X-CSRFToken": CSRF, "Accept": "application/json"},
            json={"id": "twin-start-0001", "event": "start"}))

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(a.status_code for a in answers) == [200] * len(clients)
    assert sorted(a.json["duplicate"] for a in answers) == [False] + [True] * (len(clients) - 1)
    with session_factory() as s:
        starts = s.scalars(select(Event).where(Event.job_id == job_id, Event.event == "start"))
        assert len(list(starts)) == 1

"""A job cannot start carving while its order is unpaid: the first `start` is refused with the
reason (409 guard_failed, nothing written); once the platform confirms the rest it starts.
Pause/resume and the restart after rework are not asked again. An order paid in full at intake
has its royalties charged there, once."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

import pytest
from sqlalchemy import func, select

from jobs import payments
from jobs.money import Money
from tests.workshop.api.conftest import Crew
from tests.workshop.api.flow import (
    co_design_cloud,
    fire,
    job,
    line,
    order_body,
    place_order,
    receive,
    register,
    send,
)
from workshop.models import Event, Job, Outbox, RoyaltyEntry

SECRET = "whsec_start_0123456789"
PIECE = ("NGTC-UNPAID-1", "ring", "12.300", "32")


@pytest.fixture
def pay_client(settings: Any, crew: Crew) -> Any:
    from workshop.app import create_app

    app = create_app(dataclasses.replace(settings, payment_webhook_secret=SECRET))
    app.config["TESTING"] = True
    yield app.test_client()
    app.extensions["workshop"]["engine"].dispose()


def confirm(client: Any, reference: str, amount: str, event_id: str,
            kind: str = "payment.succeeded") -> None:
    body = json.dumps({"id": event_id, "type": kind, "order_reference": reference,
                       "amount": amount, "currency": "CNY"}).encode()
    header = payments.sign(SECRET, int(time.time()), body)
    answer = client.post("/api/v1/payments", data=body, content_type="application/json",
                         headers={payments.SIGNATURE_HEADER: header})
    assert answer.status_code == 201, answer.get_json()


def scheduled_hand_job(client: Any, crew: Crew, reference: str, amount_paid: str) -> int:
    """A hand job (free design, pickup) received and assigned to the crew's artisan."""
    register(client, crew, PIECE)
    [job_id] = place_order(client, crew, order_body(
        reference, [line(PIECE[0], "hand")], amount_paid=amount_paid))
    receive(client, crew, job_id, PIECE[2])
    fire(client, crew, job_id, "assign", "supervisor", artisan_id=crew.user_ids["artisan"])
    return job_id


def recorded(session_factory: Any, job_id: int) -> tuple[str, int, int, int]:
    with session_factory() as s:
        row = s.get_one(Job, job_id)
        events = s.scalar(select(func.count()).select_from(Event).where(Event.job_id == job_id))
        outbox = s.scalar(select(func.count()).select_from(Outbox))
        return row.state, row.version, events, outbox


def hand_quote(settings: Any) -> Money:
    """What a hand carving of a free design, collected at the store, owes."""
    return Money(str(settings.default_hand_hours * settings.artisan_rate_per_hour))


def test_an_unpaid_job_is_refused_until_the_platform_confirms_the_rest(
        pay_client: Any, crew: Crew, session_factory: Any, settings: Any) -> None:
    job_id = scheduled_hand_job(pay_client, crew, "TM-UNPAID-1", amount_paid="0")
    due = hand_quote(settings)
    before = recorded(session_factory, job_id)

    refused = send(pay_client, crew, job_id, "start", "artisan")
    assert refused.status_code == 409
    assert refused.get_json()["error"] == "guard_failed"
    assert "not paid" in refused.get_json()["message"]
    assert str(due.amount) in refused.get_json()["message"]
    assert recorded(session_factory, job_id) == before

    part = due - Money("0.01")
    confirm(pay_client, "TM-UNPAID-1", str(part.amount), "evt_part")
    still = send(pay_client, crew, job_id, "start", "artisan")
    assert still.status_code == 409 and "not paid" in still.get_json()["message"]

    confirm(pay_client, "TM-UNPAID-1", "0.01", "evt_rest")
    started = fire(pay_client, crew, job_id, "start", "artisan")
    assert started["state"] == "carving"
    assert recorded(session_factory, job_id)[2] == before[2] + 1


def test_a_job_paid_at_intake_starts(pay_client: Any, crew: Crew, settings: Any) -> None:
    job_id = scheduled_hand_job(pay_client, crew, "TM-PAID-1", amount_paid="360.00")
    assert hand_quote(settings) <= Money("360.00")
    assert fire(pay_client, crew, job_id, "start", "artisan")["state"] == "carving"


def test_resume_and_the_restart_after_rework_are_not_asked_again(
        pay_client: Any, crew: Crew, settings: Any) -> None:
    job_id = scheduled_hand_job(pay_client, crew, "TM-REFUND-1", amount_paid="0")
    due = hand_quote(settings)
    confirm(pay_client, "TM-REFUND-1", str(due.amount), "evt_paid")
    fire(pay_client, crew, job_id, "start", "artisan")
    fire(pay_client, crew, job_id, "pause", "artisan")
    # a refund while the stone is on the bench: carving already started, it is not stopped
    confirm(pay_client, "TM-REFUND-1", str(due.amount), "evt_refund", "payment.refunded")
    fire(pay_client, crew, job_id, "resume", "artisan")
    fire(pay_client, crew, job_id, "finish", "artisan")
    fire(pay_client, crew, job_id, "submit_qc", "artisan")
    fire(pay_client, crew, job_id, "qc_fail", "supervisor", reason="a chipped edge")
    assert fire(pay_client, crew, job_id, "start", "artisan")["state"] == "carving"
    events = [e["event"] for e in job(pay_client, crew, job_id)["events"]]
    assert events.count("start") == 2


# ---- royalties charged at intake ---------------------------------------------------------------

@pytest.fixture
def co_designed(session_factory: Any, crew: Crew) -> str:
    """D-BI-CLOUD co-designed among three owners: a royalty of 100.00 a use."""
    with session_factory() as s:
        co_design_cloud(s)
        s.commit()
    return "D-BI-CLOUD"


def ledger(session_factory: Any) -> tuple[int, int]:
    with session_factory() as s:
        return (s.scalar(select(func.count()).select_from(RoyaltyEntry)),
                s.scalar(select(func.coalesce(func.sum(RoyaltyEntry.amount_minor), 0))))


def test_intake_paid_in_full_charges_the_royalties_once(
        client: Any, crew: Crew, co_designed: str, session_factory: Any) -> None:
    register(client, crew, ("NGTC-ROY-1", "bi_disc", "38.520", "50"))
    body = order_body("TM-ROY-1", [line("NGTC-ROY-1", "machine", co_designed)],
                      amount_paid="100.00")
    first = client.post("/api/v1/orders", headers=crew["platform"], json=body)
    assert first.status_code == 201, first.get_json()
    assert ledger(session_factory) == (3, 10000)
    again = client.post("/api/v1/orders", headers=crew["platform"], json=body)
    assert again.status_code == 200, again.get_json()
    assert ledger(session_factory) == (3, 10000)


def test_intake_paid_in_part_charges_nothing(client: Any, crew: Crew, co_designed: str,
                                             session_factory: Any) -> None:
    register(client, crew, ("NGTC-ROY-2", "bi_disc", "38.520", "50"))
    body = order_body("TM-ROY-2", [line("NGTC-ROY-2", "machine", co_designed)],
                      amount_paid="99.99")
    assert client.post("/api/v1/orders", headers=crew["platform"], json=body).status_code == 201
    assert ledger(session_factory) == (0, 0)

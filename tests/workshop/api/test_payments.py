"""POST /api/v1/payments: the signed webhook; refusals change nothing; a payment charges the
royalties, a refund after cancellation reverses them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from typing import Any

import pytest
from sqlalchemy import func, select

from jobs import payments
from jobs.engine import fire
from jobs.intake import accept_order, register_piece
from jobs.types import Actor
from tests.workshop.api.flow import co_design_cloud
from workshop.models import Job, Order, Payment, RoyaltyEntry

SECRET = "whsec_test_0123456789"


@pytest.fixture
def pay_client(settings: Any, crew: Any) -> Any:
    from workshop.app import create_app

    app = create_app(dataclasses.replace(settings, payment_webhook_secret=SECRET))
    app.config["TESTING"] = True
    yield app.test_client()
    app.extensions["workshop"]["engine"].dispose()


@pytest.fixture
def order_ref(session_factory: Any, crew: Any) -> str:
    """An order of one machine job with a co-designed design: royalty 100.00 among three."""
    with session_factory() as s:
        co_design_cloud(s)
        s.commit()
        register_piece(s, {"certificate_no": "NGTC-PAY-1", "shape": "bi_disc",
                           "material": "和田玉", "mass_g": "20"}, Actor.system())
        accept_order(s, {"reference": "TM-PAY-1", "delivery": "pickup", "store_code": "SH-JA",
                         "amount_paid": "0", "lines": [{"certificate_no": "NGTC-PAY-1",
                                                        "carving_mode": "machine",
                                                        "design_code": "D-BI-CLOUD"}]},
                     Actor.system())
    return "TM-PAY-1"


def event(kind: str = "payment.succeeded", event_id: str = "evt_1", amount: str = "100.00",
          reference: str = "TM-PAY-1") -> bytes:
    return json.dumps({"id": event_id, "type": kind, "order_reference": reference,
                       "amount": amount, "currency": "CNY"}).encode()


def post(client: Any, body: bytes, *, secret: str = SECRET, at: int | None = None) -> Any:
    header = payments.sign(secret, int(time.time()) if at is None else at, body)
    return client.post("/api/v1/payments", data=body, content_type="application/json",
                       headers={payments.SIGNATURE_HEADER: header})


def snapshot(session_factory: Any) -> tuple[int, int, int]:
    with session_factory() as s:
        return (s.scalar(select(func.count()).select_from(Payment)),
                s.scalar(select(func.count()).select_from(RoyaltyEntry)),
                s.scalar(select(func.coalesce(func.sum(RoyaltyEntry.amount_minor), 0))))


def test_a_signed_payment_is_recorded_and_charges_the_royalty(pay_client: Any, order_ref: str,
                                                              session_factory: Any) -> None:
    answer = post(pay_client, event())
    assert answer.status_code == 201, answer.get_json()
    assert snapshot(session_factory) == (1, 3, 10000)


@pytest.mark.parametrize("tamper", ["secret", "body", "old", "future", "header"])
def test_a_refused_webhook_changes_nothing(pay_client: Any, order_ref: str,
                                           session_factory: Any, tamper: str) -> None:
    body, now = event(), int(time.time())
    if tamper == "secret":
        answer = post(pay_client, body, secret="not-the-secret")
    elif tamper == "body":
        header = payments.sign(SECRET, now, body)
        answer = pay_client.post("/api/v1/payments", data=event(amount="1.00"),
                                 content_type="application/json",
                                 headers={payments.SIGNATURE_HEADER: header})
    elif tamper == "old":
        answer = post(pay_client, body, at=now - payments.TOLERANCE_S - 5)
    elif tamper == "future":
        answer = post(pay_client, body, at=now + payments.TOLERANCE_S + 5)
    else:
        answer = pay_client.post("/api/v1/payments", data=body, content_type="application/json")
    assert answer.status_code == 401
    assert snapshot(session_factory) == (0, 0, 0)


def test_a_replay_is_refused_and_changes_nothing(pay_client: Any, order_ref: str,
                                                 session_factory: Any) -> None:
    assert post(pay_client, event()).status_code == 201
    before = snapshot(session_factory)
    again = post(pay_client, event())  # the same event id, freshly signed
    assert again.status_code == 409
    assert snapshot(session_factory) == before


def test_without_a_configured_secret_every_webhook_is_refused(client: Any, order_ref: str,
                                                             session_factory: Any) -> None:
    assert post(client, event()).status_code == 401
    assert snapshot(session_factory) == (0, 0, 0)


def test_an_event_for_an_unknown_order_is_refused(pay_client: Any, order_ref: str,
                                                  session_factory: Any) -> None:
    assert post(pay_client, event(reference="TM-NOPE")).status_code == 404
    assert snapshot(session_factory) == (0, 0, 0)


def test_a_refund_after_cancellation_reverses_the_royalties(
        pay_client: Any, order_ref: str, session_factory: Any, crew: Any) -> None:
    assert post(pay_client, event()).status_code == 201
    with session_factory() as s:
        job = s.scalar(select(Job).join(Order).where(Order.platform_ref == order_ref))
        admin = Actor("user", crew.user_ids["admin"], "admin1", "admin")
        fire(s, job.id, "cancel", actor=admin, version=job.version,
             data={"reason": "customer changed mind"})
    answer = post(pay_client, event("payment.refunded", "evt_2"))
    assert answer.status_code == 201, answer.get_json()
    payments_count, entries, total = snapshot(session_factory)
    assert (payments_count, entries, total) == (2, 6, 0)


def test_an_order_is_paid_when_what_it_received_covers_the_quote(
        pay_client: Any, order_ref: str, session_factory: Any, settings: Any) -> None:
    with session_factory() as s:
        job = s.scalar(select(Job).join(Order).where(Order.platform_ref == order_ref))
        assert "not paid" in (payments.unpaid_reason(s, job, settings) or "")
    assert post(pay_client, event(amount="99.99")).status_code == 201
    with session_factory() as s:
        job = s.scalar(select(Job).join(Order).where(Order.platform_ref == order_ref))
        assert payments.unpaid_reason(s, job, settings) is not None
    assert snapshot(session_factory)[1:] == (0, 0)  # a part payment charges no royalty yet
    assert post(pay_client, event(event_id="evt_3", amount="0.01")).status_code == 201
    with session_factory() as s:
        job = s.scalar(select(Job).join(Order).where(Order.platform_ref == order_ref))
        assert payments.unpaid_reason(s, job, settings) is None
    assert snapshot(session_factory) == (2, 3, 10000)


def test_an_order_paid_at_intake_is_charged_once(session_factory: Any, order_ref: str,
                                                 settings: Any) -> None:
    with session_factory() as s:
        register_piece(s, {"certificate_no": "NGTC-PAY-2", "shape": "bi_disc",
                           "material": "和田玉", "mass_g": "20"}, Actor.system())
        order, _ = accept_order(s, {
            "reference": "TM-PAY-2", "delivery": "pickup", "store_code": "SH-JA",
            "amount_paid": "100.00", "lines": [{"certificate_no": "NGTC-PAY-2",
                                                "carving_mode": "machine",
                                                "design_code": "D-BI-CLOUD"}]},
            Actor.system())
        first = payments.charge_if_paid(s, order, settings, dt.date(2026, 5, 1))
        again = payments.charge_if_paid(s, order, settings, dt.date(2026, 5, 2))
        s.commit()
        assert sorted(e.amount_minor for e in first) == [3333, 3333, 3334]
        assert {e.id for e in again} == {e.id for e in first}  # the same entries, no new ones
        short = s.scalar(select(Order).where(Order.platform_ref == order_ref))  # paid 0
        assert payments.charge_if_paid(s, short, settings, dt.date(2026, 5, 1)) == []
    assert snapshot(session_factory) == (0, 3, 10000)

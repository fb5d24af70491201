"""The desk sends a courier order: carrier and tracking number typed once, the whole set
dispatched together through the engine, a set not yet complete refused with the reason."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from jobs.engine import fire
from jobs.intake import accept_order, register_piece
from jobs.types import Actor
from tests.workshop.tablet_desk import CSRF, login, make_shop, piece_data
from workshop.models import Event, Job, Order

ADMIN = Actor("user", None, "test", "admin")


@pytest.fixture
def shop(session_factory: Any) -> Any:
    return make_shop(session_factory)


@pytest.fixture
def clerk(client: Any, shop: Any) -> Any:
    login(client, shop.users["xu"])
    return client


def _courier_set(factory: Any, shop: Any, settings: Any, ready: int) -> list[int]:
    """A courier order of two hand-carved pieces, the first ``ready`` of them carved and
    passed QC (ready for dispatch), the others still on the bench."""
    numbers = ["NGTC-SET-1", "NGTC-SET-2"]
    with factory() as session:
        for number in numbers:
            register_piece(session, piece_data(number, shop.store_code), ADMIN)
        order, _ = accept_order(session, {
            "reference": "REF-SET", "store_code": shop.store_code, "delivery": "courier",
            "customer": {"name": "王芳", "phone": "+86 138"},
            # paid in full: per piece 2 h of hand carving at 180.00 and 20.00 return shipping
            "amount_paid": "760.00",
            "lines": [{"certificate_no": n, "carving_mode": "hand",
                       "design_code": shop.design_code} for n in numbers]}, ADMIN)
        ids = [j.id for j in order.jobs]
        for i, job_id in enumerate(ids):
            steps = [("receive", {"channel": "store_counter", "mass_g": "8.02"}),
                     ("assign", {"artisan_id": shop.users["wang"]})]
            if i < ready:
                steps += [(e, {}) for e in ("start", "finish", "submit_qc", "qc_pass")]
            for event, data in steps:
                fire(session, job_id, event, actor=ADMIN, version=None, data=data,
                     settings=settings)
    return ids


def _post(clerk: Any, factory: Any, job_id: int, **data: str) -> Any:
    with factory() as session:
        version = session.get_one(Job, job_id).version
    return clerk.post(f"/store/jobs/{job_id}/dispatch",
                      data={"csrf_token": CSRF, "version": version, **data})


def _states(factory: Any, ids: list[int]) -> list[str]:
    with factory() as session:
        return [session.get_one(Job, i).state for i in ids]


def test_the_set_is_sent_together_with_its_tracking_number(clerk, session_factory, shop,
                                                           settings) -> None:
    ids = _courier_set(session_factory, shop, settings, ready=2)
    desk = clerk.get("/store/?lang=en").get_data(as_text=True)
    assert f"/store/jobs/{ids[0]}/dispatch" in desk and "to send by courier" in desk
    form = clerk.get(f"/store/jobs/{ids[0]}/dispatch?lang=en").get_data(as_text=True)
    assert 'id="dispatch-form"' in form and 'id="dispatch-waiting"' not in form
    sent = _post(clerk, session_factory, ids[0], carrier="顺丰速运 SF Express",
                 tracking_no="SF 1234 5678 9012")
    assert sent.status_code == 302
    assert _states(session_factory, ids) == ["dispatched", "dispatched"]
    with session_factory() as session:
        order = session.scalar(select(Order).where(Order.platform_ref == "REF-SET"))
        assert (order.carrier, order.tracking_no) == ("顺丰速运 SF Express", "SF123456789012")
        events = session.scalars(select(Event).where(Event.event == "dispatch")).all()
        assert sorted(e.job_id for e in events) == sorted(ids)
    page = clerk.get(sent.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "SF123456789012" in page and "/dispatch" not in page


def test_a_set_not_yet_complete_is_refused_with_the_engines_reason(clerk, session_factory,
                                                                   shop, settings) -> None:
    ids = _courier_set(session_factory, shop, settings, ready=1)
    form = clerk.get(f"/store/jobs/{ids[0]}/dispatch?lang=en").get_data(as_text=True)
    assert 'id="dispatch-waiting"' in form
    refused = _post(clerk, session_factory, ids[0], carrier="EMS", tracking_no="EE123456789CN")
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert 'id="dispatch-error"' in page and "the set leaves together" in page
    assert f"job {ids[1]} is scheduled" in page
    assert 'value="EE123456789CN"' in page  # what the clerk typed is kept
    assert page.count("the set leaves together") == 1  # in the form, not again as a banner
    assert _states(session_factory, ids) == ["ready_for_dispatch", "scheduled"]


def test_the_form_names_missing_or_malformed_fields(clerk, session_factory, shop,
                                                    settings) -> None:
    ids = _courier_set(session_factory, shop, settings, ready=2)
    answer = _post(clerk, session_factory, ids[0], carrier="", tracking_no="#1")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    # the desk speaks Chinese by default: the reasons are translated
    assert "请填写快递公司" in page and "4 至 40 位" in page
    assert _states(session_factory, ids) == ["ready_for_dispatch", "ready_for_dispatch"]


def test_a_pickup_order_has_no_courier_form(clerk, session_factory, shop) -> None:
    from tests.workshop.tablet_desk import hand_job

    job_id = hand_job(session_factory, shop)
    assert clerk.get(f"/store/jobs/{job_id}/dispatch").status_code == 404

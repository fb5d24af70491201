"""Intake: pieces registered at sale; orders idempotent on the platform's reference."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from jobs.errors import InvalidPayload, OrderConflict, PieceConflict
from jobs.intake import accept_order, register_piece
from workshop.models import Certificate, Event, Job, Order


def _lines(*numbers, mode="hand"):
    return [{"certificate_no": n, "carving_mode": mode, "design_code": "D-CLOUD"} for n in numbers]


def test_same_request_twice_gives_the_same_order(world):
    world.piece("NGTC-5001")
    body = world.order_body("PO-5", _lines("NGTC-5001"))
    with world.session() as s:
        first, created = accept_order(s, body, world.actors["platform"])
        assert created and len(first.jobs) == 1
        job = first.jobs[0]
        assert job.state == "awaiting_piece" and len(job.tracking_token) >= 32
    with world.session() as s:
        again, created = accept_order(s, dict(body), world.actors["platform"])
        assert not created and again.id == first.id
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 1
        [event] = s.scalars(select(Event)).all()
        assert (event.event, event.to_state, event.actor) == ("create", "awaiting_piece",
                                                              "platform:platform")


def test_same_reference_other_body_is_a_conflict(world):
    world.piece("NGTC-5002")
    world.order("PO-6", _lines("NGTC-5002"))
    other = world.order_body("PO-6", _lines("NGTC-5002", mode="machine"))
    with world.session() as s, pytest.raises(OrderConflict, match="PO-6"):
        accept_order(s, other, world.actors["platform"])


def test_unregistered_piece_refused_naming_it(world):
    with world.session() as s, pytest.raises(InvalidPayload) as caught:
        accept_order(s, world.order_body("PO-7", _lines("NOPE-1")), world.actors["platform"])
    assert "NOPE-1" in caught.value.message
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"delivery": "drone"}, "delivery"),
    ({"lines": []}, "lines"),
    ({"amount_paid": 12.5}, "amount_paid"),
    ({"store_code": "NOWHERE"}, "store_code"),
    ({"lines": [{"certificate_no": "NGTC-5003", "carving_mode": "laser"}]},
     "lines[0].carving_mode"),
    ({"lines": [{"certificate_no": "NGTC-5003", "carving_mode": "machine"}]},
     "lines[0].design_code"),
])
def test_bad_orders_refused(world, change, field):
    world.piece("NGTC-5003")
    body = {**world.order_body("PO-8", _lines("NGTC-5003")), **change}
    with world.session() as s, pytest.raises(InvalidPayload) as caught:
        accept_order(s, body, world.actors["platform"])
    assert field in caught.value.details["fields"]


def test_wedding_set_is_one_order_of_several_jobs(world):
    numbers = ["WS-BI", "WS-RING", "WS-BUCKLE"]
    for number in numbers:
        world.piece(number, set_code="WS")
    job_ids = world.order("PO-9", _lines(*numbers))
    with world.session() as s:
        jobs = [s.get_one(Job, j) for j in job_ids]
        assert [j.line_no for j in jobs] == [1, 2, 3]
        assert len({j.order_id for j in jobs}) == 1
        assert len({j.tracking_token for j in jobs}) == 3


def test_piece_registration(world):
    world.piece("NGTC-5100", mass_g="12.345")
    with world.session() as s:
        cert = s.scalar(select(Certificate).where(Certificate.number == "NGTC-5100"))
        assert (cert.version, cert.status) == (1, "valid")
        assert cert.content["identification"]["mass_g"] == "12.345"
        assert cert.content["identification"]["material"] == "和田玉/软玉"
    with pytest.raises(PieceConflict):
        world.piece("NGTC-5100")
    with world.session() as s, pytest.raises(InvalidPayload) as caught:
        register_piece(s, {"certificate_no": "X", "shape": "cube", "material": "jade",
                           "mass_g": 1.5}, world.actors["admin"])
    assert set(caught.value.details["fields"]) == {"shape", "mass_g"}


def test_two_identical_requests_at_once_make_one_order(world):
    world.piece("NGTC-5200")
    body = world.order_body("PO-RACE", _lines("NGTC-5200"))
    barrier = threading.Barrier(4)
    results: list = []

    def submit() -> None:
        with world.session() as s:
            barrier.wait()
            order, created = accept_order(s, body, world.actors["platform"])
            results.append((order.id, created))

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 4
    assert len({order_id for order_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 1
        assert s.scalar(select(func.count()).select_from(Job)) == 1

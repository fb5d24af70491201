"""Pickup at the store: a one-time code, shown once, stored keyed-hashed; wrong codes counted,
too many lock the set for review."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobs.errors import GuardFailed, IllegalTransition, PickupCodeRejected
from workshop.models import Event, Order


@pytest.fixture
def waiting(world):
    world.piece("NGTC-8001")
    [job_id] = world.order("PO-8001", [{"certificate_no": "NGTC-8001", "carving_mode": "hand"}])
    world.fire(job_id, "receive", "store_clerk", {"channel": "store_counter", "mass_g": "38.52"})
    world.fire(job_id, "assign", "artisan")
    for event in ("start", "finish", "submit_qc"):
        world.fire(job_id, event, "artisan")
    world.fire(job_id, "qc_pass", "supervisor")
    job = world.fire(job_id, "ready_for_pickup", "store_clerk")
    return job_id, job.one_time["pickup_code"]


def _order(world) -> Order:
    with world.session() as s:
        return s.scalar(select(Order))


def test_code_is_stored_only_hashed_and_never_in_the_timeline(world, waiting):
    job_id, code = waiting
    order = _order(world)
    assert order.pickup_code_hash and code not in order.pickup_code_hash
    with world.session() as s:
        for event in s.scalars(select(Event).where(Event.job_id == job_id)):
            assert code not in str(event.data) and code not in event.note


def test_wrong_codes_are_counted_then_lock_the_pickup(world, waiting):
    job_id, code = waiting
    limit = world.settings.pickup_max_attempts
    for attempt in range(1, limit):
        with pytest.raises(PickupCodeRejected) as caught:
            world.fire(job_id, "collect", "store_clerk", {"code": "WRONG000"})
        assert caught.value.details["attempts_left"] == limit - attempt
        assert _order(world).pickup_attempts == attempt
        assert world.job(job_id).state == "awaiting_pickup"
    with pytest.raises(PickupCodeRejected):
        world.fire(job_id, "collect", "store_clerk", {"code": "WRONG000"})
    job = world.job(job_id)
    assert job.state == "on_hold" and "wrong pickup codes" in job.review_reason
    assert world.timeline(job_id)[-1] == ("lock_pickup", "awaiting_pickup", "on_hold")
    # even the right code is refused while locked
    with pytest.raises(IllegalTransition):
        world.fire(job_id, "collect", "store_clerk", {"code": code})
    job = world.fire(job_id, "release", "supervisor", {"note": "customer showed ID"})
    assert job.state == "awaiting_pickup" and _order(world).pickup_attempts == 0
    assert world.fire(job_id, "collect", "store_clerk", {"code": code.lower()}).state == \
        "collected"


def test_the_code_does_not_open_another_order(world, waiting):
    job_id, code = waiting
    world.piece("NGTC-8002")
    [other] = world.order("PO-8002", [{"certificate_no": "NGTC-8002", "carving_mode": "hand"}])
    world.fire(other, "receive", "store_clerk", {"channel": "store_counter", "mass_g": "38.52"})
    world.fire(other, "assign", "artisan")
    for event in ("start", "finish", "submit_qc"):
        world.fire(other, event, "artisan")
    world.fire(other, "qc_pass", "supervisor")
    other_code = world.fire(other, "ready_for_pickup", "store_clerk").one_time["pickup_code"]
    assert other_code != code
    with pytest.raises(PickupCodeRejected):
        world.fire(other, "collect", "store_clerk", {"code": code})


def test_courier_order_cannot_go_to_pickup(world):
    world.piece("NGTC-8003")
    [job_id] = world.order("PO-8003", [{"certificate_no": "NGTC-8003", "carving_mode": "hand"}],
                           delivery="courier")
    world.fire(job_id, "receive", "store_clerk", {"channel": "store_counter", "mass_g": "38.52"})
    world.fire(job_id, "assign", "artisan")
    for event in ("start", "finish", "submit_qc"):
        world.fire(job_id, event, "artisan")
    world.fire(job_id, "qc_pass", "supervisor")
    with pytest.raises(GuardFailed, match="courier"):
        world.fire(job_id, "ready_for_pickup", "store_clerk")

"""The first `start` of a machine job waits for a paid order (the design's fee here); the
refusal names what is missing and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jobs import royalties
from jobs.errors import GuardFailed
from jobs.intake import accept_order
from jobs.money import Money
from tests.jobs.test_refusals import snapshot
from workshop.models import Design, DesignOwner, Job, Order


@pytest.fixture
def scheduled_machine_job(world) -> int:
    """A machine job with a paid design (fee 300.00) ordered with nothing paid, on ENG-1."""
    with world.session() as s:
        design = s.scalar(select(Design).where(Design.code == "D-CLOUD"))
        design.source = "paid"
        owner = DesignOwner(design_id=design.id, kind="designer", name="d", party_ref="d")
        s.add(owner)
        s.flush()
        royalties.set_terms(s, design, valid_from=dt.date(2020, 1, 1),
                            design_fee=Money("300.00"), shares=[(owner, "100")])
        s.commit()
    world.piece("NGTC-M-1")
    body = world.order_body("PO-M-1", [{"certificate_no": "NGTC-M-1", "carving_mode": "machine",
                                        "design_code": "D-CLOUD"}])
    with world.session() as s:
        order, _ = accept_order(s, {**body, "amount_paid": "0"}, world.actors["platform"])
        [job_id] = [j.id for j in order.jobs]
    world.fire(job_id, "receive", "store_clerk", {"channel": "store_counter", "mass_g": "38.52"})
    world.fire(job_id, "program_ready", "system", {"machine_profile": "engraver-3axis-grbl"},
               version=None)
    world.fire(job_id, "assign", "supervisor", {"machine_id": world.machines["ENG-1"]})
    return job_id


def test_an_unpaid_machine_job_does_not_start(world, scheduled_machine_job) -> None:
    before = snapshot(world)
    with pytest.raises(GuardFailed) as caught:
        world.fire(scheduled_machine_job, "start", "cnc_operator")
    assert "not paid" in caught.value.message and "300.00" in caught.value.message
    assert snapshot(world) == before


def test_a_machine_job_paid_in_full_at_intake_starts(world, scheduled_machine_job) -> None:
    with world.session() as s:
        order = s.get_one(Order, s.get_one(Job, scheduled_machine_job).order_id)
        order.amount_paid_cents = 30000  # as if it had come in paid
        s.commit()
    world.fire(scheduled_machine_job, "start", "cnc_operator")
    assert world.job(scheduled_machine_job).state == "carving"

"""Illegal transitions, stale versions, wrong roles, bad payloads: refused with a reason, and the
database exactly as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobs.errors import (
    GuardFailed,
    IllegalTransition,
    InvalidPayload,
    JobNotFound,
    NotAllowed,
    StaleVersion,
)
from workshop.models import Base


def snapshot(world) -> dict[str, list[tuple]]:
    """Every row of every table, in key order."""
    with world.session() as s:
        return {t.name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key))]
                for t in Base.metadata.sorted_tables}


@pytest.fixture
def hand_job(world):
    world.piece("NGTC-3001")
    [job_id] = world.order("PO-3", [{"certificate_no": "NGTC-3001", "carving_mode": "hand"}])
    world.fire(job_id, "receive", "store_clerk", {"channel": "store_counter", "mass_g": "38.52"})
    return job_id


CASES = [
    # (event, who, data, version offset, error, words in the reason)
    ("finish", "supervisor", {}, 0, IllegalTransition, ["ticket_open", "possible now", "assign"]),
    ("qc_pass", "admin", {}, 0, IllegalTransition, ["ticket_open"]),
    ("assign", "supervisor", {"artisan_id": 1}, -1, StaleVersion, ["version"]),
    ("assign", "supervisor", {"artisan_id": 1}, +5, StaleVersion, ["version"]),
    ("assign", "store_clerk", {"artisan_id": 1}, 0, NotAllowed, ["store_clerk", "assign"]),
    ("program_ready", "admin", {}, 0, NotAllowed, ["admin"]),
    ("hold", "supervisor", {}, 0, InvalidPayload, ["reason", "required"]),
    ("hold", "supervisor", {"reason": 42}, 0, InvalidPayload, ["reason"]),
    ("hold", "supervisor", {"reason": "x", "colour": "red"}, 0, InvalidPayload, ["colour"]),
    ("assign", "supervisor", {"artisan_id": "7"}, 0, InvalidPayload, ["artisan_id", "integer"]),
    ("assign", "supervisor", {}, 0, InvalidPayload, ["artisan_id"]),
    ("no_such_event", "admin", {}, 0, InvalidPayload, ["unknown"]),
]


@pytest.mark.parametrize(("event", "who", "data", "offset", "error", "words"), CASES)
def test_refused_and_nothing_written(world, hand_job, event, who, data, offset, error, words):
    before = snapshot(world)
    version = world.job(hand_job).version + offset
    with pytest.raises(error) as caught:
        world.fire(hand_job, event, who, data, version=version)
    for word in words:
        assert word in caught.value.message
    assert snapshot(world) == before


def test_illegal_transition_names_the_allowed_events(world, hand_job):
    with pytest.raises(IllegalTransition) as caught:
        world.fire(hand_job, "collect", "store_clerk", {"code": "X"})
    assert caught.value.details["state"] == "ticket_open"
    assert caught.value.details["allowed_events"] == []  # a store clerk can do nothing here
    with pytest.raises(IllegalTransition) as caught:
        world.fire(hand_job, "finish", "supervisor")
    assert set(caught.value.details["allowed_events"]) == {
        "reroute", "assign", "hold", "cancel", "return_uncarved"}


def test_unknown_job(world):
    with pytest.raises(JobNotFound):
        world.fire(999_999, "hold", "supervisor", {"reason": "x"}, version=None)


def test_artisan_cannot_run_another_artisans_ticket(world, hand_job):
    world.fire(hand_job, "assign", "supervisor", {"artisan_id": world.actors["artisan2"].id})
    before = snapshot(world)
    with pytest.raises(NotAllowed, match="another artisan"):
        world.fire(hand_job, "start", "artisan")
    with pytest.raises(NotAllowed, match="themself"):
        world.fire(hand_job, "assign", "artisan", {"artisan_id": world.actors["artisan2"].id})
    assert snapshot(world) == before
    assert world.fire(hand_job, "start", "artisan2").state == "carving"


def test_cnc_operator_does_not_run_hand_jobs(world, hand_job):
    world.fire(hand_job, "assign", "supervisor", {"artisan_id": world.actors["artisan"].id})
    with pytest.raises(NotAllowed, match="hand job"):
        world.fire(hand_job, "start", "cnc_operator")


def test_cancel_only_before_carving(world, hand_job):
    world.fire(hand_job, "assign", "supervisor", {"artisan_id": world.actors["artisan"].id})
    world.fire(hand_job, "start", "artisan")
    with pytest.raises(IllegalTransition):
        world.fire(hand_job, "cancel", "supervisor", {"reason": "customer changed mind"})
    world.fire(hand_job, "hold", "supervisor", {"reason": "burr broke"})
    before = snapshot(world)
    with pytest.raises(GuardFailed, match="carving had started"):
        world.fire(hand_job, "cancel", "supervisor", {"reason": "customer changed mind"})
    assert snapshot(world) == before
    job = world.fire(hand_job, "release", "supervisor")
    assert (job.state, job.held_from) == ("carving", None)


def test_set_leaves_together(world):
    for number in ("SET-BI", "SET-RING"):
        world.piece(number, set_code="WEDDING-1")
    jobs = world.order("PO-SET", [{"certificate_no": n, "carving_mode": "hand"}
                                  for n in ("SET-BI", "SET-RING")], delivery="courier")
    artisan = world.actors["artisan"].id
    for job_id in jobs:
        world.fire(job_id, "receive", "store_clerk", {"channel": "courier", "carrier": "SF",
                                                      "tracking_no": "SF1", "mass_g": "38.52"})
        world.fire(job_id, "assign", "supervisor", {"artisan_id": artisan})
        for event in ("start", "finish", "submit_qc"):
            world.fire(job_id, event, "artisan")
    world.fire(jobs[0], "qc_pass", "supervisor")
    before = snapshot(world)
    with pytest.raises(GuardFailed, match=f"job {jobs[1]} is qc"):
        world.fire(jobs[0], "dispatch", "store_clerk", {"carrier": "SF", "tracking_no": "SF9"})
    assert snapshot(world) == before
    world.fire(jobs[1], "qc_pass", "supervisor")
    world.fire(jobs[0], "dispatch", "store_clerk", {"carrier": "SF", "tracking_no": "SF9"})
    assert [world.job(j).state for j in jobs] == ["dispatched", "dispatched"]
    assert world.timeline(jobs[1])[-1] == ("dispatch", "ready_for_dispatch", "dispatched")


def test_courier_receipt_needs_carrier(world):
    world.piece("NGTC-3002")
    [job_id] = world.order("PO-3b", [{"certificate_no": "NGTC-3002", "carving_mode": "hand"}])
    with pytest.raises(InvalidPayload) as caught:
        world.fire(job_id, "receive", "store_clerk", {"channel": "courier", "mass_g": "38.52"})
    assert set(caught.value.details["fields"]) == {"carrier", "tracking_no"}
    assert world.job(job_id).state == "awaiting_piece"

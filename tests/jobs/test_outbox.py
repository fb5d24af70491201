"""The outbox: transitions never wait for Redis; effects run from the table, retried, visible."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from jobs import outbox, queues, tasks
from workshop.models import Design, Outbox, utcnow
from workshop.redis_conn import connect

EMPTY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="20mm"></svg>'


def run_queued(redis, settings) -> None:
    """Run everything queued, in this process, until the queues are empty."""
    from rq import SimpleWorker

    tasks.configure(settings)
    name = f"{settings.queue_prefix}inline-{uuid.uuid4().hex[:8]}"
    SimpleWorker(queues.all_names(settings), connection=redis, name=name).work(burst=True)


def rows(world, **where) -> list[Outbox]:
    with world.session() as s:
        query = select(Outbox).order_by(Outbox.id)
        for key, value in where.items():
            query = query.where(getattr(Outbox, key) == value)
        return list(s.scalars(query))


def machine_job(world, number: str, design: str = "D-CLOUD") -> int:
    world.piece(number)
    [job_id] = world.order(f"PO-{number}", [{"certificate_no": number, "carving_mode": "machine",
                                             "design_code": design}])
    return job_id


def receive(world, job_id: int):
    return world.fire(job_id, "receive", "store_clerk",
                      {"channel": "store_counter", "mass_g": "38.52"})


def test_redis_down_the_transition_commits_and_the_effect_waits(world, redis):
    dead = connect("redis://127.0.0.1:1/0")  # nothing listens there
    job_id = machine_job(world, "NGTC-7001")
    job = receive(world, job_id)
    assert job.state == "toolpath_pending"  # committed without Redis
    assert outbox.drain(world.factory, dead, world.settings) == 0
    waiting = rows(world)
    assert {r.kind for r in waiting} == {"generate_program", "notify"}
    assert all(r.status == "pending" and "not enqueued" in r.last_error for r in waiting)
    # Redis is back
    assert outbox.drain(world.factory, redis, world.settings) == len(waiting)
    assert {r.status for r in rows(world)} == {"dispatched"}
    run_queued(redis, world.settings)
    # a program made is then simulated: one more round of the outbox
    outbox.drain(world.factory, redis, world.settings)
    run_queued(redis, world.settings)
    assert {r.status for r in rows(world)} == {"done"}
    job = world.job(job_id)
    # the CAM is not there yet, or it refuses: the job waits for review with the reason
    assert job.state in ("needs_review", "toolpath_ready")
    if job.state == "needs_review":
        assert "CAM" in job.review_reason or "program" in job.review_reason


def test_machine_route_refused_design_goes_to_review_then_hand(world, redis):
    with world.session() as s:
        s.add(Design(code="D-EMPTY", title="Empty", svg=EMPTY_SVG, svg_sha256="1" * 64))
        s.commit()
    job_id = machine_job(world, "NGTC-7002", design="D-EMPTY")
    receive(world, job_id)
    outbox.drain(world.factory, redis, world.settings)
    run_queued(redis, world.settings)
    job = world.job(job_id)
    assert job.state == "needs_review"
    assert "CAM" in job.review_reason  # "not available" today, "refused the design" later
    events = world.timeline(job_id)
    assert events[-1] == ("program_failed", "toolpath_pending", "needs_review")
    job = world.fire(job_id, "reroute", "supervisor", {"route": "hand"})
    assert job.state == "ticket_open"


def test_generated_program_is_stored(world, redis):
    pytest.importorskip("machines.carve", reason="the CAM entry point has not landed yet")
    job_id = machine_job(world, "NGTC-7003")
    receive(world, job_id)
    outbox.drain(world.factory, redis, world.settings)
    run_queued(redis, world.settings)
    job = world.job(job_id)
    assert job.state == "toolpath_ready", job.review_reason
    from workshop import artifacts
    from workshop.models import Artifact

    with world.session() as s:
        stored = {a.kind: a for a in s.scalars(select(Artifact).where(Artifact.job_id == job_id))}
    assert {"gcode", "report"} <= set(stored)
    gcode = artifacts.read(world.settings, stored["gcode"].sha256).decode()
    assert "G21" in gcode and ("M30" in gcode or "M2" in gcode)


def test_failures_back_off_then_fail_visibly(world, redis):
    calls: list[int] = []

    @tasks.register("test_flaky")
    def flaky(settings, factory, row):
        calls.append(row.id)
        raise ConnectionResetError("platform gateway reset")

    try:
        with world.session() as s:
            s.add(Outbox(kind="test_flaky", payload={}, max_attempts=2))
            s.commit()
        outbox.drain(world.factory, redis, world.settings)
        run_queued(redis, world.settings)
        [row] = rows(world)
        assert (row.status, row.attempts) == ("pending", 1)
        assert "gateway reset" in row.last_error
        assert row.next_attempt_at > utcnow() + dt.timedelta(seconds=5)
        assert outbox.drain(world.factory, redis, world.settings) == 0  # not due yet
        with world.session() as s:
            s.get_one(Outbox, row.id).next_attempt_at = utcnow()
            s.commit()
        outbox.drain(world.factory, redis, world.settings)
        run_queued(redis, world.settings)
        [row] = rows(world)
        assert (row.status, row.attempts, len(calls)) == ("failed", 2, 2)
        assert outbox.drain(world.factory, redis, world.settings) == 0  # failed rows stay put
    finally:
        tasks.HANDLERS.pop("test_flaky")


def test_program_task_failing_for_good_moves_the_job_to_review(world, redis, monkeypatch):
    def broken(*_args):
        raise OSError("artifact volume is read-only")

    monkeypatch.setattr(tasks, "_carve", broken)
    job_id = machine_job(world, "NGTC-7004")
    receive(world, job_id)
    with world.session() as s:
        row = s.scalar(select(Outbox).where(Outbox.kind == "generate_program"))
        row.max_attempts = 1
        s.commit()
    outbox.drain(world.factory, redis, world.settings)
    run_queued(redis, world.settings)
    [row] = rows(world, kind="generate_program")
    assert row.status == "failed" and "read-only" in row.last_error
    job = world.job(job_id)
    assert job.state == "needs_review" and "read-only" in job.review_reason


def test_expired_lease_is_dispatched_again(world, redis):
    with world.session() as s:
        s.add(Outbox(kind="notify", payload={}, status="dispatched",
                     lease_until=utcnow() - dt.timedelta(seconds=1)))
        s.add(Outbox(kind="notify", payload={}, status="dispatched",
                     lease_until=utcnow() + dt.timedelta(minutes=5)))
        s.commit()
    with world.session() as s:
        due = outbox.due(s, utcnow())
    assert [r.lease_until < utcnow() for r in due] == [True]


def test_pickup_code_is_scrubbed_once_delivered(world, redis):
    world.piece("NGTC-7005")
    [job_id] = world.order("PO-7005", [{"certificate_no": "NGTC-7005", "carving_mode": "hand"}])
    receive(world, job_id)
    world.fire(job_id, "assign", "artisan")
    for event in ("start", "finish", "submit_qc"):
        world.fire(job_id, event, "artisan")
    world.fire(job_id, "qc_pass", "supervisor")
    code = world.fire(job_id, "ready_for_pickup", "store_clerk").one_time["pickup_code"]
    [row] = [r for r in rows(world, kind="notify") if r.payload["kind"] == "ready_for_pickup"]
    assert row.payload["pickup_code"] == code
    outbox.drain(world.factory, redis, world.settings)
    run_queued(redis, world.settings)
    [row] = [r for r in rows(world, kind="notify") if r.payload["kind"] == "ready_for_pickup"]
    assert row.status == "done" and code not in str(row.payload)


def test_release_of_a_job_held_while_waiting_for_its_program_asks_again(world):
    job_id = machine_job(world, "NGTC-7006")
    receive(world, job_id)
    world.fire(job_id, "hold", "supervisor", {"reason": "customer asks to wait"})
    job = world.fire(job_id, "release", "supervisor")
    assert job.state == "toolpath_pending"
    assert len(rows(world, kind="generate_program")) == 2


def test_machine_route_with_a_program_runs_on_the_machine_it_was_made_for(world, redis):
    pytest.importorskip("machines.carve", reason="the CAM entry point has not landed yet")
    from jobs.errors import GuardFailed, NotAllowed

    job_id = machine_job(world, "NGTC-7007")
    receive(world, job_id)
    outbox.drain(world.factory, redis, world.settings)
    run_queued(redis, world.settings)
    assert world.job(job_id).state == "toolpath_ready"
    with pytest.raises(GuardFailed, match="simulation has not run"):
        world.fire(job_id, "approve_program", "cnc_operator")
    outbox.drain(world.factory, redis, world.settings)  # the program's cut simulation
    run_queued(redis, world.settings)
    world.fire(job_id, "approve_program", "cnc_operator")
    with pytest.raises(GuardFailed, match="generated for engraver-3axis-grbl"):
        world.fire(job_id, "assign", "supervisor", {"machine_id": world.machines["ROT-1"]})
    world.fire(job_id, "assign", "supervisor", {"machine_id": world.machines["ENG-1"]})
    with pytest.raises(NotAllowed, match="machine job"):
        world.fire(job_id, "start", "artisan")
    for event in ("start", "finish", "submit_qc"):
        world.fire(job_id, event, "cnc_operator")
    world.fire(job_id, "qc_pass", "supervisor")
    with world.session() as s:
        from workshop.models import Certificate

        new = s.scalar(select(Certificate).where(Certificate.status == "valid"))
        assert new.content["carving"]["machine"]["code"] == "ENG-1"
        assert new.content["carving"]["mode"] == "machine"

"""The whole life of a job at the engine level, on both routes."""

from __future__ import annotations

from sqlalchemy import select

from workshop.models import Certificate, Outbox


def _receive(world, job_id, mass="38.520"):
    return world.fire(job_id, "receive", "store_clerk",
                      {"channel": "store_counter", "mass_g": mass, "condition": "no cracks"})


def test_hand_route_through_rework_to_pickup(world):
    world.piece("NGTC-1001")
    [job_id] = world.order("PO-1", [{"certificate_no": "NGTC-1001", "carving_mode": "hand",
                                     "design_code": "D-CLOUD"}])
    job = _receive(world, job_id)
    assert job.state == "ticket_open"
    artisan = world.actors["artisan"].id
    world.fire(job_id, "assign", "supervisor", {"artisan_id": artisan})
    world.fire(job_id, "start", "artisan")
    world.fire(job_id, "progress", "artisan", {"pct": 40})
    world.fire(job_id, "finish", "artisan")
    world.fire(job_id, "submit_qc", "artisan")
    job = world.fire(job_id, "qc_fail", "supervisor", {"reason": "petal edge too shallow"})
    assert (job.state, job.rework_count) == ("rework", 1)
    for event in ("start", "finish", "submit_qc"):
        world.fire(job_id, event, "artisan")
    job = world.fire(job_id, "qc_pass", "supervisor")
    assert job.state == "ready_for_dispatch"
    job = world.fire(job_id, "ready_for_pickup", "store_clerk")
    code = job.one_time["pickup_code"]
    assert job.state == "awaiting_pickup" and len(code) == 8
    job = world.fire(job_id, "collect", "store_clerk", {"code": code})
    assert job.state == "collected"
    assert [e[0] for e in world.timeline(job_id)] == [
        "create", "receive", "route", "assign", "start", "progress", "finish", "submit_qc",
        "qc_fail", "start", "finish", "submit_qc", "qc_pass", "mark_ready", "ready_for_pickup",
        "collect"]
    timeline = world.timeline(job_id)
    assert all(timeline[i][2] == timeline[i + 1][1] for i in range(len(timeline) - 1))
    with world.session() as s:
        certs = s.scalars(select(Certificate).order_by(Certificate.version)).all()
        assert [(c.version, c.status) for c in certs] == [(1, "superseded"), (2, "valid")]
        # the re-issue carries the workshop's own signed number (tests/jobs/test_certificates.py)
        assert certs[0].number == "NGTC-1001" and certs[1].number.startswith("JW-")
        assert certs[0].superseded_by_id == certs[1].id and certs[1].supersedes_id == certs[0].id
        carving = certs[1].content["carving"]
        assert carving["mode"] == "hand" and carving["artisan"]["username"] == "artisan"
        assert carving["design"]["code"] == "D-CLOUD"
        assert certs[1].content["identification"]["mass_g"] == "38.52"
        kinds = [r.payload["kind"] for r in s.scalars(
            select(Outbox).where(Outbox.kind == "notify").order_by(Outbox.id))]
        assert kinds == ["receipt", "carving_started", "ready_for_pickup"]


def test_machine_route_to_review_reroute_and_courier(world):
    world.piece("NGTC-2001")
    [job_id] = world.order("PO-2", [{"certificate_no": "NGTC-2001", "carving_mode": "machine",
                                     "design_code": "D-CLOUD"}], delivery="courier")
    job = _receive(world, job_id)
    assert job.state == "toolpath_pending"
    with world.session() as s:
        assert s.scalar(select(Outbox.kind).where(Outbox.job_id == job_id,
                                                  Outbox.kind == "generate_program"))
    job = world.fire(job_id, "program_failed", "system", {"reason": "CAM not available"},
                     version=None)
    assert job.state == "needs_review" and job.review_reason == "CAM not available"
    job = world.fire(job_id, "reroute", "supervisor", {"route": "hand"})
    assert (job.state, job.route, job.review_reason) == ("ticket_open", "hand", None)
    world.fire(job_id, "assign", "artisan")  # the artisan takes the ticket
    for event in ("start", "finish", "submit_qc"):
        world.fire(job_id, event, "artisan")
    world.fire(job_id, "qc_pass", "supervisor")
    job = world.fire(job_id, "dispatch", "store_clerk", {"carrier": "SF Express",
                                                         "tracking_no": "SF123"})
    assert job.state == "dispatched" and job.order.tracking_no == "SF123"
    assert world.fire(job_id, "deliver", "platform").state == "delivered"

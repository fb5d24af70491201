"""The whole life of carving jobs through the HTTP API, on both routes, on the real database."""

from __future__ import annotations

from sqlalchemy import select

from jobs import tasks
from tests.workshop.api.flow import (
    WEDDING_SET,
    carve_by_hand,
    fire,
    job,
    line,
    order_body,
    place_order,
    receive,
    register,
    send,
    timeline,
)
from workshop.models import Certificate, Order, Outbox, Piece

HAND_TIMELINE = [
    ("create", "awaiting_piece"), ("receive", "received"), ("route", "ticket_open"),
    ("assign", "scheduled"), ("start", "carving"), ("progress", "carving"),
    ("finish", "carved"), ("submit_qc", "qc"),
]


def _certificates(session_factory, number):
    with session_factory() as s:
        piece_id = s.scalar(select(Piece.id).where(Piece.certificate_no == number))
        return s.scalars(select(Certificate).where(Certificate.piece_id == piece_id)
                         .order_by(Certificate.version)).all()


def test_wedding_set_by_hand_through_rework_to_store_pickup(client, crew, session_factory):
    register(client, crew, *WEDDING_SET)
    body = order_body("TM-2026-0520", [line(n, "hand", d) for (n, *_), d in
                                       zip(WEDDING_SET, ("D-BI-CLOUD", "D-RING-WAVE",
                                                         "D-BUCKLE-KNOT"), strict=True)])
    ids = place_order(client, crew, body)
    assert len(ids) == 3

    for job_id, (_n, _s, mass, _d) in zip(ids, WEDDING_SET, strict=True):
        after = receive(client, crew, job_id, mass)
        assert after["state"] == "ticket_open" and after["route"] == "hand"
        carve_by_hand(client, crew, job_id)
    first, *others = ids

    # QC sends the bi disc back once; the loop is counted and visible
    failed = fire(client, crew, first, "qc_fail", "supervisor", reason="cloud edge too shallow")
    assert (failed["state"], failed["rework_count"]) == ("rework", 1)
    carve_by_hand(client, crew, first)
    passed = fire(client, crew, first, "qc_pass", "supervisor")
    assert passed["state"] == "ready_for_dispatch" and passed["rework_count"] == 1
    assert timeline(passed) == HAND_TIMELINE + [
        ("qc_fail", "rework"), ("start", "carving"), ("progress", "carving"),
        ("finish", "carved"), ("submit_qc", "qc"), ("qc_pass", "certificate_reissued"),
        ("mark_ready", "ready_for_dispatch")]
    qc_fail_event = passed["events"][8]
    assert qc_fail_event["note"] == "cloud edge too shallow"
    assert qc_fail_event["actor"] == "user:supervisor1 (supervisor)"

    # the set leaves together: not before every piece is ready
    early = send(client, crew, first, "ready_for_pickup", "store_clerk")
    assert early.status_code == 409 and early.get_json()["error"] == "guard_failed"
    assert "not all of its pieces are ready" in early.get_json()["message"]
    for job_id in others:
        fire(client, crew, job_id, "qc_pass", "supervisor")

    # certificate step: a new version supersedes the original, in the same transaction
    certs = _certificates(session_factory, WEDDING_SET[0][0])
    assert [(c.version, c.status) for c in certs] == [(1, "superseded"), (2, "valid")]
    assert certs[1].supersedes_id == certs[0].id and certs[0].superseded_by_id == certs[1].id
    assert certs[1].number != certs[0].number
    carving = certs[1].content["carving"]
    assert carving["mode"] == "hand" and carving["design"]["code"] == "D-BI-CLOUD"
    assert carving["artisan"]["username"] == "artisan1"
    assert certs[1].content["identification"]["certificate_no"] == WEDDING_SET[0][0]
    detail = job(client, crew, first)
    assert [c["status"] for c in detail["piece"]["certificates"]] == ["superseded", "valid"]
    assert detail["piece"]["certificates"][1]["supersedes"] == certs[0].number

    ready = fire(client, crew, first, "ready_for_pickup", "store_clerk")
    code = ready["pickup_code"]
    assert ready["state"] == "awaiting_pickup" and len(code) >= 6
    assert all(job(client, crew, j)["state"] == "awaiting_pickup" for j in others)
    assert "pickup_code" not in job(client, crew, first)  # shown once only

    wrong = send(client, crew, first, "collect", "store_clerk", code="WRONG999")
    assert wrong.status_code == 409 and wrong.get_json()["error"] == "pickup_code_rejected"
    with session_factory() as s:
        assert s.scalar(select(Order.pickup_attempts)) == 1
    assert job(client, crew, first)["state"] == "awaiting_pickup"

    collected = fire(client, crew, first, "collect", "store_clerk", code=code)
    assert collected["state"] == "collected"
    for job_id in others:
        assert job(client, crew, job_id)["state"] == "collected"
    assert code not in str(collected["events"])  # the code never enters the timeline

    with session_factory() as s:
        kinds = [r.payload["kind"] for r in s.scalars(
            select(Outbox).where(Outbox.kind == "notify").order_by(Outbox.id))]
    assert kinds.count("receipt") == 3 and kinds.count("ready_for_pickup") == 1
    assert kinds.count("carving_started") == 3  # not again after the rework


def test_pickup_locks_after_too_many_wrong_codes(client, crew, settings):
    register(client, crew, WEDDING_SET[1])
    [job_id] = place_order(client, crew, order_body("TM-LOCK", [line(WEDDING_SET[1][0])]))
    receive(client, crew, job_id, WEDDING_SET[1][2])
    carve_by_hand(client, crew, job_id)
    fire(client, crew, job_id, "qc_pass", "supervisor")
    code = fire(client, crew, job_id, "ready_for_pickup", "store_clerk")["pickup_code"]
    for attempt in range(settings.pickup_max_attempts):
        r = send(client, crew, job_id, "collect", "store_clerk", code=f"BAD{attempt}")
        assert r.status_code == 409
    locked = job(client, crew, job_id)
    assert locked["state"] == "on_hold" and "wrong pickup codes" in locked["review_reason"]
    # even the right code is refused now: the job is held for a supervisor
    r = send(client, crew, job_id, "collect", "store_clerk", code=code)
    assert r.status_code == 409 and r.get_json()["error"] == "illegal_transition"
    released = fire(client, crew, job_id, "release", "supervisor")
    assert released["state"] == "awaiting_pickup"
    assert fire(client, crew, job_id, "collect", "store_clerk", code=code)["state"] == "collected"


def test_machine_job_refused_by_cam_is_rerouted_to_hand_and_sent_by_courier(
        client, crew, settings, session_factory):
    register(client, crew, WEDDING_SET[0])
    number, _shape, mass, _d = WEDDING_SET[0]
    [job_id] = place_order(client, crew, order_body(
        "TM-MACHINE-1", [line(number, "machine", "D-EMPTY")], delivery="courier"))
    after = receive(client, crew, job_id, mass, channel="courier", carrier="顺丰 SF Express",
                    tracking_no="SF100200300")
    assert after["state"] == "toolpath_pending"
    assert after["events"][1]["data"]["tracking_no"] == "SF100200300"
    with session_factory() as s:
        row = s.scalar(select(Outbox).where(Outbox.kind == "generate_program"))
        assert row is not None and row.payload["job_id"] == job_id

    # the worker's task: the CAM refuses an empty design (or is not installed) -> review
    tasks.generate_program(job_id, settings=settings, factory=session_factory)
    review = job(client, crew, job_id)
    assert review["state"] == "needs_review" and review["review_reason"]
    assert "reroute" in review["allowed_events"]
    assert "reroute" not in job(client, crew, job_id, "cnc_operator")["allowed_events"]

    hand = fire(client, crew, job_id, "reroute", "supervisor", route="hand",
                note="CAM refused; carve by hand")
    assert (hand["state"], hand["route"], hand["carving_mode"]) == ("ticket_open", "hand",
                                                                     "machine")
    carve_by_hand(client, crew, job_id)
    fire(client, crew, job_id, "qc_pass", "supervisor")
    wrong_way = send(client, crew, job_id, "ready_for_pickup", "store_clerk")
    assert wrong_way.status_code == 409 and "courier" in wrong_way.get_json()["message"]
    sent = fire(client, crew, job_id, "dispatch", "store_clerk", carrier="顺丰 SF Express",
                tracking_no="SF999000111")
    assert sent["state"] == "dispatched"
    # the platform reports what the carrier told it
    done = fire(client, crew, job_id, "deliver", "platform")
    assert done["state"] == "delivered"
    assert [e for e, _ in timeline(done)] == [
        "create", "receive", "route", "program_failed", "reroute", "assign", "start",
        "progress", "finish", "submit_qc", "qc_pass", "mark_ready", "dispatch", "deliver"]
    assert done["events"][-1]["actor"] == "platform:platform"
    certs = _certificates(session_factory, number)
    assert certs[-1].content["carving"]["mode"] == "hand"


def test_machine_job_with_a_carvable_design(client, crew, settings, session_factory):
    """With the CAM installed the program is stored and the machine carves; without it the job
    waits for review with the CAM's reason. Either way nothing is faked."""
    register(client, crew, WEDDING_SET[0])
    number, _shape, mass, _d = WEDDING_SET[0]
    [job_id] = place_order(client, crew, order_body(
        "TM-MACHINE-2", [line(number, "machine", "D-BI-CLOUD")], delivery="courier"))
    receive(client, crew, job_id, mass)
    tasks.generate_program(job_id, settings=settings, factory=session_factory)
    after = job(client, crew, job_id, "cnc_operator")
    if after["state"] == "needs_review":
        assert after["review_reason"] and after["artifacts"] == []
        return
    assert after["state"] == "toolpath_ready", after["review_reason"]
    # the outbox then simulates the cut; approval waits for it
    from jobs.simulation import simulate_program

    assert simulate_program(job_id, settings=settings, factory=session_factory) == "ok"
    after = job(client, crew, job_id, "cnc_operator")
    kinds = {a["kind"] for a in after["artifacts"]}
    assert "gcode" in kinds
    gcode = next(a for a in after["artifacts"] if a["kind"] == "gcode")
    program = client.get(gcode["url"], headers=crew["cnc_operator"])
    assert program.status_code == 200 and b"G21" in program.data
    assert "approve_program" in after["allowed_events"]
    fire(client, crew, job_id, "approve_program", "cnc_operator")
    fire(client, crew, job_id, "assign", "supervisor", machine_id=crew.machine_ids["engraver"])
    denied = send(client, crew, job_id, "start", "artisan")
    assert denied.status_code == 403
    for event in ("start", "finish", "submit_qc"):
        fire(client, crew, job_id, event, "cnc_operator")
    fire(client, crew, job_id, "qc_pass", "supervisor")
    certs = _certificates(session_factory, number)
    assert certs[-1].content["carving"]["machine"]["code"] == "ENG-1"
    sent = fire(client, crew, job_id, "dispatch", "supervisor", carrier="EMS",
                tracking_no="EMS0001")
    assert sent["state"] == "dispatched"


def test_mass_mismatch_at_receipt_holds_the_job_with_the_difference(client, crew):
    register(client, crew, WEDDING_SET[0])
    [job_id] = place_order(client, crew, order_body("TM-MASS", [line(WEDDING_SET[0][0])]))
    held = receive(client, crew, job_id, "36.100")
    assert held["state"] == "on_hold"
    assert "36.1" in held["review_reason"] and "-2.42" in held["review_reason"]
    assert held["events"][-1]["data"]["mass_difference_g"].startswith("-2.42")
    assert held["allowed_events"] == []  # the clerk who weighed it may do nothing more
    assert set(job(client, crew, job_id)["allowed_events"]) == {
        "release", "return_uncarved", "cancel"}
    returned = fire(client, crew, job_id, "return_uncarved", "supervisor",
                    reason="mass does not match the certificate")
    assert returned["state"] == "returned"

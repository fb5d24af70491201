"""A machine's status changes only through jobs.machines, and every change is recorded: by a
person (set_status) and by the jobs that run on it (start, pause, resume, fault, finish), in
the job's own transaction. A machine in maintenance or at fault takes no work."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from jobs import machines
from jobs.engine import fire
from jobs.errors import GuardFailed, InvalidPayload, NotAllowed
from jobs.types import Actor
from tests.web_support import seed_workshop
from tests.workshop import production_desk as desk
from workshop.models import Assignment, Machine, MachineEvent

OPERATOR = Actor("user", None, "operator", "cnc_operator")


def _events(factory: Any, machine_id: int) -> list[MachineEvent]:
    with factory() as s:
        rows = list(s.scalars(select(MachineEvent).where(MachineEvent.machine_id == machine_id)
                              .order_by(MachineEvent.id)))
        s.expunge_all()
        return rows


def _status(factory: Any, machine_id: int) -> str:
    with factory() as s:
        return s.get_one(Machine, machine_id).status


def _set(factory: Any, machine_id: int, to: str, actor: Actor, reason: str = "") -> bool:
    with factory() as s:
        changed = machines.set_status(s, s.get_one(Machine, machine_id), to, actor, reason)
        s.commit()
        return changed


# ---- set_status -----------------------------------------------------------------------------

def test_a_change_is_recorded_with_who_when_from_to_and_why(world) -> None:
    eng = world.machines["ENG-1"]
    before = dt.datetime.now(dt.UTC)
    assert _set(world.factory, eng, "maintenance", world.actors["supervisor"],
                "  spindle bearings  ") is True
    assert _status(world.factory, eng) == "maintenance"
    [event] = _events(world.factory, eng)
    assert (event.from_status, event.to_status, event.reason) == (
        "idle", "maintenance", "spindle bearings")
    assert event.actor == "user:supervisor (supervisor)"
    assert event.actor_id == world.actors["supervisor"].id and event.job_id is None
    assert event.at.tzinfo is not None and before <= event.at <= dt.datetime.now(dt.UTC)
    # back to idle by the operator, with no reason needed
    assert _set(world.factory, eng, "idle", world.actors["cnc_operator"]) is True
    assert [(e.from_status, e.to_status, e.actor) for e in _events(world.factory, eng)] == [
        ("idle", "maintenance", "user:supervisor (supervisor)"),
        ("maintenance", "idle", "user:cnc_operator (cnc_operator)")]


def test_the_same_status_again_changes_nothing_and_records_nothing(world) -> None:
    eng = world.machines["ENG-1"]
    assert _set(world.factory, eng, "idle", world.actors["admin"]) is False
    assert _events(world.factory, eng) == []
    _set(world.factory, eng, "fault", world.actors["admin"], "coolant pump")
    assert _set(world.factory, eng, "fault", world.actors["admin"], "still the pump") is False
    assert len(_events(world.factory, eng)) == 1


@pytest.mark.parametrize("to, reason, error, words", [
    ("asleep", "", InvalidPayload, "valid: idle, running, maintenance, fault"),
    ("", "", InvalidPayload, "valid: idle, running, maintenance, fault"),
    ("maintenance", "", InvalidPayload, "maintenance needs a reason"),
    ("fault", "   ", InvalidPayload, "fault needs a reason"),
    ("maintenance", "x" * 2001, InvalidPayload, "longer than 2000"),
])
def test_bad_input_is_refused_with_the_reason_and_nothing_is_written(world, to, reason, error,
                                                                      words) -> None:
    eng = world.machines["ENG-1"]
    with pytest.raises(error, match=words) as refused:
        _set(world.factory, eng, to, world.actors["supervisor"], reason)
    assert refused.value.details["fields"]
    assert _status(world.factory, eng) == "idle" and _events(world.factory, eng) == []


@pytest.mark.parametrize("who", ["artisan", "store_clerk", "platform"])
def test_only_those_who_run_or_manage_machines_set_a_status(world, who) -> None:
    eng = world.machines["ENG-1"]
    with pytest.raises(NotAllowed, match="may not set a machine's status"):
        _set(world.factory, eng, "maintenance", world.actors[who], "looks worn")
    assert _events(world.factory, eng) == []


def test_out_of_work_a_machine_runs_again_only_after_it_is_set_idle(world) -> None:
    eng = world.machines["ENG-1"]
    _set(world.factory, eng, "fault", world.actors["cnc_operator"], "spindle stalled")
    with pytest.raises(GuardFailed, match=r"ENG-1 is at fault since .* UTC \(spindle stalled\): "
                                          r"set it idle before it runs again"):
        _set(world.factory, eng, "running", world.actors["supervisor"])
    # the system never declares a machine mended
    with pytest.raises(NotAllowed, match="bring a machine back from fault"):
        _set(world.factory, eng, "idle", Actor.system())
    assert _status(world.factory, eng) == "fault" and len(_events(world.factory, eng)) == 1
    # from fault into maintenance (being mended) is fine; then idle, then it may run
    _set(world.factory, eng, "maintenance", world.actors["supervisor"], "new spindle ordered")
    _set(world.factory, eng, "idle", world.actors["cnc_operator"], "spindle replaced")
    _set(world.factory, eng, "running", world.actors["cnc_operator"], "test cut")
    assert [e.to_status for e in _events(world.factory, eng)] == [
        "fault", "maintenance", "idle", "running"]


def test_accepts_work_and_the_reason_it_does_not(world) -> None:
    eng = world.machines["ENG-1"]
    with world.factory() as s:
        machine = s.get_one(Machine, eng)
        assert machines.accepts_work(machine) and machines.not_taking_work(s, machine) is None
        machine.status = "running"
        assert machines.accepts_work(machine)
    _set(world.factory, eng, "maintenance", world.actors["supervisor"], "spindle bearings")
    with world.factory() as s:
        machine = s.get_one(Machine, eng)
        assert not machines.accepts_work(machine)
        why = machines.not_taking_work(s, machine)
        assert why is not None
        assert why.startswith("ENG-1 is in maintenance since ")
        assert why.endswith(" UTC (spindle bearings)")


# ---- the jobs move their machine --------------------------------------------------------------

@pytest.fixture
def seeded(session_factory: Any) -> Any:
    seed_workshop(session_factory)
    return session_factory


def _fire(factory: Any, settings: Any, job_id: int, event: str, who: Actor = OPERATOR,
          **data: Any) -> Any:
    with factory() as session:
        return fire(session, job_id, event, actor=who, version=None, data=data,
                    settings=settings)


def _scheduled_on_eng(factory: Any, settings: Any) -> tuple[int, int]:
    job_id = desk.program_ready_job(factory, settings)
    eng = desk.machine_id(factory, "ENG-1")
    desk.fire_as_supervisor(factory, settings, job_id, "approve_program")
    desk.fire_as_supervisor(factory, settings, job_id, "assign", machine_id=eng)
    return job_id, eng


def test_the_jobs_events_move_their_machine_and_each_move_is_recorded(seeded, settings) -> None:
    job_id, eng = _scheduled_on_eng(seeded, settings)
    _fire(seeded, settings, job_id, "start")
    assert _status(seeded, eng) == "running"
    _fire(seeded, settings, job_id, "pause", note="lunch")
    assert _status(seeded, eng) == "idle"
    _fire(seeded, settings, job_id, "resume")
    _fire(seeded, settings, job_id, "progress", pct=40)  # moves no machine
    _fire(seeded, settings, job_id, "finish")
    assert _status(seeded, eng) == "idle"
    moves = [(e.from_status, e.to_status, e.reason, e.job_id, e.actor)
             for e in _events(seeded, eng)]
    operator = "user:operator (cnc_operator)"
    assert moves == [
        ("idle", "running", f"start of job {job_id}", job_id, operator),
        ("running", "idle", f"pause of job {job_id}: lunch", job_id, operator),
        ("idle", "running", f"resume of job {job_id}", job_id, operator),
        ("running", "idle", f"finish of job {job_id}", job_id, operator),
    ]


def test_a_fault_stops_the_machine_with_its_reason_and_finish_leaves_it_at_fault(
        seeded, settings) -> None:
    job_id, eng = _scheduled_on_eng(seeded, settings)
    _fire(seeded, settings, job_id, "start")
    _fire(seeded, settings, job_id, "fault", reason="spindle overload, bit stuck")
    assert _status(seeded, eng) == "fault"
    last = _events(seeded, eng)[-1]
    assert (last.from_status, last.to_status, last.reason, last.job_id) == (
        "running", "fault", "spindle overload, bit stuck", job_id)
    desk.fire_as_supervisor(seeded, settings, job_id, "release")  # the job is back in carving
    # the machine is not: resuming on it is refused, with its fault, and nothing is written
    version = desk.job_row(seeded, job_id).version
    with pytest.raises(GuardFailed, match=r"ENG-1 is at fault since .*\(spindle overload"):
        _fire(seeded, settings, job_id, "resume")
    assert desk.job_row(seeded, job_id).version == version
    assert desk.events(seeded, job_id)[-1].event == "release"
    # finishing (by hand, the machine stopped) leaves the machine at fault for the operator
    _fire(seeded, settings, job_id, "finish")
    assert desk.job_row(seeded, job_id).state == "carved"
    assert _status(seeded, eng) == "fault" and len(_events(seeded, eng)) == 2


def test_a_machine_put_in_maintenance_after_assignment_does_not_start(seeded, settings) -> None:
    job_id, eng = _scheduled_on_eng(seeded, settings)
    _set(seeded, eng, "maintenance", OPERATOR, "belt tension")
    version = desk.job_row(seeded, job_id).version
    with pytest.raises(GuardFailed, match=r"ENG-1 is in maintenance since .*\(belt tension\)"):
        _fire(seeded, settings, job_id, "start")
    assert desk.job_row(seeded, job_id).state == "scheduled"
    assert desk.job_row(seeded, job_id).version == version
    assert [e.to_status for e in _events(seeded, eng)] == ["maintenance"]


def test_assignment_to_a_machine_in_maintenance_is_refused_with_the_reason(seeded,
                                                                          settings) -> None:
    job_id = desk.program_ready_job(seeded, settings)
    desk.fire_as_supervisor(seeded, settings, job_id, "approve_program")
    eng = desk.machine_id(seeded, "ENG-1")
    _set(seeded, eng, "maintenance", OPERATOR, "spindle bearings")
    before = desk.job_row(seeded, job_id)
    with pytest.raises(GuardFailed, match=r"ENG-1 is in maintenance since \d{4}-\d\d-\d\d "
                                          r"\d\d:\d\d UTC \(spindle bearings\)") as refused:
        desk.fire_as_supervisor(seeded, settings, job_id, "assign", machine_id=eng)
    assert any("in maintenance" in p for p in refused.value.details["problems"])
    after = desk.job_row(seeded, job_id)
    assert (after.state, after.version) == (before.state, before.version)
    with seeded() as s:
        assert s.scalar(select(func.count(Assignment.id))
                        .where(Assignment.job_id == job_id)) == 0
    # once it is idle again the same assignment goes through
    _set(seeded, eng, "idle", OPERATOR, "bearings replaced")
    desk.fire_as_supervisor(seeded, settings, job_id, "assign", machine_id=eng)
    assert desk.job_row(seeded, job_id).state == "scheduled"


def test_two_changes_at_once_each_record_the_status_they_really_left(world) -> None:
    """The machine's row is read again under a lock: the second change sees the first's
    result, so the record is a chain (each "from" is the "to" before it)."""
    import threading

    eng = world.machines["ENG-1"]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def change(to: str, who: str) -> None:
        try:
            start.wait(timeout=30)
            _set(world.factory, eng, to, world.actors[who], f"{to} by {who}")
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=change, args=("maintenance", "supervisor")),
               threading.Thread(target=change, args=("fault", "cnc_operator"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    events = _events(world.factory, eng)
    assert len(events) == 2
    assert events[0].from_status == "idle"
    assert events[1].from_status == events[0].to_status
    assert _status(world.factory, eng) == events[1].to_status

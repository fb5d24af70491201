"""A machine fault is an event of its own: the job is held mid-cut with the reason and goes
back to carving when a supervisor releases it; a hand job has no machine to fault."""

from __future__ import annotations

from typing import Any

import pytest

from jobs.engine import fire
from jobs.errors import GuardFailed, InvalidPayload, NotAllowed
from jobs.types import Actor
from tests.web_support import seed_workshop
from tests.workshop import production_desk as desk

OPERATOR = Actor("user", None, "operator", "cnc_operator")
ARTISAN = Actor("user", None, "artisan.wang", "artisan")


@pytest.fixture
def seeded(session_factory: Any) -> Any:
    seed_workshop(session_factory)
    return session_factory


def _fire(factory: Any, settings: Any, job_id: int, event: str, who: Actor = OPERATOR,
          **data: Any) -> Any:
    with factory() as session:
        return fire(session, job_id, event, actor=who, version=None, data=data,
                    settings=settings)


def _carving_on_the_machine(factory: Any, settings: Any) -> int:
    job_id = desk.program_ready_job(factory, settings)
    desk.fire_as_supervisor(factory, settings, job_id, "approve_program")
    desk.fire_as_supervisor(factory, settings, job_id, "assign",
                            machine_id=desk.machine_id(factory, "ENG-1"))
    _fire(factory, settings, job_id, "start")
    return job_id


def test_a_fault_holds_the_job_mid_cut_and_release_returns_it_to_carving(seeded, settings):
    job_id = _carving_on_the_machine(seeded, settings)
    with pytest.raises(InvalidPayload):
        _fire(seeded, settings, job_id, "fault")  # the reason is required
    held = _fire(seeded, settings, job_id, "fault", reason="spindle overload, bit stuck")
    assert (held.state, held.held_from) == ("on_hold", "carving")
    assert held.review_reason == "spindle overload, bit stuck"
    # carving had started: the stone cannot be cancelled or returned uncut
    for event in ("cancel", "return_uncarved"):
        with pytest.raises(GuardFailed, match="carving had started"):
            desk.fire_as_supervisor(seeded, settings, job_id, event, reason="give up")
    with pytest.raises(NotAllowed):
        _fire(seeded, settings, job_id, "release")  # the supervisor's decision
    desk.fire_as_supervisor(seeded, settings, job_id, "release")
    job = desk.job_row(seeded, job_id)
    assert job.state == "carving" and job.held_from is None and job.review_reason is None
    events = [(e.event, e.to_state) for e in desk.events(seeded, job_id)][-2:]
    assert events == [("fault", "on_hold"), ("release", "carving")]


def test_a_hand_job_has_no_machine_fault(seeded, settings):
    ring = desk.jobs_by_route(seeded)["hand"][0]
    desk.receive(seeded, settings, ring, desk.MASSES["ring"])
    desk.fire_as_supervisor(seeded, settings, ring, "assign",
                            artisan_id=desk.user_id(seeded, "artisan.wang"))
    desk.fire_as_supervisor(seeded, settings, ring, "start")
    version = desk.job_row(seeded, ring).version
    with pytest.raises(NotAllowed):
        _fire(seeded, settings, ring, "fault", ARTISAN, reason="chisel broke")
    with pytest.raises(GuardFailed, match="a fault is a machine's"):
        desk.fire_as_supervisor(seeded, settings, ring, "fault", reason="chisel broke")
    assert desk.job_row(seeded, ring).version == version

"""Every machine program is simulated before it may be approved: the task stores the shaded
relief and the fidelity report; the approve_program guard reads the latest report."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from jobs.errors import GuardFailed
from jobs.simulation import IMAGE_KIND, REPORT_KIND, latest_report, simulate_program
from tests.web_support import seed_workshop
from tests.workshop import production_desk as desk
from workshop import artifacts
from workshop.models import Artifact, Event, Job, Outbox


@pytest.fixture
def seeded(session_factory: Any) -> Any:
    seed_workshop(session_factory)
    return session_factory


def _artifacts(factory: Any, job_id: int, kind: str) -> list[Artifact]:
    with factory() as s:
        rows = list(s.scalars(select(Artifact).where(Artifact.job_id == job_id,
                                                     Artifact.kind == kind)
                              .order_by(Artifact.id)))
        s.expunge_all()
        return rows


def _approve(factory: Any, settings: Any, job_id: int) -> None:
    desk.fire_as_supervisor(factory, settings, job_id, "approve_program")


def _report(factory: Any, settings: Any, job_id: int) -> dict[str, Any]:
    with factory() as s:
        found = latest_report(s, settings, job_id)
    assert found is not None
    return found


def _replace_program(factory: Any, settings: Any, job_id: int, edit: Any) -> str:
    """Store an edited copy of the job's G-code as its newest program (a hand edit, a mix-up)."""
    [gcode] = _artifacts(factory, job_id, "gcode")
    text = edit(artifacts.read(settings, gcode.sha256).decode())
    with factory() as s:
        row = artifacts.save(s, settings, text.encode(), kind="gcode",
                             filename=gcode.filename, media_type=gcode.media_type, job_id=job_id)
        s.commit()
        return row.sha256


def test_program_ready_asks_for_a_simulation_and_approval_waits_for_it(seeded, settings):
    job_id = desk.program_ready_job(seeded, settings, simulated=False)
    with seeded() as s:
        kinds = [r.kind for r in s.scalars(select(Outbox).where(Outbox.job_id == job_id))]
    assert kinds.count("simulate_program") == 1
    version = desk.job_row(seeded, job_id).version
    with pytest.raises(GuardFailed, match="simulation has not run") as refused:
        _approve(seeded, settings, job_id)
    assert refused.value.details["reasons"] == ["the cut simulation has not run yet"]
    assert desk.job_row(seeded, job_id).version == version  # the refusal wrote nothing

    assert desk.simulate(seeded, settings, job_id) == "ok"
    [png] = _artifacts(seeded, job_id, IMAGE_KIND)
    assert png.media_type == "image/png"
    assert artifacts.read(settings, png.sha256).startswith(b"\x89PNG\r\n\x1a\n")
    [report_row] = _artifacts(seeded, job_id, REPORT_KIND)
    assert report_row.media_type == "application/json"
    report = json.loads(artifacts.read(settings, report_row.sha256))
    [gcode] = _artifacts(seeded, job_id, "gcode")
    assert report["ok"] is True and report["reasons"] == []
    assert report["gcode_sha256"] == gcode.sha256
    assert 0 < report["max_depth"] <= float(desk.job_row(seeded, job_id).depth_mm) + 0.01
    _approve(seeded, settings, job_id)
    with seeded() as s:
        assert s.scalar(select(Event.event).where(Event.job_id == job_id)
                        .order_by(Event.seq.desc()).limit(1)) == "approve_program"


def test_a_program_that_cuts_too_deep_is_refused_with_the_simulators_reasons(seeded,
                                                                             settings):
    job_id = desk.program_ready_job(seeded, settings)
    depth = float(desk.job_row(seeded, job_id).depth_mm)

    def plunge(text: str) -> str:
        # one extra plunge, twice the asked depth, at the end of the cutting
        head, _sep, tail = text.rpartition("M30")
        return f"{head}G1 Z{-2 * depth:.4f} F100\nG0 Z5\nM30{tail}"

    _replace_program(seeded, settings, job_id, plunge)
    with pytest.raises(GuardFailed, match="earlier program"):
        _approve(seeded, settings, job_id)  # the passing report was of the program before
    assert simulate_program(job_id, settings=settings, factory=seeded).startswith("failed")
    report = _report(seeded, settings, job_id)
    assert report["ok"] is False and report["max_depth"] > depth + 0.01
    with pytest.raises(GuardFailed) as refused:
        _approve(seeded, settings, job_id)
    assert refused.value.details["reasons"] == report["reasons"]
    assert any("deeper than the requested" in r for r in report["reasons"])
    assert len(_artifacts(seeded, job_id, IMAGE_KIND)) == 2  # the failed cut is shown too


def test_an_unreadable_program_is_a_failed_simulation_never_a_skipped_one(seeded, settings):
    job_id = desk.program_ready_job(seeded, settings)
    def garble(text: str) -> str:
        head, _sep, tail = text.rpartition("M30")
        return f"{head}G1 X1..2\nM30{tail}"

    _replace_program(seeded, settings, job_id, garble)
    result = simulate_program(job_id, settings=settings, factory=seeded)
    assert result.startswith("failed: the program could not be simulated")
    with pytest.raises(GuardFailed, match="could not be simulated"):
        _approve(seeded, settings, job_id)


def test_a_job_no_longer_waiting_for_approval_is_not_simulated(seeded, settings):
    job_id = desk.program_ready_job(seeded, settings, simulated=False)
    desk.fire_as_supervisor(seeded, settings, job_id, "hold", reason="customer asks to wait")
    assert simulate_program(job_id, settings=settings, factory=seeded).startswith("skipped")
    assert _artifacts(seeded, job_id, REPORT_KIND) == []
    with seeded() as s:
        assert s.get_one(Job, job_id).state == "on_hold"

"""A bangle's band and a buckle's dome reach the program as the stone asks: the band's job goes
to the machine with a rotary A axis and is wrapped round it (A words, inverse-time feeds, the
band named in the report for the simulator); the dome's cut is laid onto the dome."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from jobs.tasks import generate_program
from workshop import artifacts
from workshop.models import Artifact, Event, Machine

BANGLE = {"inner_diameter_mm": "58.0", "thickness_mm": "8.0", "width_mm": "12.0",
          "section": "flat"}
BUCKLE = {"outer_diameter_mm": "30.0", "thickness_mm": "6.0", "dome_height_mm": "3.0"}


def _job(world, number: str, shape: str, dims: dict, mass: str = "60.000") -> int:
    from jobs.intake import register_piece

    with world.session() as s:
        register_piece(s, {"certificate_no": number, "shape": shape, "material": "软玉",
                           "mass_g": mass, "dimensions": dims, "store_code": "SH01",
                           "lab": "NGTC"}, world.actors["admin"])
    [job_id] = world.order(f"PO-{number}", [{"certificate_no": number, "carving_mode": "machine",
                                              "design_code": "D-CLOUD"}])
    job = world.fire(job_id, "receive", "store_clerk", {"channel": "store_counter",
                                                        "mass_g": mass})
    assert job.state == "toolpath_pending"
    return job_id


def _latest(world, job_id: int, kind: str) -> bytes:
    with world.session() as s:
        sha = s.scalars(select(Artifact.sha256).where(Artifact.job_id == job_id,
                                                      Artifact.kind == kind)
                        .order_by(Artifact.id.desc())).first()
    assert sha is not None, f"no {kind} stored"
    return artifacts.read(world.settings, sha)


def _store_gcode(world, job_id: int, gcode: str) -> None:
    """The job's newest program replaced by ``gcode`` (a hand edit, a mix-up)."""
    with world.session() as s:
        artifacts.save(s, world.settings, gcode.encode(), kind="gcode",
                       filename=f"job-{job_id}.nc", media_type="text/x-gcode", job_id=job_id)
        s.commit()


def test_a_bangle_is_carved_on_the_rotary_machine_wrapped_round_its_band(world) -> None:
    import json

    job_id = _job(world, "NGTC-B1", "bangle", BANGLE)
    assert generate_program(job_id, settings=world.settings, factory=world.factory) == "ready"
    assert world.job(job_id).state == "toolpath_ready"
    with world.session() as s:
        data = s.scalars(select(Event.data).where(Event.job_id == job_id,
                                                  Event.event == "program_ready")).one()
    assert data["machine_profile"] == "rotary-4axis-linuxcnc"  # the engraver has no A axis
    gcode = _latest(world, job_id, "gcode").decode()
    assert "G93" in gcode and re.search(r"\bA-?\d+\.\d+ F\d", gcode)  # turns, in inverse time
    # the tool stays over the axis: every Y written is 0
    code = "\n".join(line for line in gcode.splitlines() if not line.startswith("("))
    assert {float(y) for y in re.findall(r"\bY(-?\d+\.?\d*)", code)} <= {0.0}
    report = json.loads(_latest(world, job_id, "report"))
    diameter = 58.0 + 2 * 8.0
    assert report["rotary"] == {"diameter": pytest.approx(diameter), "along": "x"}
    # the estimate holds the band's turns: at least the cut's length along the band at the feed
    assert report["estimated_seconds"] > report["cut_length_mm"] / 2000.0 * 60.0


def test_a_bangle_with_no_rotary_machine_in_the_workshop_goes_to_review(world) -> None:
    with world.session() as s:
        s.delete(s.get_one(Machine, world.machines["ROT-1"]))
        s.commit()
    job_id = _job(world, "NGTC-B2", "bangle", BANGLE)
    result = generate_program(job_id, settings=world.settings, factory=world.factory)
    assert result.startswith("refused")
    job = world.job(job_id)
    assert job.state == "needs_review"
    assert "rotary A axis" in (job.review_reason or "")
    assert "ENG-1" in (job.review_reason or "")


def test_a_buckle_dome_is_followed_so_the_depth_is_from_the_local_surface(world) -> None:
    import json

    job_id = _job(world, "NGTC-K1", "buckle", BUCKLE, mass="8.000")
    assert generate_program(job_id, settings=world.settings, factory=world.factory) == "ready"
    report = json.loads(_latest(world, job_id, "report"))
    gcode = _latest(world, job_id, "gcode").decode()
    depth = float(report["depth"])
    code = "\n".join(line for line in gcode.splitlines() if not line.startswith("("))
    zs = [float(z) for z in re.findall(r"\bZ(-?\d+\.?\d*)", code)]
    # the cut goes down with the dome: deeper below Z0 (the crown) than the depth asked ...
    assert min(zs) < -depth - 0.05
    # ... and the report says nothing of a flat program on a curved face
    assert not any("constant depth below Z0" in w for w in report["warnings"])


def test_the_bangles_rotary_program_is_simulated_round_its_band_and_may_be_approved(world):
    from jobs.simulation import latest_report, simulate_program

    job_id = _job(world, "NGTC-B3", "bangle", BANGLE)
    assert generate_program(job_id, settings=world.settings, factory=world.factory) == "ready"
    assert simulate_program(job_id, settings=world.settings, factory=world.factory) == "ok"
    with world.session() as s:
        report = latest_report(s, world.settings, job_id)
    assert report is not None and report["ok"] is True
    assert report["rotary_diameter"] == pytest.approx(58.0 + 2 * 8.0)
    assert report["outside_mm2"] == 0 and report["iou"] > 0.9
    world.fire(job_id, "approve_program", "supervisor")
    assert world.timeline(job_id)[-1][0] == "approve_program"


def test_a_rotary_program_turned_off_its_place_fails_the_simulation(world) -> None:
    from jobs.simulation import simulate_program
    from workshop.models import Job

    job_id = _job(world, "NGTC-B4", "bangle", BANGLE)
    assert generate_program(job_id, settings=world.settings, factory=world.factory) == "ready"
    gcode = _latest(world, job_id, "gcode").decode()

    def turned(match: re.Match) -> str:  # every A word 20 degrees further round
        return f"A{float(match.group(1)) + 20.0:.4f}"

    _store_gcode(world, job_id, re.sub(r"\bA(-?\d+\.\d+)", turned, gcode))
    result = simulate_program(job_id, settings=world.settings, factory=world.factory)
    assert result.startswith("failed")
    from jobs.errors import GuardFailed

    with pytest.raises(GuardFailed):
        world.fire(job_id, "approve_program", "supervisor")
    with world.session() as s:
        assert s.get_one(Job, job_id).state == "toolpath_ready"


def test_the_buckles_followed_program_is_judged_below_the_dome_and_may_be_approved(world):
    from jobs.simulation import latest_report, simulate_program

    job_id = _job(world, "NGTC-K2", "buckle", BUCKLE, mass="8.000")
    assert generate_program(job_id, settings=world.settings, factory=world.factory) == "ready"
    assert simulate_program(job_id, settings=world.settings, factory=world.factory) == "ok"
    with world.session() as s:
        report = latest_report(s, world.settings, job_id)
    assert report is not None and report["ok"] is True and report["curved_surface"]
    assert report["max_depth"] <= 0.3 + 0.01 and report["outside_mm2"] == 0
    world.fire(job_id, "approve_program", "supervisor")


def test_a_program_cut_flat_across_the_dome_fails_for_cutting_air(world) -> None:
    """The same design at constant depth below the crown: where the dome falls away the tool
    passes over the stone; the simulation says so and approval is refused."""
    from jobs.errors import GuardFailed
    from jobs.simulation import latest_report, simulate_program
    from machines.carve import CarveOptions, carve
    from tests.jobs.conftest import SVG

    job_id = _job(world, "NGTC-K3", "buckle", BUCKLE, mass="8.000")
    assert generate_program(job_id, settings=world.settings, factory=world.factory) == "ready"
    from cam.pieces.spec import PieceSpec

    flat = carve(SVG, CarveOptions(piece=PieceSpec.from_dimensions("buckle", BUCKLE),
                                   fit="fit", depth=0.3, job=f"job {job_id}"))
    _store_gcode(world, job_id, flat.gcode)
    assert simulate_program(job_id, settings=world.settings, factory=world.factory) != "ok"
    with world.session() as s:
        report = latest_report(s, world.settings, job_id)
    assert report is not None and not report["ok"]
    assert any("air" in r for r in report["reasons"]), report["reasons"]
    with pytest.raises(GuardFailed):
        world.fire(job_id, "approve_program", "supervisor")


ROUND_BANGLE = {"inner_diameter_mm": "58.0", "thickness_mm": "8.0", "section": "round"}


def test_a_round_bangles_cut_follows_its_section_and_passes_the_simulation(world) -> None:
    """Across a round band the stone falls away from the crown; the program goes down with it
    (Z below -depth at the band's edges) and is judged on that section."""
    from jobs.simulation import latest_report, simulate_program

    job_id = _job(world, "NGTC-B5", "bangle", ROUND_BANGLE)
    assert generate_program(job_id, settings=world.settings, factory=world.factory) == "ready"
    gcode = _latest(world, job_id, "gcode").decode()
    code = "\n".join(line for line in gcode.splitlines() if not line.startswith("("))
    zs = [float(z) for z in re.findall(r"\bZ(-?\d+\.?\d*)", code)]
    assert min(zs) < -0.3 - 0.05  # deeper below the crown than the depth: the section falls
    assert simulate_program(job_id, settings=world.settings, factory=world.factory) == "ok"
    with world.session() as s:
        report = latest_report(s, world.settings, job_id)
    assert report is not None and report["curved_surface"] and report["rotary_diameter"]
    assert report["max_depth"] <= 0.3 + 0.01


def test_a_round_bangles_program_cut_at_constant_depth_fails_for_cutting_air(world) -> None:
    from cam.pieces.spec import PieceSpec
    from jobs.simulation import latest_report, simulate_program
    from machines.carve import CarveOptions, carve
    from tests.jobs.conftest import SVG

    job_id = _job(world, "NGTC-B6", "bangle", ROUND_BANGLE)
    assert generate_program(job_id, settings=world.settings, factory=world.factory) == "ready"
    flat = carve(SVG, CarveOptions(piece=PieceSpec.from_dimensions("bangle", ROUND_BANGLE),
                                   fit="fit", depth=0.3, wrap_band=True,
                                   machine="rotary-4axis-linuxcnc", job=f"job {job_id}"))
    assert any("constant depth" in w for w in flat.report["warnings"])
    _store_gcode(world, job_id, flat.gcode)
    assert simulate_program(job_id, settings=world.settings, factory=world.factory) != "ok"
    with world.session() as s:
        report = latest_report(s, world.settings, job_id)
    assert report is not None and any("air" in r for r in report["reasons"]), report["reasons"]


def test_a_machine_without_the_programs_tool_loaded_is_not_assigned(world) -> None:
    """The program cuts with ball-1.0 (recorded with program_ready); a machine whose changer
    holds other burrs is refused with what it holds, and nothing changes."""
    from jobs.errors import GuardFailed
    from workshop.models import Tool

    with world.session() as s:
        s.add_all([Tool(machine_id=world.machines["ENG-1"], name="ball-0.5", slot=1),
                   Tool(machine_id=world.machines["ENG-1"], name="cone-60", slot=2)])
        s.commit()
    job_id = _job(world, "NGTC-T1", "bi_disc", {"outer_diameter_mm": "50.0",
                                                "inner_diameter_mm": "12.0",
                                                "thickness_mm": "5.0"}, mass="28.150")
    assert generate_program(job_id, settings=world.settings, factory=world.factory) == "ready"
    with world.session() as s:
        data = s.scalars(select(Event.data).where(Event.job_id == job_id,
                                                  Event.event == "program_ready")).one()
    assert data["tool"] == "ball-1.0"
    from jobs.simulation import simulate_program

    assert simulate_program(job_id, settings=world.settings, factory=world.factory) == "ok"
    world.fire(job_id, "approve_program", "supervisor")
    version = world.job(job_id).version
    with pytest.raises(GuardFailed, match=r"tool ball-1.0 is not loaded on ENG-1 "
                                          r"\(loaded: ball-0.5, cone-60\)"):
        world.fire(job_id, "assign", "supervisor", {"machine_id": world.machines["ENG-1"]})
    assert world.job(job_id).version == version

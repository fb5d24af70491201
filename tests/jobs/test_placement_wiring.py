"""The job's piece, face and placement reach the program: a fit when none is stored, the
stored one when there is, a refusal (to review, with the overflow) when the cut leaves the face,
and the set_placement event that changes it on the record."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from sqlalchemy import select

from jobs.errors import GuardFailed, NotAllowed
from jobs.placement import JobPlacement, PlacementInput
from jobs.tasks import generate_program
from workshop.models import Artifact, Event, Job, Outbox

# bi disc: the stone is the ring between r 6 mm (hole) and r 25 mm (rim)
DISC = {"outer_diameter_mm": "50.0", "inner_diameter_mm": "12.0", "thickness_mm": "5.0"}
MARGIN, BALL_RADIUS = 0.5, 0.5


def _job(world, number: str, dims: dict | None = DISC, placement: dict | None = None) -> int:
    from jobs.intake import register_piece

    with world.session() as s:
        register_piece(s, {"certificate_no": number, "shape": "bi_disc", "material": "软玉",
                           "mass_g": "28.150", "dimensions": dims, "store_code": "SH01",
                           "lab": "NGTC"}, world.actors["admin"])
    [job_id] = world.order(f"PO-{number}", [{"certificate_no": number, "carving_mode": "machine",
                                              "design_code": "D-CLOUD"}])
    if placement is not None:
        with world.session() as s:
            s.get_one(Job, job_id).placement = placement
            s.commit()
    job = world.fire(job_id, "receive", "store_clerk", {"channel": "store_counter",
                                                        "mass_g": "28.150"})
    assert job.state == "toolpath_pending"
    return job_id


def _gcode(world, job_id: int) -> str:
    from workshop import artifacts

    with world.session() as s:
        sha = s.scalars(select(Artifact.sha256).where(Artifact.job_id == job_id,
                                                      Artifact.kind == "gcode")
                        .order_by(Artifact.id.desc())).first()
    return artifacts.read(world.settings, sha).decode()


def _cut_radii(gcode: str) -> list[float]:
    """Distance from the disc's centre of every XY the tool reaches while cutting (Z < 0)."""
    return [math.hypot(x, y) for x, y in _cut_points(gcode)]


def _cut_points(gcode: str) -> np.ndarray:
    """(n, 2) XY the tool passes while cutting (Z < 0), arcs (G2/G3 with I J) sampled."""
    x = y = z = 0.0
    motion, points = "G0", []
    for line in gcode.splitlines():
        code = line.split(";")[0].split("(")[0]
        mode = re.match(r"\s*(G[0-3])\b", code)
        motion = mode.group(1) if mode else motion  # motion words are modal
        words = {k: float(v) for k, v in re.findall(r"([XYZIJ])(-?\d+\.?\d*)", code)}
        x0, y0 = x, y
        x, y, z = words.get("X", x), words.get("Y", y), words.get("Z", z)
        if z >= 0 or motion == "G0" or not words:
            continue
        if motion in ("G2", "G3"):
            cx, cy = x0 + words.get("I", 0.0), y0 + words.get("J", 0.0)
            a0, a1 = math.atan2(y0 - cy, x0 - cx), math.atan2(y - cy, x - cx)
            turn = (a1 - a0) % (2 * math.pi) if motion == "G3" else -((a0 - a1) % (2 * math.pi))
            if abs(turn) < 1e-9:
                turn = 2 * math.pi if motion == "G3" else -2 * math.pi  # a full circle
            r = math.hypot(x0 - cx, y0 - cy)
            for t in np.linspace(0.0, 1.0, 64):
                points.append((cx + r * math.cos(a0 + t * turn), cy + r * math.sin(a0 + t * turn)))
        points.append((x, y))
    return np.array(points).reshape(-1, 2)


def _generate(world, job_id: int) -> str:
    return generate_program(job_id, settings=world.settings, factory=world.factory)


def test_without_a_stored_placement_the_design_is_fitted_to_the_face(world) -> None:
    job_id = _job(world, "NGTC-P1")
    assert _generate(world, job_id) == "ready"
    gcode = _gcode(world, job_id)
    header = re.search(r"Placement: scale ([\d.]+), rotation", gcode)
    assert header is not None
    scale = float(header.group(1))
    assert scale != pytest.approx(1.0)  # the 20 mm design fitted to a 50 mm disc, not as drawn
    radii = _cut_radii(gcode)
    assert radii
    # the whole cut, ball included, stays on the ring between hole and rim
    assert min(radii) >= 6.0 + MARGIN + BALL_RADIUS - 1e-3
    assert max(radii) <= 25.0 - MARGIN - BALL_RADIUS + 1e-3
    assert world.job(job_id).state == "toolpath_ready"


def test_a_design_too_big_for_the_annulus_goes_to_review_with_the_overflow(world) -> None:
    # the 12 mm circle at three times its size: 36 mm wide on a ring 19 mm wide
    job_id = _job(world, "NGTC-P2", placement={"mode": "centre", "scale": 3.0,
                                               "offset_x": 15.0, "offset_y": 0.0})
    assert _generate(world, job_id).startswith("refused")
    job = world.job(job_id)
    assert job.state == "needs_review"
    assert re.search(r"overflows face 'front' by \d+\.\d\d mm", job.review_reason)
    with world.session() as s:
        assert not s.scalars(select(Artifact).where(Artifact.job_id == job_id,
                                                    Artifact.kind == "gcode")).first()


def test_centred_at_its_own_size_the_cut_falls_into_the_hole(world) -> None:
    # r 6 mm circle round the centre: exactly on the hole's rim, so the ball and margin cross it
    job_id = _job(world, "NGTC-P3", placement={"mode": "centre", "scale": 1.0})
    _generate(world, job_id)
    job = world.job(job_id)
    assert job.state == "needs_review"
    assert "hole" in job.review_reason or "inner" in job.review_reason


def test_set_placement_records_the_change_and_generates_again(world) -> None:
    job_id = _job(world, "NGTC-P4")
    assert _generate(world, job_id) == "ready"
    before = world.job(job_id).version
    job = world.fire(job_id, "set_placement", "cnc_operator", {
        "mode": "centre", "scale": "0.8", "rotation_deg": "30", "offset_x": "15",
        "offset_y": "-2", "reason": "keep clear of the inclusion near the hole"})
    assert job.state == "toolpath_pending" and job.version > before
    assert job.placement == JobPlacement("centre", 0.8, 30.0, 15.0, -2.0).as_row()
    with world.session() as s:
        event = s.scalars(select(Event).where(Event.job_id == job_id)
                          .order_by(Event.seq.desc())).first()
        assert (event.event, event.from_state, event.to_state) == (
            "set_placement", "toolpath_ready", "toolpath_pending")
        assert event.actor_id == world.actors["cnc_operator"].id
        assert event.note == "keep clear of the inclusion near the hole"
        assert event.data["from"]["placement"] == {}
        assert event.data["to"]["placement"]["scale"] == 0.8
        assert s.scalars(select(Outbox).where(Outbox.job_id == job_id,
                                              Outbox.kind == "generate_program")).all()
    assert _generate(world, job_id) == "ready"
    gcode = _gcode(world, job_id)
    assert re.search(r"Placement: scale 0\.8, rotation 30 deg, offset X-?\d", gcode)
    # the circle (r 6 mm at scale 0.8) is centred where the operator put it
    xy = _cut_points(gcode)
    centre = (xy.min(axis=0) + xy.max(axis=0)) / 2.0
    assert np.allclose(centre, [15.0, -2.0], atol=0.05)
    assert np.allclose(xy.max(axis=0) - xy.min(axis=0), 2 * 6.0 * 0.8, atol=0.05)


def test_set_placement_off_the_stone_is_refused_and_nothing_changes(world) -> None:
    job_id = _job(world, "NGTC-P5")
    _generate(world, job_id)
    before = world.job(job_id)
    with pytest.raises(GuardFailed, match=r"overflows face 'front' by \d+\.\d\d mm"):
        world.fire(job_id, "set_placement", "supervisor", {
            "mode": "centre", "scale": "1", "offset_x": "24", "offset_y": "0",
            "reason": "try the rim"})
    after = world.job(job_id)
    assert (after.state, after.version, after.placement) == (
        before.state, before.version, before.placement)


def test_only_the_cnc_desk_and_supervisors_place(world) -> None:
    job_id = _job(world, "NGTC-P6")
    _generate(world, job_id)
    with pytest.raises(NotAllowed):
        world.fire(job_id, "set_placement", "artisan", {"mode": "fit", "reason": "x"})


def test_a_piece_the_cam_cannot_model_is_carved_at_the_designs_own_size(world) -> None:
    job_id = _job(world, "NGTC-P7", dims={"outer_diameter_mm": "50", "thickness_mm": "6"})
    assert _generate(world, job_id) == "ready"
    assert "Placement: scale 1, rotation 0 deg, offset X0.000 Y0.000 mm" in _gcode(world, job_id)


@pytest.mark.parametrize("data", [{"mode": "sideways"}, {"scale": "big"}, {"scale": "0"},
                                  {"offset_x": "nan"}])
def test_placement_input_names_the_fault(data: dict) -> None:
    with pytest.raises(PlacementInput) as caught:
        JobPlacement.parse(data)
    assert set(caught.value.fields) == set(data)


def test_stored_rows_read_back() -> None:
    assert JobPlacement.from_row({}) == JobPlacement("fit")
    old = {"scale": 2.0, "rotation_deg": 0, "offset_x": 1, "offset_y": 2}  # before modes
    assert JobPlacement.from_row(old) == JobPlacement("explicit", 2.0, 0.0, 1.0, 2.0)
    row = JobPlacement("fit", 1.0, 45.0, 3.0, 0.0).as_row()
    assert JobPlacement.from_row(row).as_row() == row


def test_a_new_placement_on_a_scheduled_job_takes_its_machine_back(world) -> None:
    from workshop.models import Assignment

    job_id = _job(world, "NGTC-P8")
    _generate(world, job_id)
    world.fire(job_id, "assign", "supervisor", {"machine_id": world.machines["ENG-1"]})
    assert world.job(job_id).state == "scheduled"
    job = world.fire(job_id, "set_placement", "supervisor", {"mode": "fit", "rotation_deg": "90",
                                                             "reason": "grain runs across"})
    assert job.state == "toolpath_pending"
    with world.session() as s:
        active = s.scalars(select(Assignment).where(Assignment.job_id == job_id,
                                                    Assignment.active.is_(True))).all()
    assert active == []

"""The cut simulation of every machine program, and the approval it gates.

After ``program_ready`` the outbox runs :func:`simulate_program`: the stored G-code is replayed
on a heightmap (``machines.simulate_cli.check_program``) and judged against the job's design,
placed, cut with the tool and to the depth the program's report names. The shaded relief is
stored as an artifact of kind ``simulation`` and the fidelity report as ``simulation_report``
(JSON, with the sha256 of the G-code it judged). ``approve_program`` is refused until the
latest report is of the latest program and ``ok`` (see :func:`approval_problem`).

A program the simulator cannot read is a failed simulation with the reason, never a skipped
one: what was not checked is not approved.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs.types import State
from workshop import artifacts
from workshop.config import Settings
from workshop.models import Artifact, Design, Job, Piece

__all__ = ["IMAGE_KIND", "REPORT_KIND", "approval_problem", "latest_report", "record_failure",
           "simulate_program"]

IMAGE_KIND = "simulation"
REPORT_KIND = "simulation_report"
GCODE_KIND = "gcode"
PROGRAM_REPORT_KIND = "report"


def _latest(session: Session, job_id: int, kind: str) -> Artifact | None:
    return session.scalar(select(Artifact).where(Artifact.job_id == job_id, Artifact.kind == kind)
                          .order_by(Artifact.id.desc()).limit(1))


def latest_report(session: Session, settings: Settings, job_id: int) -> dict[str, Any] | None:
    """The job's latest stored simulation report, or None when no simulation has run."""
    row = _latest(session, job_id, REPORT_KIND)
    if row is None:
        return None
    try:
        return json.loads(artifacts.read(settings, row.sha256))  # type: ignore[no-any-return]
    except (artifacts.ArtifactMissing, ValueError):
        return {"ok": False, "reasons": ["the simulation report is no longer stored"]}


def approval_problem(session: Session, settings: Settings, job_id: int) -> list[str]:
    """Why the job's program may not be approved yet; empty when its simulation passed."""
    report = latest_report(session, settings, job_id)
    if report is None:
        return ["the cut simulation has not run yet"]
    gcode = _latest(session, job_id, GCODE_KIND)
    if gcode is not None and report.get("gcode_sha256") != gcode.sha256:
        return ["the cut simulation is of an earlier program; the new one is being simulated"]
    if not report.get("ok"):
        return [str(r) for r in report.get("reasons") or ["the cut simulation failed"]]
    return []


def simulate_program(job_id: int, *, settings: Settings,
                     factory: sessionmaker[Session]) -> str:
    """Simulate the job's latest program and store the picture and the report."""
    with factory() as session:
        job = session.get(Job, job_id)
        if job is None or job.state != State.TOOLPATH_READY:
            return "skipped: the job has no program waiting for approval"
        inputs = _inputs(session, settings, job)
    if isinstance(inputs, str):
        report: dict[str, Any] = {"ok": False, "reasons": [inputs]}
        png = b""
        sha = None
    else:
        gcode, sha, svg, program, stone = inputs
        report, png = _check(gcode, svg, program, stone)
    report["gcode_sha256"] = sha
    _store(settings, factory, job_id, report, png)
    return "ok" if report["ok"] else "failed: " + "; ".join(report["reasons"])


def record_failure(settings: Settings, factory: sessionmaker[Session], job_id: int,
                   error: str) -> None:
    """The task failed for good: say so in a report, so the job page and the guard tell why."""
    with factory() as session:
        gcode = _latest(session, job_id, GCODE_KIND)
        sha = gcode.sha256 if gcode is not None else None
    _store(settings, factory, job_id,
           {"ok": False, "reasons": [f"the cut simulation could not run: {error}"],
            "gcode_sha256": sha}, b"")


def _inputs(session: Session, settings: Settings, job: Job
            ) -> tuple[str, str, str, dict[str, Any], dict[str, Any]] | str:
    """G-code text, its sha256, the design SVG, the program's report and the stone it was
    planned on (check_program's keywords, see _stone); or why not."""
    gcode = _latest(session, job.id, GCODE_KIND)
    program = _latest(session, job.id, PROGRAM_REPORT_KIND)
    design = session.get(Design, job.design_id) if job.design_id else None
    if gcode is None or program is None:
        return "the job has no stored program and report to simulate"
    if design is None:
        return "the job has no design to judge the program against"
    try:
        text = artifacts.read(settings, gcode.sha256).decode("ascii")
        planned = json.loads(artifacts.read(settings, program.sha256))
    except (artifacts.ArtifactMissing, ValueError) as exc:
        return f"the stored program cannot be read: {exc}"
    stone = _stone(session.get(Piece, job.piece_id), planned.get("face"))
    return text, gcode.sha256, design.svg, planned, stone


def _stone(piece: Piece | None, face: dict[str, Any] | None) -> dict[str, Any]:
    """check_program's keywords for the face the program was planned on: a flat face's box and
    outline (the hole of a disc included: a cut past them is reported), and a dome's surface,
    so every depth is judged below the stone where the tool is; a band's, unrolled, with its
    section's fall across it (the program's rotary entry names the band it turns). A program
    made without a piece is judged as before."""
    from cam.errors import PieceError
    from cam.pieces.faces import get_face
    from jobs.placement import piece_spec

    if piece is None or not face or face.get("kind") not in ("flat", "dome", "band"):
        return {}
    try:
        model = get_face(piece_spec(piece), face.get("name"))
    except PieceError:
        return {}
    stone: dict[str, Any] = {"face": tuple(model.bounds), "outline": model.boundary}
    if model.kind != "flat":
        stone["surface"] = model.surface_z
    return stone


def _check(gcode: str, svg: str, program: dict[str, Any],
           stone: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Run the simulator as the program was planned: its tool, depth, placement, operation."""
    from cam.errors import CamError
    from cam.toolpath import Placement
    from machines.errors import MachineError
    from machines.simulate_cli import check_program

    p = program.get("placement") or {}
    try:
        placement = Placement(float(p.get("scale", 1.0)), float(p.get("rotation_deg", 0.0)),
                              float(p.get("offset_x", 0.0)), float(p.get("offset_y", 0.0)))
        # a program wrapped round a bangle's band is unrolled again on the band it turns
        band = program.get("rotary") or {}
        rotary = ({"rotary_diameter": float(band["diameter"]),
                   "band_along": str(band.get("along", "x"))} if band else {})
        result = check_program(gcode, svg, str(program["tool"]["name"]),
                               float(program["depth"]), placement=placement,
                               operation=str(program.get("operation") or "engrave"),
                               **rotary, **stone)
    except (CamError, MachineError, KeyError, TypeError, ValueError) as exc:
        return {"ok": False, "reasons": [f"the program could not be simulated: {exc}"]}, b""
    report = result.report.to_dict()
    report["tool"] = program["tool"]["name"]
    return json.loads(json.dumps(report, default=_plain)), result.png


def _plain(value: Any) -> Any:
    # numpy scalars and tuples in the report: JSON numbers and lists
    return value.item() if hasattr(value, "item") else str(value)


def _store(settings: Settings, factory: sessionmaker[Session], job_id: int,
           report: dict[str, Any], png: bytes) -> None:
    body = json.dumps(report, ensure_ascii=False, indent=1).encode()
    with factory() as session:
        if png:
            artifacts.save(session, settings, png, kind=IMAGE_KIND,
                           filename=f"job-{job_id}-simulation.png", media_type="image/png",
                           job_id=job_id)
        artifacts.save(session, settings, body, kind=REPORT_KIND,
                       filename=f"job-{job_id}-simulation.json",
                       media_type="application/json", job_id=job_id)
        session.commit()

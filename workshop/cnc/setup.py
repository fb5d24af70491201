"""The set-up sheet of a machine job: what the operator needs at the machine, in one place.

Read from the job, its piece, the machine it is assigned to and the CAM report of its program.
The work origin is the CAM contract's: the bottom-left corner of the design is X0 Y0, Z0 is the
stone's top surface where the tool touches it (docs and ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from jobs.machines import loaded_tools
from jobs.simulation import approval_problem, latest_report
from workshop.config import Settings
from workshop.models import Artifact, Assignment, Design, Job, Machine, Piece, Tool
from workshop.supervisor import queries

__all__ = ["SetupSheet", "ToolLine", "setup_sheet", "simulation_verdict"]


@dataclass(frozen=True)
class ToolLine:
    order: int  # 1 = first in the program
    name: str
    slot: int | None  # the machine's slot holding it; None = not loaded on this machine
    diameter_mm: float | None = None
    kind: str | None = None


@dataclass
class SetupSheet:
    job: Job
    piece: Piece
    design: Design | None
    machine: Machine | None
    assignment: Assignment | None
    report: dict[str, Any] | None
    placement: dict[str, Any]
    tools: list[ToolLine]
    loaded_tools: list[Tool]
    estimated_minutes: float | None
    preview: Artifact | None = None
    simulation: Artifact | None = None
    # None: not simulated yet; []: the simulated cut matches the design; else why not
    simulation_problems: list[str] | None = None
    downloads: dict[str, Artifact] = field(default_factory=dict)

    @property
    def missing_tools(self) -> list[str]:
        """Tools the program uses that the assigned machine does not hold."""
        if self.machine is None:
            return []
        return [t.name for t in self.tools if t.slot is None]


def setup_sheet(session: Session, settings: Settings, job: Job) -> SetupSheet:
    piece = session.get_one(Piece, job.piece_id)
    assignment = queries.active_assignment(session, job.id)
    machine = session.get(Machine, assignment.machine_id) \
        if assignment is not None and assignment.machine_id else None
    loaded = loaded_tools(session, machine) if machine else []
    report = queries.program_report(session, settings, job.id)
    seconds = report.get("estimated_seconds") if report else None
    return SetupSheet(
        job=job, piece=piece,
        design=session.get(Design, job.design_id) if job.design_id else None,
        machine=machine, assignment=assignment, report=report,
        placement=_placement(job, report),
        tools=_tools(report, loaded),
        loaded_tools=loaded,
        estimated_minutes=round(seconds / 60, 1) if isinstance(seconds, int | float) else None,
        preview=queries.latest_artifact(session, job.id, "preview"),
        simulation=_image(queries.latest_artifact(session, job.id, "simulation")),
        simulation_problems=simulation_verdict(session, settings, job.id),
        downloads={k: a for k in ("gcode", "dxf")
                   if (a := queries.latest_artifact(session, job.id, k)) is not None},
    )


def simulation_verdict(session: Session, settings: Settings, job_id: int) -> list[str] | None:
    """None before the first simulation; else what keeps the program from approval ([]: none)."""
    if latest_report(session, settings, job_id) is None:
        return None
    return approval_problem(session, settings, job_id)


def _placement(job: Job, report: dict[str, Any] | None) -> dict[str, Any]:
    """The placement the program was made with (its report), else the job's own."""
    if report and isinstance(report.get("placement"), dict):
        return dict(report["placement"])
    base = {"scale": 1, "rotation_deg": 0, "offset_x": 0, "offset_y": 0}
    return {**base, **(job.placement or {})}


def _tools(report: dict[str, Any] | None, loaded: list[Tool]) -> list[ToolLine]:
    if not report or not isinstance(report.get("tool"), dict):
        return []
    # today's programs use one tool; a report listing several ("tools") is read in order
    entries = report.get("tools") or [report["tool"]]
    slots = {t.name: t.slot for t in loaded}
    return [ToolLine(i, str(t.get("name")), slots.get(str(t.get("name"))),
                     t.get("diameter_mm"), t.get("kind"))
            for i, t in enumerate(entries, start=1)]


def _image(artifact: Artifact | None) -> Artifact | None:
    return artifact if artifact is not None and artifact.media_type.startswith("image/") else None

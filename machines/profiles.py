"""Machine profiles (`data/machines/*.toml`) and the check that a program fits a machine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from cam.toolpath import CuttingParams, Placement, Program, Tool, Toolpath
from machines._data import DATA_DIR, load_toml, require
from machines.errors import (
    LibraryError,
    UnknownDialectError,
    UnknownMachineError,
    UnknownToolError,
)
from machines.tools import tool_spec

if TYPE_CHECKING:
    from cam.pieces.spec import PieceSpec

__all__ = [
    "DIALECTS",
    "MachineProfile",
    "MachineStatus",
    "fit_check",
    "get_machine",
    "job_fits",
    "machine_names",
]

DIALECTS = ("grbl", "linuxcnc", "mach3")


@dataclass(frozen=True, slots=True)
class MachineProfile:
    """One machine as the posts and the estimator see it. mm, mm/min, mm/s^2 (A: degrees)."""

    name: str
    description: str
    dialect: str  # grbl | linuxcnc | mach3
    axes: str  # "XYZ" or "XYZA"
    envelope: dict[str, float]  # travel per axis
    max_rate: dict[str, float]  # rapid rate per axis, mm/min
    max_feed: dict[str, float]  # fastest cutting feed per axis, mm/min
    acceleration: dict[str, float]  # per axis, mm/s^2
    junction_deviation: float
    arc_tolerance: float  # chord error of the controller's own arc splitting
    path_tolerance: float  # G64 P where the dialect has it
    spindle_min_rpm: int
    spindle_max_rpm: int
    spindle_spinup_seconds: float
    coolant_flood: bool
    coolant_mist: bool
    arcs: bool  # controller interpolates G2/G3
    tool_changer: bool
    tool_change_z: float
    tool_change_seconds: float
    tools_loaded: tuple[str, ...]
    max_line_length: int
    dwell_units: str = "s"  # "s" or "ms" (Mach3 can be configured either way)

    def with_dialect(self, dialect: str) -> MachineProfile:
        """The same machine written for another controller dialect."""
        if dialect not in DIALECTS:
            raise UnknownDialectError(dialect, DIALECTS)
        return replace(self, dialect=dialect)


def _axes_table(table: dict[str, Any], key: str, axes: str, where: str) -> dict[str, float]:
    sub = require(table, key, dict, where)
    out = {}
    for axis in axes.lower():
        value = require(sub, axis, float, f"{where} [{key}]")
        if value <= 0:
            raise LibraryError(f"{where} [{key}]: {axis} must be positive")
        out[axis] = value
    return out


def _profile(stem: str, t: dict[str, Any]) -> MachineProfile:
    where = f"machines/{stem}.toml"
    axes = require(t, "axes", str, where)
    dialect = require(t, "dialect", str, where)
    if dialect not in DIALECTS or axes not in ("XYZ", "XYZA"):
        raise LibraryError(f"{where}: dialect must be one of {DIALECTS}, axes XYZ or XYZA")
    profile = MachineProfile(
        name=require(t, "name", str, where),
        description=str(t.get("description", "")),
        dialect=dialect,
        axes=axes,
        envelope=_axes_table(t, "envelope", axes, where),
        max_rate=_axes_table(t, "max_rate", axes, where),
        max_feed=_axes_table(t, "max_feed", axes, where),
        acceleration=_axes_table(t, "acceleration", axes, where),
        junction_deviation=require(t, "junction_deviation", float, where),
        arc_tolerance=require(t, "arc_tolerance", float, where),
        path_tolerance=require(t, "path_tolerance", float, where),
        spindle_min_rpm=require(t, "spindle_min_rpm", int, where),
        spindle_max_rpm=require(t, "spindle_max_rpm", int, where),
        spindle_spinup_seconds=require(t, "spindle_spinup_seconds", float, where),
        coolant_flood=require(t, "coolant_flood", bool, where),
        coolant_mist=require(t, "coolant_mist", bool, where),
        arcs=require(t, "arcs", bool, where),
        tool_changer=require(t, "tool_changer", bool, where),
        tool_change_z=require(t, "tool_change_z", float, where),
        tool_change_seconds=require(t, "tool_change_seconds", float, where),
        tools_loaded=tuple(require(t, "tools_loaded", list, where)),
        max_line_length=require(t, "max_line_length", int, where),
        dwell_units=str(t.get("dwell_units", "s")),
    )
    if profile.name != stem:
        raise LibraryError(f"{where}: name {profile.name!r} differs from the file name")
    if profile.dwell_units not in ("s", "ms"):
        raise LibraryError(f"{where}: dwell_units must be 's' or 'ms'")
    return profile


@cache
def _profiles() -> dict[str, MachineProfile]:
    files = sorted((DATA_DIR / "machines").glob("*.toml"))
    return {f.stem: _profile(f.stem, load_toml(f"machines/{f.name}")) for f in files}


def machine_names() -> list[str]:
    return sorted(_profiles())


def get_machine(name: str) -> MachineProfile:
    """The profile called `name`; `UnknownMachineError` lists the valid names."""
    try:
        return _profiles()[name]
    except KeyError:
        raise UnknownMachineError(name, _profiles()) from None


Bounds = Sequence[float]  # (xmin, ymin, zmin, xmax, ymax, zmax), mm


def fit_check(
    program_bounds: Bounds,
    machine: MachineProfile,
    tool: Tool,
    params: CuttingParams | None = None,
) -> list[str]:
    """Every reason the program cannot run on `machine` with `tool`; empty when it fits.

    program_bounds are the extremes of the tool centre, (xmin, ymin, zmin, xmax, ymax, zmax) in
    work coordinates. The operator sets the work origin anywhere on the table, so what must fit
    is the extent (plus the tool's diameter in X and Y) in the travel of each axis; Z runs from
    the deepest cut up to the machine's tool-change height, where every program ends.
    """
    xmin, ymin, zmin, xmax, ymax, zmax = (float(v) for v in program_bounds)
    zmax = max(zmax, machine.tool_change_z)  # every program ends lifted to the change height
    problems = []
    for axis, lo, hi, margin in (
        ("x", xmin, xmax, tool.diameter),
        ("y", ymin, ymax, tool.diameter),
        ("z", zmin, zmax, 0.0),
    ):
        extent = hi - lo + margin
        if extent > machine.envelope[axis] + 1e-9:
            problems.append(
                f"{axis.upper()} travel {extent:.3f} mm exceeds {machine.name}'s "
                f"{machine.envelope[axis]:g} mm"
            )
    if machine.tools_loaded and tool.name not in machine.tools_loaded:
        problems.append(
            f"tool {tool.name!r} is not loaded on {machine.name} "
            f"(loaded: {', '.join(machine.tools_loaded)})"
        )
    try:
        flute = tool_spec(tool.name).flute_length
    except UnknownToolError:
        flute = None  # a tool from outside the library: its geometry is the caller's word
    if flute is not None and -zmin > flute + 1e-9:
        problems.append(f"depth {-zmin:.3f} mm exceeds {tool.name}'s cutting length {flute:g} mm")
    if params is not None:
        problems += _param_problems(machine, params)
    return problems


def _param_problems(machine: MachineProfile, params: CuttingParams) -> list[str]:
    problems = []
    if not machine.spindle_min_rpm <= params.spindle_rpm <= machine.spindle_max_rpm:
        problems.append(
            f"spindle {params.spindle_rpm} rpm outside {machine.name}'s "
            f"{machine.spindle_min_rpm}-{machine.spindle_max_rpm} rpm"
        )
    if params.feed > min(machine.max_feed["x"], machine.max_feed["y"]):
        problems.append(f"feed {params.feed:g} mm/min above {machine.name}'s cutting feed limit")
    if params.plunge_feed > machine.max_feed["z"]:
        problems.append(f"plunge feed {params.plunge_feed:g} mm/min above {machine.name}'s Z limit")
    if params.coolant and not (machine.coolant_flood or machine.coolant_mist):
        problems.append(f"{machine.name} has no coolant and jade must be cut wet")
    return problems


class MachineStatus(StrEnum):
    """Where a machine stands. A running machine still takes jobs into its queue; one in
    maintenance or at fault takes none until an operator sets it idle again."""

    IDLE = "idle"
    RUNNING = "running"
    MAINTENANCE = "maintenance"
    FAULT = "fault"

    @property
    def accepts_work(self) -> bool:
        return self in (MachineStatus.IDLE, MachineStatus.RUNNING)


def job_fits(
    machine: MachineProfile, piece: PieceSpec | None, program: Program | None = None
) -> list[str]:
    """Every reason `machine` cannot take the job; empty when it can. For routing and assignment.

    The piece must fit the travel (lying on its back, turned a quarter if that helps; a bangle
    on the rotary with its axis along X: its width in X, its diameter in Y and its radius above
    the axis in Z); a bangle's band needs a rotary A axis; every tool of the program must be
    loaded, and the program itself must fit (`fit_check`).
    """
    problems: list[str] = []
    if piece is not None:
        problems += _piece_problems(machine, piece)
    if program is not None:
        problems += _program_problems(machine, program)
    return problems


def _piece_problems(machine: MachineProfile, piece: PieceSpec) -> list[str]:
    env = machine.envelope
    if piece.shape == "bangle":
        diameter = piece.inner + 2.0 * piece.thickness
        need = {"x": piece.band_width, "y": diameter, "z": diameter / 2.0}
        problems = (
            []
            if "A" in machine.axes
            else [
                f"a bangle's band turns under the tool on a rotary A axis; {machine.name} has "
                f"{machine.axes}"
            ]
        )
    else:
        sx, sy, sz = piece.size
        if sx > env["x"] or sy > env["y"]:  # a quarter turn may fit the table better
            sx, sy = sy, sx
        need = {"x": sx, "y": sy, "z": sz}
        problems = []
    for axis, size in need.items():
        if size > env[axis] + 1e-9:
            problems.append(
                f"the {piece.shape} needs {size:g} mm of {axis.upper()} travel; "
                f"{machine.name} has {env[axis]:g} mm"
            )
    return problems


def _program_problems(machine: MachineProfile, program: Program) -> list[str]:
    from machines.extent import program_extent  # extent imports the estimator: load on use

    problems: list[str] = []
    seen: set[str] = set()
    for tp in program.toolpaths:
        if tp.tool.name in seen or not tp.moves:
            continue
        seen.add(tp.tool.name)
        problems += [
            p for p in fit_check(_bounds(tp, program_extent), machine, tp.tool) if p not in problems
        ]
    return problems


def _bounds(tp: Toolpath, extent: Callable[[Program], Any]) -> Sequence[float]:
    """The extent of one toolpath, as fit_check wants it."""
    single = Program(job="", design="", placement=Placement(), toolpaths=[tp], safe_z=tp.safe_z)
    return extent(single).bounds

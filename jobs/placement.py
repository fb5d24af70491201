"""A job's piece, face and placement, from its rows: what the program is generated on, what the
operator's set-up sheet checks and draws, and the ``set_placement`` event that changes it.

    options = carve_options(piece, job)      # piece=, face_name=, fit=, placement= for carve
    checked = check(job, piece, svg, wanted, face_name)   # ok, the resolved placement or why not

``Job.placement`` holds ``{"mode", "scale", "rotation_deg", "offset_x", "offset_y"}``, mm and
degrees, the offsets measured on the face from its centre (cam.pieces.faces):

| mode     | scale            | the design's centre goes                                     |
|----------|------------------|--------------------------------------------------------------|
| fit      | the largest that keeps the cut on the face | on the offset, or where it can be largest when the offset is 0, 0 |
| centre   | as given         | on the offset                                                |
| explicit | as given         | nowhere in particular: cam.toolpath.Placement as it stands (the document's corner at the offset) |

Empty means fit. A row without a mode (written before modes existed) is explicit, as it
always was; the set-up sheet offers fit and centre, which an operator can read off the stone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from jobs.errors import GuardFailed, InvalidPayload
from jobs.types import Context, State

if TYPE_CHECKING:
    from cam.pieces.spec import PieceSpec
    from cam.toolpath import Placement
    from workshop.models import Job, Piece

__all__ = ["MODES", "Checked", "JobPlacement", "carve_options", "check", "check_set_placement",
           "face_for", "piece_spec", "placed_paths", "preview_png", "set_placement"]

MODES = ("fit", "centre", "explicit")
# the same cut the program is generated with (machines.carve's defaults): the check on the set-up
# sheet must refuse exactly what the program would
OPERATION = "engrave"
TOOL = "ball-1.0"
MARGIN = 0.5  # mm
# the design is flattened as carve does with arcs: half of the 0.02 mm budget
FLATTEN = 0.01  # mm
# the column's default face: "not chosen", so a piece without a front takes its first face
DEFAULT_FACE = "front"


class PlacementInput(ValueError):
    """A placement asked for with a value that is not a number, or out of range."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class JobPlacement:
    """A placement as the job stores it (the module docstring's table)."""

    mode: str = "fit"
    scale: float = 1.0
    rotation_deg: float = 0.0
    offset_x: float = 0.0
    offset_y: float = 0.0

    @classmethod
    def from_row(cls, row: Mapping[str, Any] | None) -> JobPlacement:
        if not row:
            return cls()
        mode = str(row.get("mode") or "explicit")
        return cls.parse({**row, "mode": mode})

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> JobPlacement:
        """From a form or JSON body (numbers or their text); PlacementInput names each fault."""
        faults: dict[str, str] = {}
        mode = str(data.get("mode") or "fit")
        if mode not in MODES:
            faults["mode"] = f"must be one of: {', '.join(MODES)}"
        values = {}
        for name, default in (("scale", 1.0), ("rotation_deg", 0.0), ("offset_x", 0.0),
                              ("offset_y", 0.0)):
            raw = data.get(name)
            try:
                value = default if raw is None or str(raw).strip() == "" else float(str(raw))
            except ValueError:
                faults[name] = f"is not a number: {raw!r}"
                continue
            if not math.isfinite(value):
                faults[name] = "must be a finite number"
            values[name] = value
        if "scale" not in faults and not 0.0 < values.get("scale", 1.0) <= 100.0:
            faults["scale"] = "must be above 0 and at most 100"
        if faults:
            raise PlacementInput(faults)
        return cls(mode=mode, **values)

    def as_row(self) -> dict[str, Any]:
        return asdict(self)

    def as_given(self) -> Placement:
        """The placement as asked for (a fit's scale is the fit's to choose)."""
        from cam.toolpath import Placement

        return Placement(self.scale, self.rotation_deg, self.offset_x, self.offset_y)

    def describe(self) -> str:
        if self.mode == "fit":
            return (f"fit, rotation {self.rotation_deg:g} deg, centre "
                    + ("chosen" if self.offset == (0.0, 0.0) else
                       f"X{self.offset_x:.3f} Y{self.offset_y:.3f} mm"))
        if self.mode == "centre":
            return (f"centre at X{self.offset_x:.3f} Y{self.offset_y:.3f} mm, scale "
                    f"{self.scale:g}, rotation {self.rotation_deg:g} deg")
        return self.as_given().describe()

    @property
    def offset(self) -> tuple[float, float]:
        return (self.offset_x, self.offset_y)


def piece_spec(piece: Piece) -> PieceSpec:
    """The piece as the CAM models it, from its certificate; PieceError when it cannot be."""
    from cam.pieces.spec import PieceSpec

    return PieceSpec.from_dimensions(piece.shape, piece.dimensions or {})


def face_for(spec: PieceSpec, name: str | None) -> str:
    """The job's face on this piece; the column's default on a piece without a front means its
    first face (a bangle's band, a buckle's dome). PieceError for a face it does not have."""
    from cam.errors import PieceError
    from cam.pieces.faces import face_names

    names = face_names(spec)
    if name in names:
        return str(name)
    if not name or name == DEFAULT_FACE:
        return names[0]
    raise PieceError(f"a {spec.shape} has no face {name!r}; its faces: {', '.join(names)}")


def carve_options(piece: Piece, job: Job) -> dict[str, Any]:
    """piece, face_name, fit and placement (a dict of floats) for machines.carve.CarveOptions.

    A piece whose certificate does not describe a model the CAM can build is carved as before
    placements existed: the design at its own size, as stored (the CAM contract's default).
    """
    from cam.errors import PieceError

    wanted = JobPlacement.from_row(job.placement)
    given = {"scale": wanted.scale if wanted.mode != "fit" else 1.0,
             "rotation_deg": wanted.rotation_deg, "offset_x": wanted.offset_x,
             "offset_y": wanted.offset_y}
    try:
        spec = piece_spec(piece)
    except PieceError:  # a fit needs a face to fit to: without one, the design's own size
        return {"placement": given if wanted.mode == "explicit" else {}}
    try:
        face = face_for(spec, job.face)
    except PieceError:  # carve refuses it with the same words, and the job goes to review
        face = job.face
    return {"piece": spec, "face_name": face,
            "fit": None if wanted.mode == "explicit" else wanted.mode, "placement": given,
            **_surface_options(spec, face)}


def _surface_options(spec: PieceSpec, face_name: str | None) -> dict[str, bool]:
    """How the cut meets a curved face: laid onto a dome (depth from the local surface), or
    laid across a bangle band's section and wrapped round the rotary A axis. A flat face needs
    neither."""
    from cam.errors import PieceError
    from cam.pieces.faces import get_face

    try:
        kind = get_face(spec, face_name).kind
    except PieceError:
        return {}
    return {"follow_surface": kind in ("dome", "band"), "wrap_band": kind == "band"}


@dataclass(frozen=True)
class Checked:
    """The outcome of placing a design: ok with the placement the program will use, or why not."""

    ok: bool
    face: str
    placement: Placement | None
    reason: str = ""


def check(spec: PieceSpec, face_name: str, svg: str | bytes, wanted: JobPlacement) -> Checked:
    """Place the design as `wanted` and check the whole cut stays on the face (cam.placement)."""
    from cam.errors import CamError

    try:
        design, face, tool = _inputs(spec, face_name, svg)
        placement = _place(design, face, tool, wanted)
    except CamError as exc:
        return Checked(False, face_name, None, str(exc))
    return Checked(True, face_name, placement)


def placed_paths(svg: str | bytes, placement: Placement) -> list[np.ndarray]:
    """The design's polylines ((n, 2) each, closed ones closed) placed in face coordinates."""
    from cam.svg import load_svg

    design = load_svg(svg, tolerance=FLATTEN)
    a = math.radians(placement.rotation_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    shift = np.array([placement.offset_x, placement.offset_y])
    out = []
    for path in design.paths:
        pts = path.points if not path.closed else np.vstack([path.points, path.points[:1]])
        out.append((placement.scale * pts) @ rot.T + shift)
    return out


def preview_png(
    spec: PieceSpec, face_name: str, svg: str | bytes, wanted: JobPlacement
) -> tuple[bytes, Checked]:
    """The picture of the piece with the design placed as `wanted` (cam.pieces.render), and
    the check. A refused placement is drawn where it was asked for, in the refusal's colour
    (a fit that found no scale has nothing to draw)."""
    from cam.errors import CamError
    from cam.pieces.render import render_piece_png

    checked = check(spec, face_name, svg, wanted)
    drawn = checked.placement if checked.ok else _as_asked(svg, wanted)
    try:
        paths = placed_paths(svg, drawn) if drawn is not None else []
    except CamError:  # a design the CAM cannot read: the piece alone, the check says why
        paths = []
    png = render_piece_png(spec, face_name, paths, refused=not checked.ok)
    return png, checked


def _as_asked(svg: str | bytes, wanted: JobPlacement) -> Placement | None:
    """The placement as asked for, unchecked: centre mode puts the design's centre on the
    offset (as cam.placement does, from the bounds of its paths)."""
    from cam.errors import CamError
    from cam.svg import load_svg
    from cam.toolpath import Placement

    if wanted.mode == "fit":
        return None
    if wanted.mode == "explicit":
        return wanted.as_given()
    try:
        x0, y0, x1, y1 = load_svg(svg, tolerance=FLATTEN).bounds()
    except (CamError, ValueError):
        return None
    cx, cy, a = (x0 + x1) / 2.0, (y0 + y1) / 2.0, math.radians(wanted.rotation_deg)
    rx = wanted.scale * (math.cos(a) * cx - math.sin(a) * cy)
    ry = wanted.scale * (math.sin(a) * cx + math.cos(a) * cy)
    return Placement(wanted.scale, wanted.rotation_deg, wanted.offset_x - rx, wanted.offset_y - ry)


def _inputs(spec: PieceSpec, face_name: str, svg: str | bytes) -> tuple[Any, Any, Any]:
    from cam.pieces.faces import get_face
    from cam.svg import load_svg
    from machines.tools import get_tool

    return load_svg(svg, tolerance=FLATTEN), get_face(spec, face_name), get_tool(TOOL)


def _place(design: Any, face: Any, tool: Any, wanted: JobPlacement) -> Placement:
    from cam.placement import place

    if wanted.mode == "fit":
        offset = None if wanted.offset == (0.0, 0.0) else wanted.offset
        return place(design, face, tool, mode="fit", rotation_deg=wanted.rotation_deg,
                     offset=offset, margin=MARGIN, operation=OPERATION)
    return place(design, face, tool, mode=wanted.mode, scale=wanted.scale,
                 rotation_deg=wanted.rotation_deg, offset=wanted.offset, margin=MARGIN,
                 operation=OPERATION)


# ---- the set_placement event (jobs/states.py) -------------------------------------------------

def _asked(ctx: Context) -> tuple[JobPlacement, str, Any]:
    from cam.errors import PieceError
    from workshop.models import Design, Piece

    try:
        wanted = JobPlacement.parse(ctx.data)
    except PlacementInput as exc:
        raise InvalidPayload(f"placement refused: {exc}", fields=exc.fields) from exc
    try:
        spec = piece_spec(ctx.session.get_one(Piece, ctx.job.piece_id))
        face = face_for(spec, ctx.data.get("face") or ctx.job.face)
    except PieceError as exc:
        raise GuardFailed(f"the piece cannot be placed on: {exc}") from exc
    design = ctx.session.get(Design, ctx.job.design_id) if ctx.job.design_id else None
    if design is None:
        raise GuardFailed("the job has no design to place")
    return wanted, face, (spec, design.svg)


def check_set_placement(ctx: Context) -> None:
    """Guard: the placement keeps the whole cut on the face, or the event is refused with the
    overflow in mm and where (cam.placement's words)."""
    wanted, face, (spec, svg) = _asked(ctx)
    checked = check(spec, face, svg, wanted)
    if not checked.ok:
        raise GuardFailed(checked.reason, face=face)


def set_placement(ctx: Context) -> State:
    """Store the placement and face; the program is generated again (an approved program or
    a machine taken for the old one no longer holds: both are asked for again)."""
    from jobs.rules import _end_assignments

    wanted, face, _ = _asked(ctx)
    ctx.recorded["from"] = {"face": ctx.job.face, "placement": dict(ctx.job.placement or {})}
    ctx.recorded["to"] = {"face": face, "placement": wanted.as_row()}
    ctx.job.placement = wanted.as_row()
    ctx.job.face = face
    ctx.job.review_reason = None
    _end_assignments(ctx)
    return State.TOOLPATH_PENDING

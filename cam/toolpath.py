"""The neutral toolpath: what every operation produces and every post-processor consumes.

Coordinates are machine coordinates in millimetres: X to the right, Y up (the SVG's y is
flipped at import), Z0 the stone's top surface, cutting at negative Z. Feeds are mm/min.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ToolKind(StrEnum):
    """Cutting-edge shapes the CAM understands (diamond burrs map onto these)."""

    FLAT = "flat"  # flat end mill, cylinder burr
    BALL = "ball"  # ball nose, ball burr
    VBIT = "vbit"  # V-bit, cone burr (angle is the included angle)


@dataclass(frozen=True, slots=True)
class Tool:
    """The geometry of one cutter, as the toolpath operations need it.

    diameter: mm at the widest cutting part; angle_deg: included angle (V-bit, cone);
    tip_diameter: mm of the flat at a V-bit's tip (0 for a sharp point).
    """

    name: str
    kind: ToolKind
    diameter: float
    angle_deg: float = 0.0
    tip_diameter: float = 0.0
    number: int = 1  # tool number in the machine's table (T word where the dialect has one)
    description: str = ""

    @property
    def radius(self) -> float:
        return self.diameter / 2.0


@dataclass(frozen=True, slots=True)
class CuttingParams:
    """How hard to push one tool in one material."""

    feed: float  # mm/min, cutting in XY
    plunge_feed: float  # mm/min, going down in Z
    spindle_rpm: int
    step_down: float  # mm per pass
    coolant: bool = True  # jade is cut wet
    ramp_angle_deg: float = 3.0  # entry ramp along the path; 90 means plunge straight down
    stepover: float = 0.4  # fraction of the tool diameter, for pockets


class MoveKind(StrEnum):
    RAPID = "rapid"  # G0
    LINEAR = "linear"  # G1
    ARC_CW = "arc_cw"  # G2, XY plane
    ARC_CCW = "arc_ccw"  # G3, XY plane


@dataclass(frozen=True, slots=True)
class Move:
    """One motion to (x, y, z). Arcs carry the centre as an offset (i, j) from the start."""

    kind: MoveKind
    x: float
    y: float
    z: float
    feed: float | None = None  # mm/min; None for rapids
    i: float = 0.0
    j: float = 0.0
    a: float | None = None  # rotary A axis, degrees (cam.rotary); None on 3-axis work


@dataclass(frozen=True, slots=True)
class Placement:
    """How the design's own coordinates map onto the work: scale, then rotate, then offset.

    Applied to machine XY (after the SVG y flip): p' = R(rotation_deg) @ (scale * p) + offset.
    Identity means the design is carved at its own size with its document's bottom-left
    corner at the work origin X0 Y0.
    """

    scale: float = 1.0
    rotation_deg: float = 0.0
    offset_x: float = 0.0
    offset_y: float = 0.0

    def describe(self) -> str:
        return (
            f"scale {self.scale:g}, rotation {self.rotation_deg:g} deg, "
            f"offset X{self.offset_x:.3f} Y{self.offset_y:.3f} mm"
        )


@dataclass(slots=True)
class Toolpath:
    """The moves of one operation with one tool, starting and ending at safe height."""

    operation: str  # engrave | pocket | profile-in | profile-out | ...
    tool: Tool
    params: CuttingParams
    depth: float  # final depth, mm, positive number (cuts reach Z = -depth at most)
    passes: int
    safe_z: float
    moves: list[Move] = field(default_factory=list)
    # set by cam.rotary: the band's diameter (mm) the moves are wrapped round; rotary feed
    # moves are then written in inverse time (G93), their feed being mm/min at the tool tip
    rotary_diameter: float | None = None


@dataclass(slots=True)
class Program:
    """Everything a post-processor needs to write one machine program."""

    job: str
    design: str
    placement: Placement
    toolpaths: list[Toolpath]
    safe_z: float
    warnings: list[str] = field(default_factory=list)
    estimated_seconds: float | None = None
    cut_length_mm: float | None = None
    rapid_length_mm: float | None = None

"""The neutral toolpath: what every operation produces and every post-processor consumes.

Coordinates are machine coordinates in millimetres: X to the right, Y up (the SVG's y is
flipped at import), Z0 the stone's top surface, cutting at negative Z. Feeds are mm/min.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import repeat
from operator import attrgetter, is_

import numpy as np


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


# Move kinds as small integer codes, in the columns of `MoveArrays`: 0 G0, 1 G1, 2 G2, 3 G3.
KIND_CODES: dict[MoveKind, int] = {
    MoveKind.RAPID: 0,
    MoveKind.LINEAR: 1,
    MoveKind.ARC_CW: 2,
    MoveKind.ARC_CCW: 3,
}
KINDS: tuple[MoveKind, ...] = tuple(KIND_CODES)
_KIND, _FEED, _A = attrgetter("kind"), attrgetter("feed"), attrgetter("a")
_XYZ = (attrgetter("x"), attrgetter("y"), attrgetter("z"))
_IJ = (attrgetter("i"), attrgetter("j"))


@dataclass(frozen=True, slots=True, eq=False)
class MoveArrays:
    """A toolpath's moves as columns, the form the post-processor and the estimate read.

    kind: (n,) int8 codes of `KIND_CODES`; xyz: (n, 3) float end points; ij: (n, 2) float arc
    centre offsets (0 on straight moves); feed: (n,) float mm/min, NaN where a move has none;
    a: (n,) float degrees, NaN where a move has none, or None when no move has an A word.
    The arrays are shared, never copied: treat them as read-only.
    """

    kind: np.ndarray
    xyz: np.ndarray
    ij: np.ndarray
    feed: np.ndarray
    a: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.kind)

    @classmethod
    def from_moves(cls, moves: Sequence[Move]) -> MoveArrays:
        """The columns of a list of moves: one C-level pass per attribute."""
        n = len(moves)
        kind = np.fromiter(map(KIND_CODES.__getitem__, map(_KIND, moves)), dtype=np.int8, count=n)
        xyz = np.empty((n, 3))
        ij = np.empty((n, 2))
        for col, get in enumerate(_XYZ):
            xyz[:, col] = np.fromiter(map(get, moves), dtype=np.float64, count=n)
        for col, get in enumerate(_IJ):
            ij[:, col] = np.fromiter(map(get, moves), dtype=np.float64, count=n)
        feeds = [math.nan if f is None else f for f in map(_FEED, moves)]
        feed = np.fromiter(feeds, dtype=np.float64, count=n)
        a = None
        if any(v is not None for v in map(_A, moves)):
            angles = [math.nan if v is None else v for v in map(_A, moves)]
            a = np.fromiter(angles, dtype=np.float64, count=n)
        return cls(kind, xyz, ij, feed, a)

    def to_moves(self, lo: int = 0, hi: int | None = None) -> list[Move]:
        """Moves lo..hi-1 (all by default) as `Move` objects."""
        sl = slice(lo, hi)
        kinds = [KINDS[k] for k in self.kind[sl].tolist()]
        n = len(kinds)
        x, y, z = (self.xyz[sl, col].tolist() for col in range(3))
        i, j = (self.ij[sl, col].tolist() for col in range(2))
        feed = [None if f != f else f for f in self.feed[sl].tolist()]  # NaN: no feed
        a = (
            repeat(None, n)
            if self.a is None
            else (v if v == v else None for v in self.a[sl].tolist())
        )
        return list(map(Move, kinds, x, y, z, feed, i, j, a))


class MoveBuffer:
    """Moves appended one by one or a run at a time, kept as columns until `arrays()`:
    a planner appends tens of thousands of moves, and a `Move` object each would cost more
    than all the rest of the appending."""

    __slots__ = ("kind", "x", "y", "z", "feed", "i", "j")

    def __init__(self) -> None:
        self.kind: list[int] = []
        self.x: list[float] = []
        self.y: list[float] = []
        self.z: list[float] = []
        self.feed: list[float] = []
        self.i: list[float] = []
        self.j: list[float] = []

    def __len__(self) -> int:
        return len(self.kind)

    def add(
        self, kind: int, x: float, y: float, z: float, feed: float | None = None,
        i: float = 0.0, j: float = 0.0,
    ) -> None:  # fmt: skip
        """One move; kind is a code of `KIND_CODES`, feed None for none."""
        self.kind.append(kind)
        self.x.append(x)
        self.y.append(y)
        self.z.append(z)
        self.feed.append(math.nan if feed is None else feed)
        self.i.append(i)
        self.j.append(j)

    def append(self, move: Move) -> None:
        """One `Move`."""
        self.add(KIND_CODES[move.kind], move.x, move.y, move.z, move.feed, move.i, move.j)

    def run(self, xs: Sequence[float], ys: Sequence[float], z: float, feed: float) -> None:
        """G1 moves through the points (xs[k], ys[k]) at one height and one feed."""
        n = len(xs)
        self.kind.extend(repeat(1, n))
        self.x.extend(xs)
        self.y.extend(ys)
        self.z.extend(repeat(z, n))
        self.feed.extend(repeat(feed, n))
        self.i.extend(repeat(0.0, n))
        self.j.extend(repeat(0.0, n))

    def ramp(
        self, xs: Sequence[float], ys: Sequence[float], zs: Sequence[float], feed: float
    ) -> None:
        """G1 moves through the points (xs[k], ys[k], zs[k]) at one feed."""
        n = len(xs)
        self.kind.extend(repeat(1, n))
        self.x.extend(xs)
        self.y.extend(ys)
        self.z.extend(zs)
        self.feed.extend(repeat(feed, n))
        self.i.extend(repeat(0.0, n))
        self.j.extend(repeat(0.0, n))

    def last(self) -> tuple[float, float, float] | None:
        """Where the last move ends, or None before the first."""
        return (self.x[-1], self.y[-1], self.z[-1]) if self.kind else None

    def arrays(self) -> MoveArrays:
        n = len(self.kind)
        xyz = np.empty((n, 3))
        ij = np.empty((n, 2))
        for out, col, values in ((xyz, 0, self.x), (xyz, 1, self.y), (xyz, 2, self.z),
                                 (ij, 0, self.i), (ij, 1, self.j)):  # fmt: skip
            out[:, col] = np.fromiter(values, dtype=np.float64, count=n)
        kind = np.fromiter(self.kind, dtype=np.int8, count=n)
        return MoveArrays(kind, xyz, ij, np.fromiter(self.feed, dtype=np.float64, count=n))

    def moves(self) -> list[Move]:
        return self.arrays().to_moves()


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


@dataclass
class Toolpath:
    """The moves of one operation with one tool, starting and ending at safe height.

    `moves` is a list of `Move` like any field. A planner may instead hand over its moves as
    columns (`Toolpath.from_arrays`): the post-processor and the estimate read those through
    `move_arrays()`, and the `Move` objects are made only when `moves` is first read. From
    then on the list is the toolpath's moves; the columns are reused only as long as the list
    still holds exactly the moves made from them.
    """

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

    @classmethod
    def from_arrays(
        cls, operation: str, tool: Tool, params: CuttingParams, depth: float, passes: int,
        safe_z: float, arrays: MoveArrays, rotary_diameter: float | None = None,
    ) -> Toolpath:  # fmt: skip
        """A toolpath whose moves are given as columns; `Move` objects are made on demand."""
        tp = cls(operation, tool, params, depth, passes, safe_z, [], rotary_diameter)
        tp.__dict__["_list"] = None
        tp.__dict__["_arrays"] = arrays
        return tp

    def move_arrays(self) -> MoveArrays:
        """The moves as columns (`MoveArrays`), without making `Move` objects if not made."""
        arrays: MoveArrays | None = self.__dict__.get("_arrays")
        moves: list[Move] | None = self.__dict__.get("_list")
        if arrays is not None:
            if moves is None:
                return arrays
            made = self.__dict__["_made"]
            if len(moves) == len(made) and all(map(is_, moves, made)):
                return arrays
        return MoveArrays.from_moves(moves or [])

    def made_moves(self) -> list[Move] | None:
        """The `Move` objects if they exist (given, or made by reading `moves`), else None."""
        moves: list[Move] | None = self.__dict__.get("_list")
        return moves

    def move_count(self) -> int:
        """len(moves), without making `Move` objects."""
        moves: list[Move] | None = self.__dict__.get("_list")
        return len(moves) if moves is not None else len(self.__dict__["_arrays"])


def _get_moves(tp: Toolpath) -> list[Move]:
    moves: list[Move] | None = tp.__dict__.get("_list")
    if moves is None:
        moves = tp.__dict__["_arrays"].to_moves()
        tp.__dict__["_list"] = moves
        tp.__dict__["_made"] = tuple(moves)  # what the columns still describe
    return moves


def _set_moves(tp: Toolpath, moves: list[Move]) -> None:
    tp.__dict__["_list"] = moves
    tp.__dict__["_arrays"] = None


# `moves` stays a dataclass field (constructor, replace, eq, repr) read through this property
Toolpath.moves = property(  # type: ignore[assignment]
    _get_moves, _set_moves, doc="The moves as `Move` objects (made on first use)."
)


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

"""`python run.py cam simulate PROGRAM.nc --design DESIGN.svg --tool NAME --depth MM ...`

Replays a G-code program on a heightmap and checks it against the design before the stone is
touched. Exit codes: 0 the cut matches the design; 1 the fidelity check failed (the reasons
are printed); 2 the program, the design or the arguments could not be read.

The tool's name resolves through the workshop's library (`machines.tools`), which is why the
command lives here and not in `cam`.

A program carved on a piece is judged on that piece's face: `--piece SHAPE:key=value,...` and
`--face NAME` as for `run.py cam`. On a domed face (a buckle's dome) the stone starts from the
dome's surface, depths are measured from it, and the cut must stay on the face's outline.
On a bangle's band (a rotary program: A words, G93) the
band's diameter comes from the piece and the program is replayed on the band unrolled; a bare
rotary program needs `--band-diameter MM`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shapely import union_all
from shapely.geometry.base import BaseGeometry

from cam.design import FillRegion
from cam.errors import CamError, DesignError
from cam.ops.regions import fill_geometry
from cam.pieces import Face, PieceSpec, get_face
from cam.plan import OPERATIONS, place_design
from cam.simulate import DEFAULT_TOLERANCE, SimulationResult, Surface, simulate
from cam.svg import load_svg
from cam.toolpath import Placement, Tool
from machines.carve import _piece as piece_arg  # the same SHAPE:key=value syntax as `cam`
from machines.errors import MachineError, OptionsError
from machines.tools import get_tool

__all__ = ["band_of", "check_program", "fill_region", "run_cli", "simulate_files"]

# The design is flattened finer than the program's own tolerance so that the reference the
# cut is judged against adds little error of its own; its share is added to the band.
DESIGN_FLATTENING = 0.005
BAND_ALONG = ("x", "y")
# a band's diameter given twice (piece and --band-diameter) must agree to this, mm
BAND_DIAMETER_AGREE = 1e-6
_FACE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="run.py cam simulate",
        description="Replay a G-code program on a heightmap and check it against the design.",
    )
    ap.add_argument("program", help="the G-code file")
    ap.add_argument("--design", help="the SVG the program should carve (needed to approve)")
    ap.add_argument("--tool", required=True, help="tool name from the library, e.g. ball-1.0")
    ap.add_argument("--depth", type=float, required=True, help="requested depth, mm")
    ap.add_argument(
        "--op",
        choices=OPERATIONS,
        default="engrave",
        help="what the program was planned to do (pocket and profiles are judged by the fills)",
    )
    ap.add_argument("--png", help="shaded-relief picture to write")
    ap.add_argument("--report", help="JSON fidelity report to write")
    ap.add_argument("--resolution", type=float, default=0.05, help="cell size, mm")
    ap.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help="band around the design region where stone may go, mm",
    )
    ap.add_argument(
        "--face",
        type=_face_arg,
        help="XMIN,YMIN,XMAX,YMAX carvable face, mm; or the piece's face by name (with --piece)",
    )
    ap.add_argument(
        "--piece",
        type=piece_arg,
        help="the piece carved on, SHAPE:key=value,... as for `cam`, e.g. "
        "bangle:inner=56,width=14,thickness=8",
    )
    ap.add_argument(
        "--band-diameter",
        type=float,
        help="a rotary program (A words) without --piece: the band's diameter at its surface, mm",
    )
    ap.add_argument(
        "--band-along",
        choices=BAND_ALONG,
        help="the design axis the band was wrapped along (x, as `cam --wrap-band` does)",
    )
    ap.add_argument("--scale", type=float, default=1.0, help="placement of the design")
    ap.add_argument("--rotate", type=float, default=0.0, help="degrees, counter-clockwise")
    ap.add_argument("--offset", type=_floats(2), default=(0.0, 0.0), help="X,Y in mm")
    return ap


def _floats(n: int) -> Any:
    def parse(text: str) -> tuple[float, ...]:
        try:
            values = tuple(float(v) for v in text.split(","))
        except ValueError:
            values = ()
        if len(values) != n:
            raise argparse.ArgumentTypeError(f"expected {n} comma-separated numbers, got {text!r}")
        return values

    return parse


def _face_arg(text: str) -> tuple[float, ...] | str:
    """`--face`: four numbers (a box, mm) or a face's name."""
    if _FACE_NAME.fullmatch(text.strip()):
        return text.strip()
    return _floats(4)(text)  # type: ignore[no-any-return]


def simulate_files(
    program: Path,
    design: Path | None,
    tool: str,
    depth: float,
    *,
    resolution: float = 0.05,
    tolerance: float = DEFAULT_TOLERANCE,
    face: tuple[float, float, float, float] | None = None,
    placement: Placement | None = None,
    operation: str = "engrave",
    rotary_diameter: float | None = None,
    band_along: str = "x",
    surface: Surface | None = None,
    outline: BaseGeometry | None = None,
) -> SimulationResult:
    """`check_program` on files. Raises CamError / MachineError / OSError."""
    return check_program(
        program.read_text(encoding="utf-8", errors="strict"),
        design,
        tool,
        depth,
        resolution=resolution,
        tolerance=tolerance,
        face=face,
        placement=placement,
        operation=operation,
        rotary_diameter=rotary_diameter,
        band_along=band_along,
        surface=surface,
        outline=outline,
    )


def check_program(
    gcode: str,
    svg: bytes | str | os.PathLike[str] | None,
    tool: str | Tool,
    depth: float,
    *,
    resolution: float = 0.05,
    tolerance: float = DEFAULT_TOLERANCE,
    face: tuple[float, float, float, float] | None = None,
    placement: Placement | None = None,
    operation: str = "engrave",
    rotary_diameter: float | None = None,
    band_along: str = "x",
    surface: Surface | None = None,
    outline: BaseGeometry | None = None,
) -> SimulationResult:
    """Simulate `gcode` and judge it against the design `svg` (bytes, text or path; None:
    shown, never approved) placed as the program was planned. `tool` is a library name or a
    `Tool`. Raises CamError / MachineError for input that cannot be read.

    A rotary program (A words, G93) needs its band: `rotary_diameter` (mm, at the band's
    surface, `face.band.diameter`) and `band_along`, the design axis it was wrapped along
    ("x" for a bangle's band face, as `machines.carve` wraps). It is then judged on the band
    unrolled, where the placement, `face` and the design live; without the band it is
    refused (`SimulationError`).

    A program carved on a domed face is judged on the stone's `surface`, a function z(x, y)
    (numpy arrays in and out; Z0 at the crown, negative where the dome falls; a piece's
    `Face.surface_z`): the map starts from it over `face` (the face's box, `Face.bounds`;
    None: the cuts' extent), and every depth is measured from the surface under the tool,
    so a program laid onto the dome (`follow_surface`) passes and a flat one is refused
    for cutting air. `outline` (`Face.boundary`) is where the stone is: stone removed past
    it (the rim, a hole) is a cut past the face's edge.

    Engraving is judged by the design's paths (region, and full depth along every path);
    pockets and profiles by the stone their fills allow to go (region and depth only: a
    pocket rightly leaves stone in corners finer than the tool, so full depth is not asked
    of them)."""
    cutter = get_tool(tool) if isinstance(tool, str) else tool
    paths, region = None, None
    if svg is not None:
        loaded = place_design(load_svg(svg, tolerance=DESIGN_FLATTENING), placement or Placement())
        tolerance += loaded.tolerance
        if operation == "engrave":
            paths = loaded.paths
        else:
            region = fill_region(loaded.fills, operation, cutter.diameter)
    return simulate(
        gcode,
        cutter,
        face,
        depth=depth,
        resolution=resolution,
        design_paths=paths,
        region=region,
        tolerance=tolerance,
        rotary_diameter=rotary_diameter,
        band_along=band_along,
        surface=surface,
        outline=outline,
    )


def band_of(
    piece: PieceSpec | None,
    face_name: str | None,
    band_diameter: float | None = None,
    band_along: str | None = None,
) -> tuple[Face | None, float | None, str]:
    """The face a program was carved on and the band it was wrapped round: (face or None,
    diameter or None, along). A band face gives its own diameter and along "x" (the way
    `machines.carve` wraps); `band_diameter` / `band_along` are for a bare program and must
    agree with the face when both are given. Raises `OptionsError` / `PieceError`."""
    if band_diameter is not None and not (math.isfinite(band_diameter) and band_diameter > 0):
        raise OptionsError(f"--band-diameter must be a positive number of mm, got {band_diameter}")
    if piece is None:
        if face_name is not None:
            raise OptionsError("--face NAME needs a piece (--piece SHAPE:key=value,...)")
        return None, band_diameter, band_along or "x"
    face = get_face(piece, face_name)
    if face.band is None:
        if band_diameter is not None:
            raise OptionsError(f"face '{face.name}' of a {piece.shape} is not a band round an axis")
        return face, None, band_along or "x"
    diameter = face.band.diameter
    if band_diameter is not None and abs(band_diameter - diameter) > BAND_DIAMETER_AGREE:
        raise OptionsError(
            f"--band-diameter {band_diameter:g} mm disagrees with the piece's band "
            f"({diameter:g} mm at its surface)"
        )
    if band_along not in (None, "x"):
        raise OptionsError(
            f"a piece's band face is unrolled with x along the band, not {band_along}"
        )
    return face, diameter, "x"


def fill_region(fills: Sequence[FillRegion], operation: str, diameter: float) -> BaseGeometry:
    """The stone a pocket or profile of `fills` may remove with a tool of `diameter`."""
    if not fills:
        raise DesignError(f"{operation} cuts filled regions and the design has none")
    area = union_all([fill_geometry(f) for f in fills])
    if operation == "pocket":
        return area
    if operation == "profile-in":
        return area.difference(area.buffer(-diameter, quad_segs=16))
    if operation == "profile-out":
        return area.buffer(diameter, quad_segs=16).difference(area)
    raise ValueError(f"unknown operation {operation!r}")


def run_cli(argv: Sequence[str] | None = None) -> int:
    """0 when the cut matches the design, 1 when the fidelity check fails, 2 on bad input."""
    try:
        args = _parser().parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse has printed its message
        return int(exc.code or 0)
    try:
        box = args.face if isinstance(args.face, tuple) else None
        name = args.face if isinstance(args.face, str) else None
        face, diameter, along = band_of(args.piece, name, args.band_diameter, args.band_along)
        if box is None and face is not None:
            box = face.bounds  # the face (a band unrolled): cuts past its edge are refused
        # a dome, or a band's section: the stone starts from its surface, and the cut must
        # stay on its outline
        dome = face if face is not None and face.kind in ("dome", "band") else None
        result = simulate_files(
            Path(args.program),
            Path(args.design) if args.design else None,
            args.tool,
            args.depth,
            resolution=args.resolution,
            tolerance=args.tolerance,
            face=box,
            placement=Placement(args.scale, args.rotate, *args.offset),
            operation=args.op,
            rotary_diameter=diameter,
            band_along=along,
            surface=dome.surface_z if dome is not None else None,
            outline=dome.boundary if dome is not None else None,
        )
        _write_outputs(args, result, face)
    except (CamError, MachineError, OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.report.summary())
    return 0 if result.report.ok else 1


def _write_outputs(args: argparse.Namespace, result: SimulationResult, face: Face | None) -> None:
    if args.png:
        _write(args.png, result.png)
    if args.report:
        doc = {
            "program": args.program,
            "design": args.design,
            "tool": args.tool,
            "piece": args.piece.shape if args.piece is not None else None,
            "face_name": face.name if face is not None else None,
            "resolution": args.resolution,
            "face": list(result.heightmap.face),
            "segments": len(result.motion),
            "program_ended": result.motion.ended,
            **result.report.to_dict(),
        }
        _write(args.report, (json.dumps(doc, indent=2) + "\n").encode())


def _write(path: str, data: bytes) -> None:
    """Write beside the target and rename, so a reader never sees half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".simulate-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)

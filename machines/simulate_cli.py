"""`python run.py cam simulate PROGRAM.nc --design DESIGN.svg --tool NAME --depth MM ...`

Replays a G-code program on a heightmap and checks it against the design before the stone is
touched. Exit codes: 0 the cut matches the design; 1 the fidelity check failed (the reasons
are printed); 2 the program, the design or the arguments could not be read.

The tool's name resolves through the workshop's library (`machines.tools`), which is why the
command lives here and not in `cam`.
"""

from __future__ import annotations

import argparse
import json
import os
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
from cam.plan import OPERATIONS, place_design
from cam.simulate import DEFAULT_TOLERANCE, SimulationResult, simulate
from cam.svg import load_svg
from cam.toolpath import Placement, Tool
from machines.errors import MachineError
from machines.tools import get_tool

__all__ = ["check_program", "fill_region", "run_cli", "simulate_files"]

# The design is flattened finer than the program's own tolerance so that the reference the
# cut is judged against adds little error of its own; its share is added to the band.
DESIGN_FLATTENING = 0.005


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
    ap.add_argument("--face", type=_floats(4), help="XMIN,YMIN,XMAX,YMAX carvable face, mm")
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
) -> SimulationResult:
    """Simulate `gcode` and judge it against the design `svg` (bytes, text or path; None:
    shown, never approved) placed as the program was planned. `tool` is a library name or a
    `Tool`. Raises CamError / MachineError for input that cannot be read.

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
    )


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
        result = simulate_files(
            Path(args.program),
            Path(args.design) if args.design else None,
            args.tool,
            args.depth,
            resolution=args.resolution,
            tolerance=args.tolerance,
            face=args.face,
            placement=Placement(args.scale, args.rotate, *args.offset),
            operation=args.op,
        )
        _write_outputs(args, result)
    except (CamError, MachineError, OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.report.summary())
    return 0 if result.report.ok else 1


def _write_outputs(args: argparse.Namespace, result: SimulationResult) -> None:
    if args.png:
        _write(args.png, result.png)
    if args.report:
        doc = {
            "program": args.program,
            "design": args.design,
            "tool": args.tool,
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

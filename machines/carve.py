"""One call from an SVG to everything the CNC station needs: G-code, DXF, preview, report.

    result = carve(Path("lotus.svg"), CarveOptions(tool="ball-1.0", material="jadeite"))

and its command line, `python run.py cam DESIGN.svg -o OUT.nc ...` (or `python -m
machines.carve ...`). A design that cannot be cut as asked raises (`cam.errors.CamError` or
`machines.errors.MachineError`) with the reason; nothing is half-made.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cam.errors import CamError, PieceError
from cam.pieces.spec import PieceSpec
from cam.toolpath import Placement, Program
from machines.errors import FitError, MachineError, OptionsError, UnknownDialectError
from machines.estimate import estimate
from machines.extent import program_extent
from machines.materials import cutting_params, material_names
from machines.post import DIALECTS, render
from machines.profiles import fit_check, get_machine, job_fits, machine_names
from machines.rotary_estimate import rotary_estimate
from machines.tools import all_tools, get_tool

__all__ = ["CarveOptions", "CarveResult", "carve", "run_cli"]

OPERATIONS = ("engrave", "pocket", "profile-in", "profile-out", "vcarve")
# Tolerance budget (docs/machines.md): with arcs, half of it for flattening the SVG and the
# rest for arc fitting; without arcs almost all of it for flattening. 4-decimal output and
# linearized arcs take what is left.
FLATTEN_SHARE_ARCS = 0.5
FLATTEN_SHARE_LINES = 0.95
WRAP_CHORD = 0.0005  # mm: arcs flattened for the rotary, as the posts linearize arcs
# below 0.005 mm the 4-decimal output and the 0.001 mm arc margin eat the budget; above 0.5 mm
# a burr a few tenths wide would wander off the line
MIN_TOLERANCE = 0.005
MAX_TOLERANCE = 0.5
FITS = (None, "fit", "centre")


@dataclass(frozen=True)
class CarveOptions:
    operation: str = "engrave"  # engrave | pocket | profile-in | profile-out
    tool: str = "ball-1.0"  # a name from machines/data/tools.toml
    material: str = "nephrite"  # nephrite | jadeite
    depth: float = 0.3  # mm below the stone's surface, never deeper
    tolerance: float = 0.02  # mm between the cut and the true design
    dialect: str | None = None  # None = the machine's dialect
    machine: str = "engraver-3axis-grbl"
    safe_z: float = 3.0  # mm above the surface for every rapid
    arcs: bool = True  # G2/G3 where the machine interpolates arcs
    placement: Placement = field(default_factory=Placement)
    face: tuple[float, float, float, float] | None = None  # allowed tool-centre region
    job: str = ""
    entry: str = "auto"  # auto | ramp | plunge
    # the piece carved on (docs/pieces-and-placement.md); None = the design's own document
    piece: PieceSpec | None = None
    face_name: str | None = None  # one of the piece's faces; None = its first (front)
    fit: str | None = None  # "fit" | "centre" | None (the placement as given, checked)
    margin: float = 0.5  # mm of stone kept clear of every edge of the face, hole included
    # on a domed face or a band, lay the cut onto the stone (cam.surface.follow): depth from
    # the local surface instead of from Z0 (a band's fall across its section)
    follow_surface: bool = False
    # on a bangle's band, wrap the cut round the rotary A axis (cam.rotary): A words, G93
    wrap_band: bool = False


@dataclass(frozen=True)
class CarveResult:
    gcode: str
    dxf: str | None  # None when the DXF writer is unavailable (see report warnings)
    preview_svg: str | None
    report: dict[str, Any]
    program: Program


def carve(
    svg: bytes | str | os.PathLike[str], options: CarveOptions = CarveOptions()
) -> CarveResult:
    """Load, plan, check against the machine, post, and draw. Raises on any refusal."""
    from cam.plan import PlanOptions, plan_program  # cam's heavier modules, loaded on use
    from cam.svg import load_svg

    machine = get_machine(options.machine)
    dialect = options.dialect or machine.dialect
    if dialect not in DIALECTS:
        raise UnknownDialectError(dialect, DIALECTS)
    _check_options(options)
    tool = get_tool(options.tool)
    params = cutting_params(tool, options.material)
    arcs = options.arcs and machine.arcs
    share = FLATTEN_SHARE_ARCS if arcs else FLATTEN_SHARE_LINES
    design = load_svg(svg, tolerance=options.tolerance * share)
    placement, face_box, face = _on_piece(design, options, tool)
    plan = PlanOptions(
        tool=tool,
        params=params,
        operation=options.operation,
        depth=options.depth,
        safe_z=options.safe_z,
        tolerance=options.tolerance,
        arcs=arcs,
        placement=placement,
        face=face_box,
        entry=options.entry,
        job=options.job,
    )
    program = plan_program(design, plan)
    # a dome, or a band's section falling away across its width (round, oval): laid onto it
    followed = options.follow_surface and face is not None and face.kind in ("dome", "band")
    if followed:
        from cam.surface.follow import follow_program

        program = follow_program(program, face.surface_z)
    flat = program  # as planned on the face: what the drawings and the face warning show
    if options.wrap_band and face is not None and face.kind == "band":
        program = _wrapped(program, face)
        est = rotary_estimate(program, machine)  # the band's turns on A, timed at its surface
    else:
        est = estimate(program, machine)
    program.estimated_seconds = est.seconds
    program.cut_length_mm, program.rapid_length_mm = est.cut_length_mm, est.rapid_length_mm
    extent = program_extent(program)
    problems = fit_check(_cut_bounds(extent.bounds, followed, options.depth), machine, tool, params)
    problems += [p for p in job_fits(machine, options.piece) if p not in problems]
    if problems:
        raise FitError(problems)
    gcode = render(program, machine, dialect=dialect, estimated=est)
    warnings = list(program.warnings)
    if face is not None and face.kind != "flat" and not followed:
        warnings.append(_curved_warning(face, flat))
    dxf, preview = _drawings(flat, design, warnings)
    report = _report(
        options, program, design, est, extent.cut_bbox, dialect, machine.name, gcode, warnings
    )
    report["face"] = _face_report(options, face, face_box)
    # how the simulator unrolls the A words again: the band and the flat axis along it
    wrapped = program is not flat
    report["rotary"] = {"diameter": face.band.diameter, "along": "x"} if wrapped else None
    return CarveResult(gcode, dxf, preview, report, program)


def _wrapped(program: Program, face: Any) -> Program:
    """The program round the band: the face is unrolled with x along the band (cam.pieces),
    so it is wrapped along x; arcs become chords within half a micrometre."""
    from dataclasses import replace

    from cam.rotary import wrap_toolpath

    d = face.band.diameter
    toolpaths = [wrap_toolpath(tp, d, WRAP_CHORD, along="x") for tp in program.toolpaths]
    return replace(program, toolpaths=toolpaths)


def _cut_bounds(bounds: Any, followed: bool, depth: float) -> Any:
    """A followed program reaches far below Z0 where the dome falls away, but cuts only
    `depth` into the stone: the burr's cutting length is checked against that, and the Z
    travel is kept (the same extent, shifted up)."""
    if not followed:
        return bounds
    xmin, ymin, zmin, xmax, ymax, zmax = (float(v) for v in bounds)
    lift = max(0.0, -depth - zmin)
    return (xmin, ymin, zmin + lift, xmax, ymax, zmax + lift)


def _on_piece(
    design: Any, options: CarveOptions, tool: Any
) -> tuple[Placement, tuple[float, float, float, float] | None, Any]:
    """The placement, the tool-centre box for the plan, and the face, when carving on a piece.

    The exact check (the face's real outline and hole, tool radius and margin) is
    cam.placement's; the plan then checks every tool-centre point against the face's box.
    """
    if options.piece is None:
        return options.placement, options.face, None
    from cam.pieces.faces import get_face
    from cam.placement import centre_region, place

    face = get_face(options.piece, options.face_name)
    p = options.placement
    given = (p.offset_x, p.offset_y)
    # with fit or centre, an offset says where the design's centre goes; none = chosen for it
    offset = given if options.fit is None or given != (0.0, 0.0) else None
    placement = place(
        design,
        face,
        tool,
        mode=options.fit or "explicit",
        scale=None if options.fit == "fit" else p.scale,
        rotation_deg=p.rotation_deg,
        offset=offset,
        margin=options.margin,
        operation=options.operation,
    )
    xmin, ymin, xmax, ymax = centre_region(face, tool, options.margin, options.operation).bounds
    return placement, options.face or (xmin, ymin, xmax, ymax), face


def _curved_warning(face: Any, program: Program) -> str:
    """How far a curved face falls away under the cut, which a flat program does not follow."""
    import numpy as np

    pts = np.array([(m.x, m.y) for tp in program.toolpaths for m in tp.moves if m.z < 0])
    drop = -float(face.surface_z(pts[:, 0], pts[:, 1]).min()) if len(pts) else 0.0
    return (
        f"face '{face.name}' is a {face.kind}: its surface falls {drop:.2f} mm below Z0 under "
        "the cut, and this program cuts at constant depth below Z0"
    )


def _face_report(
    options: CarveOptions, face: Any, box: tuple[float, float, float, float] | None
) -> dict[str, Any] | None:
    if face is None:
        return None
    piece = options.piece
    assert piece is not None
    return {
        "piece": piece.shape,
        "name": face.name,
        "kind": face.kind,
        "bounds": [round(v, 4) for v in face.bounds],
        "tool_centre_box": [round(v, 4) for v in box] if box else None,
        "margin": options.margin,
        "fit": options.fit,
        "text": face.describe(),
    }


def _check_options(options: CarveOptions) -> None:
    if options.operation not in OPERATIONS:
        raise OptionsError(
            f"unknown operation {options.operation!r}; valid: {', '.join(OPERATIONS)}"
        )
    tol = options.tolerance
    if not (math.isfinite(tol) and MIN_TOLERANCE <= tol <= MAX_TOLERANCE):
        raise OptionsError(
            f"tolerance {tol:g} mm is outside {MIN_TOLERANCE:g}..{MAX_TOLERANCE:g} mm"
        )
    if options.fit not in FITS:
        raise OptionsError(f"unknown fit {options.fit!r}; valid: fit, centre (or none)")
    if options.piece is None and (options.fit or options.face_name):
        raise OptionsError("--fit and --face need a piece (--piece SHAPE:key=value,...)")


def _drawings(program: Program, design: Any, warnings: list[str]) -> tuple[str | None, str | None]:
    """DXF and preview, each skipped with a warning if its writer is not available."""
    dxf = preview = None
    try:
        from cam.dxf import write_dxf
    except ImportError as exc:
        warnings.append(f"DXF not written: {exc}")
    else:
        buf = io.StringIO()
        write_dxf(program, design, buf)
        dxf = buf.getvalue()
    try:
        from cam.preview import preview_svg
    except ImportError as exc:
        warnings.append(f"preview not drawn: {exc}")
    else:
        preview = preview_svg(program, design)
    return dxf, preview


def _report(
    options: CarveOptions,
    program: Program,
    design: Any,
    est: Any,
    bbox: tuple[float, ...] | None,
    dialect: str,
    machine: str,
    gcode: str,
    warnings: list[str],
) -> dict[str, Any]:
    tp = program.toolpaths[0]
    p = program.placement  # the one planned: on a piece, chosen by the fit
    return {
        "job": options.job,
        "design": design.title,
        "operation": options.operation,
        "machine": machine,
        "dialect": dialect,
        "material": options.material,
        "tool": {
            "name": tp.tool.name,
            "kind": tp.tool.kind.value,
            "diameter_mm": tp.tool.diameter,
            "number": tp.tool.number,
        },
        "depth": options.depth,
        "passes": tp.passes,
        "feed_mm_min": tp.params.feed,
        "plunge_feed_mm_min": tp.params.plunge_feed,
        "spindle_rpm": tp.params.spindle_rpm,
        "tolerance": options.tolerance,
        "placement": {
            "scale": p.scale,
            "rotation_deg": p.rotation_deg,
            "offset_x": p.offset_x,
            "offset_y": p.offset_y,
            "text": p.describe(),
        },
        "cut_length_mm": round(est.cut_length_mm, 3),
        "rapid_length_mm": round(est.rapid_length_mm, 3),
        "estimated_seconds": round(est.seconds, 1),
        "bbox_mm": [round(v, 4) for v in bbox] if bbox else None,
        "path_count": len(design.paths),
        "warnings": warnings,
        "gcode_lines": gcode.count("\n"),
        "gcode_sha256": hashlib.sha256(gcode.encode("ascii")).hexdigest(),
    }


# -- command line -------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="cam", description="Carve an SVG design: G-code, DXF, preview."
    )
    ap.add_argument("design", nargs="?", help="the SVG file")
    ap.add_argument("-o", "--output", help="G-code file to write")
    ap.add_argument("--dxf", help="DXF file to write")
    ap.add_argument("--preview", help="preview SVG file to write")
    ap.add_argument("--report", help="JSON report file to write")
    ap.add_argument("--op", choices=OPERATIONS, default="engrave")
    ap.add_argument("--tool", default=CarveOptions.tool)
    ap.add_argument("--material", choices=material_names(), default=CarveOptions.material)
    ap.add_argument("--depth", type=float, default=CarveOptions.depth)
    ap.add_argument(
        "--max-depth", type=float, help="vcarve: the depth cap in mm (the same as --depth)"
    )
    ap.add_argument("--tolerance", type=float, default=CarveOptions.tolerance)
    ap.add_argument("--dialect", choices=sorted(DIALECTS))
    ap.add_argument("--machine", choices=machine_names(), default=CarveOptions.machine)
    ap.add_argument("--safe-z", type=float, default=CarveOptions.safe_z)
    ap.add_argument("--no-arcs", action="store_true")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--rotate", type=float, default=0.0, help="degrees, counter-clockwise")
    ap.add_argument("--offset", type=_offset, default=(0.0, 0.0), help="X,Y in mm")
    ap.add_argument("--job", default="")
    ap.add_argument(
        "--piece",
        type=_piece,
        help="the piece carved on, SHAPE:key=value,... e.g. bi_disc:outer=58,inner=20,thickness=5",
    )
    ap.add_argument("--face", help="the piece's face (front, back, dome, outer); default its first")
    ap.add_argument(
        "--fit",
        nargs="?",
        const="fit",
        choices=("fit", "centre"),
        help="fit: largest scale that stays on the face; centre: centred at --scale",
    )
    ap.add_argument(
        "--margin", type=float, default=CarveOptions.margin, help="mm kept clear of every edge"
    )
    ap.add_argument(
        "--follow-surface",
        action="store_true",
        help="on a domed face or a bangle's band: depth measured from the local surface "
        "(drop-cutter; across a round or oval band's section)",
    )
    ap.add_argument(
        "--wrap-band",
        action="store_true",
        help="on a bangle's band: wrap the cut round the rotary A axis (G93 feeds)",
    )
    ap.add_argument("--list-tools", action="store_true", help="print the tool library and exit")
    return ap


def _offset(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected X,Y in mm, got {text!r}") from None
    return x, y


def _piece(text: str) -> PieceSpec:
    try:
        return PieceSpec.parse(text)
    except PieceError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _list_tools() -> str:
    rows = [
        f"T{t.number:<3} {t.name:<13} {t.kind.value:<5} {t.diameter:>6.3f} mm  {t.description}"
        for t in all_tools()
    ]
    return "\n".join(rows)


def _write_all(files: dict[str, str]) -> None:
    """Write every file to a temporary name beside it, then rename them all into place."""
    staged: list[tuple[str, str]] = []
    try:
        for path, text in files.items():
            directory = os.path.dirname(os.path.abspath(path))
            try:
                fd, tmp = tempfile.mkstemp(prefix=".carve-", dir=directory)
            except OSError as exc:
                raise OSError(f"cannot write {path}: {exc.strerror}") from exc
            staged.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def run_cli(argv: Sequence[str] | None = None) -> int:
    """`cam DESIGN.svg -o OUT.nc [...]`: 0 on success, 2 on refusal or bad arguments, 1 on an
    unexpected internal error. Nothing is written unless everything succeeded."""
    parser = _parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse has printed its message
        return int(exc.code or 0)
    if args.list_tools:
        print(_list_tools())
        return 0
    if not args.design or not args.output:
        parser.print_usage(sys.stderr)
        print("cam: error: DESIGN and -o OUT are required", file=sys.stderr)
        return 2
    options = CarveOptions(
        operation=args.op,
        tool=args.tool,
        material=args.material,
        depth=args.max_depth if args.max_depth is not None else args.depth,
        tolerance=args.tolerance,
        dialect=args.dialect,
        machine=args.machine,
        safe_z=args.safe_z,
        arcs=not args.no_arcs,
        job=args.job,
        placement=Placement(args.scale, args.rotate, args.offset[0], args.offset[1]),
        piece=args.piece,
        face_name=args.face,
        fit=args.fit,
        margin=args.margin,
        follow_surface=args.follow_surface,
        wrap_band=args.wrap_band,
    )
    try:
        result = carve(Path(args.design), options)
        files = _outputs(args, result)
        _write_all(files)
    except (CamError, MachineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the CLI's last word: say it is ours, not the user's
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    r = result.report
    if r.get("face"):
        print(f"on {r['face']['piece']} {r['face']['text']}: {r['placement']['text']}")
    print(
        f"{args.output}: {r['gcode_lines']} lines, {r['operation']} {r['path_count']} paths with "
        f"{r['tool']['name']} to {r['depth']:g} mm in {r['passes']} passes, cut "
        f"{r['cut_length_mm']:.1f} mm, about {r['estimated_seconds'] / 60:.1f} min ({r['dialect']})"
    )
    return 0


def _outputs(args: argparse.Namespace, result: CarveResult) -> dict[str, str]:
    files = {args.output: result.gcode}
    for path, text, what in (
        (args.dxf, result.dxf, "DXF"),
        (args.preview, result.preview_svg, "preview"),
    ):
        if path and text is None:  # the drawing is a convenience: the G-code is still good
            print(
                f"warning: {what} not written to {path}: its writer is unavailable", file=sys.stderr
            )
        elif path and text is not None:
            files[path] = text
    if args.report:
        files[args.report] = json.dumps(result.report, indent=2, ensure_ascii=False) + "\n"
    return files


if __name__ == "__main__":
    sys.exit(run_cli(sys.argv[1:]))

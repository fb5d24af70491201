"""`cam simulate`: our own programs are approved, tampered ones refused, bad input is exit 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from machines.carve import CarveOptions, carve
from machines.simulate_cli import run_cli

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="30mm" viewBox="0 0 40 30">
  <path d="M5 5 C 15 25, 25 -5, 35 15" fill="none" stroke="black"/>
  <circle cx="20" cy="15" r="8" fill="none" stroke="black"/>
  <rect x="3" y="20" width="10" height="6" fill="none" stroke="black"/>
</svg>
"""


@pytest.fixture(scope="module")
def design(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("design") / "leaf.svg"
    path.write_text(SVG)
    return path


@pytest.fixture(scope="module")
def programs(design: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("programs")
    files = {}
    for dialect in ("grbl", "linuxcnc", "mach3"):
        result = carve(design, CarveOptions(tool="ball-1.0", depth=0.3, dialect=dialect))
        files[dialect] = out / f"leaf-{dialect}.nc"
        files[dialect].write_text(result.gcode)
    return files


def _args(program: Path, design: Path | None, *extra: str) -> list[str]:
    base = [str(program), "--tool", "ball-1.0", "--depth", "0.3", "--resolution", "0.1"]
    return base + (["--design", str(design)] if design else []) + list(extra)


@pytest.mark.parametrize("dialect", ["grbl", "linuxcnc", "mach3"])
def test_our_own_programs_are_approved(
    dialect: str, programs: dict[str, Path], design: Path, tmp_path: Path, capsys
) -> None:
    png, report = tmp_path / "cut.png", tmp_path / "cut.json"
    code = run_cli(_args(programs[dialect], design, "--png", str(png), "--report", str(report)))
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("cut matches the design")
    doc = json.loads(report.read_text())
    assert doc["ok"] is True and doc["outside_mm2"] == 0.0 and doc["uncut_mm"] == 0.0
    assert doc["max_depth"] == pytest.approx(0.3, abs=0.01)
    assert doc["iou"] > 0.95
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _shift_x(gcode: str, dx: float) -> str:
    return re.sub(r"X(-?\d+\.\d+)", lambda m: f"X{float(m.group(1)) + dx:.4f}", gcode)


def test_a_program_shifted_by_a_millimetre_is_refused(
    programs: dict[str, Path], design: Path, tmp_path: Path, capsys
) -> None:
    shifted = tmp_path / "shifted.nc"
    shifted.write_text(_shift_x(programs["grbl"].read_text(), 1.0))
    assert run_cli(_args(shifted, design)) == 1
    out = capsys.readouterr().out
    assert "cut REFUSED" in out
    assert "stone removed outside the design" in out


def test_a_program_for_another_placement_is_refused_unless_placed_alike(
    design: Path, tmp_path: Path, capsys
) -> None:
    result = carve(design, CarveOptions(tool="ball-1.0", depth=0.3, placement=_placement()))
    program = tmp_path / "placed.nc"
    program.write_text(result.gcode)
    assert run_cli(_args(program, design)) == 1
    placed = ("--scale", "0.8", "--rotate", "90", "--offset", "35,2")
    assert run_cli(_args(program, design, *placed)) == 0, capsys.readouterr().out


def _placement():
    from cam.toolpath import Placement

    return Placement(scale=0.8, rotation_deg=90.0, offset_x=35.0, offset_y=2.0)


def test_without_a_design_nothing_is_approved(programs: dict[str, Path], capsys) -> None:
    assert run_cli(_args(programs["grbl"], None)) == 1
    assert "no design region given" in capsys.readouterr().out


def test_unreadable_program_unknown_tool_and_bad_face_are_exit_2(
    design: Path, tmp_path: Path, capsys
) -> None:
    bad = tmp_path / "bad.nc"
    bad.write_text("G21 G90\nG0 Z5\nG0 X0 Y0\nG28\n")
    assert run_cli(_args(bad, design)) == 2
    assert "line 4: unsupported G code G28" in capsys.readouterr().err
    assert run_cli([str(bad), "--tool", "no-such-burr", "--depth", "0.3"]) == 2
    assert "unknown tool 'no-such-burr'" in capsys.readouterr().err
    assert run_cli(_args(bad, design, "--face", "1,2,3")) == 2


FILLED = """<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="30mm" viewBox="0 0 40 30">
  <path d="M8 8 H32 V22 H8 Z M14 12 V18 H26 V12 Z" fill="black" fill-rule="evenodd"/>
</svg>
"""


@pytest.mark.parametrize("op", ["pocket", "profile-in", "profile-out"])
def test_pockets_and_profiles_are_judged_by_their_fills(op: str, tmp_path: Path, capsys) -> None:
    design = tmp_path / "frame.svg"
    design.write_text(FILLED)
    result = carve(design, CarveOptions(operation=op, tool="cyl-1.0", depth=0.2))
    program = tmp_path / f"{op}.nc"
    program.write_text(result.gcode)
    args = [str(program), "--design", str(design), "--tool", "cyl-1.0", "--depth", "0.2"]
    args += ["--resolution", "0.1", "--op", op]
    assert run_cli(args) == 0, capsys.readouterr().out
    # the same program judged as another operation removes stone that one does not allow
    other = {"pocket": "profile-out", "profile-in": "profile-out", "profile-out": "pocket"}[op]
    assert run_cli([*args[:-1], other]) == 1
    assert "stone removed outside the design" in capsys.readouterr().out


REALWORLD = Path(__file__).resolve().parents[1] / "cam" / "realworld"


@pytest.mark.parametrize(
    ("name", "tool"),
    [
        ("filled_shapes_px.svg", "ball-0.5"),
        ("illustrator_cloud_scroll.svg", "cone-60"),
        ("inkscape_double_happiness.svg", "ball-0.8"),
        ("symbols_units_pt.svg", "cone-60"),
    ],
)
def test_real_designs_carved_by_our_pipeline_are_approved(
    name: str, tool: str, tmp_path: Path, capsys
) -> None:
    """End to end: the planner and the post's program for a real file, re-read and cut here."""
    design = REALWORLD / name
    program = tmp_path / "real.nc"
    program.write_text(carve(design, CarveOptions(tool=tool, depth=0.2)).gcode)
    args = [str(program), "--design", str(design), "--tool", tool, "--depth", "0.2"]
    assert run_cli([*args, "--resolution", "0.1"]) == 0, capsys.readouterr().out


def test_check_program_takes_svg_bytes_and_a_tool_for_the_workflow() -> None:
    from cam.toolpath import Tool, ToolKind
    from machines.simulate_cli import check_program

    gcode = carve(SVG.encode(), CarveOptions(tool="ball-1.0", depth=0.3)).gcode
    ball = Tool("ball-1.0", ToolKind.BALL, 1.0)
    result = check_program(gcode, SVG.encode(), ball, 0.3, resolution=0.1)
    assert result.report.ok, result.report.reasons
    assert not check_program(gcode, SVG.encode(), ball, 0.2, resolution=0.1).report.ok

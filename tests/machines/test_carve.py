"""The one-call carve API and its command line, end to end on real SVG text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cam.errors import CamError
from cam.svg import load_svg
from cam.toolpath import Placement
from machines.carve import CarveOptions, carve, run_cli
from machines.errors import FitError, MachineError, UnknownToolError
from tests.gcode_reader import check_contract, grbl_program_errors

ROOT = Path(__file__).resolve().parents[2]

LEAF = """<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="40mm" viewBox="0 0 60 40">
  <title>Leaf 叶</title>
  <path d="M10 30 C20 5 40 5 50 30" fill="none" stroke="black"/>
  <path d="M12 32 L48 32" fill="none" stroke="black"/>
  <circle cx="30" cy="20" r="6" fill="none" stroke="black"/>
</svg>"""
WIDE = LEAF.replace(
    'width="60mm" height="40mm" viewBox="0 0 60 40"',
    'width="600mm" height="40mm" viewBox="0 0 60 40" preserveAspectRatio="none"',
)
EMPTY = '<svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="10mm"></svg>'
HOSTILE = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="10mm"><title>&b;</title></svg>"""
REPORT_KEYS = {
    "cut_length_mm",
    "rapid_length_mm",
    "estimated_seconds",
    "bbox_mm",
    "path_count",
    "warnings",
    "tool",
    "depth",
    "passes",
    "dialect",
    "placement",
}


def design_paths(svg: str):
    return load_svg(svg, tolerance=0.001).paths


@pytest.mark.parametrize("arcs", [True, False], ids=["arcs", "lines"])
def test_carve_keeps_the_contract(arcs: bool) -> None:
    result = carve(LEAF, CarveOptions(depth=0.3, arcs=arcs, job="J-7"))
    assert check_contract(result.gcode, design_paths(LEAF), 0.3, 3.0, 0.02) == []
    assert grbl_program_errors(result.gcode) == []
    assert ("G2 " in result.gcode or "G3 " in result.gcode) == arcs or not arcs
    assert "(Job: J-7)" in result.gcode and "Leaf U+53F6" in result.gcode


@pytest.mark.parametrize("dialect", ["linuxcnc", "mach3"])
def test_carve_in_other_dialects(dialect: str) -> None:
    result = carve(LEAF, CarveOptions(dialect=dialect, machine="generic-mach3"))
    assert check_contract(result.gcode, design_paths(LEAF), 0.3, 3.0, 0.02) == []
    assert result.report["dialect"] == dialect
    assert result.gcode.startswith("%") == (dialect == "linuxcnc")


def test_report_has_every_key_and_a_true_bbox() -> None:
    result = carve(LEAF, CarveOptions(placement=Placement(offset_x=0.0)))
    report = result.report
    assert REPORT_KEYS <= set(report)
    assert report["path_count"] == 3 and report["passes"] == result.program.toolpaths[0].passes
    xmin, ymin, xmax, ymax = report["bbox_mm"]
    # the circle spans X24..36; the line Y8 (40 - 32); the curve reaches X10..50
    assert xmin == pytest.approx(10, abs=0.01) and xmax == pytest.approx(50, abs=0.01)
    assert ymin == pytest.approx(8, abs=0.01)
    assert report["estimated_seconds"] > report["cut_length_mm"] / (report["feed_mm_min"] / 60)
    json.dumps(report)  # serialisable as it is


def test_jadeite_takes_more_shallower_passes() -> None:
    neph = carve(LEAF, CarveOptions(material="nephrite", depth=0.3)).report
    jade = carve(LEAF, CarveOptions(material="jadeite", depth=0.3)).report
    assert jade["passes"] > neph["passes"]
    assert jade["estimated_seconds"] > neph["estimated_seconds"]


def test_refuses_a_design_wider_than_the_machine() -> None:
    with pytest.raises(FitError, match="X travel"):
        carve(WIDE, CarveOptions())


def test_refuses_a_tool_the_machine_has_not_loaded() -> None:
    with pytest.raises(FitError, match="not loaded"):
        carve(LEAF, CarveOptions(machine="rotary-4axis-linuxcnc", tool="ball-2.0"))


def test_refuses_a_design_moved_off_its_face() -> None:
    with pytest.raises(CamError):
        carve(LEAF, CarveOptions(placement=Placement(offset_x=30.0)))


@pytest.mark.parametrize(
    "svg", [EMPTY, HOSTILE, "<svg><path d='M0 0 L"], ids=["empty", "hostile", "malformed"]
)
def test_refuses_empty_hostile_or_malformed_svg(svg: str) -> None:
    with pytest.raises(CamError):
        carve(svg, CarveOptions())


def test_unknown_names_are_refused_with_the_valid_ones() -> None:
    with pytest.raises(UnknownToolError, match="ball-1.0"):
        carve(LEAF, CarveOptions(tool="drill"))
    with pytest.raises(MachineError, match="engraver-3axis-grbl"):
        carve(LEAF, CarveOptions(machine="robot"))


# -- command line -------------------------------------------------------------------------------


@pytest.fixture
def leaf(tmp_path: Path) -> Path:
    path = tmp_path / "leaf.svg"
    path.write_text(LEAF, encoding="utf-8")
    return path


def test_cli_writes_everything_and_summarises(leaf: Path, tmp_path: Path, capsys) -> None:
    out, report, dxf = tmp_path / "leaf.nc", tmp_path / "leaf.json", tmp_path / "leaf.dxf"
    code = run_cli(
        [
            str(leaf),
            "-o",
            str(out),
            "--report",
            str(report),
            "--dxf",
            str(dxf),
            "--material",
            "jadeite",
            "--depth",
            "0.2",
            "--tool",
            "ball-0.8",
        ]
    )
    assert code == 0
    summary = capsys.readouterr().out.strip().splitlines()
    assert len(summary) == 1 and "ball-0.8" in summary[0]
    data = json.loads(report.read_text())
    assert REPORT_KEYS <= set(data) and data["material"] == "jadeite" and data["depth"] == 0.2
    assert check_contract(out.read_text(), design_paths(LEAF), 0.2, 3.0, 0.02) == []
    assert "SECTION" in dxf.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "leaf.dxf",
        "leaf.json",
        "leaf.nc",
        "leaf.svg",
    ]


def test_cli_placement_is_recorded(leaf: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.svg"
    big.write_text(
        LEAF.replace(
            'width="60mm" height="40mm" viewBox="0 0 60 40"',
            'width="200mm" height="200mm" viewBox="0 0 200 200"',
        )
    )
    out = tmp_path / "p.nc"
    assert (
        run_cli([str(big), "-o", str(out), "--scale", "2", "--rotate", "90", "--offset", "395,10"])
        == 0
    )
    gcode = out.read_text()
    assert "(Placement: scale 2, rotation 90 deg, offset X395.000 Y10.000 mm)" in gcode
    # the cut follows the design scaled by 2, turned 90 deg CCW, then moved by (395, 10)
    placed = [
        ((np.column_stack([-p.points[:, 1], p.points[:, 0]]) * 2 + (395, 10)), p.closed)
        for p in design_paths(big.read_text())
    ]
    assert check_contract(gcode, placed, 0.3, 3.0, 0.02) == []


def test_cli_refusal_writes_nothing(tmp_path: Path, capsys) -> None:
    wide = tmp_path / "wide.svg"
    wide.write_text(WIDE)
    out, report = tmp_path / "wide.nc", tmp_path / "wide.json"
    assert run_cli([str(wide), "-o", str(out), "--report", str(report)]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wide.svg"]


def test_cli_refusal_leaves_an_old_output_alone(leaf: Path, tmp_path: Path) -> None:
    out = tmp_path / "leaf.nc"
    out.write_text("old program\n")
    assert run_cli([str(leaf), "-o", str(out), "--tool", "nope"]) == 2
    assert out.read_text() == "old program\n"


def test_cli_missing_input_is_a_refusal(tmp_path: Path, capsys) -> None:
    assert run_cli([str(tmp_path / "none.svg"), "-o", str(tmp_path / "x.nc")]) == 2
    assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "x.nc").exists()


@pytest.mark.parametrize(
    "argv", [["--depth", "deep"], ["--op", "drill"], ["--offset", "3"], ["--dialect", "fanuc"], []]
)
def test_cli_bad_arguments_exit_2(leaf: Path, tmp_path: Path, argv: list[str], capsys) -> None:
    base = [str(leaf), "-o", str(tmp_path / "x.nc")] if argv else [str(leaf)]
    assert run_cli(base + argv) == 2
    assert "error" in capsys.readouterr().err
    assert not (tmp_path / "x.nc").exists()


def test_cli_internal_error_exits_1(leaf: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    import machines.carve as module

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug of ours")

    monkeypatch.setattr(module, "carve", broken)
    assert run_cli([str(leaf), "-o", str(tmp_path / "x.nc")]) == 1
    assert "internal error" in capsys.readouterr().err


def test_cli_lists_tools(capsys) -> None:
    assert run_cli(["--list-tools"]) == 0
    out = capsys.readouterr().out
    assert "ball-1.0" in out and "cone-30" in out and "T1 " in out


def test_python_dash_m(leaf: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.nc"
    done = subprocess.run(
        [sys.executable, "-m", "machines.carve", str(leaf), "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text().rstrip().endswith("M30")


def test_cli_drawings_are_written_or_skipped_with_a_warning(
    leaf: Path, tmp_path: Path, capsys
) -> None:
    import importlib.util

    out, preview = tmp_path / "l.nc", tmp_path / "l.preview.svg"
    assert run_cli([str(leaf), "-o", str(out), "--preview", str(preview)]) == 0
    assert out.exists()
    if importlib.util.find_spec("cam.preview") is None:
        assert not preview.exists()
        assert "warning: preview not written" in capsys.readouterr().err
    else:
        assert preview.read_text().lstrip().startswith("<")


@pytest.mark.parametrize("tolerance", [0.0, 0.001, 0.6, float("nan")])
def test_tolerance_outside_the_sane_range_is_refused(tolerance: float) -> None:
    with pytest.raises(MachineError, match="tolerance"):
        carve(LEAF, CarveOptions(tolerance=tolerance))


def test_cli_output_into_a_missing_directory(leaf: Path, tmp_path: Path, capsys) -> None:
    report = tmp_path / "r.json"
    code = run_cli([str(leaf), "-o", str(tmp_path / "no" / "x.nc"), "--report", str(report)])
    assert code == 2
    assert "cannot write" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaf.svg"]  # the report neither

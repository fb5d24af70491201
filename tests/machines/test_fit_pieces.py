"""Which machine can take a job (job_fits, MachineStatus), and carving on a piece's face."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from cam.errors import PieceError, PlacementError
from cam.pieces import PieceSpec, get_face
from cam.placement import check_containment
from cam.plan import place_design
from cam.svg import load_svg
from cam.toolpath import Placement
from machines.carve import CarveOptions, carve, run_cli
from machines.errors import FitError, OptionsError
from machines.profiles import MachineStatus, get_machine, job_fits
from machines.tools import get_tool
from tests.gcode_reader import check_contract

ENGRAVER = get_machine("engraver-3axis-grbl")  # XYZ, 400 x 300 x 60
ROTARY = get_machine("rotary-4axis-linuxcnc")  # XYZA, 300 x 200 x 120
BI = PieceSpec.parse("bi_disc:outer=58,inner=20,thickness=5")
BANGLE = PieceSpec.parse("bangle:inner=56,width=14,thickness=8")
LEAF = """<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="40mm" viewBox="0 0 60 40">
  <title>Leaf</title>
  <path id="vein" d="M10 30 C20 5 40 5 50 30" fill="none" stroke="black"/>
  <path id="base" d="M12 32 L48 32" fill="none" stroke="black"/>
  <circle id="dot" cx="30" cy="20" r="6" fill="none" stroke="black"/>
</svg>"""


def test_status_is_a_str_enum_and_says_who_takes_work():
    assert MachineStatus("maintenance") is MachineStatus.MAINTENANCE
    assert [s.value for s in MachineStatus] == ["idle", "running", "maintenance", "fault"]
    assert MachineStatus.IDLE.accepts_work and MachineStatus.RUNNING.accepts_work
    assert not MachineStatus.MAINTENANCE.accepts_work and not MachineStatus.FAULT.accepts_work
    assert MachineStatus.FAULT == "fault"


def test_a_bi_disc_fits_both_machines():
    assert job_fits(ENGRAVER, BI) == []
    assert job_fits(ROTARY, BI) == []


def test_a_bangle_needs_the_rotary():
    problems = job_fits(ENGRAVER, BANGLE)
    assert len(problems) == 1 and "rotary A axis" in problems[0] and "XYZ" in problems[0]
    assert job_fits(ROTARY, BANGLE) == []


def test_the_envelope_counts_the_piece_turned_a_quarter_if_that_helps():
    small = replace(ENGRAVER, envelope={"x": 50.0, "y": 120.0, "z": 60.0})
    tall = PieceSpec.parse("plaque:width=100,height=40,thickness=6")
    assert job_fits(small, tall) == []  # turned: 40 in X, 100 in Y
    huge = PieceSpec.parse("plaque:width=130,height=40,thickness=6")
    (problem,) = job_fits(small, huge)
    assert "130 mm of Y travel" in problem and "120 mm" in problem
    thick = replace(ENGRAVER, envelope={"x": 400.0, "y": 300.0, "z": 4.0})
    assert "needs 5 mm of Z travel" in job_fits(thick, BI)[0]


def test_a_bangle_on_the_rotary_needs_its_diameter_in_y():
    narrow = replace(ROTARY, envelope={"x": 300.0, "y": 70.0, "z": 120.0, "a": 360.0})
    (problem,) = job_fits(narrow, BANGLE)
    assert "72 mm of Y travel" in problem


def test_the_program_s_tools_must_be_loaded_and_its_extent_fit():
    program = carve(LEAF, CarveOptions(tool="cone-90")).program  # on the engraver, not the rotary
    assert job_fits(ENGRAVER, BI, program) == []
    problems = job_fits(ROTARY, BI, program)
    assert len(problems) == 1 and "'cone-90' is not loaded on rotary-4axis-linuxcnc" in problems[0]
    big_leaf = LEAF.replace('width="60mm" height="40mm"', 'width="240mm" height="160mm"')
    big = carve(big_leaf, CarveOptions()).program
    small = replace(ENGRAVER, envelope={"x": 150.0, "y": 300.0, "z": 60.0})  # the cut spans 160
    assert any(p.startswith("X travel") and "150 mm" in p for p in job_fits(small, None, big))
    assert job_fits(ENGRAVER, None, big) == []


# -- carve on a piece -----------------------------------------------------------------------------


def test_carve_fits_the_design_on_the_ring_of_a_bi_disc():
    opts = CarveOptions(piece=BI, face_name="front", fit="fit", margin=0.5, job="J-7")
    result = carve(LEAF, opts)
    p = result.program.placement
    assert p.scale < 1.0
    assert result.report["placement"]["scale"] == p.scale
    assert f"(Placement: {p.describe()})" in result.gcode
    face = result.report["face"]
    assert face["piece"] == "bi_disc" and face["name"] == "front" and face["kind"] == "flat"
    assert face["margin"] == 0.5 and face["fit"] == "fit"
    placed = place_design(load_svg(LEAF, tolerance=0.001), p)
    assert check_contract(result.gcode, placed.paths, 0.3, 3.0, 0.02) == []
    # every cutting move of the program lies on the stone, hole and margin kept clear
    tool = get_tool("ball-1.0")
    clear = 0.5 + tool.radius - 0.02  # the flattening tolerance of the engraving
    for tp in result.program.toolpaths:
        for m in tp.moves:
            if m.z < 0:
                r = math.hypot(m.x, m.y)
                assert 10 + clear <= r <= 29 - clear, (m.x, m.y)
    # and the design as placed passes the exact check
    design = load_svg(LEAF, tolerance=0.01)
    check_containment(design, p, get_face(BI, "front"), tool, 0.5)


def test_carve_refuses_a_placement_that_falls_into_the_hole():
    opts = CarveOptions(piece=BI, fit="centre", placement=Placement(scale=0.5))
    with pytest.raises(PlacementError, match=r"over the inner edge \(hole\) at element"):
        carve(LEAF, opts)


def test_carve_checks_an_explicit_placement_on_the_piece():
    opts = CarveOptions(piece=BI, placement=Placement(1.0, 0.0, -30.0, 5.0))
    with pytest.raises(PlacementError, match="overflows face 'front'"):
        carve(LEAF, opts)


def test_a_bangle_on_the_engraver_is_refused_and_on_the_rotary_is_carved():
    with pytest.raises(FitError, match="rotary A axis"):
        carve(LEAF, CarveOptions(piece=BANGLE, fit="fit"))
    result = carve(LEAF, CarveOptions(piece=BANGLE, fit="fit", machine="rotary-4axis-linuxcnc"))
    assert result.report["face"]["kind"] == "band"
    ymin, ymax = get_face(BANGLE, "outer").bounds[1::2]
    ys = [m.y for tp in result.program.toolpaths for m in tp.moves if m.z < 0]
    assert ymin + 1.0 - 0.02 <= min(ys) and max(ys) <= ymax - 1.0 + 0.02


def test_a_domed_face_is_carved_with_a_warning_about_its_fall():
    buckle = PieceSpec.parse("buckle:outer=30,inner=6,thickness=6")
    result = carve(LEAF, CarveOptions(piece=buckle, face_name="dome", fit="fit"))
    assert any("is a dome: its surface falls" in w for w in result.report["warnings"])


def test_face_and_fit_need_a_piece_and_a_known_face():
    with pytest.raises(OptionsError, match="need a piece"):
        carve(LEAF, CarveOptions(fit="fit"))
    with pytest.raises(OptionsError, match="unknown fit"):
        carve(LEAF, CarveOptions(piece=BI, fit="stretch"))
    with pytest.raises(PieceError, match="no face 'dome'"):
        carve(LEAF, CarveOptions(piece=BI, face_name="dome", fit="fit"))


def test_cli_piece_face_fit_margin(tmp_path, capsys):
    svg = tmp_path / "leaf.svg"
    svg.write_text(LEAF, encoding="utf-8")
    out, report = tmp_path / "leaf.nc", tmp_path / "leaf.json"
    argv = [str(svg), "-o", str(out), "--report", str(report),
            "--piece", "bi_disc:outer=58,inner=20,thickness=5", "--face", "front",
            "--fit", "--margin", "0.8"]  # fmt: skip
    assert run_cli(argv) == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["face"]["margin"] == 0.8 and data["face"]["name"] == "front"
    assert "on bi_disc front" in capsys.readouterr().out
    assert f"(Placement: scale {data['placement']['scale']:g}" in out.read_text(encoding="ascii")
    looser = carve(LEAF, CarveOptions(piece=BI, fit="fit", margin=0.2)).program.placement
    assert looser.scale > data["placement"]["scale"]


def test_cli_refuses_a_bad_piece_and_writes_nothing(tmp_path, capsys):
    svg = tmp_path / "leaf.svg"
    svg.write_text(LEAF, encoding="utf-8")
    out = tmp_path / "leaf.nc"
    assert run_cli([str(svg), "-o", str(out), "--piece", "bi_disc:outer=58,thickness=5"]) == 2
    assert "needs its inner" in capsys.readouterr().err
    argv = [str(svg), "-o", str(out), "--piece", "bi_disc:outer=58,inner=20,thickness=5",
            "--fit", "centre", "--scale", "0.5"]  # fmt: skip
    assert run_cli(argv) == 2
    assert "inner edge (hole)" in capsys.readouterr().err
    assert not out.exists()


def test_a_v_carve_on_a_piece_runs_its_tip_into_the_corners_within_the_margin():
    petal = """<svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="10mm" viewBox="0 0 10 10">
      <path id="petal" d="M1 5 C3 1 7 1 9 5 C7 9 3 9 1 5 Z" fill="black"/></svg>"""
    plaque = PieceSpec.parse("plaque:width=12,height=12,thickness=4")
    result = carve(petal, CarveOptions(operation="vcarve", tool="vbit-60", depth=0.2,
                                       piece=plaque, fit="fit", margin=0.5))  # fmt: skip
    xs = [m.x for tp in result.program.toolpaths for m in tp.moves if m.z < 0]
    assert max(abs(x) for x in xs) <= 5.5 + 1e-6  # on the stone, the margin kept
    assert max(abs(x) for x in xs) > 5.0  # the tip reaches the petal's tips, past margin + r

"""Rotary programs (A words, G93) replayed on the unrolled band: our own bangle programs pass,
wrong ones are caught, and a program without its band is refused."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pytest
from scipy.spatial import cKDTree

from cam.pieces import Face, PieceSpec, get_face
from cam.rotary import unwrap_moves, unwrap_toolpath
from cam.simulate import CUT, SimulationError, read_gcode
from cam.toolpath import Move, MoveKind
from machines.carve import CarveOptions, CarveResult, carve
from machines.simulate_cli import check_program

LEAF = """<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="40mm" viewBox="0 0 60 40">
  <path id="vein" d="M10 30 C20 5 40 5 50 30" fill="none" stroke="black"/>
  <circle id="dot" cx="30" cy="20" r="6" fill="none" stroke="black"/>
</svg>"""
BANGLE = "bangle:inner=56,width=14,thickness=8"
DEPTH = 0.3


@dataclass(frozen=True)
class Carved:
    result: CarveResult
    face: Face

    @property
    def gcode(self) -> str:
        return self.result.gcode

    @property
    def diameter(self) -> float:
        assert self.face.band is not None
        return self.face.band.diameter


@pytest.fixture(scope="module")
def carved() -> Carved:
    piece = PieceSpec.parse(BANGLE)
    options = CarveOptions(
        piece=piece,
        face_name="outer",
        wrap_band=True,
        dialect="linuxcnc",
        fit="fit",
        machine="rotary-4axis-linuxcnc",
        depth=DEPTH,
    )
    return Carved(carve(LEAF.encode(), options), get_face(piece, "outer"))


def _check(c: Carved, gcode: str, diameter: float | None = None):
    return check_program(
        gcode,
        LEAF.encode(),
        "ball-1.0",
        DEPTH,
        resolution=0.1,
        face=c.face.bounds,
        placement=c.result.program.placement,
        rotary_diameter=c.diameter if diameter is None else diameter,
        band_along="x",
    )


def _shift(gcode: str, letter: str, delta: float, negative_only: bool = False) -> str:
    sign = "-" if negative_only else "-?"
    return re.sub(
        rf"{letter}({sign}\d+\.\d+)", lambda m: f"{letter}{float(m.group(1)) + delta:.4f}", gcode
    )


def test_a_carved_bangle_program_simulates_ok(carved: Carved) -> None:
    assert "G93" in carved.gcode and re.search(r" A-?\d", carved.gcode)
    result = _check(carved, carved.gcode)
    report = result.report
    assert report.ok, report.reasons
    assert report.iou is not None and report.iou > 0.95
    assert report.outside_mm2 == 0.0 and report.uncut_mm == 0.0
    assert report.max_depth == pytest.approx(DEPTH, abs=0.01)
    assert report.rotary_diameter == pytest.approx(72.0) and report.band_along == "x"
    assert "rotary program" in report.summary() and "72.000 mm" in report.summary()
    assert report.to_dict()["rotary_diameter"] == pytest.approx(72.0)


def test_positions_are_the_plan_unwrapped_as_cam_rotary_does(carved: Carved) -> None:
    motion = read_gcode(carved.gcode, rotary_diameter=carved.diameter, band_along="x")
    assert motion.rotary_diameter == carved.diameter and motion.band_along == "x"
    planned = [m for tp in carved.result.program.toolpaths for m in unwrap_toolpath(tp, "x").moves]
    plan = np.array([(m.x, m.y, m.z) for m in planned if m.z < 0])
    read = motion.end[motion.end[:, 2] < 0]
    # every point written is a planned point and every planned point is written, within the
    # posts' 4-decimal rounding of X, Z and A (1e-4 deg is 6e-5 mm round a 72 mm band)
    assert cKDTree(plan).query(read)[0].max() < 2e-4
    assert cKDTree(read).query(plan)[0].max() < 2e-4
    # the cut stays on the band face, across and along it
    xmin, ymin, xmax, ymax = carved.face.bounds
    assert read[:, 0].min() > xmin and read[:, 0].max() < xmax
    assert read[:, 1].min() > ymin and read[:, 1].max() < ymax


def test_inverse_time_feeds_read_back_as_the_planned_feeds(carved: Carved) -> None:
    motion = read_gcode(carved.gcode, rotary_diameter=carved.diameter)
    tp = carved.result.program.toolpaths[0]
    feeds = motion.feed[(motion.kind == CUT) & (motion.end[:, 2] < 0)]
    allowed = np.array([tp.params.feed, tp.params.plunge_feed])
    nearest = allowed[np.abs(feeds[:, None] - allowed[None, :]).argmin(axis=1)]
    # timed between 4-decimal positions and rounded down to 6 digits: never faster than the
    # feed, and off by the rounding of a short move at most
    assert (feeds <= nearest * (1 + 1e-5)).all()
    assert np.median(np.abs(feeds / nearest - 1)) < 1e-3


def test_a_shifted_a_few_degrees_leaves_stone_outside_the_design(carved: Carved) -> None:
    report = _check(carved, _shift(carved.gcode, "A", 3.0)).report
    assert not report.ok
    assert report.outside_mm2 is not None and report.outside_mm2 > 1.0
    assert any("stone removed outside the design" in r for r in report.reasons)


def test_one_step_too_deep_is_refused(carved: Carved) -> None:
    report = _check(carved, _shift(carved.gcode, "Z", -0.1, negative_only=True)).report
    assert not report.ok
    assert report.max_depth == pytest.approx(DEPTH + 0.1, abs=0.01)
    assert any("deeper than the requested" in r for r in report.reasons)


def test_read_round_the_wrong_band_it_is_refused(carved: Carved) -> None:
    report = _check(carved, carved.gcode, diameter=carved.diameter - 6.0).report
    assert not report.ok
    assert any("stone removed outside the design" in r for r in report.reasons)


def test_a_y_offset_is_refused_with_its_line(carved: Carved) -> None:
    lines = carved.gcode.splitlines()
    number = next(i for i, s in enumerate(lines, 1) if "Y0.0000" in s)
    offset = carved.gcode.replace("Y0.0000", "Y0.2500")
    with pytest.raises(SimulationError, match=rf"line {number}: Y0.25 in a rotary program"):
        _check(carved, offset)


def test_a_g1_without_its_own_f_in_g93_is_refused_with_its_line(carved: Carved) -> None:
    lines = carved.gcode.splitlines()
    start = lines.index("G93")
    number = next(
        i for i, s in enumerate(lines, 1) if i > start + 5 and re.search(r"A-?\d", s) and " F" in s
    )
    lines[number - 1] = re.sub(r" F[\d.]+", "", lines[number - 1])
    with pytest.raises(SimulationError, match=rf"line {number}: G1 without F in inverse-time"):
        _check(carved, "\n".join(lines) + "\n")


def test_without_the_band_a_rotary_program_is_refused(carved: Carved) -> None:
    with pytest.raises(SimulationError, match="a rotary program needs the band's diameter"):
        check_program(carved.gcode, LEAF.encode(), "ball-1.0", DEPTH, resolution=0.1)


HEAD = "G21 G90 G17\nM3 S20000\nG0 Z3\nG0 X0 Y0 A0\n"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("G93\nG1 Z-0.1 F10\nG1 X1 A5\n", "line 7: G1 without F in inverse-time mode (G93)"),
        ("G93\nG1 Z-0.1 F10\nG2 X1 A5 I0.5 F10\n", "line 7: G2 arc in inverse-time mode (G93)"),
        ("G1 Z-0.1 F60\nG3 X1 Y0 I0.5 J0 F60\n", "line 6: G3 arc on a rotary program"),
        ("G93\nG1 Z-0.1 F10\nG1 X1 A5 F0\n", "line 7: inverse-time feed F0 is not positive"),
        # leaving G93 forgets its F: 10 per minute must never be read as 10 mm/min
        ("G93\nG1 Z-0.1 F10\nG94\nG1 X1\n", "line 8: cutting move before any feed rate F"),
        ("G1 Z-0.1 F60\nG1 Y0.5\n", "line 6: Y0.5 in a rotary program"),
        ("G91\nG1 Z-3.1 F60\nG1 Y-0.01\n", "line 7: Y-0.01 in a rotary program"),
    ],
)
def test_rotary_rules(body: str, needle: str) -> None:
    with pytest.raises(SimulationError) as err:
        read_gcode(HEAD + body, rotary_diameter=60.0)
    assert needle in str(err.value)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("G0 Z3\nG0 X0 Y0\nG1 Z-0.1 F60\n", "line 3: move into the stone from an unknown"),
        ("G0 A10\n", "line 1: A motion before Z is set"),
        ("G0 Z3\nG0 X0 Y0 A0 B5\n", "line 2: unsupported word B5"),
    ],
)
def test_the_band_must_be_located_before_cutting(text: str, needle: str) -> None:
    with pytest.raises(SimulationError) as err:
        read_gcode(text, rotary_diameter=60.0)
    assert needle in str(err.value)


@pytest.mark.parametrize("diameter", [0.0, -5.0, math.nan, math.inf])
def test_a_band_needs_a_positive_diameter(diameter: float) -> None:
    with pytest.raises(SimulationError, match="band diameter must be a positive"):
        read_gcode(HEAD, rotary_diameter=diameter)


@pytest.mark.parametrize("along", ["x", "y"])
def test_each_position_maps_as_unwrap_moves_maps_it(along: str) -> None:
    d = 62.0
    pts = [(0.0, 3.0, 0.0), (1.5, -0.1, 12.0), (-2.25, -0.1, -40.5), (4.0, 2.0, 170.0)]
    text = "G21 G90\nM3 S1000\nG0 Z3\nG0 X0 Y0 A0\nG93\n" + "".join(
        f"G1 X{x} Z{z} A{a} F100\n" for x, z, a in pts[1:]
    )
    motion = read_gcode(text, rotary_diameter=d, band_along=along)
    moves = [Move(MoveKind.LINEAR, x, 0.0, z, a=a) for x, z, a in pts]
    expected = np.array([(m.x, m.y, m.z) for m in unwrap_moves(moves, d, along)])
    np.testing.assert_allclose(motion.start[0], expected[0], atol=1e-12)
    np.testing.assert_allclose(motion.end, expected[1:], atol=1e-12)
    # the length along the band is A pi D / 360
    along_band = motion.end[-1, 0] if along == "x" else motion.end[-1, 1]
    assert abs(along_band) == pytest.approx(170.0 * math.pi * d / 360.0)


def test_a_flat_program_reads_as_before_with_g94() -> None:
    motion = read_gcode("G21 G90 G94\nG0 Z3\nG0 X0 Y0\nM3 S1000\nG1 Z-0.1 F60\nG1 X5 F200\n")
    assert motion.rotary_diameter is None
    np.testing.assert_allclose(motion.end[-1], [5.0, 0.0, -0.1])
    assert motion.feed[-1] == 200.0

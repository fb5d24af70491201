"""Rotary programs as G-code: A words, inverse-time feeds that give each move its time at the
tool tip, G94 restored, GRBL and 3-axis machines refused."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from cam.design import Design, DesignPath
from cam.plan import PlanOptions, plan_program
from cam.rotary import wrap_toolpath
from cam.toolpath import CuttingParams, Program, Tool, ToolKind
from machines.errors import PostError
from machines.post import render
from machines.post.rotary import inverse_time_word
from machines.profiles import get_machine

BALL = Tool("ball-0.5", ToolKind.BALL, 0.5)
PARAMS = CuttingParams(feed=300.0, plunge_feed=60.0, spindle_rpm=20000, step_down=0.1)
D = 62.0


def wrapped_program() -> Program:
    wave = np.column_stack([np.linspace(5, 35, 60), 40 + 10 * np.sin(np.linspace(0, 6, 60))])
    a = np.linspace(0, 2 * math.pi, 100, endpoint=False)
    ring = np.column_stack([20 + 5 * np.cos(a), 120 + 5 * np.sin(a)])
    paths = (DesignPath(wave, False, "wave", "stroke"), DesignPath(ring, True, "ring", "stroke"))
    design = Design(40.0, 190.0, paths, (), 0.005, "band")
    prog = plan_program(design, PlanOptions(tool=BALL, params=PARAMS, depth=0.2))
    prog.toolpaths = [wrap_toolpath(tp, D) for tp in prog.toolpaths]
    return prog


def _state_walk(gcode: str) -> list[tuple[float, float, float, float, float]]:
    """(x, z, a_from, a_to, F) per G93 feed line, from a tiny reader of the program."""
    pos = {"X": 0.0, "Y": 0.0, "Z": 0.0, "A": 0.0}
    mode, inverse, out = None, False, []
    for line in gcode.splitlines():
        if line.startswith("(") or line == "%":
            continue
        words = dict((w[0], w[1:]) for w in line.split())
        if "G" in words:
            g = words["G"]
            if g in ("93", "94"):
                inverse = g == "93"
                continue
            if g in ("0", "1"):
                mode = g
        before = dict(pos)
        for axis in "XYZA":
            if axis in words:
                pos[axis] = float(words[axis])
        if mode == "1" and inverse and any(k in words for k in "XYZA"):
            assert "F" in words, f"G93 feed move without F: {line}"
            out.append((before, dict(pos), float(words["F"])))
    return out


def test_linuxcnc_writes_a_words_and_inverse_time_feeds_at_the_tip() -> None:
    gcode = render(wrapped_program(), get_machine("rotary-4axis-linuxcnc"))
    assert re.search(r"^G0 .*A-?\d+\.\d{4}", gcode, re.M)
    assert "G93" in gcode and gcode.index("G93") < gcode.rindex("G94")
    assert not re.search(r"^G[23] ", gcode, re.M)
    moves = _state_walk(gcode)
    assert len(moves) > 100
    for before, after, f in moves:
        r = D / 2 + (before["Z"] + after["Z"]) / 2
        turn = math.radians(after["A"] - before["A"]) * r
        length = math.sqrt(
            (after["X"] - before["X"]) ** 2 + turn**2 + (after["Z"] - before["Z"]) ** 2
        )
        speed = length * f  # mm per minute at the tip, as written
        # never faster than the feed asked; slower only by the 4-decimal rounding of the words
        assert speed <= 300.0 * (1 + 1e-5) + 1e-9
        if length > 0.05:
            assert speed >= 300.0 * 0.98 or speed >= 60.0 * 0.98  # the cut feed, or a plunge


def test_mach3_also_takes_a_rotary_program() -> None:
    import dataclasses

    mach3 = dataclasses.replace(get_machine("rotary-4axis-linuxcnc"), name="m3")
    gcode = render(wrapped_program(), mach3, dialect="mach3")
    assert "G93" in gcode and " A" in gcode


def test_grbl_refuses_a_rotary_program_with_the_reason() -> None:
    with pytest.raises(PostError, match="grbl cannot carve on a rotary axis"):
        render(wrapped_program(), get_machine("rotary-4axis-linuxcnc"), dialect="grbl")


def test_three_axis_machine_refuses_a_rotary_program() -> None:
    with pytest.raises(PostError, match="no rotary A axis"):
        render(wrapped_program(), get_machine("generic-mach3"))


@pytest.mark.parametrize("minutes", [1e-6, 0.003, 0.5, 7.0, 1234.5])
def test_inverse_time_rounds_down_so_no_move_is_faster(minutes: float) -> None:
    f = float(inverse_time_word(minutes)[1:])
    assert f <= 1 / minutes
    assert f >= (1 / minutes) * (1 - 1e-5)


def test_carve_wraps_a_design_round_a_bangle_band() -> None:
    from cam.pieces import PieceSpec, get_face
    from cam.rotary import unwrap_toolpath
    from machines.carve import CarveOptions, carve

    leaf = """<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="40mm" viewBox="0 0 60 40">
      <path id="vein" d="M10 30 C20 5 40 5 50 30" fill="none" stroke="black"/>
      <circle id="dot" cx="30" cy="20" r="6" fill="none" stroke="black"/>
    </svg>"""
    bangle = PieceSpec.parse("bangle:inner=56,width=14,thickness=8")
    options = CarveOptions(piece=bangle, fit="fit", machine="rotary-4axis-linuxcnc", wrap_band=True)
    result = carve(leaf.encode(), options)
    assert "G93" in result.gcode and re.search(r"A-?\d+\.\d{4} F\d", result.gcode)
    face = get_face(bangle, "outer")
    tp = result.program.toolpaths[0]
    assert tp.rotary_diameter == pytest.approx(face.band.diameter)
    flat = unwrap_toolpath(tp, along="x")
    xy = np.array([(m.x, m.y) for m in flat.moves if m.z < 0])
    xmin, ymin, xmax, ymax = face.bounds
    # back on the unrolled face, the cut stays on it (the fit keeps a 0.5 mm margin + radius)
    assert xy[:, 0].min() >= xmin and xy[:, 0].max() <= xmax
    assert xy[:, 1].min() >= ymin and xy[:, 1].max() <= ymax
    assert result.dxf is not None  # drawn from the flat plan


def test_estimate_times_the_band_turning_not_only_x_and_z() -> None:
    """The header's estimate holds every G93 move's own minutes (1 / F), which the controller
    takes at least; an X-Y-Z estimate of the wrapped moves left the band's turns out."""
    from machines.estimate import estimate
    from machines.rotary_estimate import rotary_estimate

    machine = get_machine("rotary-4axis-linuxcnc")
    program = wrapped_program()
    gcode = render(program, machine)
    feed_minutes = sum(1.0 / f for _b, _a, f in _state_walk(gcode))
    est = rotary_estimate(program, machine)
    assert est.motion_seconds >= feed_minutes * 60.0
    assert estimate(program, machine).motion_seconds < feed_minutes * 60.0  # what it was
    printed = re.search(r"estimated time[^0-9]*([0-9:]+)", gcode, re.I)
    assert printed is not None
    h, m, s = ([0, 0, *map(int, printed.group(1).split(":"))])[-3:]
    assert abs((h * 3600 + m * 60 + s) - est.seconds) <= 1.0


def test_band_machine_carries_the_a_limits_to_the_surface() -> None:
    from machines.rotary_estimate import band_machine

    machine = get_machine("rotary-4axis-linuxcnc")
    band = band_machine(machine, 60.0)
    per_degree = math.pi * 60.0 / 360.0
    assert band.acceleration["y"] == pytest.approx(machine.acceleration["a"] * per_degree)
    assert band.max_feed["y"] == pytest.approx(machine.max_feed["a"] * per_degree)
    with pytest.raises(PostError, match="no rotary A axis"):
        band_machine(get_machine("engraver-3axis-grbl"), 60.0)

"""Post-processors: golden files, dialect quirks, GRBL's parser, the safety interlock."""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.toolpath import Move, Placement, Program, Toolpath
from machines.errors import PostError, UnknownDialectError
from machines.post import render
from machines.profiles import get_machine
from tests.gcode_reader import check_contract, grbl_program_errors, read
from tests.machines.programs import (
    BALL,
    CCW,
    CW,
    PARAMS,
    SAFE,
    L,
    R,
    circle,
    program,
    two_tool_program,
)

DATE = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
GRBL = get_machine("engraver-3axis-grbl")
LINUXCNC = dataclasses.replace(get_machine("rotary-4axis-linuxcnc"), tools_loaded=())
MACH3 = get_machine("generic-mach3")
MACHINES = {"grbl": GRBL, "linuxcnc": LINUXCNC, "mach3": MACH3}


def design_of_line_arc() -> list[tuple[np.ndarray, bool]]:
    t = np.linspace(-math.pi / 2, math.pi / 2, 400)
    arc = np.column_stack([30 + 10 * np.cos(t), 20 + 10 * np.sin(t)])
    return [(np.array([[10.0, 10.0], [30.0, 10.0]]), False), (arc, False)]


def code_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln and not ln.startswith("(") and ln != "%"]


@pytest.mark.parametrize("dialect", MACHINES)
def test_golden_line_arc_multipass(dialect: str, golden) -> None:
    golden(f"line_arc_{dialect}.nc", render(program(), MACHINES[dialect], date=DATE))


@pytest.mark.parametrize("dialect", MACHINES)
def test_golden_two_tools(dialect: str, golden) -> None:
    golden(f"two_tools_{dialect}.nc", render(two_tool_program(), MACHINES[dialect], date=DATE))


@pytest.mark.parametrize("dialect", MACHINES)
def test_output_keeps_the_cam_contract(dialect: str) -> None:
    text = render(program(), MACHINES[dialect], date=DATE)
    assert check_contract(text, design_of_line_arc(), depth=0.2, safe_z=SAFE, tolerance=0.02) == []


@pytest.mark.parametrize("prog", [program, two_tool_program], ids=["one-tool", "two-tools"])
def test_every_grbl_line_is_accepted_by_grbl(prog) -> None:
    text = render(prog(), GRBL, date=DATE)
    assert grbl_program_errors(text) == []
    for banned in (r"^%", r"\bM6\b", r"^T\d", r"\bM7\b", r"\bG64\b", r"\bG43\b", r"^O\d"):
        assert not re.search(banned, text, re.M), banned
    assert all(len(ln) <= 70 and ln.isascii() for ln in text.splitlines())


def test_grbl_tool_change_is_a_pause_with_a_message() -> None:
    lines = render(two_tool_program(), GRBL, date=DATE).splitlines()
    pause = lines.index("M0")
    assert lines[pause - 1].startswith("(MSG,Change to T9 cone-60")
    assert lines[pause - 3 : pause - 1] == ["M5", "M9"]  # spindle and water off before hands go in
    after = lines[pause + 1 :]
    # spindle back on before any motion, then a feed move (not a rapid) up to safe height
    assert after[0] == "M3 S22000"
    first_motion = next(ln for ln in after if ln.startswith(("G0", "G1", "G2", "G3")))
    assert first_motion.startswith("G1 Z3.0000")


def test_linuxcnc_quirks() -> None:
    lines = render(two_tool_program(), LINUXCNC, date=DATE).splitlines()
    assert lines[0] == "%" and lines[-1] == "%"
    assert "G64 P0.005" in lines
    assert lines.index("T3 M6") + 1 == lines.index("G43 H3")
    assert lines.index("T9 M6") + 1 == lines.index("G43 H9")
    assert lines.index("T9 M6") > lines.index("M30") - 30  # second tool comes later


def test_mach3_quirks() -> None:
    lines = render(program(), MACH3, date=DATE).splitlines()
    first_move = next(i for i, ln in enumerate(lines) if ln.startswith(("G0 ", "G1 ")))
    assert "G91.1" in lines[:first_move] and "G40 G49 G80" in lines[:first_move]
    assert "T3 M6" in lines and "G43 H3" in lines


def test_mach3_dwell_in_milliseconds_when_configured() -> None:
    ms = dataclasses.replace(MACH3, dwell_units="ms")
    assert "G4 P3000" in render(program(), ms).splitlines()
    assert "G4 P3" in render(program(), MACH3).splitlines()


def test_mist_only_where_the_machine_has_it_and_the_dialect_allows() -> None:
    mist_only = dataclasses.replace(LINUXCNC, coolant_flood=False, coolant_mist=True)
    assert "M7" in render(program(), mist_only).splitlines()
    assert "M8" in render(program(), LINUXCNC).splitlines()
    grbl_mist = dataclasses.replace(GRBL, coolant_flood=False, coolant_mist=True)
    assert "M7" not in render(program(), grbl_mist).splitlines()


@pytest.mark.parametrize("dialect", MACHINES)
def test_preamble_spindle_and_ending(dialect: str) -> None:
    lines = code_lines(render(program(), MACHINES[dialect], date=DATE))
    first_cut = next(i for i, ln in enumerate(lines) if re.search(r"Z-", ln))
    for word in ("G21", "G90", "G17", "G94"):
        assert word in lines[:first_cut]
    spindle = lines.index("M3 S22000")
    assert spindle < first_cut and lines[spindle + 1].startswith("G4 P")
    assert "M8" in lines[spindle:first_cut]
    assert lines[-1] == "M30" and lines.index("M30") > max(
        i for i, ln in enumerate(lines) if "M5" in ln
    )


def test_header_names_job_design_placement_tool_depth_passes_time() -> None:
    prog = program()
    text = render(prog, GRBL, date=DATE)
    header = "\n".join(ln for ln in text.splitlines() if ln.startswith("("))
    assert "(Job: J-0042)" in header
    assert "Design: Lotus U+83B2U+82B1" in header  # ASCII only, nothing lost
    assert prog.placement.describe() in header
    assert "Tool: T3 ball-1.0, ball, diameter 1.000 mm" in header
    assert "Depth: 0.200 mm, passes: 2" in header
    assert re.search(r"Estimated time: \d+:\d\d:\d\d", header)
    assert "2026-01-02T03:04:05Z" in header


def test_comment_text_cannot_nest_or_break_lines() -> None:
    prog = program(title="Vase (front) ; side\nsecond line % " + "long " * 30)
    text = render(prog, GRBL, date=DATE)
    assert grbl_program_errors(text) == []
    assert read(text).segments  # the reader, which refuses nested comments, reads it


def test_modal_words_only_when_they_change() -> None:
    moves = [
        Move(R, 0, 0, SAFE),
        Move(L, 0, 0, -0.1, 60),
        Move(L, 5, 0, -0.1, 250),
        Move(L, 5, 5, -0.1, 250),
        Move(L, 0, 5, -0.1, 250),
        Move(L, 0, 5, SAFE, 60),
    ]
    lines = code_lines(render(program(moves, depth=0.1, passes=1), GRBL, date=DATE))
    cut = lines[lines.index("G1 Z-0.1000 F60") :]
    assert cut[1:4] == ["X5.0000 F250", "Y5.0000", "X0.0000"]
    assert cut[4] == "Z3.0000 F60"


def test_full_circle_is_split_and_arcs_always_carry_x_and_y() -> None:
    prog = program(circle(20, 20, 5, 0.1), depth=0.1, passes=1)
    for machine in MACHINES.values():
        arcs = [ln for ln in code_lines(render(prog, machine)) if re.match(r"(G[23] )?X.* I", ln)]
        assert len(arcs) == 2
        for ln in arcs:
            assert " X" in f" {ln}" and " Y" in ln and " I" in ln and " J" in ln and " R" not in ln
    t = np.linspace(0, 2 * math.pi, 720)
    ring = np.column_stack([20 + 5 * np.cos(t), 20 + 5 * np.sin(t)])
    assert check_contract(render(prog, GRBL), [(ring, True)], 0.1, SAFE, 0.02) == []


def test_no_negative_zero_and_four_decimals() -> None:
    moves = [
        Move(R, -0.00001, 1e-7, SAFE),
        Move(L, -0.00001, 1e-7, -0.1, 60),
        Move(L, 3.123456, -0.0000001, -0.1, 250),
        Move(L, 3.123456, 0, SAFE, 60),
    ]
    text = render(program(moves, depth=0.1, passes=1), LINUXCNC)
    assert "-0.0000" not in text
    assert "X3.1235" in text
    for number in re.findall(r"[XYZIJ](-?\d+\.\d+)", "\n".join(code_lines(text))):
        assert len(number.split(".")[1]) == 4


def test_machine_without_arcs_gets_lines_within_tolerance() -> None:
    no_arcs = dataclasses.replace(GRBL, arcs=False)
    text = render(program(), no_arcs, date=DATE)
    assert not re.search(r"\bG[23]\b", text)
    assert grbl_program_errors(text) == []
    assert check_contract(text, design_of_line_arc(), 0.2, SAFE, 0.002) == []


def test_inconsistent_arc_is_written_as_lines() -> None:
    # the end is 0.05 mm off the start radius: GRBL would refuse it (error 33)
    moves = [
        Move(R, 10, 0, SAFE),
        Move(L, 10, 0, -0.1, 60),
        Move(CCW, 0, 10.05, -0.1, 250, -10, 0),
        Move(L, 0, 10.05, SAFE, 60),
    ]
    text = render(program(moves, depth=0.1, passes=1), GRBL)
    assert not re.search(r"\bG[23]\b", text)
    assert grbl_program_errors(text) == []
    segs = [s for s in read(text).segments if s.cutting]
    assert segs[-1].end[:2] == pytest.approx((0.0, 10.05))


def test_vertical_rapid_out_of_the_cut_becomes_a_feed_retract() -> None:
    moves = [
        Move(R, 0, 0, SAFE),
        Move(L, 0, 0, -0.1, 60),
        Move(L, 5, 0, -0.1, 250),
        Move(R, 5, 0, SAFE),
        Move(R, 0, 0, SAFE),
    ]
    text = render(program(moves, depth=0.1, passes=1), GRBL)
    design = [(np.array([[0.0, 0.0], [5.0, 0.0]]), False)]
    assert check_contract(text, design, 0.1, SAFE, 0.02) == []
    lines = code_lines(text)
    assert lines[lines.index("X5.0000 F250") + 1] == "Z3.0000 F60"  # still G1: a feed move


def _refused(moves: list[Move], match: str, depth: float = 0.1) -> None:
    for machine in MACHINES.values():
        with pytest.raises(PostError, match=match):
            render(program(moves, depth=depth, passes=1), machine)


def test_interlock_refuses_a_cut_below_depth() -> None:
    _refused(
        [Move(R, 0, 0, SAFE), Move(L, 0, 0, -0.1, 60), Move(L, 5, 0, -0.1001, 250)],
        "below the toolpath depth",
    )


def test_interlock_refuses_an_arc_ending_below_depth() -> None:
    _refused(
        [Move(R, 10, 0, SAFE), Move(L, 10, 0, -0.1, 60), Move(CCW, 0, 10, -0.2, 250, -10, 0)],
        "below the toolpath depth",
    )


def test_interlock_refuses_a_rapid_below_safe_height() -> None:
    _refused([Move(R, 0, 0, SAFE), Move(R, 5, 0, 1.0)], "below the safe height")


def test_interlock_refuses_a_rapid_across_the_stone() -> None:
    _refused(
        [Move(R, 0, 0, SAFE), Move(L, 0, 0, -0.1, 60), Move(R, 5, 5, SAFE)], "across the stone"
    )


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_interlock_refuses_nan_and_inf(bad: float) -> None:
    _refused([Move(R, 0, 0, SAFE), Move(L, bad, 0, -0.1, 60)], "NaN or infinite")


def test_interlock_refuses_a_cut_with_the_spindle_off() -> None:
    from machines.post import dialect_for
    from machines.post.base import Writer

    tp = program().toolpaths[0]
    w = Writer(program(), GRBL, dialect_for("grbl"))
    w.retract_from_unknown(SAFE, 500)
    w.rapid(0, 0, SAFE, tp)
    with pytest.raises(PostError, match="spindle off"):
        w.linear(0, 0, -0.1, 60, tp)


def test_empty_program_is_refused() -> None:
    with pytest.raises(PostError, match="nothing to cut"):
        render(Program("J", "empty", Placement(), [], SAFE), GRBL)
    with pytest.raises(PostError):
        render(
            Program(
                "J",
                "empty",
                Placement(),
                [Toolpath("engrave", BALL, PARAMS, 0.1, 1, SAFE, [])],
                SAFE,
            ),
            GRBL,
        )


def test_unknown_dialect() -> None:
    with pytest.raises(UnknownDialectError, match="grbl, linuxcnc, mach3"):
        render(program(), GRBL, dialect="fanuc")


def test_dialect_override() -> None:
    assert render(program(), GRBL, dialect="linuxcnc").startswith("%\n")


@settings(max_examples=60, deadline=None)
@given(
    cx=st.floats(-50, 50),
    cy=st.floats(-50, 50),
    r=st.floats(0.05, 40),
    a0=st.floats(0, 2 * math.pi),
    sweep=st.floats(0.01, 2 * math.pi),
    cw=st.booleans(),
)
def test_any_arc_is_accepted_by_grbl_and_stays_on_its_circle(cx, cy, r, a0, sweep, cw) -> None:
    a1 = a0 - sweep if cw else a0 + sweep
    sx, sy = cx + r * math.cos(a0), cy + r * math.sin(a0)
    ex, ey = cx + r * math.cos(a1), cy + r * math.sin(a1)
    if sweep > 2 * math.pi - 1e-6:
        ex, ey = sx, sy
    moves = [
        Move(R, sx, sy, SAFE),
        Move(L, sx, sy, -0.1, 60),
        Move(CW if cw else CCW, ex, ey, -0.1, 250, cx - sx, cy - sy),
        Move(L, ex, ey, SAFE, 60),
    ]
    text = render(program(moves, depth=0.1, passes=1), GRBL)
    assert grbl_program_errors(text) == []
    pts = np.vstack([s.points for s in read(text).segments if s.cutting and s.kind != "rapid"])
    radial = np.abs(np.hypot(pts[:, 0] - cx, pts[:, 1] - cy) - r)
    assert radial.max() < 0.001  # rounding to 4 decimals plus the chord of very short arcs
    t = np.linspace(0, 1, 200)
    ang = a0 + (a1 - a0) * t
    design = [(np.column_stack([cx + r * np.cos(ang), cy + r * np.sin(ang)]), False)]
    assert check_contract(text, design, 0.1, SAFE, 0.02) == []


def test_safe_height_off_the_four_decimal_grid_still_works() -> None:
    safe = 3.00004  # rounding down would put every later rapid under the safe height
    moves = [
        Move(R, 0, 0, safe),
        Move(L, 0, 0, -0.1, 60),
        Move(L, 5, 0, -0.1, 250),
        Move(L, 5, 0, safe, 60),
        Move(R, 0, 0, safe),
    ]
    prog = program(moves, depth=0.1, passes=1)
    prog.toolpaths[0].safe_z = safe
    text = render(prog, GRBL)
    assert "Z3.0001" in text and "Z3.0000" not in text
    design = [(np.array([[0.0, 0.0], [5.0, 0.0]]), False)]
    assert check_contract(text, design, 0.1, safe, 0.02) == []


def test_feed_rounding_to_zero_is_refused() -> None:
    _refused([Move(R, 0, 0, SAFE), Move(L, 0, 0, -0.1, 0.0001)], "rounds to zero")

"""V-carve through the plan and the command line: `--op vcarve --max-depth`."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from cam.errors import DesignError
from cam.plan import PlanOptions, plan_program
from cam.svg import load_svg
from machines.carve import run_cli
from machines.materials import cutting_params
from machines.tools import get_tool

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="20mm" viewBox="0 0 40 20">
  <rect id="bar" x="5" y="5" width="30" height="1.6" fill="black"/>
  <circle id="dot" cx="20" cy="14" r="1.0" fill="black"/>
</svg>"""


def test_plan_vcarve_cuts_each_fill_to_its_width() -> None:
    tool = get_tool("vbit-60")
    design = load_svg(SVG.encode(), tolerance=0.01)
    opts = PlanOptions(
        tool=tool, params=cutting_params(tool, "jadeite"), operation="vcarve", depth=2.0
    )
    program = plan_program(design, opts)
    tp = program.toolpaths[0]
    assert tp.operation == "vcarve"
    tan_half = math.tan(math.radians(30))
    # the dot (r = 1) is the widest part: its centre sets the deepest cut
    expected = (1.0 - tool.tip_diameter / 2) / tan_half
    assert min(m.z for m in tp.moves) == pytest.approx(-expected, abs=0.02)
    assert program.cut_length_mm and program.cut_length_mm > 0


def test_plan_vcarve_without_fills_says_so() -> None:
    svg = SVG.replace('fill="black"', 'fill="none" stroke="black"')
    tool = get_tool("vbit-60")
    opts = PlanOptions(tool=tool, params=cutting_params(tool, "jadeite"), operation="vcarve")
    with pytest.raises(DesignError, match="vcarve cuts filled regions"):
        plan_program(load_svg(svg.encode(), tolerance=0.01), opts)


def test_cli_vcarve_with_a_depth_cap(tmp_path: Path) -> None:
    src = tmp_path / "d.svg"
    src.write_text(SVG)
    out = tmp_path / "d.nc"
    code = run_cli(
        [
            str(src),
            "-o",
            str(out),
            "--op",
            "vcarve",
            "--tool",
            "vbit-60",
            "--max-depth",
            "0.8",
            "--machine",
            "rotary-4axis-linuxcnc",
            "--material",
            "jadeite",
        ]
    )
    assert code == 0
    zs = [float(z) for z in re.findall(r"Z(-?\d+\.\d+)", out.read_text())]
    assert min(zs) == pytest.approx(-0.8, abs=1e-4)  # the dot is deeper than the cap: capped

"""Tool library, material presets, machine profiles and fit_check."""

from __future__ import annotations

import pytest

from cam.toolpath import CuttingParams, Tool, ToolKind
from machines.errors import (
    NoPresetError,
    UnknownMachineError,
    UnknownMaterialError,
    UnknownToolError,
)
from machines.materials import cutting_params, get_material, material_names
from machines.profiles import fit_check, get_machine, machine_names
from machines.tools import all_tools, get_tool, tool_names

JADE_SIZES = {
    "ball-0.5": 0.5,
    "ball-0.8": 0.8,
    "ball-1.0": 1.0,
    "ball-1.5": 1.5,
    "ball-2.0": 2.0,
    "cyl-1.0": 1.0,
    "cyl-2.0": 2.0,
}


@pytest.mark.parametrize("name,diameter", JADE_SIZES.items())
def test_burr_sizes_a_jade_workshop_uses(name: str, diameter: float) -> None:
    tool = get_tool(name)
    assert tool.diameter == diameter
    assert tool.kind is (ToolKind.BALL if name.startswith("ball") else ToolKind.FLAT)


@pytest.mark.parametrize(
    "name,angle",
    [("cone-30", 30), ("cone-60", 60), ("cone-90", 90), ("vbit-60", 60), ("vbit-90", 90)],
)
def test_cones_and_vbits_are_v_tools_with_their_angle(name: str, angle: float) -> None:
    tool = get_tool(name)
    assert tool.kind is ToolKind.VBIT and tool.angle_deg == angle and tool.tip_diameter > 0
    if name.startswith("cone"):
        assert tool.tip_diameter == pytest.approx(0.1)


def test_tool_numbers_are_unique_and_positive() -> None:
    numbers = [t.number for t in all_tools()]
    assert len(set(numbers)) == len(numbers) and min(numbers) >= 1
    assert [get_tool(n).number for n in tool_names()] == sorted(numbers)


def test_cone_flute_length_matches_its_geometry() -> None:
    # the usable height of a cone is (D - tip) / 2 / tan(angle / 2): deeper would cut with the shank
    import math

    for spec in all_tools():
        if spec.shape == "cone":
            height = (
                (spec.diameter - spec.tip_diameter) / 2 / math.tan(math.radians(spec.angle_deg / 2))
            )
            assert spec.flute_length <= height + 1e-9


def test_unknown_tool_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownToolError) as info:
        get_tool("ball-9")
    assert isinstance(info.value, KeyError)
    for name in tool_names():
        assert name in str(info.value)


def test_unknown_material_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownMaterialError, match="jadeite, nephrite"):
        cutting_params("ball-1.0", "opal")


@pytest.mark.parametrize(
    "tool", ["ball-0.5", "ball-1.0", "cyl-2.0", "cone-60", "vbit-90", "flat-3.0"]
)
def test_jadeite_is_cut_slower_and_shallower_than_nephrite(tool: str) -> None:
    neph, jade = cutting_params(tool, "nephrite"), cutting_params(tool, "jadeite")
    assert jade.feed < neph.feed
    assert jade.plunge_feed < neph.plunge_feed
    assert jade.step_down < neph.step_down
    assert jade.coolant and neph.coolant  # always wet


def test_every_tool_has_a_preset_in_every_material() -> None:
    for material in material_names():
        for name in tool_names():
            p = cutting_params(name, material)
            assert isinstance(p, CuttingParams)
            assert 0 < p.step_down < get_tool(name).diameter
            assert p.plunge_feed < p.feed


def test_bigger_ball_takes_the_bigger_preset() -> None:
    small, big = cutting_params("ball-0.5", "nephrite"), cutting_params("ball-2.0", "nephrite")
    assert big.feed > small.feed and big.step_down > small.step_down


def test_tool_smaller_than_every_preset_is_refused() -> None:
    tiny = Tool("ball-0.2", ToolKind.BALL, 0.2)
    with pytest.raises(NoPresetError, match="0.2 mm"):
        cutting_params(tiny, "nephrite")
    assert get_material("nephrite").mohs == "6-6.5"
    assert get_material("jadeite").mohs == "6.5-7"


def test_machine_profiles() -> None:
    assert {"engraver-3axis-grbl", "rotary-4axis-linuxcnc", "generic-mach3"} <= set(machine_names())
    grbl = get_machine("engraver-3axis-grbl")
    assert grbl.dialect == "grbl" and grbl.coolant_flood and not grbl.coolant_mist
    assert (grbl.envelope["x"], grbl.envelope["y"], grbl.envelope["z"]) == (400, 300, 60)
    rotary = get_machine("rotary-4axis-linuxcnc")
    assert rotary.dialect == "linuxcnc" and "a" in rotary.envelope and rotary.axes == "XYZA"
    assert get_machine("generic-mach3").dialect == "mach3"
    with pytest.raises(UnknownMachineError, match="engraver-3axis-grbl"):
        get_machine("laser")


def test_fit_check_accepts_a_program_that_fits() -> None:
    grbl = get_machine("engraver-3axis-grbl")
    tool = get_tool("ball-1.0")
    assert fit_check((0, 0, -0.3, 100, 80, 3), grbl, tool, cutting_params(tool, "nephrite")) == []


def test_fit_check_reports_every_problem() -> None:
    rotary = get_machine("rotary-4axis-linuxcnc")
    tool = get_tool("ball-2.0")  # not in the rotary's changer
    fast = CuttingParams(feed=9000, plunge_feed=5000, spindle_rpm=60000, step_down=0.1)
    problems = fit_check((0, 0, -3.0, 320, 50, 3), rotary, tool, fast)
    text = " | ".join(problems)
    assert "X travel" in text and "Y travel" not in text
    assert "not loaded" in text
    assert "cutting length" in text  # 3 mm deep with a 2 mm ball
    assert "spindle 60000" in text and "feed 9000" in text and "plunge feed 5000" in text


def test_fit_check_counts_the_tool_diameter_in_xy() -> None:
    grbl = get_machine("engraver-3axis-grbl")
    tool = get_tool("ball-2.0")
    assert fit_check((0, 0, -0.1, 398.0, 10, 3), grbl, tool) == []
    assert fit_check((0, 0, -0.1, 398.5, 10, 3), grbl, tool) != []


def test_fit_check_counts_the_lift_to_the_tool_change_height() -> None:
    import dataclasses

    grbl = dataclasses.replace(get_machine("engraver-3axis-grbl"), tool_change_z=59.95)
    tool = get_tool("ball-1.0")
    assert fit_check((0, 0, -0.05, 10, 10, 3), grbl, tool) == []
    assert "Z travel" in " ".join(fit_check((0, 0, -0.1, 10, 10, 3), grbl, tool))


def test_machine_refusals_are_cam_refusals() -> None:
    from cam.errors import CamError

    with pytest.raises(CamError):
        get_tool("ball-9")
    with pytest.raises(CamError):
        get_machine("laser")

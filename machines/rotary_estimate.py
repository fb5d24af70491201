"""How long a rotary program takes: the wrapped cut unrolled, the A axis as a band axis.

A wrapped toolpath (`cam.rotary`) keeps Y at 0 and turns the band on A; its X-Y-Z estimate
alone would see only the moves along the axis and the plunges. Here each wrapped toolpath is
unwrapped to (X along the axis, Y along the band's surface, Z radial), and the machine's Y
limits are replaced by the A axis' limits carried to the band's surface: a rate of r deg/min
moves the surface at r * pi * D / 360 mm/min, and likewise for the acceleration. The
trapezoidal planner of `machines.estimate` then times the unrolled cut exactly as a flat one.

Lengths are taken on the surface, where the design is drawn; the tip, `depth` below it, runs
a little shorter (by depth / radius: 1 % at 0.3 mm on a 60 mm band), so the figure errs long.
"""

from __future__ import annotations

import math
from dataclasses import replace

from cam.rotary import unwrap_toolpath
from cam.toolpath import Program
from machines.errors import PostError
from machines.estimate import Estimate, estimate
from machines.profiles import MachineProfile

__all__ = ["band_machine", "rotary_estimate"]


def band_machine(machine: MachineProfile, diameter: float) -> MachineProfile:
    """`machine` with its Y limits replaced by the A axis' limits at the band's surface."""
    if "A" not in machine.axes or "a" not in machine.acceleration:
        raise PostError(f"{machine.name} has axes {machine.axes}: no rotary A axis for a band")
    per_degree = math.pi * diameter / 360.0  # mm of surface per degree of A
    return replace(
        machine,
        max_rate={**machine.max_rate, "y": machine.max_rate["a"] * per_degree},
        max_feed={**machine.max_feed, "y": machine.max_feed["a"] * per_degree},
        acceleration={**machine.acceleration, "y": machine.acceleration["a"] * per_degree},
    )


def rotary_estimate(program: Program, machine: MachineProfile) -> Estimate:
    """The run time of a program whose toolpaths are wrapped round one band (flat ones are
    timed as they are); raises PostError for wrapped toolpaths on bands of several sizes."""
    diameters = {tp.rotary_diameter for tp in program.toolpaths if tp.rotary_diameter}
    if not diameters:
        return estimate(program, machine)
    if len(diameters) > 1:
        raise PostError(f"one program turns one band; got diameters {sorted(diameters)}")
    unrolled = replace(
        program,
        toolpaths=[
            unwrap_toolpath(tp, along="y") if tp.rotary_diameter else tp
            for tp in program.toolpaths
        ],
    )
    return estimate(unrolled, band_machine(machine, diameters.pop()))

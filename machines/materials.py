"""Feed and speed presets per material and tool (`data/materials.toml`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from cam.toolpath import CuttingParams, Tool, ToolKind
from machines._data import load_toml, require
from machines.errors import LibraryError, NoPresetError, UnknownMaterialError
from machines.tools import get_tool

__all__ = ["Material", "Preset", "cutting_params", "get_material", "material_names"]


@dataclass(frozen=True, slots=True)
class Preset:
    kind: ToolKind
    diameter: float  # applies to tools of this kind from this diameter up (to the next row)
    params: CuttingParams


@dataclass(frozen=True, slots=True)
class Material:
    name: str
    label: str
    mohs: str
    presets: tuple[Preset, ...]

    def preset_for(self, tool: Tool) -> Preset:
        """The row of the tool's kind with the largest diameter not above the tool's."""
        rows = [
            p for p in self.presets if p.kind is tool.kind and p.diameter <= tool.diameter + 1e-9
        ]
        if not rows:
            sizes = sorted(p.diameter for p in self.presets if p.kind is tool.kind)
            raise NoPresetError(
                f"no {self.name} preset for {tool.kind.value} tool {tool.name!r} "
                f"of {tool.diameter:g} mm (presets from {sizes[0] if sizes else '-'} mm up)"
            )
        return max(rows, key=lambda p: p.diameter)


def _preset(material: str, row: dict[str, Any]) -> Preset:
    where = f"materials.toml [{material}.presets]"
    params = CuttingParams(
        feed=require(row, "feed", float, where),
        plunge_feed=require(row, "plunge_feed", float, where),
        spindle_rpm=require(row, "spindle_rpm", int, where),
        step_down=require(row, "step_down", float, where),
        coolant=True,  # jade is always cut wet, whatever a row says
        ramp_angle_deg=require(row, "ramp_angle_deg", float, where),
        stepover=require(row, "stepover", float, where),
    )
    if min(params.feed, params.plunge_feed, params.step_down, params.spindle_rpm) <= 0:
        raise LibraryError(f"{where}: feeds, rpm and step_down must be positive")
    if not 0 < params.stepover <= 1 or not 0 < params.ramp_angle_deg <= 90:
        raise LibraryError(f"{where}: stepover in (0, 1], ramp_angle_deg in (0, 90]")
    return Preset(
        ToolKind(require(row, "kind", str, where)), require(row, "diameter", float, where), params
    )


@cache
def _materials() -> dict[str, Material]:
    out = {}
    for name, table in load_toml("materials.toml").items():
        where = f"materials.toml [{name}]"
        presets = tuple(_preset(name, row) for row in require(table, "presets", list, where))
        out[name] = Material(
            name, str(table.get("label", name)), str(table.get("mohs", "")), presets
        )
    return out


def material_names() -> list[str]:
    return sorted(_materials())


def get_material(name: str) -> Material:
    try:
        return _materials()[name]
    except KeyError:
        raise UnknownMaterialError(name, _materials()) from None


def cutting_params(tool: Tool | str, material: str) -> CuttingParams:
    """Feed, plunge, rpm, step-down, stepover and ramp for `tool` (a Tool or a library name)
    in `material`. Unknown names raise `UnknownToolError` / `UnknownMaterialError` listing the
    valid ones; a tool smaller than every preset of its kind raises `NoPresetError`."""
    resolved = get_tool(tool) if isinstance(tool, str) else tool
    return get_material(material).preset_for(resolved).params

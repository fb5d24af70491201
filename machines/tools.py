"""The workshop's tool library (`data/tools.toml`) as frozen dataclasses and `cam` Tools."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from cam.toolpath import Tool, ToolKind
from machines._data import load_toml, require
from machines.errors import LibraryError, UnknownToolError

__all__ = ["ToolSpec", "get_tool", "tool_spec", "tool_names", "all_tools"]


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One cutter of the library: the CAM geometry plus what the shop floor needs to know."""

    name: str
    number: int
    family: str  # diamond-burr | diamond-v-bit | diamond-end-mill
    shape: str  # ball | cylinder | cone | flat | v
    kind: ToolKind
    diameter: float
    angle_deg: float
    tip_diameter: float
    flute_length: float  # usable cutting length: no pass may be deeper than this
    description: str

    def to_tool(self) -> Tool:
        return Tool(
            name=self.name,
            kind=self.kind,
            diameter=self.diameter,
            angle_deg=self.angle_deg,
            tip_diameter=self.tip_diameter,
            number=self.number,
            description=self.description,
        )


def _spec(name: str, row: dict[str, Any]) -> ToolSpec:
    where = f"tools.toml [{name}]"
    kind_name = require(row, "kind", str, where)
    try:
        kind = ToolKind(kind_name)
    except ValueError as exc:
        raise LibraryError(f"{where}: unknown kind {kind_name!r}") from exc
    spec = ToolSpec(
        name=name,
        number=require(row, "number", int, where),
        family=require(row, "family", str, where),
        shape=require(row, "shape", str, where),
        kind=kind,
        diameter=require(row, "diameter", float, where),
        angle_deg=float(row.get("angle_deg", 0.0)),
        tip_diameter=float(row.get("tip_diameter", 0.0)),
        flute_length=require(row, "flute_length", float, where),
        description=str(row.get("description", "")),
    )
    if spec.diameter <= 0 or spec.flute_length <= 0 or spec.number < 1:
        raise LibraryError(f"{where}: diameter, flute_length and number must be positive")
    if kind is ToolKind.VBIT and not 0 < spec.angle_deg < 180:
        raise LibraryError(f"{where}: a V tool needs 0 < angle_deg < 180")
    return spec


@cache
def _library() -> dict[str, ToolSpec]:
    specs = {name: _spec(name, row) for name, row in load_toml("tools.toml").items()}
    numbers = [s.number for s in specs.values()]
    if len(set(numbers)) != len(numbers):
        raise LibraryError("tools.toml: two tools share a number")
    return specs


def tool_names() -> list[str]:
    return sorted(_library(), key=lambda n: _library()[n].number)


def all_tools() -> list[ToolSpec]:
    return [_library()[n] for n in tool_names()]


def tool_spec(name: str) -> ToolSpec:
    """The library entry called `name`; `UnknownToolError` lists the valid names."""
    try:
        return _library()[name]
    except KeyError:
        raise UnknownToolError(name, _library()) from None


def get_tool(name: str) -> Tool:
    """The `cam.toolpath.Tool` for the library entry called `name`."""
    return tool_spec(name).to_tool()

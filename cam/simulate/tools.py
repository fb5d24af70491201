"""Cutter shapes as height profiles: how far above the tip the cutting edge is at a distance
from the tool's axis.

With the tip at (x, y, z), a cell at distance d <= radius from the axis is cut down to
z + profile(d). Beyond the radius the tool does not touch the stone (the shank above the
cutting head is assumed no wider than it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cam.toolpath import Tool, ToolKind

__all__ = ["ToolShape", "shape_of", "cut_radius"]


@dataclass(frozen=True, slots=True)
class ToolShape:
    """The profile of one cutter: kind, radius, V half-angle (rad) and tip radius, in mm."""

    kind: ToolKind
    radius: float
    half_angle: float = 0.0
    tip_radius: float = 0.0

    def profile(self, d: np.ndarray) -> np.ndarray:
        """Height of the cutting edge above the tip at distances `d` (any shape, mm, d >= 0).

        Values for d > radius are meaningless; callers mask them out.
        """
        d = np.asarray(d, dtype=np.float64)
        if self.kind is ToolKind.FLAT:
            return np.zeros_like(d)
        if self.kind is ToolKind.BALL:
            r = self.radius
            return r - np.sqrt(np.maximum(r * r - d * d, 0.0))
        return np.maximum(d - self.tip_radius, 0.0) / math.tan(self.half_angle)

    def profile_sq(self, d2: np.ndarray) -> np.ndarray:
        """`profile` from squared distances: saves a square root for flat and ball tools."""
        if self.kind is ToolKind.FLAT:
            return np.zeros_like(d2)
        if self.kind is ToolKind.BALL:
            r = self.radius
            return r - np.sqrt(np.maximum(r * r - d2, 0.0))
        return self.profile(np.sqrt(d2))

    def reach(self, depth: np.ndarray) -> np.ndarray:
        """`width_radius` for an array of depths: beyond it the tool cuts nothing above
        `depth` below its tip (the profile only rises with distance)."""
        d = np.maximum(np.asarray(depth, dtype=np.float64), 0.0)
        r = self.radius
        if self.kind is ToolKind.FLAT:
            out = np.full_like(d, r)
        elif self.kind is ToolKind.BALL:
            out = np.sqrt(np.maximum(r * r - (r - np.minimum(d, r)) ** 2, 0.0))
        else:
            out = np.minimum(self.tip_radius + math.tan(self.half_angle) * d, r)
        return np.where(d > 0, out, 0.0)

    def width_radius(self, depth: float) -> float:
        """Radius of the groove the tool leaves at the surface when its tip is `depth` deep."""
        if depth <= 0:
            return 0.0
        if self.kind is ToolKind.FLAT:
            return self.radius
        if self.kind is ToolKind.BALL:
            r = self.radius
            if depth >= r:
                return r
            return math.sqrt(r * r - (r - depth) ** 2)
        return min(self.tip_radius + math.tan(self.half_angle) * depth, self.radius)


def shape_of(tool: Tool) -> ToolShape:
    """The `ToolShape` of a `cam.toolpath.Tool`; ValueError for a tool that cannot cut."""
    if not tool.diameter > 0:
        raise ValueError(f"tool {tool.name!r}: diameter must be positive, got {tool.diameter!r}")
    kind = ToolKind(tool.kind)
    if kind is ToolKind.VBIT:
        if not 0 < tool.angle_deg < 180:
            raise ValueError(
                f"tool {tool.name!r}: V angle must be in (0, 180), got {tool.angle_deg!r}"
            )
        if not 0 <= tool.tip_diameter < tool.diameter:
            raise ValueError(f"tool {tool.name!r}: tip diameter must be in [0, diameter)")
        return ToolShape(kind, tool.radius, math.radians(tool.angle_deg) / 2, tool.tip_diameter / 2)
    return ToolShape(kind, tool.radius)


def cut_radius(tool: Tool, depth: float) -> float:
    """Radius of the groove `tool` cuts at `depth` mm: what an engraved line is buffered by.

    Ball of radius R: sqrt(R^2 - (R - d)^2) while d < R; V-bit: tan(angle/2) * d + tip/2;
    flat: R. Never wider than the tool.
    """
    return shape_of(tool).width_radius(depth)

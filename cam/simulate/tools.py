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

__all__ = ["SlopeGroove", "ToolShape", "shape_of", "cut_radius"]


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

    def on_slope(self, depth: float, slope: np.ndarray) -> SlopeGroove:
        """The groove on planes rising `slope` (tan of the angle, (n,)) when the tool is
        dropped onto them (it touches with its profile) and lowered `depth` mm."""
        return _on_slope(self, depth, slope)


@dataclass(frozen=True, slots=True)
class SlopeGroove:
    """The groove a tool dropped onto a sloping plane and lowered `depth` leaves, in plan, all
    (n,) mm along the uphill direction from the tool's axis: `contact`, where the stone is
    cut deepest (the drop-cutter's contact point); `shift`, the centre of the groove's
    outline; `radius`, a circle about that centre holding the whole outline."""

    contact: np.ndarray
    shift: np.ndarray
    radius: np.ndarray


def _on_slope(shape: ToolShape, depth: float, slope: np.ndarray) -> SlopeGroove:
    s = np.maximum(np.asarray(slope, dtype=np.float64), 0.0)
    r = shape.radius
    flat = np.full_like(s, shape.width_radius(depth))
    if shape.kind is ToolKind.FLAT:
        # the end touches on its uphill edge; every cut stays inside the end's own disc
        return SlopeGroove(np.where(s > 0, r, 0.0), np.zeros_like(s), np.full_like(s, r))
    if shape.kind is ToolKind.BALL:
        sin, cos = s / np.sqrt(1 + s * s), 1 / np.sqrt(1 + s * s)
        normal = np.minimum(depth * cos, r)  # lowered `depth` vertically: depth cos(a) normally
        # the ball meets the plane in a circle about the foot of the centre's normal; seen
        # from above an ellipse no larger than that circle
        width = np.sqrt(np.maximum(r * r - (r - normal) ** 2, 0.0))
        return SlopeGroove(r * sin, (r - normal) * sin, width)
    k = 1.0 / math.tan(shape.half_angle)
    r0 = shape.tip_radius
    gap = np.maximum(k - s, 1e-9)  # steeper than the flank: refused by the planner
    up = np.minimum(r0 + depth / gap, r)
    down = np.clip((depth + r0 * (k - s)) / (s + k), 0.0, r)
    return SlopeGroove(np.full_like(s, r0), (up - down) / 2, np.maximum((up + down) / 2, flat))


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

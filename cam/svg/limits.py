"""Limits that keep a hostile or absurd SVG from exhausting memory or time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SvgLimits:
    # Bytes of the file. Real designs are a few MB at most; 20 MB leaves ample room.
    max_bytes: int = 20 * 1024 * 1024
    # Elements in the file, and element visits while drawing (each <use> expansion counts
    # again), so a <use> fan-out bomb stops here instead of growing exponentially.
    max_elements: int = 200_000
    # Nesting depth of elements, counting each <use> hop as one more level.
    max_depth: int = 128
    # Line segments after flattening, the size of the toolpath the design becomes.
    max_segments: int = 2_000_000

    def __post_init__(self) -> None:
        # the drawing walk recurses once per level: keep it far from Python's own limit
        if not 1 <= self.max_depth <= 256:
            raise ValueError(f"max_depth must be within 1..256, got {self.max_depth}")
        for name in ("max_bytes", "max_elements", "max_segments"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")


DEFAULT_LIMITS = SvgLimits()

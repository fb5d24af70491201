"""The simulator's refusals, named (a flat file of its own until they settle)."""

from __future__ import annotations

from cam.errors import CamError


class SimulationError(CamError):
    """A program the simulator cannot replay faithfully: unknown words, unsupported modes,
    motion from an unknown position. The message names the line."""

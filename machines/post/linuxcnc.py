"""LinuxCNC: `%`-wrapped files, `G64 P` path blending bounded by our tolerance, tool changer
(`T<n> M6`) with tool-length offset (`G43 H<n>`), flood `M8` and mist `M7`, `G4 P` in seconds."""

from __future__ import annotations

from machines.post.base import Dialect


class LinuxCnc(Dialect):
    name = "linuxcnc"
    percent_wrap = True
    tool_words = True
    mist = True
    cancel_modes = True
    blending = True  # without G64 P LinuxCNC may round corners by more than our tolerance

"""GRBL 1.1: a small parser that rejects what it does not know.

Its quirks, each a reason for a line here: no `%`, no `T` words, no `M6` (a tool change is an
`M0` pause with a `(MSG,...)` the sender shows), no `M7` in the default build, no `G43`/`G64`,
one word per modal group per line, lines well under its 80-byte buffer, `G4 P` in seconds.
"""

from __future__ import annotations

from cam.toolpath import Tool
from machines.post.base import Dialect
from machines.post.text import comment_lines, fmt_short
from machines.profiles import MachineProfile


class Grbl(Dialect):
    name = "grbl"
    percent_wrap = False
    tool_words = False
    mist = False  # M7 is compiled out of the default build

    def preamble(self, machine: MachineProfile) -> list[str]:
        return ["G21", "G90", "G17", "G94"]

    def dwell(self, seconds: float, machine: MachineProfile) -> str:
        return f"G4 P{fmt_short(seconds)}"  # always seconds in GRBL 1.1

    def tool_change(self, tool: Tool, machine: MachineProfile, first: bool) -> list[str]:
        what = f"T{tool.number} {tool.name} {tool.kind.value} {tool.diameter:g}mm"
        if first:
            return comment_lines(f"Load {what}, zero Z on the stone, lift clear, start", 70)
        # One program per job: the operator changes the burr, re-touches Z0 and resumes.
        return [*comment_lines(f"Change to {what}, re-zero Z, lift clear, resume", 70, "MSG,"), "M0"]

    def ending(self) -> list[str]:
        return ["M5", "M9", "M30"]

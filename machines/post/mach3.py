"""Mach3: `G91.1` so that I/J are read as offsets from the start (Mach3 can be set to absolute
I/J, which would turn every arc into nonsense), `G40 G49 G80` to cancel leftover modes,
`T<n> M6` with `G43 H<n>`, and `G4 P` in seconds or milliseconds as the profile says."""

from __future__ import annotations

from machines.post.base import Dialect


class Mach3(Dialect):
    name = "mach3"
    percent_wrap = False
    tool_words = True
    mist = True
    ij_incremental_word = True
    cancel_modes = True

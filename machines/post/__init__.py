"""Post-processors: a neutral `cam.toolpath.Program` to the G-code of one controller.

`render(program, machine)` is the one call; the dialect is the machine's unless overridden.
"""

from __future__ import annotations

from datetime import datetime

from cam.toolpath import Program
from machines.errors import UnknownDialectError
from machines.estimate import Estimate
from machines.post.base import Dialect
from machines.post.grbl import Grbl
from machines.post.linuxcnc import LinuxCnc
from machines.post.mach3 import Mach3
from machines.post.program import write_program
from machines.post.rotary import is_rotary, write_rotary_program
from machines.profiles import MachineProfile

__all__ = ["DIALECTS", "dialect_for", "render"]

DIALECTS: dict[str, type[Dialect]] = {"grbl": Grbl, "linuxcnc": LinuxCnc, "mach3": Mach3}


def dialect_for(name: str) -> Dialect:
    try:
        return DIALECTS[name]()
    except KeyError:
        raise UnknownDialectError(name, DIALECTS) from None


def render(
    program: Program,
    machine: MachineProfile,
    *,
    dialect: str | None = None,
    date: datetime | None = None,
    estimated: Estimate | None = None,
) -> str:
    """The whole G-code program as text, or `PostError` (nothing written) if it is unsafe.

    dialect: override the machine's controller dialect; date: the header's timestamp (now);
    estimated: the program's `machines.estimate.estimate` on this machine, if already known.
    """
    if is_rotary(program):  # wrapped round a band: A words, inverse-time feeds
        rotary_dialect = dialect_for(dialect or machine.dialect)
        return write_rotary_program(
            program, machine, rotary_dialect, date=date, estimated=estimated
        )
    dialect_ = dialect_for(dialect or machine.dialect)
    return write_program(program, machine, dialect_, date=date, estimated=estimated)

"""Every exception `machines` raises, small and named, in one place.

`MachineError` is the root. It is a `cam.errors.CamError`: a caller that refuses a job catches
`CamError` and shows the message, which always says why and, for unknown names, lists the valid
ones, whether the CAM or the machine side refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from cam.errors import CamError


class MachineError(CamError):
    """Base of every error this package raises on purpose."""


class UnknownNameError(MachineError, KeyError):
    """A tool, material, machine or dialect name that is not in the library."""

    def __init__(self, what: str, name: str, valid: Iterable[str]) -> None:
        self.what = what
        self.name = name
        self.valid = tuple(sorted(valid))
        super().__init__(f"unknown {what} {name!r}; valid: {', '.join(self.valid)}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class UnknownToolError(UnknownNameError):
    def __init__(self, name: str, valid: Iterable[str]) -> None:
        super().__init__("tool", name, valid)


class UnknownMaterialError(UnknownNameError):
    def __init__(self, name: str, valid: Iterable[str]) -> None:
        super().__init__("material", name, valid)


class UnknownMachineError(UnknownNameError):
    def __init__(self, name: str, valid: Iterable[str]) -> None:
        super().__init__("machine", name, valid)


class UnknownDialectError(UnknownNameError):
    def __init__(self, name: str, valid: Iterable[str]) -> None:
        super().__init__("dialect", name, valid)


class OptionsError(MachineError):
    """Carve options that make no sense before any work starts (tolerance, operation...)."""


class LibraryError(MachineError):
    """A TOML data file is malformed (missing key, bad value): a bug in our data, not the job's."""


class NoPresetError(MachineError):
    """The material has no feed/speed preset for this tool."""


class FitError(MachineError):
    """The program does not fit the machine: envelope, tool not loaded, spindle or feed range."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class PostError(MachineError):
    """The post-processor refused to write a program that would be unsafe to run."""

"""Every exception the CAM raises: small, named, one flat file.

A caller that refuses a job catches `CamError` and shows its message; the message says what
cannot be done and why, naming the element or value at fault.
"""

from __future__ import annotations


class CamError(Exception):
    """Base of every refusal the CAM raises."""


class DesignError(CamError):
    """The design cannot be carved as given: malformed, empty or unsupported SVG."""


class HostileInputError(DesignError):
    """The file looks built to exhaust the parser (entities, bombs, cycles, sheer size)."""


class PlacementError(CamError):
    """The design does not fit the piece as placed."""


class ToolError(CamError):
    """The tool cannot cut what is asked (detail finer than the tool, wrong kind, ...)."""


class PlanOptionsError(CamError):
    """The cutting options cannot give a safe program (depth, safe height, step-down, feeds)."""


class PieceError(CamError):
    """The piece cannot be modelled as described: missing or absurd dimensions, a mesh that is
    not watertight or not in millimetres, a face the piece does not have."""


class SurfaceError(CamError):
    """A toolpath cannot follow the stone's surface: no stone under the tool, or a slope the
    tool would meet with its side rather than its cutting end."""


class RotaryError(CamError):
    """A design cannot be wrapped round a band on the rotary axis as asked."""

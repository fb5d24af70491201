"""SVG import: what a design draws, as polylines in machine millimetres.

    from cam.svg import load_svg
    design = load_svg(Path("leaf.svg"))          # cam.design.Design

See docs/svg-import.md for what is drawn, how units and transforms map to the machine,
and what is refused.
"""

from __future__ import annotations

from .limits import DEFAULT_LIMITS, SvgLimits
from .load import load_svg

__all__ = ["DEFAULT_LIMITS", "SvgLimits", "load_svg"]

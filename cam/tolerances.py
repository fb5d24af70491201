"""Geometric tolerances of the CAM, in one place, each with the reason for its default.

All values are millimetres in machine space (after every transform) unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tolerances:
    # Largest distance between a true curve and the polyline that replaces it. 0.02 mm is
    # below what a 0.1 mm diamond burr can show in jade and is the contract's default.
    chord: float = 0.02
    # Share of `chord` that fitting G2/G3 arcs back onto a polyline may use, so that
    # flattening error plus fitting error stays within `chord` end to end.
    arc_fit_share: float = 0.5
    # Points closer than this are the same point (consecutive duplicates are removed).
    # Far below any machine resolution (0.001 mm) and far above float noise on a 1 m part.
    coord_eps: float = 1e-7
    # Smallest chord tolerance accepted: finer only multiplies segments without a better cut.
    min_chord: float = 1e-4
    # Largest chord tolerance accepted: coarser would visibly facet a design.
    max_chord: float = 1.0


DEFAULT = Tolerances()

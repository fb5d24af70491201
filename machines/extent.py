"""Where a program goes: the extremes of the tool centre, arcs included (an arc can bulge past
both of its end points), and the box of what is actually cut."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cam.toolpath import Program
from machines.estimate import expand_moves, move_arrays

CHORD = 0.0005  # mm: arcs sampled this finely for their extremes


@dataclass(frozen=True, slots=True)
class Extent:
    bounds: tuple[float, float, float, float, float, float]  # xmin ymin zmin xmax ymax zmax
    cut_bbox: tuple[float, float, float, float] | None  # xmin ymin xmax ymax of moves below Z0


def program_extent(program: Program) -> Extent:
    """The extent of every move of `program`; ValueError if it has no moves."""
    everything, cuts = [], []
    here: np.ndarray | None = None
    for tp in program.toolpaths:
        if not tp.moves:
            continue
        kind, end, ij, _ = move_arrays(tp.moves)
        if here is None:
            here = np.array([end[0, 0], end[0, 1], tp.safe_z])
        points, owner = expand_moves(here, kind, end, ij, CHORD)
        path = np.vstack([here[None, :], points])
        everything.append(path)
        cutting = (kind[owner] != 0) & ((path[:-1, 2] < 0) | (path[1:, 2] < 0))
        cuts += [path[:-1][cutting], path[1:][cutting]]
        here = path[-1]
    if not everything:
        raise ValueError("program has no moves")
    allp = np.vstack(everything)
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    bounds = (float(lo[0]), float(lo[1]), float(lo[2]), float(hi[0]), float(hi[1]), float(hi[2]))
    cut = np.vstack(cuts) if cuts else np.zeros((0, 3))
    if not len(cut):
        return Extent(bounds, None)
    clo, chi = cut.min(axis=0), cut.max(axis=0)
    return Extent(bounds, (float(clo[0]), float(clo[1]), float(chi[0]), float(chi[1])))

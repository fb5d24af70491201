"""Rotary wrap: a design carved round a bangle's outer band on a 4-axis machine (A axis).

The bangle turns on the A axis, which lies along machine X. A toolpath planned flat on the
unrolled band (X along the axis, Y along the band, Z0 on the band's surface) is wrapped:

    A = 360 * Y / (pi * D)   degrees, D the band's diameter at its surface
    X unchanged (along the axis), Y = 0 (the tool stays over the axis), Z unchanged (radial:
    Z0 on the surface, -depth into the stone, safe height above it).

A straight move in (X, Y) becomes a straight move in (X, A): the controller's linear X-A
interpolation traces exactly the helix that the flat line wraps to, so only arcs need
flattening (first, within the tolerance). Feeds stay mm/min at the tool tip in the moves; the
posts write them in inverse time (G93: F = 1 / minutes for the move), the only feed a
controller reads the same whatever mix of degrees and millimetres a move has. `tip_minutes`
gives those minutes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from xml.sax.saxutils import escape

import numpy as np

from cam.errors import RotaryError
from cam.surface.lines import flatten_arcs
from cam.toolpath import Move, MoveKind, Toolpath

__all__ = [
    "angle_of",
    "band_length_of",
    "preview_svg",
    "tip_minutes",
    "unwrap_moves",
    "unwrap_toolpath",
    "wrap_moves",
    "wrap_toolpath",
]


def angle_of(y: float | np.ndarray, diameter: float) -> float | np.ndarray:
    """A (degrees) for a length y (mm) along a band of diameter D: 360 y / (pi D)."""
    return 360.0 * y / (math.pi * diameter)


def band_length_of(a: float | np.ndarray, diameter: float) -> float | np.ndarray:
    """The length along the band (mm) for an angle A (degrees): the inverse of `angle_of`."""
    return a * math.pi * diameter / 360.0


def wrap_moves(
    moves: Sequence[Move], diameter: float, tolerance: float = 0.02, along: str = "y"
) -> list[Move]:
    """Flat moves (arcs flattened within `tolerance`) wrapped round the band: Y becomes A.

    along: the flat axis that runs along the band. "y" (the default) as above; "x" for a
    placement made on a band unrolled the other way round (`cam.pieces` unrolls a bangle's
    band with x along it): the design is first turned a quarter clockwise, (x, y) -> (y, -x),
    so machine X (the axis) comes from y and A from -x: a turn, never a mirror."""
    _check_diameter(diameter)
    flat = flatten_arcs(moves, tolerance)
    if _along(along) == "x":
        flat = [_turn(m) for m in flat]
    ys = np.array([m.y for m in flat]) if flat else np.zeros(0)
    if len(ys) and float(ys.max() - ys.min()) > math.pi * diameter + 1e-9:
        raise RotaryError(
            f"design spans {float(ys.max() - ys.min()):.3f} mm along the band, more than its "
            f"circumference {math.pi * diameter:.3f} mm: it would carve over itself"
        )
    return [replace(m, y=0.0, a=float(angle_of(m.y, diameter))) for m in flat]


def unwrap_moves(moves: Sequence[Move], diameter: float, along: str = "y") -> list[Move]:
    """Wrapped moves back on the flat band: A becomes Y (or X, see `wrap_moves`); moves
    without A are kept."""
    _check_diameter(diameter)
    flat = [
        m if m.a is None else replace(m, y=float(band_length_of(m.a, diameter)), a=None)
        for m in moves
    ]
    return [_unturn(m) for m in flat] if _along(along) == "x" else flat


def wrap_toolpath(
    tp: Toolpath, diameter: float, tolerance: float = 0.02, along: str = "y"
) -> Toolpath:
    """The toolpath wrapped round a band of `diameter` mm (at its surface)."""
    if tp.rotary_diameter is not None:
        raise RotaryError("toolpath is already wrapped round a band")
    moves = wrap_moves(tp.moves, diameter, tolerance, along)
    return replace(tp, moves=moves, rotary_diameter=diameter)


def unwrap_toolpath(tp: Toolpath, along: str = "y") -> Toolpath:
    """The flat toolpath back (`along` as it was wrapped)."""
    if tp.rotary_diameter is None:
        raise RotaryError("toolpath is not wrapped round a band")
    moves = unwrap_moves(tp.moves, tp.rotary_diameter, along)
    return replace(tp, moves=moves, rotary_diameter=None)


def tip_minutes(
    start: tuple[float, float, float], move: Move, start_a: float, diameter: float
) -> float:
    """Minutes a wrapped feed move takes at its feed (mm/min at the tool tip).

    The tip runs at radius D/2 + z (z < 0 in the stone); the turn is taken at the mean radius
    of the move's two ends. Raises `RotaryError` for a move without a positive feed."""
    if move.feed is None or not (math.isfinite(move.feed) and move.feed > 0):
        raise RotaryError(f"rotary feed move without a valid feed ({move.feed!r})")
    x0, _, z0 = start
    radius = diameter / 2.0 + (z0 + move.z) / 2.0
    turn = math.radians((move.a if move.a is not None else start_a) - start_a) * radius
    length = math.sqrt((move.x - x0) ** 2 + turn**2 + (move.z - z0) ** 2)
    return length / move.feed


def preview_svg(tp: Toolpath, *, margin: float = 2.0) -> str:
    """The wrapped toolpath drawn unrolled: X across, the length along the band up (mm).

    Cuts are solid, rapids dashed; the band's circumference is framed, so a design that runs
    off the band's length shows as crossing the frame."""
    if tp.rotary_diameter is None:
        raise RotaryError("preview needs a wrapped toolpath")
    d = tp.rotary_diameter
    flat = unwrap_moves(tp.moves, d)
    if not flat:
        raise RotaryError("nothing to preview: the toolpath has no moves")
    xy = np.array([(m.x, m.y) for m in flat])
    circ = math.pi * d
    xmin, xmax = float(xy[:, 0].min()), float(xy[:, 0].max())
    ymin, ymax = min(float(xy[:, 1].min()), 0.0), max(float(xy[:, 1].max()), circ)
    w, h = xmax - xmin + 2 * margin, ymax - ymin + 2 * margin
    top = ymax + margin  # SVG y grows downwards: flip so the band length reads upwards

    def pt(x: float, y: float) -> str:
        return f"{x - xmin + margin:.4f},{top - y:.4f}"

    cuts: list[str] = []
    rapids: list[str] = []
    for k in range(1, len(flat)):
        if xy[k, 0] == xy[k - 1, 0] and xy[k, 1] == xy[k - 1, 1]:
            continue  # plunges and retracts: nothing to see from above
        seg = f"M{pt(*xy[k - 1])} L{pt(*xy[k])}"
        if flat[k].kind is MoveKind.RAPID:
            rapids.append(seg)
        elif flat[k].z < 0:
            cuts.append(seg)
    frame = f"M{pt(xmin, 0)} L{pt(xmax, 0)} M{pt(xmin, circ)} L{pt(xmax, circ)}"
    title = escape(f"{tp.operation} wrapped round D {d:g} mm (circumference {circ:.2f} mm)")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.3f}mm" height="{h:.3f}mm" '
        f'viewBox="0 0 {w:.4f} {h:.4f}">\n<title>{title}</title>\n'
        f'<path d="{frame}" stroke="#999" stroke-width="0.1" fill="none"/>\n'
        f'<path d="{" ".join(rapids)}" stroke="#c33" stroke-width="0.05" '
        f'stroke-dasharray="0.4,0.3" fill="none"/>\n'
        f'<path d="{" ".join(cuts)}" stroke="#036" stroke-width="0.1" fill="none"/>\n</svg>\n'
    )


def _along(along: str) -> str:
    if along not in ("x", "y"):
        raise RotaryError(f"the band runs along the design's x or y, not {along!r}")
    return along


def _turn(m: Move) -> Move:
    """A quarter turn clockwise, (x, y) -> (y, -x): a rotation keeps the design unmirrored."""
    return replace(m, x=m.y, y=-m.x, i=m.j, j=-m.i)


def _unturn(m: Move) -> Move:
    return replace(m, x=-m.y, y=m.x, i=-m.j, j=m.i)


def _check_diameter(diameter: float) -> None:
    if not (isinstance(diameter, int | float) and math.isfinite(diameter) and diameter > 0):
        raise RotaryError(f"band diameter must be a positive number of mm, got {diameter!r}")

"""DXF export: the design and the final-depth cutting path of each toolpath, in millimetres.

The DXF is for people and other CAD/CAM software to check a job against, not for the machine:
one layer per operation and depth (``ENGRAVE_0.300mm``), a ``DESIGN`` layer with the design's
paths where the placement put them, LWPOLYLINEs with bulges where arcs were cut. We flatten
every curve at import, so no splines are ever written.

Units are declared twice, because readers disagree on which header they honour:
``$INSUNITS = 4`` (millimetres) and ``$MEASUREMENT = 1`` (metric).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterator
from typing import TextIO

import ezdxf
import numpy as np
from ezdxf.document import Drawing

from cam.design import Design
from cam.toolpath import Move, MoveKind, Placement, Program, Toolpath

__all__ = ["DESIGN_LAYER", "cut_traces", "layer_name", "placed", "write_dxf"]

DESIGN_LAYER = "DESIGN"
DXF_VERSION = "R2013"
_INSUNITS_MM = 4
_MEASUREMENT_METRIC = 1
_SAME = 1e-9  # mm: two depths or points closer than this are the same
# AutoCAD colour indices: the design grey, operations in distinct strong colours
_DESIGN_COLOUR = 8
_OPERATION_COLOURS = (1, 5, 3, 6, 4, 2)

Vertex = tuple[float, float, float]  # x, y, bulge of the segment that starts here


def write_dxf(
    program: Program, design: Design | None, out: str | os.PathLike[str] | TextIO
) -> None:
    """Write the program's cutting paths (and the design, if given) as a DXF document.

    ``out`` is a file path or a text stream.
    """
    doc = _new_document()
    polylines = _Polylines(doc)
    if design is not None:
        _add_design(doc, polylines, design, program.placement)
    for n, toolpath in enumerate(program.toolpaths):
        layer = layer_name(toolpath)
        if layer not in doc.layers:
            colour = _OPERATION_COLOURS[n % len(_OPERATION_COLOURS)]
            doc.layers.add(layer, color=colour)
        for vertices, closed in cut_traces(toolpath):
            polylines.add(vertices, closed, layer)
    text = polylines.splice(doc)
    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        out.write(text)


def layer_name(toolpath: Toolpath) -> str:
    """``ENGRAVE_0.300mm``, ``PROFILE_IN_0.500mm``: operation and final depth."""
    op = "".join(c if c.isalnum() else "_" for c in toolpath.operation.upper())
    return f"{op}_{toolpath.depth:.3f}mm"


def placed(points: np.ndarray, placement: Placement) -> np.ndarray:
    """Design points (n, 2) in the design's machine mm -> work mm: scale, rotate, offset."""
    a = math.radians(placement.rotation_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    offset = np.array([placement.offset_x, placement.offset_y])
    return (placement.scale * np.asarray(points, dtype=float)) @ rot.T + offset


def cut_traces(toolpath: Toolpath) -> Iterator[tuple[list[Vertex], bool]]:
    """The XY traces of the cutting moves at the toolpath's deepest level.

    Yields (vertices, closed): each vertex is (x, y, bulge) where the bulge belongs to the
    segment leaving it (tan(sweep / 4), positive counter-clockwise, as DXF wants it). A trace
    that returns to its first point is given as closed, without repeating that point.
    """
    moves = toolpath.moves
    cuts = [m.z for m in moves if m.kind is not MoveKind.RAPID and m.z < 0]
    if not cuts:
        return
    floor = min(cuts)
    chain: list[Vertex] = []
    linear, rapid, same = MoveKind.LINEAR, MoveKind.RAPID, _SAME
    for prev, m in zip(moves, moves[1:], strict=False):
        # `_on` of both ends, written out: this loop sees every move of the program
        if m.kind is not rapid and abs(prev.z - floor) <= same and abs(m.z - floor) <= same:
            if m.kind is linear and chain:  # the last vertex already has bulge 0: extend
                chain.append((m.x, m.y, 0.0))
                continue
            start = chain.pop() if chain else (prev.x, prev.y, 0.0)
            chain.extend(_segment(start, m))
        elif chain:
            yield _close(chain)
            chain = []
    if chain:
        yield _close(chain)


def _on(m: Move, floor: float) -> bool:
    return abs(m.z - floor) <= _SAME


def _segment(start: Vertex, m: Move) -> list[Vertex]:
    """The start vertex with the bulge of the move leaving it, and the move's end vertex.

    A full circle (end == start) cannot be one bulge: it becomes two half turns.
    """
    x0, y0, _ = start
    if m.kind is MoveKind.LINEAR:
        return [(x0, y0, 0.0), (m.x, m.y, 0.0)]
    cx, cy = x0 + m.i, y0 + m.j
    ccw = m.kind is MoveKind.ARC_CCW
    if math.hypot(m.x - x0, m.y - y0) <= _SAME:
        half = math.tan(math.pi / 4) * (1.0 if ccw else -1.0)
        opposite = (2 * cx - x0, 2 * cy - y0)
        return [(x0, y0, half), (*opposite, half), (m.x, m.y, 0.0)]
    a0 = math.atan2(y0 - cy, x0 - cx)
    a1 = math.atan2(m.y - cy, m.x - cx)
    sweep = (a1 - a0) % (2 * math.pi) if ccw else -((a0 - a1) % (2 * math.pi))
    return [(x0, y0, math.tan(sweep / 4)), (m.x, m.y, 0.0)]


def _close(chain: list[Vertex]) -> tuple[list[Vertex], bool]:
    first, last = chain[0], chain[-1]
    if len(chain) > 2 and math.hypot(last[0] - first[0], last[1] - first[1]) <= _SAME:
        return chain[:-1], True
    return chain, False


def _new_document() -> Drawing:
    doc = ezdxf.new(DXF_VERSION, setup=False)
    doc.header["$INSUNITS"] = _INSUNITS_MM
    doc.header["$MEASUREMENT"] = _MEASUREMENT_METRIC
    doc.units = _INSUNITS_MM
    return doc


def _add_design(doc: Drawing, polylines: _Polylines, design: Design, placement: Placement) -> None:
    doc.layers.add(DESIGN_LAYER, color=_DESIGN_COLOUR)
    msp = doc.modelspace()
    for path in design.paths:
        pts = placed(path.points, placement)
        if len(pts) == 1:  # a dot
            msp.add_point((float(pts[0, 0]), float(pts[0, 1])), dxfattribs={"layer": DESIGN_LAYER})
            continue
        polylines.add_points(pts, path.closed, DESIGN_LAYER)


class _Polylines:
    """LWPOLYLINE entities written as DXF text directly.

    ezdxf builds and exports a tag object per vertex, which made the DXF the slowest part of
    a 20,000-segment job. The document itself (header, tables, layers, objects) still comes
    from ezdxf; only the polylines of the ENTITIES section are formatted here, with handles
    drawn from the document's own handle generator so $HANDSEED stays past them. The tests
    read every file back with ezdxf and audit it.
    """

    def __init__(self, doc: Drawing) -> None:
        self._doc = doc
        self._owner = doc.modelspace().block_record_handle
        self._chunks: list[str] = []

    def add(self, vertices: list[Vertex], closed: bool, layer: str) -> None:
        body = "".join(
            f" 10\n{x:.12g}\n 20\n{y:.12g}\n" + (f" 42\n{b:.12g}\n" if b else "")
            for x, y, b in vertices
        )
        self._chunks.append(self._head(len(vertices), closed, layer) + body)

    def add_points(self, pts: np.ndarray, closed: bool, layer: str) -> None:
        body = "".join(f" 10\n{x:.12g}\n 20\n{y:.12g}\n" for x, y in pts.tolist())
        self._chunks.append(self._head(len(pts), closed, layer) + body)

    def _head(self, count: int, closed: bool, layer: str) -> str:
        handle = self._doc.entitydb.next_handle()
        return (
            f"  0\nLWPOLYLINE\n  5\n{handle}\n330\n{self._owner}\n100\nAcDbEntity\n"
            f"  8\n{layer}\n100\nAcDbPolyline\n 90\n{count}\n 70\n{1 if closed else 0}\n"
        )

    def splice(self, doc: Drawing) -> str:
        """The whole document as text, the polylines at the end of its ENTITIES section."""
        buf = io.StringIO()
        doc.write(buf)
        text = buf.getvalue()
        start = text.index("  2\nENTITIES\n")
        end = text.index("  0\nENDSEC\n", start)
        return text[:end] + "".join(self._chunks) + text[end:]

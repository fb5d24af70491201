"""DXF export: read back with ezdxf, audited, in millimetres, geometry where the cut is."""

from __future__ import annotations

import io
import math
from pathlib import Path

import ezdxf
import numpy as np
import pytest
from ezdxf import bbox, recover
from ezdxf.math import bulge_to_arc

from cam.arcs import Arc, fit_arcs
from cam.design import Design, DesignPath
from cam.dxf import DESIGN_LAYER, layer_name, placed, write_dxf
from cam.toolpath import (
    CuttingParams,
    Move,
    MoveKind,
    Placement,
    Program,
    Tool,
    ToolKind,
    Toolpath,
)

SAFE = 2.0
TOOL = Tool("burr 0.6", ToolKind.BALL, 0.6)
PARAMS = CuttingParams(feed=300, plunge_feed=60, spindle_rpm=24000, step_down=0.15)


def _circle(cx: float, cy: float, r: float, n: int) -> np.ndarray:
    a = np.linspace(0, 2 * math.pi, n, endpoint=False)
    return np.column_stack([cx + r * np.cos(a), cy + r * np.sin(a)])


def _design(paths: list[tuple[np.ndarray, bool]]) -> Design:
    return Design(
        width_mm=60.0,
        height_mm=40.0,
        paths=tuple(DesignPath(p, c, f"p{k}", "stroke") for k, (p, c) in enumerate(paths)),
        fills=(),
        tolerance=0.01,
        title="test",
    )


def _toolpath(design: Design, op: str, depth: float, placement: Placement) -> Toolpath:
    """Two passes (half depth, full depth) along every path, arcs fitted: a plain engraving."""
    moves: list[Move] = []
    for path in design.paths:
        pts = placed(path.points, placement)
        moves.append(Move(MoveKind.RAPID, pts[0, 0], pts[0, 1], SAFE))
        for z in (-depth / 2, -depth):
            moves.append(Move(MoveKind.LINEAR, pts[0, 0], pts[0, 1], z, PARAMS.plunge_feed))
            x, y = pts[0]
            for el in fit_arcs(pts, path.closed, 0.01):
                if isinstance(el, Arc):
                    kind = MoveKind.ARC_CW if el.clockwise else MoveKind.ARC_CCW
                    moves.append(Move(kind, el.x, el.y, z, PARAMS.feed, el.cx - x, el.cy - y))
                else:
                    moves.append(Move(MoveKind.LINEAR, el.x, el.y, z, PARAMS.feed))
                x, y = el.x, el.y
        moves.append(Move(MoveKind.LINEAR, x, y, SAFE, PARAMS.feed))
    return Toolpath(op, TOOL, PARAMS, depth, 2, SAFE, moves)


def _program(design: Design, placement: Placement | None = None) -> Program:
    placement = placement or Placement()
    return Program(
        job="J-1",
        design="test",
        placement=placement,
        toolpaths=[
            _toolpath(design, "engrave", 0.3, placement),
            _toolpath(design, "pocket", 0.5, placement),
        ],
        safe_z=SAFE,
    )


def _read(program: Program, design: Design | None, tmp_path: Path) -> ezdxf.document.Drawing:
    out = tmp_path / "job.dxf"
    write_dxf(program, design, out)
    doc = ezdxf.readfile(out)
    auditor = doc.audit()
    assert not auditor.has_errors, [str(e) for e in auditor.errors]
    # the tolerant loader must find nothing to repair either
    _, recovered = recover.readfile(out)
    assert not recovered.has_errors and not recovered.has_fixes, recovered.fixes
    return doc


MIXED = _design(
    [
        (np.array([[5.0, 5.0], [55.0, 5.0], [55.0, 35.0], [5.0, 35.0]]), True),
        (np.array([[10.0, 10.0], [20.0, 30.0], [30.0, 12.5]]), False),
    ]
)
ROUND = _design([(_circle(30.0, 20.0, 12.0, 400), True), (_circle(12.0, 10.0, 3.0, 90), True)])


def test_document_declares_millimetres_both_ways(tmp_path: Path) -> None:
    doc = _read(_program(MIXED), MIXED, tmp_path)
    assert doc.header["$INSUNITS"] == 4
    assert doc.header["$MEASUREMENT"] == 1
    assert doc.dxfversion in ("AC1027", "AC1024")  # R2013 or R2010


def test_a_layer_per_operation_and_depth_and_one_for_the_design(tmp_path: Path) -> None:
    doc = _read(_program(MIXED), MIXED, tmp_path)
    names = {layer.dxf.name for layer in doc.layers}
    assert {DESIGN_LAYER, "ENGRAVE_0.300mm", "POCKET_0.500mm"} <= names
    msp = doc.modelspace()
    for name in (DESIGN_LAYER, "ENGRAVE_0.300mm", "POCKET_0.500mm"):
        assert len(msp.query(f'LWPOLYLINE[layer=="{name}"]')) == 2


def test_layer_name_spells_operation_and_depth() -> None:
    tp = Toolpath("profile-in", TOOL, PARAMS, 0.5, 3, SAFE)
    assert layer_name(tp) == "PROFILE_IN_0.500mm"


def test_extents_equal_the_design_bounds(tmp_path: Path) -> None:
    doc = _read(_program(MIXED), MIXED, tmp_path)
    msp = doc.modelspace()
    xmin, ymin, xmax, ymax = MIXED.bounds()
    for layer in (DESIGN_LAYER, "ENGRAVE_0.300mm"):
        box = bbox.extents(msp.query(f'*[layer=="{layer}"]'))
        assert (box.extmin.x, box.extmin.y) == pytest.approx((xmin, ymin), abs=1e-6)
        assert (box.extmax.x, box.extmax.y) == pytest.approx((xmax, ymax), abs=1e-6)


def test_closed_paths_are_closed_and_open_ones_open(tmp_path: Path) -> None:
    doc = _read(_program(MIXED), MIXED, tmp_path)
    for layer in (DESIGN_LAYER, "ENGRAVE_0.300mm"):
        flags = [e.closed for e in doc.modelspace().query(f'LWPOLYLINE[layer=="{layer}"]')]
        assert flags == [True, False]


def test_only_the_final_depth_is_on_the_operation_layer(tmp_path: Path) -> None:
    doc = _read(_program(ROUND), ROUND, tmp_path)
    polylines = doc.modelspace().query('LWPOLYLINE[layer=="ENGRAVE_0.300mm"]')
    assert len(polylines) == len(ROUND.paths)  # the half-depth pass is not drawn


def test_bulges_reconstruct_the_fitted_arcs(tmp_path: Path) -> None:
    doc = _read(_program(ROUND), ROUND, tmp_path)
    polylines = doc.modelspace().query('LWPOLYLINE[layer=="ENGRAVE_0.300mm"]')
    for pl, (cx, cy, r) in zip(polylines, [(30.0, 20.0, 12.0), (12.0, 10.0, 3.0)], strict=True):
        assert pl.closed
        pts = pl.get_points("xyb")
        bulges = [b for _, _, b in pts]
        assert all(b != 0 for b in bulges)  # a sampled circle is arcs only
        for k, (x, y, b) in enumerate(pts):
            nx, ny, _ = pts[(k + 1) % len(pts)]
            centre, _, _, radius = bulge_to_arc((x, y), (nx, ny), b)
            assert (centre.x, centre.y) == pytest.approx((cx, cy), abs=1e-6)
            assert radius == pytest.approx(r, abs=1e-6)
            assert b > 0  # counter-clockwise, as sampled


def test_clockwise_arc_gets_a_negative_bulge_and_a_full_circle_two_halves(tmp_path: Path) -> None:
    moves = [
        Move(MoveKind.RAPID, 10.0, 0.0, SAFE),
        Move(MoveKind.LINEAR, 10.0, 0.0, -0.2, 60.0),
        Move(MoveKind.ARC_CW, 0.0, 10.0, -0.2, 300.0, -10.0, 0.0),  # 270 degrees about (0, 0)
        Move(MoveKind.ARC_CCW, 0.0, 10.0, -0.2, 300.0, 0.0, -10.0),  # a full turn about (0, 0)
        Move(MoveKind.LINEAR, 0.0, 10.0, SAFE, 300.0),
    ]
    program = Program(
        "J-2", "arcs", Placement(), [Toolpath("engrave", TOOL, PARAMS, 0.2, 1, SAFE, moves)], SAFE
    )
    doc = _read(program, None, tmp_path)
    (pl,) = doc.modelspace().query("LWPOLYLINE")
    pts = pl.get_points("xyb")
    xy = np.array([(x, y) for x, y, _ in pts])
    assert np.allclose(xy, [(10, 0), (0, 10), (0, -10), (0, 10)], atol=1e-9)
    # from (10, 0) clockwise about (0, 0) to (0, 10) is three quarters of a turn
    assert pts[0][2] == pytest.approx(-math.tan(1.5 * math.pi / 4))
    assert pts[1][2] == pytest.approx(1.0) and pts[2][2] == pytest.approx(1.0)
    assert not pl.closed


def test_design_layer_follows_the_placement(tmp_path: Path) -> None:
    placement = Placement(scale=2.0, rotation_deg=90.0, offset_x=100.0, offset_y=-5.0)
    doc = _read(_program(MIXED, placement), MIXED, tmp_path)
    msp = doc.modelspace()
    design_box = bbox.extents(msp.query(f'*[layer=="{DESIGN_LAYER}"]'))
    cut_box = bbox.extents(msp.query('*[layer=="ENGRAVE_0.300mm"]'))
    # rotating (x, y) by 90 degrees gives (-y, x): x from -2*35 to -2*5, y from 2*5 to 2*55
    assert (design_box.extmin.x, design_box.extmin.y) == pytest.approx((30.0, 5.0), abs=1e-6)
    assert (design_box.extmax.x, design_box.extmax.y) == pytest.approx((90.0, 105.0), abs=1e-6)
    assert design_box.extmin.isclose(cut_box.extmin, abs_tol=1e-6)
    assert design_box.extmax.isclose(cut_box.extmax, abs_tol=1e-6)


def test_writes_to_a_text_stream_and_draws_dots_as_points() -> None:
    dotted = _design(
        [(np.array([[5.0, 5.0], [15.0, 5.0]]), False), (np.array([[7.0, 8.0]]), False)]
    )
    program = Program("J-3", "dots", Placement(), [], SAFE)
    stream = io.StringIO()
    write_dxf(program, dotted, stream)
    doc = ezdxf.read(io.StringIO(stream.getvalue()))
    assert not doc.audit().has_errors
    (point,) = doc.modelspace().query("POINT")
    assert (point.dxf.location.x, point.dxf.location.y) == (7.0, 8.0)
    assert point.dxf.layer == DESIGN_LAYER

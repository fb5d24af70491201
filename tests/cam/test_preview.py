"""Toolpath preview: valid SVG in millimetres, small for big designs, saying what it shows."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from defusedxml import ElementTree

from cam.arcs import Arc, Line, fit_arcs
from cam.design import Design, DesignPath
from cam.preview import MAX_ORDER_LABELS, preview_svg, toolpath_lengths
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

NS = "{http://www.w3.org/2000/svg}"
SAFE = 2.0
TOOL = Tool("ball <0.6> & co", ToolKind.BALL, 0.6)
PARAMS = CuttingParams(feed=300, plunge_feed=60, spindle_rpm=24000, step_down=0.15)


def _design(paths: list[tuple[np.ndarray, bool]]) -> Design:
    return Design(
        width_mm=150.0,
        height_mm=150.0,
        paths=tuple(DesignPath(p, c, f"p{k}", "stroke") for k, (p, c) in enumerate(paths)),
        fills=(),
        tolerance=0.01,
        title="test",
    )


def _program(design: Design, depth: float = 0.3, passes: int = 2, arcs: bool = True) -> Program:
    moves: list[Move] = []
    for path in design.paths:
        pts = path.points
        moves.append(Move(MoveKind.RAPID, pts[0, 0], pts[0, 1], SAFE))
        for k in range(1, passes + 1):
            z = -depth * k / passes
            moves.append(Move(MoveKind.LINEAR, pts[0, 0], pts[0, 1], z, PARAMS.plunge_feed))
            x, y = pts[0]
            elements: list[Line | Arc] = (
                fit_arcs(pts, path.closed, 0.01)
                if arcs
                else [Line(float(a), float(b)) for a, b in _ring(pts, path.closed)]
            )
            for el in elements:
                if isinstance(el, Arc):
                    kind = MoveKind.ARC_CW if el.clockwise else MoveKind.ARC_CCW
                    moves.append(Move(kind, el.x, el.y, z, PARAMS.feed, el.cx - x, el.cy - y))
                else:
                    moves.append(Move(MoveKind.LINEAR, el.x, el.y, z, PARAMS.feed))
                x, y = el.x, el.y
        moves.append(Move(MoveKind.LINEAR, x, y, SAFE, PARAMS.feed))
    tp = Toolpath("engrave", TOOL, PARAMS, depth, passes, SAFE, moves)
    return Program("J-7", "test", Placement(), [tp], SAFE)


def _ring(pts: np.ndarray, closed: bool) -> np.ndarray:
    return np.vstack([pts[1:], pts[:1]]) if closed else pts[1:]


def _circle(cx: float, cy: float, r: float, n: int) -> np.ndarray:
    a = np.linspace(0, 2 * math.pi, n, endpoint=False)
    return np.column_stack([cx + r * np.cos(a), cy + r * np.sin(a)])


SQUARE = np.array([[10.0, 10.0], [40.0, 10.0], [40.0, 40.0], [10.0, 40.0]])
STROKE = np.array([[60.0, 20.0], [90.0, 50.0], [120.0, 20.0]])
SIMPLE = _design([(SQUARE, True), (STROKE, False), (_circle(100.0, 100.0, 20.0, 300), True)])


def _parse(svg: str):  # type: ignore[no-untyped-def]
    return ElementTree.fromstring(svg.encode())


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_svg_is_valid_xml_in_millimetres_with_a_matching_view_box() -> None:
    root = _parse(preview_svg(_program(SIMPLE), SIMPLE))
    assert root.tag == f"{NS}svg"
    width, height = root.get("width"), root.get("height")
    assert width.endswith("mm") and height.endswith("mm")
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    assert (w, h) == pytest.approx((float(width[:-2]), float(height[:-2])))
    # machine y is flipped for display: the drawing spans display y from -ymax to -ymin
    assert y < -120.0 and y + h > -10.0
    assert x <= 10.0 and x + w >= 120.0
    flip = root.find(f"{NS}g")
    assert flip is not None and flip.get("transform") == "scale(1,-1)"


def test_each_level_is_one_path_and_deeper_is_darker() -> None:
    root = _parse(preview_svg(_program(SIMPLE, depth=0.3, passes=2), SIMPLE))
    cuts = [p for p in root.iter(f"{NS}path") if p.get("class") == "cut"]
    assert sorted(float(p.get("data-z")) for p in cuts) == pytest.approx([-0.3, -0.15])
    shallow, deep = sorted(cuts, key=lambda p: -float(p.get("data-z")))
    assert _luminance(deep.get("stroke")) < _luminance(shallow.get("stroke"))
    # one run per path per level: three move-tos in each level's path
    assert deep.get("d").count("M") == 3
    assert deep.get("d").count("A") >= 2  # the circle was drawn as arcs


def test_cut_path_passes_through_every_design_vertex_of_lines() -> None:
    root = _parse(preview_svg(_program(SIMPLE, arcs=False), SIMPLE))
    deep = min(
        (p for p in root.iter(f"{NS}path") if p.get("class") == "cut"),
        key=lambda p: float(p.get("data-z")),
    )
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", deep.get("d"))]
    drawn = {(round(a, 3), round(b, 3)) for a, b in zip(numbers[::2], numbers[1::2], strict=True)}
    for path in SIMPLE.paths:
        for x, y in path.points:
            assert (round(x, 3), round(y, 3)) in drawn


def test_rapids_are_dashed_and_entries_numbered_in_order() -> None:
    svg = preview_svg(_program(SIMPLE), SIMPLE)
    root = _parse(svg)
    (rapids,) = [p for p in root.iter(f"{NS}path") if p.get("class") == "rapid"]
    assert rapids.get("stroke-dasharray")
    assert rapids.get("d").count("M") == 2  # the first rapid starts the program: no XY travel
    labels = [t.text for t in root.iter(f"{NS}text") if t.text and t.text.isdigit()]
    assert labels == ["1", "2", "3"]
    (markers,) = [p for p in root.iter(f"{NS}path") if p.get("class") == "entries"]
    assert markers.get("d").count("M") == 3


def test_legend_names_tool_depth_passes_and_lengths() -> None:
    program = _program(SIMPLE, depth=0.3, passes=2)
    root = _parse(preview_svg(program, SIMPLE))
    text = " ".join(t.text or "" for t in root.iter(f"{NS}text"))
    cut, rapid = toolpath_lengths(program.toolpaths[0])
    assert "ball <0.6> & co" in text  # escaped in the file, read back intact
    assert "depth 0.300 mm" in text and "2 passes" in text
    assert f"cut {cut:.1f} mm" in text and f"rapid {rapid:.1f} mm" in text


def test_lengths_of_a_known_toolpath() -> None:
    square = _design([(SQUARE, True)])
    cut, rapid = toolpath_lengths(_program(square, depth=0.3, passes=1).toolpaths[0])
    assert cut == pytest.approx((SAFE + 0.3) + 120.0 + (0.3 + SAFE))  # plunge, sides, retract
    assert rapid == 0.0
    circle = _design([(_circle(0.0, 0.0, 5.0, 400), True)])
    cut, _ = toolpath_lengths(_program(circle, depth=0.2, passes=1).toolpaths[0])
    assert cut == pytest.approx(2 * (SAFE + 0.2) + 2 * math.pi * 5.0, abs=1e-6)


def test_twenty_thousand_segments_stay_a_handful_of_elements() -> None:
    rng = np.random.default_rng(5)
    paths = []
    while sum(len(p) for p, _ in paths) < 20_000:
        r = rng.uniform(0.5, 4.0)
        paths.append((_circle(*rng.uniform(5, 145, 2), r, int(rng.integers(12, 60))), True))
    design = _design(paths)
    assert design.segment_count >= 20_000
    svg = preview_svg(_program(design, arcs=False, passes=2), design)
    root = _parse(svg)
    elements = sum(1 for _ in root.iter())
    labels = sum(1 for t in root.iter(f"{NS}text") if t.text and t.text.isdigit())
    assert labels <= MAX_ORDER_LABELS + 1
    assert elements <= labels + 20  # paths per level, not per move
    assert len(svg) < 2_000_000


def test_program_without_design_or_moves_still_renders() -> None:
    empty = Program("J-0", "none", Placement(), [], SAFE)
    root = _parse(preview_svg(empty, None))
    assert root.get("width").endswith("mm")
    assert not [p for p in root.iter(f"{NS}path") if p.get("class") in ("cut", "rapid")]


def test_ramps_are_drawn_with_the_pass_they_descend_into() -> None:
    moves = [Move(MoveKind.RAPID, 0.0, 0.0, SAFE), Move(MoveKind.LINEAR, 0.0, 0.0, 0.0, 60.0)]
    for top, floor in ((0.0, -0.15), (-0.15, -0.3)):
        for k, x in enumerate((1.0, 2.0, 3.0), start=1):  # ramp down along the path
            moves.append(Move(MoveKind.LINEAR, x, 0.0, top + (floor - top) * k / 3, 300.0))
        moves.append(Move(MoveKind.LINEAR, 0.0, 0.0, floor, 300.0))  # back along it, flat
        moves.append(Move(MoveKind.LINEAR, 10.0, 0.0, floor, 300.0))
        moves.append(Move(MoveKind.LINEAR, 0.0, 0.0, floor, 300.0))
    moves.append(Move(MoveKind.LINEAR, 0.0, 0.0, SAFE, 300.0))
    tp = Toolpath("engrave", TOOL, PARAMS, 0.3, 2, SAFE, moves)
    root = _parse(preview_svg(Program("J-8", "ramp", Placement(), [tp], SAFE), None))
    cuts = [p for p in root.iter(f"{NS}path") if p.get("class") == "cut"]
    assert sorted(float(p.get("data-z")) for p in cuts) == pytest.approx([-0.3, -0.15])


def test_arcs_in_the_preview_follow_the_circle_they_cut() -> None:
    from svgpathtools import parse_path

    # three quarters of a turn: a half turn and a quarter, which a wrong flag would mirror
    a = np.linspace(0.3, 0.3 + 1.5 * math.pi, 240)
    hook = 100.0 + 20.0 * np.column_stack([np.cos(a), np.sin(a)])
    root = _parse(preview_svg(_program(_design([(hook, False)]), passes=1), None))
    (cut,) = [p for p in root.iter(f"{NS}path") if p.get("class") == "cut"]
    path = parse_path(cut.get("d"))
    assert sum(type(seg).__name__ == "Arc" for seg in path) >= 2
    pts = np.array([path.point(v) for v in np.linspace(0, 1, 2000)])  # machine coordinates
    assert np.allclose(np.abs(pts - complex(100.0, 100.0)), 20.0, atol=0.02)
    turned = np.unwrap(np.angle(pts - complex(100.0, 100.0)))
    assert np.ptp(turned) == pytest.approx(1.5 * math.pi, abs=0.05)

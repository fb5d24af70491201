"""Random but valid SVG documents, carved end to end and checked against an independent reading.

Each example composes a root (size units, viewBox, preserveAspectRatio), shapes of every kind
(path data with every command, absolute and relative, implicit repeats and terse numbers),
nested groups with transform lists, `<use>` of `<defs>` content, and paint from attributes,
`style=""`, a style sheet, inheritance and visibility. The G-code must honour the CAM contract
against `tests.cam.oracle` (svgelements): the cut follows every visible path within the
tolerance and nothing else (`check_contract` checks both directions), at the asked depth,
rapids at safe height, spindle first, M30 last; for GRBL every line is GRBL's.

Cases left out because the oracle reads them wrongly (see oracle.py's docstring):
- `S` after a quadratic and `T` after a cubic (svgelements reflects the other kind's control
  point); `S`/`T` after a line, a move, an arc or a close are generated;
- root `transform`, `transform-origin`, `<symbol>` with a viewBox, `%`, `em` and `Q` sizes, units
  in capitals, only one of width/height, `clip-path`, `stroke-dasharray`, markers, group
  `opacity`, `!important`, descendant/attribute selectors, `var()`: not generated (the oracle
  reads them wrongly; `test_fuzz_regressions` and the `test_svg_*` files check them by hand).
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from cam.errors import DesignError, PlacementError
from machines.carve import CarveOptions, carve
from tests.cam.oracle import oracle_design
from tests.gcode_reader import check_contract, grbl_program_errors

TOL = 0.02
SAFE_Z = 3.0
MM_PER = {
    "mm": 1.0,
    "cm": 10.0,
    "in": 25.4,
    "pt": 25.4 / 72,
    "pc": 25.4 / 6,
    "px": 25.4 / 96,
    "": 25.4 / 96,
}
ALIGNS = [f"x{a}Y{b}" for a in ("Min", "Mid", "Max") for b in ("Min", "Mid", "Max")]
SHEET = (
    "ellipse{stroke:#060}"  # a type selector, outweighed by the classes below
    ".s{fill:none;stroke:#000}.f{fill:#333;stroke:none}.fs{fill:red;stroke:blue}"
    ".n{fill:none;stroke:none}.z{fill:transparent;stroke:#000;stroke-width:0}"
    ".r{fill:none;stroke:#000;stroke-linecap:round}"
)
PAINT_ATTRS = {
    "s": 'fill="none" stroke="black"',
    "f": 'fill="#333" stroke="none"',
    "fs": 'fill="red" stroke="blue"',
    "n": 'fill="none" stroke="none"',
    "z": 'fill="rgba(0,0,0,0)" stroke="#000" stroke-width="0"',
    "r": 'fill="none" stroke="#000" stroke-linecap="round"',
}
PAINT_STYLES = {
    "s": 'style="fill:none;stroke:black"',
    "f": 'style="fill:#333;stroke:none"',
    "fs": 'style="fill:red; stroke:blue"',
    "n": 'style="fill: none; stroke: none"',
    "z": 'style="fill:#0000;stroke:black;stroke-width:0"',
    "r": 'style="fill:none;stroke:#000;stroke-linecap:square"',
}


# -- numbers as authors (and minifiers) write them ----------------------------------------------


def _num(draw, x: float) -> str:
    """`x` written plainly, with an exponent, or with a bare leading dot."""
    style = draw(st.sampled_from(["plain", "plain", "exp", "dot"]))
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    if style == "exp" and x != 0:
        mant, exp = f"{x:.4e}".split("e")
        s = f"{mant.rstrip('0').rstrip('.')}e{int(exp)}"
    elif style == "dot" and 0 < abs(x) < 1:
        s = s.replace("0.", ".", 1)
    return s


def _join(draw, tokens: list[str]) -> str:
    """Tokens with random separators, none where the grammar allows it (`.5.5`, `-.5-.5`)."""
    out = tokens[0]
    for tok in tokens[1:]:
        prev = out.split(" ")[-1].split(",")[-1]
        terse = tok.startswith("-") or (tok.startswith(".") and "." in prev and "e" not in prev)
        seps = [" ", ",", " , ", "  "] + ([""] * 2 if terse else [])
        out += draw(st.sampled_from(seps)) + tok
    return out


# -- path data --------------------------------------------------------------------------------


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    def point(self, draw) -> tuple[float, float]:
        # the middle of the box, so that transforms about its centre mostly keep the drawing on
        # the document (what leaves it must be refused: checked too)
        fx = draw(st.floats(0.3, 0.7))
        fy = draw(st.floats(0.3, 0.7))
        return round(self.x + fx * self.w, 3), round(self.y + fy * self.h, 3)


@dataclass
class _Pen:
    cur: tuple[float, float]
    start: tuple[float, float]
    last: str = "M"  # the kind of the previous command, upper case
    parts: list[str] = field(default_factory=list)


def _pts(draw, pen: _Pen, rel: bool, pts: list[tuple[float, float]]) -> list[str]:
    base = pen.cur if rel else (0.0, 0.0)
    out = []
    for x, y in pts:
        out += [_num(draw, round(x - base[0], 4)), _num(draw, round(y - base[1], 4))]
    return out


def _far(draw, box: Box, cur: tuple[float, float]) -> tuple[float, float]:
    """A point of the box not too near `cur` (a segment of visible length)."""
    x, y = box.point(draw)
    if math.hypot(x - cur[0], y - cur[1]) < 0.04 * min(box.w, box.h):
        x = round(x + (0.25 if x < box.x + box.w / 2 else -0.25) * box.w, 3)
    return x, y


def _command(draw, pen: _Pen, box: Box, kind: str) -> None:
    rel = draw(st.booleans())
    letter = kind.lower() if rel else kind
    repeats = draw(st.integers(1, 2)) if kind not in ("Z",) else 1
    groups: list[list[str]] = []
    for _ in range(repeats):
        if kind == "L":
            end = _far(draw, box, pen.cur)
            groups.append(_pts(draw, pen, rel, [end]))
        elif kind in ("H", "V"):
            end = _far(draw, box, pen.cur)
            end = (end[0], pen.cur[1]) if kind == "H" else (pen.cur[0], end[1])
            assume(math.hypot(end[0] - pen.cur[0], end[1] - pen.cur[1]) > 1e-3)
            v = end[0] if kind == "H" else end[1]
            base = (pen.cur[0] if kind == "H" else pen.cur[1]) if rel else 0.0
            groups.append([_num(draw, round(v - base, 4))])
        elif kind == "C":
            c1, c2, end = box.point(draw), box.point(draw), _far(draw, box, pen.cur)
            groups.append(_pts(draw, pen, rel, [c1, c2, end]))
        elif kind in ("S", "Q"):
            c, end = box.point(draw), _far(draw, box, pen.cur)
            groups.append(_pts(draw, pen, rel, [c, end]))
        elif kind == "T":
            end = _far(draw, box, pen.cur)
            groups.append(_pts(draw, pen, rel, [end]))
        elif kind == "A":
            end = _far(draw, box, pen.cur)
            chord = math.hypot(end[0] - pen.cur[0], end[1] - pen.cur[1])
            # radii from far too small (scaled up, SVG's F.6.6) to a few chords
            rx = round(chord * draw(st.floats(0.05, 2.0)), 3)
            ry = round(chord * draw(st.floats(0.05, 2.0)), 3)
            assume(rx > 0.01 and ry > 0.01)
            rot = draw(st.integers(-180, 360))
            large, sweep = draw(st.integers(0, 1)), draw(st.integers(0, 1))
            flags = draw(
                st.sampled_from([f"{large} {sweep}", f"{large},{sweep}", f"{large}{sweep}"])
            )
            tail = _pts(draw, pen, rel, [end])
            groups.append([_num(draw, rx), _num(draw, ry), str(rot), flags, *tail])
        if kind in ("L", "C", "S", "Q", "T", "A"):
            pen.cur = end
        elif kind in ("H", "V"):
            pen.cur = end
    if kind == "Z":
        pen.parts.append(letter)
        pen.cur = pen.start
    else:
        body = " ".join(_join(draw, g) for g in groups)  # a repeat needs no letter
        pen.parts.append(letter + draw(st.sampled_from(["", " "])) + body)
    pen.last = kind


@st.composite
def path_data(draw, box: Box) -> str:
    start = box.point(draw)
    pen = _Pen(cur=start, start=start)
    rel = draw(st.booleans())  # a first `m` is absolute; its extra pairs are relative lines
    first = [_num(draw, start[0]), _num(draw, start[1])]
    for _ in range(draw(st.integers(0, 2))):  # implicit lineto after the moveto
        end = _far(draw, box, pen.cur)
        first += _pts(draw, pen, rel, [end])
        pen.cur = end
    pen.parts.append(("m" if rel else "M") + _join(draw, first))
    drawn = 0  # drawing commands in the current subpath
    for _ in range(draw(st.integers(1, 6))):
        kinds = ["L", "H", "V", "C", "Q", "A"]
        # S after C/S or after no curve; T after Q/T or after no curve (see the module doc)
        if pen.last not in ("Q", "T"):
            kinds.append("S")
        if pen.last not in ("C", "S"):
            kinds.append("T")
        if drawn:
            kinds += ["Z", "m"]
        kind = draw(st.sampled_from(kinds))
        if kind == "m":  # a new subpath, often relative after a close
            end = _far(draw, box, pen.cur)
            rel = draw(st.booleans())
            tokens = _pts(draw, pen, rel, [end])
            pen.cur = pen.start = end
            if draw(st.booleans()):  # and an implicit lineto
                end = _far(draw, box, pen.cur)
                tokens += _pts(draw, pen, rel, [end])
                pen.cur = end
            pen.parts.append(("m" if rel else "M") + _join(draw, tokens))
            pen.last, drawn = "M", 0
            kind = draw(st.sampled_from(["L", "C", "Q", "A", "H"]))
        _command(draw, pen, box, kind)
        drawn = 0 if kind == "Z" else drawn + 1
        if kind == "Z" and draw(st.booleans()):
            # a command straight after Z starts a subpath at the closed one's start
            _command(draw, pen, box, draw(st.sampled_from(["L", "C", "Q", "A"])))
            drawn = 1
    if draw(st.integers(0, 5)) == 0:  # a subpath of zero length: a dot unless caps are butt
        x, y = box.point(draw)
        pen.parts.append(f"M{x} {y}" + draw(st.sampled_from(["z", "Z", "h0", "l0 0", f"L{x} {y}"])))
    return draw(st.sampled_from([" ", ""])).join(pen.parts)


# -- shapes, groups, the root -----------------------------------------------------------------


@st.composite
def paint(draw) -> str:
    """Paint by class, attributes, style, or nothing (inherited from the group)."""
    kind = draw(st.sampled_from(["s", "s", "f", "f", "fs", "n", "z", "r"]))  # mostly painted
    how = draw(st.sampled_from(["class", "attr", "style", "inherit"]))
    if how == "class":
        return f'class="{kind}"'
    if how == "attr":
        return PAINT_ATTRS[kind]
    if how == "style":
        return PAINT_STYLES[kind]
    return ""


@st.composite
def transform(draw, box: Box) -> str:
    def n(lo, hi):
        return _num(draw, round(draw(st.floats(lo, hi)), 3))

    items = []
    for _ in range(draw(st.integers(1, 3))):
        k = draw(
            st.sampled_from(["matrix", "translate", "scale", "rotate", "rotatec", "skewX", "skewY"])
        )
        if k == "matrix":  # a turn of a scaled shear: never singular
            sx, sy = (draw(st.floats(0.6, 1.3)) * draw(st.sampled_from([1, -1])) for _ in "xy")
            sh, t = draw(st.floats(-0.6, 0.6)), math.radians(draw(st.floats(-180, 180)))
            a, b = sx * math.cos(t), sx * math.sin(t)
            c, d = (
                sh * sx * math.cos(t) - sy * math.sin(t),
                sh * sx * math.sin(t) + sy * math.cos(t),
            )
            e = round(draw(st.floats(-0.1, 0.1)) * box.w, 3)
            f = round(draw(st.floats(-0.1, 0.1)) * box.h, 3)
            m = " ".join(_num(draw, round(v, 4)) for v in (a, b, c, d))
            items.append(f"matrix({m} {e} {f})")
        elif k == "translate":
            tx = round(draw(st.floats(-0.1, 0.1)) * box.w, 3)
            ty = round(draw(st.floats(-0.1, 0.1)) * box.h, 3)
            items.append(
                draw(
                    st.sampled_from(
                        [f"translate({tx})", f"translate({tx},{ty})", f"translate({tx} {ty})"]
                    )
                )
            )
        elif k == "scale":
            sx, sy = n(0.6, 1.3), n(0.6, 1.3)
            items.append(
                draw(st.sampled_from([f"scale({sx})", f"scale({sx} {sy})", f"scale({sx},-{sy})"]))
            )
        elif k == "rotate":
            items.append(f"rotate({n(-180, 180)})")
        elif k == "rotatec":
            cx, cy = box.point(draw)
            items.append(f"rotate({n(-180, 180)} {cx} {cy})")
        else:
            items.append(f"{k}({n(-30, 30)})")
    if draw(st.integers(0, 3)):  # mostly about the box's centre: a list of several
        cx, cy = round(box.x + box.w / 2, 3), round(box.y + box.h / 2, 3)
        items = [f"translate({cx} {cy})", *items, f"translate({-cx} {-cy})"]
    return draw(st.sampled_from([" ", ",", ", "])).join(items)


@st.composite
def shape(draw, box: Box, hideable: bool = True) -> str:
    k = draw(
        st.sampled_from(
            ["path", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon"]
        )
    )
    size = min(box.w, box.h)
    if k == "path":
        geo = f'd="{draw(path_data(box))}"'
    elif k == "rect":
        x, y = box.point(draw)
        w = round(draw(st.floats(0.05, 0.3)) * box.w, 3)
        h = round(draw(st.floats(0.05, 0.3)) * box.h, 3)
        r = round(draw(st.floats(0.0, 0.8)) * min(w, h), 3)  # up to beyond half a side
        r2 = round(draw(st.floats(0.0, 0.8)) * min(w, h), 3)
        radii = draw(st.sampled_from(["", f'rx="{r}"', f'ry="{r}"', f'rx="{r}" ry="{r2}"']))
        geo = f'x="{x}" y="{y}" width="{w}" height="{h}" {radii}'
    elif k == "circle":
        (cx, cy), r = box.point(draw), round(draw(st.floats(0.03, 0.2)) * size, 3)
        geo = f'cx="{cx}" cy="{cy}" r="{r}"'
    elif k == "ellipse":
        (cx, cy) = box.point(draw)
        rx, ry = (round(draw(st.floats(0.03, 0.2)) * size, 3) for _ in range(2))
        geo = f'cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}"'
    elif k == "line":
        (x1, y1), (x2, y2) = box.point(draw), box.point(draw)
        assume(math.hypot(x2 - x1, y2 - y1) > 0.02 * size)
        geo = f'x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"'
    else:
        pts = [box.point(draw)]
        for _ in range(draw(st.integers(1 if k == "polyline" else 2, 5))):
            pts.append(_far(draw, box, pts[-1]))
        geo = 'points="' + _join(draw, [_num(draw, v) for p in pts for v in p]) + '"'
    extra = draw(paint())
    if draw(st.integers(0, 3)) == 0:
        extra += f' transform="{draw(transform(box))}"'
    if hideable and draw(st.integers(0, 7)) == 0:
        extra = _hidden(extra, draw(st.sampled_from(["visibility:hidden", "display:none"])), draw)
    return f"<{k} {geo} {extra}/>"


def _hidden(attrs: str, decl: str, draw) -> str:
    """`attrs` with `decl` added, as an attribute or in the `style` the element may have."""
    if 'style="' in attrs and draw(st.booleans()):
        return attrs.replace('style="', f'style="{decl};', 1)
    if 'style="' not in attrs and draw(st.booleans()):
        return attrs + f' style="{decl}"'
    name, value = decl.split(":")
    return attrs + f' {name}="{value}"'


@st.composite
def group(draw, box: Box, depth: int) -> str:
    children = []
    for _ in range(draw(st.integers(1, 3))):
        if depth < 2 and draw(st.integers(0, 2)) == 0:
            children.append(draw(group(box, depth + 1)))
        else:
            children.append(draw(shape(box)))
    attrs = ""
    if draw(st.booleans()):
        attrs += f' transform="{draw(transform(box))}"'
    attrs += " " + draw(paint())
    vis = draw(st.sampled_from(["", "", "", "hidden", "hidden-visible", "display"]))
    if vis in ("hidden", "hidden-visible"):
        attrs = _hidden(attrs, "visibility:hidden", draw)
    if vis == "hidden-visible":  # a visible child under a hidden parent is drawn
        child = draw(shape(box, hideable=False))
        children.append(child[:-2] + ' visibility="visible"/>')
    elif vis == "display":
        attrs = _hidden(attrs, "display:none", draw)
    return f"<g{attrs}>" + "".join(children) + "</g>"


@st.composite
def used(draw, box: Box, n: int) -> tuple[str, str]:
    """A `<defs>` shape or group and a `<use>` of it with x/y (and maybe a transform, paint)."""
    if draw(st.booleans()):
        body = draw(shape(box)).replace(" ", f' id="d{n}" ', 1)
    else:
        body = draw(group(box, 1)).replace("<g", f'<g id="d{n}"', 1)
    x = round(draw(st.floats(-0.1, 0.1)) * box.w, 3)
    y = round(draw(st.floats(-0.1, 0.1)) * box.h, 3)
    href = draw(st.sampled_from(["href", "xlink:href"]))
    attrs = f'{href}="#d{n}" x="{x}" y="{y}" {draw(paint())}'
    if draw(st.booleans()):
        attrs += f' transform="{draw(transform(box))}"'
    return body, f"<use {attrs}/>"


@st.composite
def svg_document(draw) -> str:
    w_mm = round(draw(st.floats(8.0, 120.0)), 2)
    h_mm = round(draw(st.floats(8.0, 120.0)), 2)
    unit = draw(st.sampled_from(list(MM_PER) + ["missing"]))
    has_vb = unit == "missing" or draw(st.booleans())
    head = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    if has_vb:
        vx = round(draw(st.floats(-60.0, 60.0)), 2)
        vy = round(draw(st.floats(-60.0, 60.0)), 2)
        vw = round(draw(st.floats(10.0, 200.0)), 2)
        vh = round(draw(st.floats(10.0, 200.0)), 2)
        if unit == "missing":  # the size is the viewBox's, in px
            vw, vh = round(w_mm * 96 / 25.4, 2), round(h_mm * 96 / 25.4, 2)
        head += f' viewBox="{vx} {vy} {vw} {vh}"'
        box = Box(vx, vy, vw, vh)
        par = draw(
            st.sampled_from(
                ["", "none"]
                + ALIGNS
                + [f"{a} slice" for a in ALIGNS]
                + [f"{a} meet" for a in ALIGNS]
            )
        )
        if par:
            head += f' preserveAspectRatio="{par}"'
    else:
        box = Box(0.0, 0.0, w_mm * 96 / 25.4, h_mm * 96 / 25.4)  # user units are px
    if unit != "missing":
        k = MM_PER[unit]
        head += f' width="{round(w_mm / k, 4)}{unit}" height="{round(h_mm / k, 4)}{unit}"'
    body = []
    if draw(st.booleans()):
        body.append(f"<style>{SHEET}</style>")
    defs, uses = [], []
    for i in range(draw(st.integers(0, 1))):
        d, u = draw(used(box, i))
        defs.append(d)
        uses.append(u)
    if defs:
        body.append("<defs>" + "".join(defs) + "</defs>")
    for _ in range(draw(st.integers(1, 3))):
        body.append(draw(group(box, 0)) if draw(st.booleans()) else draw(shape(box)))
    body += uses
    return f"<svg {head}>" + "".join(body) + "</svg>"


# -- the check --------------------------------------------------------------------------------


def _oracle(svg: str):
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "design.svg"
        f.write_text(svg)
        return oracle_design(f)


def check_design(svg: str, depth: float, dialect: str, arcs: bool = True) -> list[str]:
    """The contract's violations for `svg` carved at `depth` in `dialect` (empty when kept)."""
    width, height, paths = _oracle(svg)
    over = 0.0  # how far the drawing leaves the document, mm
    if paths:
        pts = np.vstack([p.points for p in paths])
        over = max(
            -pts[:, 0].min(), -pts[:, 1].min(), pts[:, 0].max() - width, pts[:, 1].max() - height
        )
        # within a hair of the edge either answer is right
        assume(not (TOL - 0.01 < over < TOL + 0.03))
    event("empty" if not paths else "off the document" if over > TOL else "cut")
    options = CarveOptions(depth=depth, tolerance=TOL, dialect=dialect, safe_z=SAFE_Z, arcs=arcs)
    try:
        result = carve(svg.encode(), options)
    except PlacementError as exc:
        return [] if over > TOL else [f"refused a design on its document: {exc}"]
    except DesignError as exc:  # nothing to carve
        return [] if not paths else [f"refused a design with {len(paths)} visible paths: {exc}"]
    if not paths:
        return ["cut a design the oracle finds empty"]
    if over > TOL:
        return [f"cut a design that leaves its document by {over:.3f} mm"]
    oracle = [(p.points, p.closed) for p in paths]
    problems = check_contract(result.gcode, oracle, depth=depth, safe_z=SAFE_Z, tolerance=TOL)
    if dialect == "grbl":
        problems += [f"grbl line {n}: {why}" for n, why in grbl_program_errors(result.gcode)]
    return problems


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@FUZZ
@given(
    svg=svg_document(),
    depth=st.sampled_from([0.1, 0.3, 0.75]),
    dialect=st.sampled_from(["grbl", "linuxcnc", "mach3"]),
    arcs=st.booleans(),
)
def test_random_designs_are_cut_as_read_independently(
    svg: str, depth: float, dialect: str, arcs: bool
) -> None:
    assert check_design(svg, depth, dialect, arcs) == [], svg


@pytest.mark.slow
@settings(FUZZ, max_examples=250)
@given(svg=svg_document(), dialect=st.sampled_from(["grbl", "linuxcnc", "mach3"]))
def test_random_designs_many(svg: str, dialect: str) -> None:
    assert check_design(svg, 0.3, dialect) == [], svg


# -- cases the oracle reads wrongly, checked against hand-computed geometry ----------------------
# The oracle's deviations that the random documents avoid, each with a small design whose cut is
# computed here from the SVG 2 definitions (Chromium draws the same). A case our CAM got wrong
# would be listed here as `xfail(strict=True)` with the reason; none is known.

DOC = '<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="30mm" viewBox="0 0 40 30">'
_T = np.linspace(0.0, 1.0, 400)[:, None]


def _machine(pts: np.ndarray) -> np.ndarray:
    """User units (1 mm here) to machine mm: Y up from the bottom of the 30 mm document."""
    return np.column_stack([pts[:, 0], 30.0 - pts[:, 1]])


def _bezier(*ctrl: tuple[float, float]) -> np.ndarray:
    p = [np.array(c, dtype=float) for c in ctrl]
    if len(p) == 3:
        return (1 - _T) ** 2 * p[0] + 2 * (1 - _T) * _T * p[1] + _T**2 * p[2]
    return (
        (1 - _T) ** 3 * p[0]
        + 3 * (1 - _T) ** 2 * _T * p[1]
        + 3 * (1 - _T) * _T**2 * p[2]
        + _T**3 * p[3]
    )


def _ellipse(cx: float, cy: float, rx: float, ry: float, m: np.ndarray | None = None) -> np.ndarray:
    a = np.linspace(0.0, 2 * np.pi, 2000)
    pts = np.column_stack([cx + rx * np.cos(a), cy + ry * np.sin(a)])
    return pts if m is None else pts @ np.asarray(m).T


def _rounded_rect(x: float, y: float, w: float, h: float, r: float) -> np.ndarray:
    a = np.linspace(0.0, np.pi / 2, 200)
    corners = [
        (x + w - r, y + h - r, 0.0),
        (x + r, y + h - r, 0.5),
        (x + r, y + r, 1.0),
        (x + w - r, y + r, 1.5),
    ]
    return np.vstack(
        [
            np.column_stack([cx + r * np.cos(a + k * np.pi), cy + r * np.sin(a + k * np.pi)])
            for cx, cy, k in corners
        ]
    )


SKEW = np.array([[1.0, math.tan(math.radians(30))], [0.0, 1.0]])
LINE = '<path fill="none" stroke="#000" d="M30 25 H35"/>'
LINE_PTS = (_machine(np.array([[30.0, 25.0], [35.0, 25.0]])), False)
HAND_CASES = {
    # SVG 2 path grammar: S after a non-cubic takes the current point as its first control
    "S after Q": (
        '<path fill="none" stroke="#000" d="M5 5 Q10 20 15 5 S25 20 30 5"/>',
        [
            (
                _machine(
                    np.vstack(
                        [
                            _bezier((5, 5), (10, 20), (15, 5)),
                            _bezier((15, 5), (15, 5), (25, 20), (30, 5)),
                        ]
                    )
                ),
                False,
            )
        ],
    ),
    # ... and T after a non-quadratic is a straight line (its control is the current point)
    "T after C": (
        '<path fill="none" stroke="#000" d="M5 5 C10 20 12 20 15 5 T30 5"/>',
        [
            (
                _machine(np.vstack([_bezier((5, 5), (10, 20), (12, 20), (15, 5)), [[30.0, 5.0]]])),
                False,
            )
        ],
    ),
    # SVG 2 geometry properties: a missing ry is auto, that is rx (svgelements takes 1)
    "ellipse ry auto": (
        '<ellipse cx="20" cy="15" rx="8" fill="none" stroke="#000"/>',
        [(_machine(_ellipse(20, 15, 8, 8)), True)],
    ),
    # a negative rx is invalid, so auto: rx = ry (svgelements keeps -3)
    "rect negative rx": (
        '<rect x="5" y="5" width="20" height="10" rx="-3" ry="2" fill="none" stroke="#000"/>',
        [(_machine(_rounded_rect(5, 5, 20, 10, 2)), True)],
    ),
    # an arc under skew is the skewed ellipse (svgelements' own reification is off by mm)
    "circle under skew": (
        '<circle cx="10" cy="12" r="5" transform="skewX(30)" fill="none" stroke="#000"/>',
        [(_machine(_ellipse(10, 12, 5, 5, SKEW)), True)],
    ),
    # group opacity 0 draws nothing (svgelements draws the group)
    "group opacity 0": (
        '<g opacity="0"><rect x="5" y="5" width="8" height="6"/></g>' + LINE,
        [LINE_PTS],
    ),
    # a fill that covers nothing draws nothing (svgelements keeps the line)
    "filled line": ('<path d="M5 5 V20"/>' + LINE, [LINE_PTS]),
    # CSS property names and keywords are case-insensitive (svgelements ignores both)
    "capital CSS": (
        '<rect x="5" y="5" width="8" height="6" style="FILL:none"/>'
        '<rect x="5" y="15" width="8" height="6" fill="NONE"/>' + LINE,
        [LINE_PTS],
    ),
    # equal specificity: the later rule wins, whatever the order of the class names
    # (svgelements applies them in the attribute's order)
    "class order": (
        "<style>.a{fill:none;stroke:red}.b{stroke:none}</style>"
        '<rect class="b a" x="5" y="5" width="8" height="6"/>' + LINE,
        [LINE_PTS],
    ),
    # a % radius is of the viewport's diagonal / sqrt 2: 50 / sqrt 2 here (svgelements: width)
    "percent radius": (
        '<circle cx="20" cy="15" r="10%" fill="none" stroke="#000"/>',
        [(_machine(_ellipse(20, 15, 50 / math.sqrt(2) / 10, 50 / math.sqrt(2) / 10)), True)],
    ),
    # an element's own opacity 0 draws nothing either
    "opacity 0": ('<rect x="5" y="5" width="8" height="6" opacity="0"/>' + LINE, [LINE_PTS]),
}


@pytest.mark.parametrize("name", list(HAND_CASES))
def test_fuzz_regressions(name: str) -> None:
    body, expected = HAND_CASES[name]
    result = carve((DOC + body + "</svg>").encode(), CarveOptions(depth=0.3, tolerance=TOL))
    assert check_contract(result.gcode, expected, depth=0.3, safe_z=SAFE_Z, tolerance=TOL) == []


def test_the_check_sees_a_cut_too_many_and_a_path_missed() -> None:
    """The property above can fail: a cut the oracle does not have, and one it has but the
    program lacks, are both reported."""
    two = DOC + '<circle cx="10" cy="12" r="5" fill="none" stroke="#000"/>' + LINE + "</svg>"
    result = carve(two.encode(), CarveOptions(depth=0.3, tolerance=TOL))
    circle = (_machine(_ellipse(10, 12, 5, 5)), True)
    assert check_contract(result.gcode, [circle, LINE_PTS], 0.3, SAFE_Z, TOL) == []
    too_many = check_contract(result.gcode, [circle], 0.3, SAFE_Z, TOL)
    assert any("off the design" in v for v in too_many)
    extra = (_machine(np.array([[5.0, 28.0], [20.0, 28.0]])), False)
    missed = check_contract(result.gcode, [circle, LINE_PTS, extra], 0.3, SAFE_Z, TOL)
    assert any("not cut at full depth" in v for v in missed)
    nudged = (circle[0] + [0.05, 0.0], True)  # half a tenth off: beyond the 0.02 mm tolerance
    assert check_contract(result.gcode, [nudged, LINE_PTS], 0.3, SAFE_Z, TOL) != []

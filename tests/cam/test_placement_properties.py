"""Properties of placement: a fit is contained and maximal; the containment check agrees with
the circles' own geometry."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cam.errors import PlacementError
from cam.pieces import PieceSpec, get_face
from cam.placement import check_containment, place
from cam.svg import load_svg
from cam.toolpath import Placement, Tool, ToolKind

BALL = Tool("ball-1.0", ToolKind.BALL, 1.0)
BI = get_face(PieceSpec.parse("bi_disc:outer=58,inner=20,thickness=5"), "front")
# polygonal circles of the faces sit within 0.0022 mm of the true ones
SLACK = 0.01


def _rect(w: float, h: float):
    return load_svg(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w + 2}mm" height="{h + 2}mm" '
        f'viewBox="0 0 {w + 2} {h + 2}"><rect id="r" x="1" y="1" width="{w}" height="{h}" '
        'fill="none" stroke="#000"/></svg>'
    )


def _segment(x0: float, y0: float, x1: float, y1: float):
    # a 200 mm document; machine y = 200 - svg y, undone by the placement's offset below
    return load_svg(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200mm" height="200mm" '
        f'viewBox="0 0 200 200"><path id="s" d="M{x0} {-y0} L{x1} {-y1}" fill="none" '
        'stroke="#000"/></svg>'
    )


def _scaled(p: Placement, design, factor: float) -> Placement:
    """The same placement, scaled by `factor` about the design's placed centre."""
    x0, y0, x1, y1 = design.bounds()
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    a = math.radians(p.rotation_deg)
    px = p.scale * (math.cos(a) * cx - math.sin(a) * cy) + p.offset_x
    py = p.scale * (math.sin(a) * cx + math.cos(a) * cy) + p.offset_y
    s = p.scale * factor
    return Placement(
        s,
        p.rotation_deg,
        px - s * (math.cos(a) * cx - math.sin(a) * cy),
        py - s * (math.sin(a) * cx + math.cos(a) * cy),
    )


@settings(max_examples=40, deadline=None)
@given(
    w=st.floats(1, 80),
    h=st.floats(1, 80),
    width=st.floats(8, 120),
    height=st.floats(8, 120),
    rotation=st.floats(-180, 180),
    margin=st.floats(0, 1.5),
)
def test_fit_on_a_plaque_is_contained_and_as_large_as_can_be(w, h, width, height, rotation, margin):
    face = get_face(PieceSpec(shape="plaque", width=width, height=height, thickness=5), "front")
    assume(min(width, height) > 2 * (margin + BALL.radius) + 0.1)
    design = _rect(w, h)
    p = place(design, face, BALL, rotation_deg=rotation, margin=margin)
    check_containment(design, p, face, BALL, margin)
    with pytest.raises(PlacementError):
        check_containment(design, _scaled(p, design, 1.001), face, BALL, margin)


@settings(max_examples=25, deadline=None)
@given(w=st.floats(1, 60), h=st.floats(1, 60), margin=st.floats(0, 1))
def test_fit_on_a_bi_disc_is_contained_and_locally_maximal(w, h, margin):
    design = _rect(w, h)
    p = place(design, BI, BALL, margin=margin)
    check_containment(design, p, BI, BALL, margin)
    with pytest.raises(PlacementError):
        check_containment(design, _scaled(p, design, 1.002), BI, BALL, margin)


@settings(max_examples=60, deadline=None)
@given(
    st.tuples(*[st.floats(-32, 32)] * 4).filter(
        lambda t: math.hypot(t[2] - t[0], t[3] - t[1]) > 0.5
    ),
    st.floats(0, 1),
)
def test_containment_on_a_bi_disc_agrees_with_its_circles(seg, margin):
    x0, y0, x1, y1 = seg
    design = _segment(x0, y0, x1, y1)
    placement = Placement(1.0, 0.0, 0.0, -200.0)  # svg y -> 200 - y; back to (x, y)
    # the segment's nearest and farthest points from the centre
    a, b = np.array([x0, y0]), np.array([x1, y1])
    t = np.clip(-a @ (b - a) / ((b - a) @ (b - a)), 0, 1)
    near = float(np.linalg.norm(a + t * (b - a)))
    far = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    clear = margin + BALL.radius
    inside = min(near - (10 + clear), (29 - clear) - far)
    assume(abs(inside) > SLACK)
    if inside > 0:
        check_containment(design, placement, BI, BALL, margin)
    else:
        with pytest.raises(PlacementError) as exc:
            check_containment(design, placement, BI, BALL, margin)
        over = float(str(exc.value).split(" by ")[1].split(" mm")[0])
        worst = max((10 + clear) - near, far - (29 - clear))
        # printed to 0.01 mm; sampled every 0.01 mm; circles are polygons within 0.002 mm
        assert over == pytest.approx(worst, abs=0.012)
        edge = "inner edge (hole)" if (10 + clear) - near >= far - (29 - clear) else "outer edge"
        assert edge in str(exc.value)

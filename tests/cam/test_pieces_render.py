"""The set-up sheet's picture of a piece: the stone where the model is, the design on its face."""

from __future__ import annotations

import io

import numpy as np
import trimesh
from hypothesis import given, settings
from hypothesis import strategies as st

from cam.pieces.faces import get_face
from cam.pieces.models import piece_mesh
from cam.pieces.render import (
    BACKGROUND,
    LINE_OK,
    LINE_REFUSED,
    View,
    face_points_3d,
    piece_glb,
    render_piece,
)
from cam.pieces.spec import PieceSpec

DISC = PieceSpec.parse("bi_disc:outer=50,inner=12,thickness=5")
SMALL = View(width=200, height=150)


def _is(image: np.ndarray, colour: np.ndarray) -> np.ndarray:
    return np.all(np.abs(image.astype(float) - colour * 255.0) <= 1.0, axis=2)


def _circle(cx: float, cy: float, r: float, n: int = 90) -> np.ndarray:
    t = np.linspace(0.0, 2.0 * np.pi, n)
    return np.column_stack([cx + r * np.cos(t), cy + r * np.sin(t)])


def test_the_stone_fills_the_middle_and_the_hole_shows_through() -> None:
    image = render_piece(DISC, "front", view=SMALL)
    background = _is(image, BACKGROUND)
    assert background[0, 0] and background[-1, -1]  # corners: no stone
    h, w = background.shape
    # the top face's ring, half way between hole and rim, straight right of the centre
    assert not background[h // 2 - 10, int(w * 0.75)]
    # the hole: seen from above at a tilt, its far wall or the table behind, never the top
    assert (~background).sum() > 0.3 * h * w


def test_a_design_on_the_face_is_drawn_on_the_stone() -> None:
    ring = _circle(0.0, 0.0, 15.0)
    image = render_piece(DISC, "front", [ring], view=SMALL)
    drawn = _is(image, LINE_OK)
    assert drawn.sum() > 100
    refused = render_piece(DISC, "front", [ring], refused=True, view=SMALL)
    assert _is(refused, LINE_REFUSED).sum() == drawn.sum()
    assert not _is(refused, LINE_OK).any()


def test_a_line_behind_the_piece_is_hidden() -> None:
    # a bangle seen from the front: a design on the far side of its band is behind the stone
    spec = PieceSpec.parse("bangle:inner=56,thickness=8,width=14")
    face = get_face(spec, "outer")
    half = face.band.circumference / 2.0  # type: ignore[union-attr]
    back = np.array([[half - 5.0, 0.0], [half - 1.0, 0.0]])  # on the far side of the bangle
    front = np.array([[-2.0, 0.0], [2.0, 0.0]])
    assert _is(render_piece(spec, "outer", [front], view=SMALL), LINE_OK).sum() > 0
    assert _is(render_piece(spec, "outer", [back], view=SMALL), LINE_OK).sum() == 0


def test_face_points_sit_on_the_top_of_a_flat_face() -> None:
    pts = face_points_3d(DISC, get_face(DISC, "front"), np.array([[10.0, 0.0], [0.0, -20.0]]))
    assert np.allclose(pts[:, 2], DISC.thickness)
    assert np.allclose(pts[:, :2], [[10.0, 0.0], [0.0, -20.0]])
    back = face_points_3d(DISC, get_face(DISC, "back"), np.array([[10.0, 0.0]]))
    assert np.allclose(back, [[10.0, 0.0, DISC.thickness]])  # drawn with the piece turned over


def test_face_points_on_a_band_lie_on_the_crown() -> None:
    spec = PieceSpec.parse("bangle:inner=56,thickness=8,width=14")
    face = get_face(spec, "outer")
    xs = np.linspace(-40.0, 40.0, 9)
    pts = face_points_3d(spec, face, np.column_stack([xs, np.zeros_like(xs)]))
    assert np.allclose(np.hypot(pts[:, 0], pts[:, 1]), 28.0 + 8.0)
    assert np.allclose(pts[:, 2], spec.band_width / 2.0)
    # arc length along the crown is the face's x
    assert np.allclose(np.arctan2(pts[1:, 1], pts[1:, 0]) - np.arctan2(pts[:-1, 1], pts[:-1, 0]),
                       10.0 / 36.0)


@settings(max_examples=15, deadline=None)
@given(d=st.floats(9.0, 22.0), share=st.floats(0.1, 1.0), angle=st.floats(0.0, 6.28))
def test_a_design_inside_the_face_only_marks_stone(d: float, share: float, angle: float) -> None:
    """Property: every pixel a design on the ring colours was stone in the plain picture.

    The ring runs from r 6 to 25 mm; the circle keeps 1 mm (over 3 pixels) from both rims."""
    plain = _is(render_piece(DISC, "front", view=SMALL), BACKGROUND)
    radius = share * min(d - 7.0, 24.0 - d) + 0.05
    circle = _circle(d * np.cos(angle), d * np.sin(angle), radius)
    marked = _is(render_piece(DISC, "front", [circle], view=SMALL), LINE_OK)
    assert marked.any()
    assert not (marked & plain).any()


def test_glb_is_the_same_solid() -> None:
    loaded = trimesh.load(io.BytesIO(piece_glb(DISC)), file_type="glb", force="mesh")
    assert abs(loaded.volume - piece_mesh(DISC).volume) < 1e-6 * piece_mesh(DISC).volume

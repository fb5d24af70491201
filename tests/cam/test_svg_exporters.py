"""Hand-made files in the shape each editor exports (Illustrator's entity DOCTYPE and
style entities, CorelDRAW's CDATA classes, Figma's frame clip, Affinity's serif: namespace,
Sketch's flipped polygons), read by cam.svg and by the independent oracle (svgelements):
both must find the same paths at the same place, and the same document size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial import cKDTree

from cam.svg import load_svg
from tests.cam.oracle import oracle_design

HERE = Path(__file__).parent / "realworld" / "exporters"
TOL = 0.05  # mm: flattening on both sides (0.02 each) and the oracle's sampling


def _dense(points: np.ndarray, closed: bool, step: float = 0.02) -> np.ndarray:
    pts = np.vstack([points, points[:1]]) if closed and len(points) > 2 else points
    out = [pts[:1]]
    for a, b in zip(pts[:-1], pts[1:], strict=True):
        n = max(1, int(np.ceil(np.hypot(*(b - a)) / step)))
        out.append(a + (b - a) * np.linspace(0, 1, n + 1)[1:, None])
    return np.vstack(out)


# file -> (paths as (element id, kind), in cut order)
EXPECTED = {
    "illustrator10_entities.svg": [("cloud", "stroke"), ("seal", "fill"), ("dot", "fill")],
    "coreldraw_cdata_classes.svg": [
        ("path#1", "fill"),
        ("path#1", "fill"),
        ("ellipse#1", "stroke"),
        ("polyline#1", "stroke"),
    ],
    "figma_frame_clip.svg": [
        ("rect#1", "fill"),
        ("path#1", "stroke"),
        ("path#2", "fill"),
        ("path#2", "fill"),
    ],
    "affinity_serif.svg": [("circle#1", "stroke"), ("path#1", "fill")],
    "sketch_flipped_polygons.svg": [
        ("Path-5", "fill"),
        ("Polygon", "stroke"),
        ("Path-4", "stroke"),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exporter_file_read_like_the_oracle(name, tmp_path):
    path = HERE / name
    design = load_svg(path)
    assert [(p.element_id, p.kind) for p in design.paths] == EXPECTED[name]
    assert design.warnings == ()
    text = path.read_text(encoding="latin-1")
    # svgelements reads Illustrator's xmlns:x namespace declaration as the root's x
    # attribute and shifts the drawing by it (see oracle.py); the prefix is renamed for it
    oracle_file = tmp_path / name
    oracle_file.write_text(text.replace("xmlns:x=", "xmlns:xf="), encoding="latin-1")
    width, height, paths = oracle_design(oracle_file)
    assert (design.width_mm, design.height_mm) == pytest.approx((width, height), abs=1e-3)
    ours = np.vstack([_dense(p.points, p.closed) for p in design.paths])
    theirs = np.vstack([_dense(p.points, p.closed) for p in paths])
    assert cKDTree(ours).query(theirs)[0].max() < TOL  # nothing visible is left out
    assert cKDTree(theirs).query(ours)[0].max() < TOL  # nothing else is cut


def test_illustrator_style_entities_give_the_paint():
    design = load_svg(HERE / "illustrator10_entities.svg")
    by = {p.element_id: p for p in design.paths}
    assert by["cloud"].stroke_width_mm == pytest.approx(1.5 * 25.4 / 96)
    assert by["cloud"].closed  # "...H14.5z"
    assert len(by["seal"].points) == 4

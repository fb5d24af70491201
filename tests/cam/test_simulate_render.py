"""The shaded-relief PNG: a valid file, north up, deeper is darker, with a depth scale."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from cam.simulate import Heightmap, render_png, shape_of
from cam.simulate.render import shade, write_png
from cam.toolpath import Tool, ToolKind


def decode_png(data: bytes) -> np.ndarray:
    """(h, w, 3) pixels of an 8-bit RGB PNG with filter 0 rows (what our writer makes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(tag + body)
        if tag == b"IHDR":
            w, h, bits, colour, *_ = struct.unpack(">IIBBBBB", body)
            assert (bits, colour) == (8, 2)
            size = (h, w)
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    assert size is not None
    h, w = size
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + 3 * w)
    assert (raw[:, 0] == 0).all()
    return raw[:, 1:].reshape(h, w, 3)


def test_writer_round_trips_pixels() -> None:
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (7, 11, 3), dtype=np.uint8)
    np.testing.assert_array_equal(decode_png(write_png(pixels)), pixels)
    with pytest.raises(ValueError, match=r"\(h, w, 3\)"):
        write_png(np.zeros((4, 4), np.uint8))


def _carved() -> Heightmap:
    hm = Heightmap.for_face((0, 0, 20, 10), 0.1)
    ball = shape_of(Tool("ball-1.0", ToolKind.BALL, 1.0))
    # a groove along the top part of the face only
    hm.sweep(np.array([[2.0, 8.0, -0.4]]), np.array([[18.0, 8.0, -0.4]]), ball)
    return hm


def test_relief_is_north_up_and_darker_where_deeper() -> None:
    hm = _carved()
    image = decode_png(render_png(hm, depth=0.4, legend=False)).astype(int)
    assert image.shape == (100, 200, 3)
    groove = image[100 - 80 - 1, 100]  # row of y = 8 mm, counted from the top
    surface = image[100 - 30, 100]
    assert groove.sum() < surface.sum() - 100
    assert groove[1] > groove[0] and surface[1] > surface[0]  # green dominates: jade


def test_legend_adds_a_scale_beside_the_relief() -> None:
    hm = _carved()
    with_legend = decode_png(render_png(hm, depth=0.4))
    assert with_legend.shape[1] > 200
    bar = with_legend[:, 200 + 6 : 200 + 18].astype(int).sum(axis=(1, 2))
    painted = bar[bar < 255 * 3 * 12]
    assert len(painted) > 40
    assert painted[0] > painted[-1]  # pale at 0 mm, dark at full depth


def test_hillshade_lights_slopes_facing_the_light() -> None:
    hm = Heightmap.for_face((0, 0, 10, 10), 0.1)
    xs, ys = hm.centres()
    hm.z[:] = -0.05 * xs[None, :]  # falls towards the east: faces away from a western light
    east = shade(hm, azimuth_deg=90.0)
    west = shade(hm, azimuth_deg=270.0)
    assert (east[5:-5, 5:-5] > west[5:-5, 5:-5]).all()


def test_large_maps_are_subsampled() -> None:
    hm = Heightmap.for_face((0, 0, 30, 10), 0.05)
    image = decode_png(render_png(hm, max_pixels=300, legend=False))
    assert image.shape == (100, 300, 3)


def _reddish(image: np.ndarray) -> int:
    rgb = image.astype(int)
    return int(((rgb[..., 0] > 120) & (rgb[..., 1] < 60) & (rgb[..., 2] < 60)).sum())


@pytest.mark.parametrize(("dx", "red"), [(0.0, False), (1.0, True)])
def test_stone_removed_outside_the_design_is_painted_red(dx: float, red: bool) -> None:
    from cam.simulate import simulate

    gcode = (
        f"G21 G90\nG1 Z3 F500\nG0 X{5 + dx} Y5\nM3 S20000\nG1 Z-0.3 F100\n"
        f"G1 X{15 + dx} F500\nG1 Z3\nM30\n"
    )
    path = [np.array([[5.0, 5.0], [15.0, 5.0]])]
    tool = Tool("ball-1.0", ToolKind.BALL, 1.0)
    result = simulate(gcode, tool, (0, 0, 20, 10), depth=0.3, resolution=0.1, design_paths=path)
    image = decode_png(result.png)
    assert (_reddish(image) > 20) is red
    if red:  # the red is where the stray stone is: past the end of the design, x > 15 mm
        cols = np.nonzero(((image[..., 0] > 120) & (image[..., 1] < 60)).any(axis=0))[0]
        assert cols.min() * 0.1 >= 15.0


def test_highlight_survives_subsampling() -> None:
    hm = Heightmap.for_face((0, 0, 30, 10), 0.05)
    wrong = np.zeros(hm.z.shape, dtype=bool)
    wrong[100, 450] = True  # one cell: y = 5 mm, x = 22.5 mm
    image = decode_png(render_png(hm, max_pixels=300, legend=False, highlight=wrong)).astype(int)
    red = np.argwhere((image[..., 0] > 120) & (image[..., 1] < 60))
    assert len(red) == 1
    assert tuple(red[0]) == (100 - 1 - 100 // 2, 450 // 2)

"""Shaded-relief picture of a heightmap: what the operator looks at before the stone is touched.

Hillshade from the surface normal and a light from the north-west, tinted from pale to deep
jade green by depth, with a depth scale on the right. Written as PNG by a small writer
(zlib + struct) so the plain package needs no imaging library.
"""

from __future__ import annotations

import math
import struct
import zlib

import numpy as np

from cam.simulate.heightmap import Heightmap

__all__ = ["render_png", "shade", "write_png"]

# pale polished nephrite at the surface to dark jade at full depth
_JADE = np.array([[0.80, 0.90, 0.78], [0.55, 0.78, 0.58], [0.22, 0.55, 0.36], [0.05, 0.30, 0.18]])
_WRONG = np.array([0.85, 0.12, 0.10])  # stone removed outside the design
_LEGEND_W = 64
_MIN_H = 72
# 3x5 bitmap glyphs for the scale's numbers, one string of 15 bits per glyph, row by row
_GLYPHS = {
    "0": "111101101101111",
    "1": "010110010010111",
    "2": "111001111100111",
    "3": "111001111001111",
    "4": "101101111001001",
    "5": "111100111001111",
    "6": "111100111101111",
    "7": "111001001001001",
    "8": "111101111101111",
    "9": "111101111001111",
    ".": "000000000000010",
    "-": "000000111000000",
    "m": "000000111111101",
    " ": "000000000000000",
}


def shade(
    heightmap: Heightmap,
    *,
    azimuth_deg: float = 315.0,
    altitude_deg: float = 45.0,
    exaggeration: float = 4.0,
) -> np.ndarray:
    """(ny, nx) illumination in [0, 1]; azimuth is a compass bearing (315 = from north-west)."""
    gy, gx = np.gradient(heightmap.z * exaggeration, heightmap.resolution)
    az = math.radians(90.0 - azimuth_deg)
    alt = math.radians(altitude_deg)
    light = np.array([math.cos(alt) * math.cos(az), math.cos(alt) * math.sin(az), math.sin(alt)])
    norm = np.sqrt(gx * gx + gy * gy + 1.0)
    return np.clip((-gx * light[0] - gy * light[1] + light[2]) / norm, 0.0, 1.0)


def _jade(t: np.ndarray) -> np.ndarray:
    """(..., 3) colours for depth fractions t in [0, 1]."""
    pos = np.clip(t, 0.0, 1.0) * (len(_JADE) - 1)
    lo = np.minimum(pos.astype(np.int64), len(_JADE) - 2)
    frac = (pos - lo)[..., None]
    return _JADE[lo] * (1 - frac) + _JADE[lo + 1] * frac


def render_png(
    heightmap: Heightmap,
    *,
    depth: float | None = None,
    max_pixels: int = 2000,
    legend: bool = True,
    azimuth_deg: float = 315.0,
    altitude_deg: float = 45.0,
    highlight: np.ndarray | None = None,
) -> bytes:
    """PNG bytes of the shaded relief, north up. `depth` sets the bottom of the colour scale
    (default: the deepest cut); maps wider than `max_pixels` are subsampled. `highlight`
    (ny, nx) bool cells are painted red: stone removed where it should not be."""
    removed = heightmap.removed
    full = depth if depth and depth > 0 else max(float(removed.max()), 1e-3)
    light = shade(heightmap, azimuth_deg=azimuth_deg, altitude_deg=altitude_deg)
    step = max(1, math.ceil(max(removed.shape) / max_pixels))
    rgb = _jade(removed[::step, ::step] / full) * (0.35 + 0.65 * light[::step, ::step, None])
    if highlight is not None:
        # a cell of the picture stands for step x step cells: any wrong one in it shows
        wrong = _any_in_blocks(np.asarray(highlight, dtype=bool), step)[
            : rgb.shape[0], : rgb.shape[1]
        ]
        rgb[wrong] = _WRONG * (0.5 + 0.5 * light[::step, ::step][wrong, None])
    image = np.flipud(rgb)  # row 0 of the map is the bottom of the face
    if legend:
        image = _with_legend(image, full)
    return write_png((np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8))


def _any_in_blocks(mask: np.ndarray, step: int) -> np.ndarray:
    """(ceil(ny / step), ceil(nx / step)) bool: whether any cell of each step x step block is set."""
    if step == 1:
        return mask
    ny, nx = mask.shape
    padded = np.zeros((-(-ny // step) * step, -(-nx // step) * step), dtype=bool)
    padded[:ny, :nx] = mask
    blocks = padded.reshape(padded.shape[0] // step, step, -1, step)
    return np.asarray(blocks.any(axis=(1, 3)))


def _with_legend(image: np.ndarray, full: float) -> np.ndarray:
    h = max(image.shape[0], _MIN_H)
    canvas = np.ones((h, image.shape[1] + _LEGEND_W, 3))
    canvas[: image.shape[0], : image.shape[1]] = image
    top, bottom = 12, h - 14
    ramp = _jade(np.linspace(0.0, 1.0, bottom - top))[:, None, :]
    x0 = image.shape[1] + 6
    canvas[top:bottom, x0 : x0 + 12] = ramp
    _text(canvas, "0", x0 + 16, top - 2)
    _text(canvas, f"-{full:.2f}", x0 + 16, bottom - 8)
    _text(canvas, "mm", x0 + 16, (top + bottom) // 2 - 5)
    return canvas


def _text(canvas: np.ndarray, text: str, x: int, y: int, scale: int = 2) -> None:
    """Draw `text` in dark grey with the 3x5 glyphs, `scale` pixels per bit."""
    for k, ch in enumerate(text):
        bits = np.array([int(b) for b in _GLYPHS.get(ch, _GLYPHS[" "])]).reshape(5, 3)
        mask = np.kron(bits, np.ones((scale, scale))).astype(bool)
        gx = x + k * 4 * scale
        region = canvas[y : y + mask.shape[0], gx : gx + mask.shape[1]]
        region[mask[: region.shape[0], : region.shape[1]]] = 0.15


def write_png(pixels: np.ndarray) -> bytes:
    """PNG bytes of an (h, w, 3) uint8 RGB image (8 bits, no interlace, filter 0)."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"pixels must be (h, w, 3) uint8, got {pixels.shape}")
    h, w, _ = pixels.shape
    raw = np.concatenate([np.zeros((h, 1), np.uint8), pixels.reshape(h, w * 3)], axis=1)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
        + chunk(b"IEND", b"")
    )

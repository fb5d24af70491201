"""Deterministic benchmark designs for the CAM benchmark (`benchmarks/cam.py`).

    python benchmarks/designs/generate.py        # (re)writes the SVGs next to this file

Three designs, all 150 x 150 mm documents in millimetre user units:

* ``seal.svg``: a seal face - rounded border and a few brush-like strokes (small, ~1k segments);
* ``ornament.svg``: a rosette of petals, rings of beads, a scroll border and corner spirals,
  drawn with Bezier curves and circles, as a customer's design would be;
* ``scatter-20k.svg``: many small closed blobs and open wavy strokes over the whole face,
  more than 20,000 segments after flattening - the size the 1-second target is about.

Seeds are fixed, so every run benchmarks the same files.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SIZE = 150.0  # mm


def _svg(body: list[str], title: str) -> str:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE:g}mm" height="{SIZE:g}mm" '
        f'viewBox="0 0 {SIZE:g} {SIZE:g}">\n<title>{title}</title>\n'
        '<g fill="none" stroke="#000" stroke-width="0.3">\n'
    )
    return head + "\n".join(body) + "\n</g>\n</svg>\n"


def _pts(points: np.ndarray) -> str:
    return " ".join(f"{x:.3f},{y:.3f}" for x, y in points)


def _wavy_stroke(rng: np.random.Generator, start: np.ndarray, length: float) -> str:
    """An open brush-like stroke of cubic Beziers."""
    heading = rng.uniform(0, 2 * math.pi)
    parts = [f"M{start[0]:.3f} {start[1]:.3f}"]
    here = start.copy()
    for _ in range(max(1, int(length / 6))):
        heading += rng.uniform(-0.8, 0.8)
        step = 6.0 * np.array([math.cos(heading), math.sin(heading)])
        normal = np.array([-step[1], step[0]]) * rng.uniform(-0.5, 0.5)
        c1, c2, end = here + step / 3 + normal, here + 2 * step / 3 - normal, here + step
        end = np.clip(end, 6.0, SIZE - 6.0)  # the curve bulges up to ~2.3 mm off its chord
        parts.append(f"C{c1[0]:.3f} {c1[1]:.3f} {c2[0]:.3f} {c2[1]:.3f} {end[0]:.3f} {end[1]:.3f}")
        here = end
    return f'<path d="{" ".join(parts)}"/>'


def scatter(seed: int = 20_000) -> str:
    rng = np.random.default_rng(seed)
    body = []
    for _ in range(520):  # closed blobs, already polygons: their segment count is exact
        c = rng.uniform(6, SIZE - 6, 2)
        r0 = rng.uniform(1.0, 4.0)
        lobes, wobble = int(rng.integers(2, 7)), rng.uniform(0.05, 0.3)
        n = int(rng.integers(24, 44))
        a = np.linspace(0, 2 * math.pi, n, endpoint=False)
        r = r0 * (1 + wobble * np.sin(lobes * a + rng.uniform(0, 6)))
        body.append(
            f'<polygon points="{_pts(c + np.column_stack([r * np.cos(a), r * np.sin(a)]))}"/>'
        )
    for _ in range(110):  # open strokes, flattened by the importer
        body.append(_wavy_stroke(rng, rng.uniform(10, SIZE - 10, 2), rng.uniform(12, 36)))
    return _svg(body, "scatter-20k")


def _petal(cx: float, cy: float, angle: float, inner: float, outer: float, width: float) -> str:
    def at(radius: float, side: float) -> str:
        a = angle + side
        return f"{cx + radius * math.cos(a):.3f} {cy + radius * math.sin(a):.3f}"

    return (
        f'<path d="M{at(inner, 0)} C{at(inner + 0.3 * (outer - inner), width)} '
        f"{at(outer - 0.1 * (outer - inner), width * 0.8)} {at(outer, 0)} "
        f"C{at(outer - 0.1 * (outer - inner), -width * 0.8)} "
        f'{at(inner + 0.3 * (outer - inner), -width)} {at(inner, 0)} Z"/>'
    )


def _spiral(cx: float, cy: float, turns: float, r_max: float, flip: float) -> str:
    a = np.linspace(0, turns * 2 * math.pi, int(turns * 90))
    r = r_max * a / a[-1]
    pts = np.column_stack([cx + r * np.cos(flip * a), cy + r * np.sin(flip * a)])
    return f'<polyline points="{_pts(pts)}"/>'


def ornament() -> str:
    c = SIZE / 2
    body = [f'<circle cx="{c}" cy="{c}" r="6"/>', f'<circle cx="{c}" cy="{c}" r="3"/>']
    for k in range(12):
        body.append(_petal(c, c, k * math.pi / 6, 7, 30, 0.22))
        body.append(_petal(c, c, k * math.pi / 6 + math.pi / 12, 9, 22, 0.12))
    for ring, (radius, beads, r_bead) in enumerate([(36, 36, 1.6), (44, 48, 1.1)]):
        for k in range(beads):
            a = 2 * math.pi * (k + 0.5 * ring) / beads
            x, y = c + radius * math.cos(a), c + radius * math.sin(a)
            body.append(f'<circle cx="{x:.3f}" cy="{y:.3f}" r="{r_bead}"/>')
    body.append(f'<circle cx="{c}" cy="{c}" r="50"/>')
    # scroll border: a running wave along each side of a rounded square
    for side in range(4):
        d = ["M"]
        for k in range(13):
            t0, t1 = 15 + 10 * k, 15 + 10 * (k + 1) - 0.001
            sign = 1 if k % 2 else -1
            p0, p1 = _border(side, t0, 0), _border(side, t1, 0)
            c1, c2 = _border(side, t0 + 3, 4 * sign), _border(side, t1 - 3, 4 * sign)
            if k == 0:
                d[0] = f"M{p0}"
            d.append(f"C{c1} {c2} {p1}")
        body.append(f'<path d="{" ".join(d)}"/>')
    body.append('<rect x="5" y="5" width="140" height="140" rx="8" ry="8"/>')
    for cx, cy, flip in [(14, 14, 1), (136, 14, -1), (136, 136, 1), (14, 136, -1)]:
        body.append(_spiral(cx, cy, 2.5, 6, flip))
    return _svg(body, "ornament")


def _border(side: int, t: float, offset: float) -> str:
    """A point on the scroll border: side 0..3 of the square, t along it, offset inward."""
    inset = 10 + offset
    x, y = [(t, inset), (SIZE - inset, t), (SIZE - t, SIZE - inset), (inset, SIZE - t)][side]
    return f"{x:.3f} {y:.3f}"


def seal() -> str:
    body = ['<rect x="20" y="20" width="110" height="110" rx="12" ry="12"/>']
    body.append('<rect x="26" y="26" width="98" height="98" rx="8" ry="8"/>')
    strokes = [
        "M45 45 C60 40 90 40 105 47",
        "M75 35 C73 60 77 90 72 118",
        "M48 70 C60 66 90 64 102 70",
        "M52 95 C62 104 70 108 58 118",
        "M98 92 C90 100 86 108 100 116",
        "M40 60 C44 80 42 100 38 112",
    ]
    body += [f'<path d="{d}"/>' for d in strokes]
    body.append('<circle cx="112" cy="38" r="5"/>')
    return _svg(body, "seal")


DESIGNS = {"seal": seal, "ornament": ornament, "scatter-20k": scatter}


def write_all(folder: Path = HERE) -> list[Path]:
    written = []
    for name, make in DESIGNS.items():
        path = folder / f"{name}.svg"
        path.write_text(make(), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_all():
        print(p)

"""Helpers shared by the SVG import tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cam.design import Design, DesignPath
from cam.svg import load_svg

GOLDEN = Path(__file__).parent


def doc(body: str, size: str = 'width="100mm" height="100mm" viewBox="0 0 100 100"') -> str:
    """SVG text of a 100 x 100 mm document (1 user unit = 1 mm) holding `body`."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f"{size}>{body}</svg>"
    )


def load(body: str, size: str | None = None, **kw) -> Design:
    return load_svg(doc(body) if size is None else doc(body, size), **kw)


def golden(name: str, **kw) -> Design:
    return load_svg(GOLDEN / name, **kw)


def by_id(design: Design) -> dict[str, list[DesignPath]]:
    out: dict[str, list[DesignPath]] = {}
    for p in design.paths:
        out.setdefault(p.element_id, []).append(p)
    return out


def only(design: Design, element_id: str) -> DesignPath:
    found = by_id(design)[element_id]
    assert len(found) == 1, found
    return found[0]


def pts(path: DesignPath) -> list[list[float]]:
    return np.round(path.points, 9).tolist()

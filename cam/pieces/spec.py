"""A piece of jade as the certificate describes it: a shape and a few dimensions in mm.

    spec = PieceSpec.parse("bi_disc:outer=58,inner=20,thickness=5")
    spec = PieceSpec.from_dimensions("bi_disc", {"outer_diameter_mm": "50.0", ...})

Diameters are full diameters, never radii. Everything is checked once, here: a spec that exists
is a piece that can be modelled.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from cam.errors import PieceError

__all__ = ["SECTIONS", "SHAPES", "PieceSpec"]

SHAPES = ("bi_disc", "ring", "buckle", "bangle", "pendant", "plaque")
SECTIONS = ("round", "oval", "flat")  # a bangle's cross-section
# Smallest and largest dimension we accept. Below 0.5 mm nothing is carved; above 400 mm the
# number is surely in the wrong unit (a jade bangle is ~80 mm across, a large plaque ~200 mm).
MIN_MM = 0.5
MAX_MM = 400.0

# what each shape needs (required) and may have (optional) besides `section`
_REQUIRED = {
    "bi_disc": ("outer", "inner", "thickness"),
    "ring": ("outer", "inner", "thickness"),
    "buckle": ("outer", "thickness"),
    "bangle": ("inner", "thickness"),
    "pendant": ("width", "height", "thickness"),
    "plaque": ("width", "height", "thickness"),
}
_OPTIONAL = {
    "bi_disc": (),
    "ring": (),
    "buckle": ("inner", "dome"),
    "bangle": ("width", "outer"),  # outer is on many certificates; the model derives its own
    "pendant": ("corner", "dome"),
    "plaque": ("corner", "dome"),
}
# names found on certificates and in the command line, mapped to ours
_ALIASES = {
    "outer_diameter": "outer",
    "diameter": "outer",
    "inner_diameter": "inner",
    "hole": "inner",
    "length": "height",
    "dome_height": "dome",
    "corner_radius": "corner",
}


@dataclass(frozen=True, slots=True)
class PieceSpec:
    """One piece's parametric dimensions, mm. Zero means "not given".

    outer / inner: diameters (disc shapes; a bangle's inner is the wrist opening).
    thickness: Z height of a disc or plaque, dome included; a bangle band's radial thickness.
    width / height: a plaque's X / Y size; a bangle's band width along its axis.
    dome: height of a domed face above its rim. corner: a plaque's corner radius.
    section: a bangle's cross-section, round | oval | flat.
    """

    shape: str
    outer: float = 0.0
    inner: float = 0.0
    thickness: float = 0.0
    width: float = 0.0
    height: float = 0.0
    dome: float = 0.0
    corner: float = 0.0
    section: str = "oval"

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise PieceError(f"unknown piece shape {self.shape!r}; valid: {', '.join(SHAPES)}")
        for name in _REQUIRED[self.shape]:
            if getattr(self, name) == 0.0:
                raise PieceError(f"a {self.shape} needs its {name} in mm")
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("shape", "section") or value == 0.0:
                continue
            if not (isinstance(value, int | float) and math.isfinite(value)):
                raise PieceError(f"{self.shape} {f.name} must be a number of mm, got {value!r}")
            if not MIN_MM <= value <= MAX_MM:
                raise PieceError(
                    f"{self.shape} {f.name} {value:g} mm is outside {MIN_MM:g}..{MAX_MM:g} mm: "
                    "are the dimensions in millimetres?"
                )
        if self.section not in SECTIONS:
            raise PieceError(f"unknown section {self.section!r}; valid: {', '.join(SECTIONS)}")
        _check_shape(self)

    @property
    def band_width(self) -> float:
        """A bangle's width along its axis (a round section is as wide as it is thick)."""
        return self.width or self.thickness

    @property
    def size(self) -> tuple[float, float, float]:
        """Extent of the piece lying on its back (a bangle on its side), X, Y, Z in mm."""
        if self.shape in ("pendant", "plaque"):
            return self.width, self.height, self.thickness
        if self.shape == "bangle":
            d = self.inner + 2.0 * self.thickness
            return d, d, self.band_width
        return self.outer, self.outer, self.thickness

    @classmethod
    def parse(cls, text: str) -> PieceSpec:
        """`SHAPE:key=value,...`, e.g. `bi_disc:outer=58,inner=20,thickness=5`."""
        shape, _, rest = text.partition(":")
        values: dict[str, str] = {}
        for item in filter(None, (p.strip() for p in rest.split(","))):
            key, eq, value = item.partition("=")
            if not eq:
                raise PieceError(f"expected key=value in piece {text!r}, got {item!r}")
            values[key.strip()] = value.strip()
        return cls.from_dimensions(shape.strip(), values, strict=True)

    @classmethod
    def from_dimensions(
        cls, shape: str, dims: Mapping[str, Any], *, strict: bool = False
    ) -> PieceSpec:
        """From a certificate's dimensions, e.g. {"outer_diameter_mm": "50.0", ...}.

        Keys may end in `_mm`; values may be strings or numbers (Decimal included); blank
        values are not given. A dimension the shape does not use is ignored (a certificate may
        list more than the model needs) unless `strict`, where it is refused (a typo).
        """
        if shape not in SHAPES:
            raise PieceError(f"unknown piece shape {shape!r}; valid: {', '.join(SHAPES)}")
        allowed = set(_REQUIRED[shape]) | set(_OPTIONAL[shape])
        kwargs: dict[str, Any] = {}
        for raw_key, raw in dims.items():
            key = raw_key.removesuffix("_mm")
            key = _ALIASES.get(key, key)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            if key == "section" and shape == "bangle":
                kwargs["section"] = str(raw)
                continue
            if key not in allowed and not strict:
                continue
            if key not in allowed:
                raise PieceError(
                    f"a {shape} has no dimension {raw_key!r}; known: {', '.join(sorted(allowed))}"
                )
            try:
                kwargs[key] = float(raw)
            except (TypeError, ValueError):
                raise PieceError(f"{shape} {raw_key} must be a number of mm, got {raw!r}") from None
        return cls(shape=shape, **kwargs)


def _check_shape(s: PieceSpec) -> None:
    if s.shape in ("bi_disc", "ring", "buckle") and s.inner and s.inner >= s.outer:
        raise PieceError(
            f"{s.shape}: inner diameter {s.inner:g} mm must be smaller than outer {s.outer:g} mm"
        )
    if s.shape in ("buckle", "pendant", "plaque") and s.dome and s.dome >= s.thickness:
        raise PieceError(
            f"{s.shape}: dome height {s.dome:g} mm must be less than its thickness {s.thickness:g} mm"
        )
    if s.shape == "bangle" and s.section == "round" and s.width and s.width != s.thickness:
        raise PieceError(
            f"bangle: a round section is as wide as it is thick ({s.thickness:g} mm), "
            f"got width {s.width:g} mm: say section=oval"
        )
    if s.shape in ("pendant", "plaque") and s.corner * 2.0 > min(s.width, s.height):
        raise PieceError(f"{s.shape}: corner radius {s.corner:g} mm exceeds half its size")

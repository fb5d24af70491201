"""The desk's names for shapes, faces, sizes and conditions, and the form's reasons, in the
user's language (the form modules speak English; the pages translate)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

__all__ = ["helpers"]

SHAPES = {"bangle": _l("Bangle"), "bi_disc": _l("Bi disc"), "ring": _l("Ring"),
          "buckle": _l("Buckle"), "pendant": _l("Pendant"), "plaque": _l("Plaque")}
DIMENSIONS = {"outer_diameter_mm": _l("Outer diameter"), "inner_diameter_mm": _l("Inner diameter"),
              "width_mm": _l("Width"), "length_mm": _l("Length"), "thickness_mm": _l("Thickness")}
CONDITIONS = {"intact": _l("Intact"), "minor_marks": _l("Minor marks"),
              "chipped": _l("Chipped"), "cracked": _l("Cracked")}
MODES = {"hand": _l("By hand"), "machine": _l("By machine")}
FACES = {"front": _l("Front face"), "back": _l("Back face")}


def _options(table: dict[str, Any], keys: Any = None, blank: bool = True) -> list[tuple[str, str]]:
    rows = [("", "—")] if blank else []
    return rows + [(k, str(table.get(k, k))) for k in (keys if keys is not None else table)]


def helpers() -> dict[str, Any]:
    """Jinja helpers for the desk's templates."""
    return {
        "translated": lambda errors: {k: gettext(v) for k, v in dict(errors).items()},
        "shape_options": lambda shapes: _options(SHAPES, shapes),
        "dimension_label": lambda name: str(DIMENSIONS.get(name, name)),
        "condition_options": lambda keys: _options(CONDITIONS, keys),
        "condition_label": lambda key: str(CONDITIONS.get(key, key)),
        "mode_options": lambda: _options(MODES, ("hand", "machine")),
        "mode_label": lambda key: str(MODES.get(key, key)),
        "face_options": lambda: _options(FACES, blank=False),
        "design_options": lambda designs: [("", "—")] + [(d.code, d.title) for d in designs],
        "stores_options": lambda stores: [(s.code, s.name) for s in stores],
    }

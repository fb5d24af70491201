"""Reading the TOML data files shipped in `machines/data/` (one place, cached)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from machines.errors import LibraryError

DATA_DIR = Path(__file__).parent / "data"


@cache
def load_toml(relative: str) -> dict[str, Any]:
    """The parsed TOML file `machines/data/<relative>`; a broken file is a `LibraryError`."""
    path = DATA_DIR / relative
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LibraryError(f"cannot read {path}: {exc}") from exc


def require(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    """`table[key]` checked against `kind` (ints are accepted where floats are asked)."""
    if key not in table:
        raise LibraryError(f"{where}: missing {key!r}")
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise LibraryError(f"{where}: {key!r} must be {kind.__name__}, got {value!r}")
    return value

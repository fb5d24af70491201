"""Every string the bench and the desk show has its 中文 translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

WORKSHOP = Path(__file__).resolve().parents[2] / "workshop"
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}


def _msgids(*dirs: Path) -> set[str]:
    found: set[str] = set()
    for directory in dirs:
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(directory), METHODS, keywords=KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("station", ["artisan", "store"])
def test_every_string_is_translated(station: str) -> None:
    catalogue = WORKSHOP / station / "translations/zh_Hans_CN/LC_MESSAGES/messages.po"
    with catalogue.open("rb") as src:
        translated = {m.id: m.string for m in read_po(src) if m.id and m.string}
    shown = _msgids(WORKSHOP / station, WORKSHOP / "templates" / station)
    assert shown, "nothing extracted: the extraction itself is broken"
    assert sorted(shown - set(translated)) == []

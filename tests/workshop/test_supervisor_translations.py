"""Every string the supervisor and CNC stations show has its Chinese in the station's own
catalogue (or, for the words every page shares, in the shared one)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("station", ["supervisor", "cnc"])
def test_every_station_string_has_its_chinese(station: str) -> None:
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.pofile import read_po

    from workshop.web.i18n import WORKSHOP_DIR

    translated: set[str] = set()
    for base in (WORKSHOP_DIR / station, WORKSHOP_DIR):
        po = base / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fh:
            translated |= {m.id if isinstance(m.id, str) else m.id[0]
                           for m in read_po(fh) if m.id and m.string
                           and (isinstance(m.string, str) or all(m.string))}
    method_map = [(f"{station}/**.py", "python"),
                  (f"templates/{station}/**.html", "jinja2.ext:babel_extract")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    used = {msg[2] for msg in extract_from_dir(str(WORKSHOP_DIR), method_map,
                                                keywords=keywords)}
    used = {m if isinstance(m, str) else m[0] for m in used}
    assert len(used) > 20
    assert sorted(used - translated) == []

"""Languages: 中文 (zh_Hans_CN) by default and English, chosen by ``?lang=`` and remembered.

Translations are .po files: ``workshop/translations/`` for the shared pages and, when present,
``workshop/<station>/translations/`` for a station's own strings, so each station keeps its own
catalogue. The .mo files are compiled from the .po files at start-up when missing or older (they
are not committed). Dates and numbers are shown in the user's locale through the Jinja filters
``format_datetime``, ``format_date``, ``format_decimal`` and ``format_percent``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel, format_date, format_datetime, format_decimal, format_percent

__all__ = ["DEFAULT_LOCALE", "LANGUAGES", "compile_catalogues", "current_lang", "init_i18n"]

DEFAULT_LOCALE = "zh_Hans_CN"
# code used in ?lang= and the session -> (Babel locale, name shown in the switch)
LANGUAGES: dict[str, tuple[str, str]] = {
    "zh": ("zh_Hans_CN", "中文"),
    "en": ("en", "English"),
}
_BY_LOCALE = {loc: code for code, (loc, _name) in LANGUAGES.items()}
WORKSHOP_DIR = Path(__file__).resolve().parent.parent
STATION_PACKAGES = ("web", "supervisor", "cnc", "artisan", "store", "public", "designs")

log = logging.getLogger(__name__)


def current_lang() -> str:
    """The language code ('zh' or 'en') of this request."""
    wanted = request.args.get("lang", "")
    if wanted in LANGUAGES:
        session["lang"] = wanted
        return wanted
    stored = session.get("lang")
    if stored in LANGUAGES:
        return str(stored)
    # first visit: the browser's preference among ours, else 中文
    best = request.accept_languages.best_match(["zh", "zh-CN", "en"])
    return "en" if best == "en" else "zh"


def _select_locale() -> str:
    return LANGUAGES[current_lang()][0]


def translation_dirs() -> list[Path]:
    """The catalogues, merged in this order: a later one wins where two translate the same
    words, so the shared catalogue comes last and state names read the same on every page."""
    dirs = [WORKSHOP_DIR / pkg / "translations" for pkg in STATION_PACKAGES]
    dirs.append(WORKSHOP_DIR / "translations")
    return [d for d in dirs if d.is_dir()]


def compile_catalogues(dirs: list[Path]) -> None:
    """Write each ``messages.mo`` next to its ``.po`` when missing or older than the .po."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (p for d in dirs for p in d.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as src:
                catalog = read_po(src, locale=po.parent.parent.name)
            # written aside, then renamed: another process starting now never reads half a file
            partial = mo.with_name(f".{mo.name}.{os.getpid()}")
            with partial.open("wb") as dst:
                write_mo(dst, catalog, use_fuzzy=False)
            os.replace(partial, mo)
        except OSError as exc:  # a read-only install: run `pybabel compile` when packaging
            log.warning("could not compile %s: %s", po, exc)


def init_i18n(app: Flask) -> None:
    dirs = translation_dirs()
    compile_catalogues(dirs)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(d) for d in dirs)
    Babel(app, locale_selector=_select_locale)
    app.jinja_env.filters.update(
        format_datetime=format_datetime, format_date=format_date,
        format_decimal=format_decimal, format_percent=format_percent)
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES

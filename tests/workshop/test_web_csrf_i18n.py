"""CSRF on every state-changing request of the pages; languages and locale formats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.web_support import PASSWORDS, csrf_from, log_in


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_login_without_the_right_token_is_a_400(client: Any, seeded: Any,
                                                token: str | None) -> None:
    client.get("/login")
    data = {"username": "clerk", "password": PASSWORDS["clerk"]}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert client.get("/").headers["Location"].endswith("/login")  # not logged in


def test_logout_without_a_token_is_a_400_and_keeps_the_session(client: Any, seeded: Any) -> None:
    log_in(client, "supervisor")
    assert client.post("/logout").status_code == 400
    assert not client.get("/").headers["Location"].endswith("/login")


def test_the_header_token_serves_a_fetch(client: Any, seeded: Any) -> None:
    token = log_in(client, "supervisor")
    assert client.post("/logout", headers={"X-CSRFToken": token}).status_code == 302


def test_another_sessions_token_is_refused(app: Any, seeded: Any) -> None:
    mine, theirs = app.test_client(), app.test_client()
    log_in(mine, "supervisor")
    their_token = log_in(theirs, "clerk")
    assert mine.post("/logout", data={"csrf_token": their_token}).status_code == 400


def test_the_api_keeps_its_bearer_tokens_and_needs_no_csrf(client: Any, seeded: Any) -> None:
    # refused for want of credentials (401), not for want of a CSRF token (400)
    response = client.post("/api/v1/orders", json={})
    assert response.status_code == 401


def test_chinese_by_default_and_english_on_request(client: Any) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "登录" in page
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert 'lang="en"' in page and ">Log in<" in page and "登录" not in page
    # remembered for the next pages
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page
    page = client.get("/login?lang=zh").get_data(as_text=True)
    assert "登录" in page


def test_an_unknown_language_keeps_the_current_one(client: Any) -> None:
    client.get("/login?lang=en")
    assert 'lang="en"' in client.get("/login?lang=klingon").get_data(as_text=True)


def test_the_choice_survives_login(client: Any, seeded: Any) -> None:
    client.get("/login?lang=en")
    log_in(client, "clerk")
    assert 'lang="en"' in client.get("/login").get_data(as_text=True)


def test_the_switch_keeps_the_page_and_its_query(client: Any) -> None:
    page = client.get("/login?next=/store/&lang=en").get_data(as_text=True)
    assert 'href="/login?next=%2Fstore%2F&amp;lang=zh"' in page


def test_dates_and_numbers_follow_the_locale(app: Any) -> None:
    moment = dt.datetime(2026, 5, 20, 4, 30, tzinfo=dt.UTC)  # 12:30 in Shanghai
    template = "{{ t|format_datetime('medium') }}|{{ n|format_decimal }}"
    with app.test_request_context("/?lang=zh"):
        zh = app.jinja_env.from_string(template).render(t=moment, n=Decimal("12345.5"))
    with app.test_request_context("/?lang=en"):
        en = app.jinja_env.from_string(template).render(t=moment, n=Decimal("12345.5"))
    assert zh.startswith("2026年5月20日") and "12:30" in zh
    assert en.startswith("May 20, 2026") and "12:30" in en
    assert zh.endswith("12,345.5") and en.endswith("12,345.5")


def test_every_shared_string_has_its_chinese() -> None:
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.pofile import read_po

    from workshop.web.i18n import WORKSHOP_DIR

    po = WORKSHOP_DIR / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        translated = {m.id for m in read_po(fh) if m.id and m.string}
    # the same files and keywords as workshop/translations/babel.cfg
    method_map = [("web/**.py", "python"), ("public/**.py", "python"),
                  ("templates/*.html", "jinja2.ext:babel_extract"),
                  ("templates/public/**.html", "jinja2.ext:babel_extract")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    used = {msg[2] for msg in extract_from_dir(str(WORKSHOP_DIR), method_map,
                                                keywords=keywords)}
    used = {m if isinstance(m, str) else m[0] for m in used}
    assert len(used) > 40
    assert sorted(used - translated) == []


def test_csrf_meta_and_field_agree(client: Any) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert f'name="csrf_token" value="{csrf_from(page)}"' in page


def test_catalogues_are_compiled_when_missing_or_older(tmp_path: Any) -> None:
    import gettext
    import os

    from workshop.web.i18n import compile_catalogues

    po = tmp_path / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)

    def write(text: str) -> None:
        po.write_text(f'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
                      f'msgid "Stone"\nmsgstr "{text}"\n', encoding="utf-8")

    def reads() -> str:
        with po.with_suffix(".mo").open("rb") as fh:
            return gettext.GNUTranslations(fh).gettext("Stone")

    write("玉料")
    compile_catalogues([tmp_path])
    assert reads() == "玉料"
    write("原石")
    mo = po.with_suffix(".mo")
    os.utime(mo, (mo.stat().st_mtime - 10, mo.stat().st_mtime - 10))
    compile_catalogues([tmp_path])
    assert reads() == "原石"
    assert sorted(p.name for p in po.parent.iterdir()) == ["messages.mo", "messages.po"]


def test_the_shared_catalogue_wins_so_states_read_the_same_everywhere(app: Any) -> None:
    from babel.messages.pofile import read_po
    from flask_babel import gettext

    from workshop.web.i18n import WORKSHOP_DIR, translation_dirs
    from workshop.web.labels import STATE_LABELS

    with (WORKSHOP_DIR / "translations/zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as fh:
        shared = {m.id: m.string for m in read_po(fh) if m.id}
    assert translation_dirs()[-1] == WORKSHOP_DIR / "translations"
    with app.test_request_context("/?lang=en"):
        english = [str(label) for label in STATE_LABELS.values()]
    with app.test_request_context("/?lang=zh"):
        assert [gettext(e) for e in english] == [shared[e] for e in english]


def test_a_refusal_in_the_browser_is_a_page_of_the_site(client: Any, seeded: Any) -> None:
    log_in(client, "clerk")
    response = client.post("/logout", headers={"Accept": "text/html", "Referer": "/store/"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="error"' in page and "安全令牌" in page  # the reason, in the user's language
    assert 'href="/store/"' in page and 'action="/logout"' in page  # the way back; the header
    english = client.get("/no-such-page?lang=en", headers={"Accept": "text/html"})
    assert english.status_code == 404 and 'id="error"' in english.get_data(as_text=True)


def test_json_callers_and_the_api_keep_json_errors(client: Any) -> None:
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"] == "not_found"
    response = client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.is_json

"""Accounts in a real browser: login and logout, slowed wrong passwords, another role's
station refused, CSRF, the language switch."""

from __future__ import annotations

from typing import Any

from tests.browser.helpers import login, logout, touch_targets_too_small
from tests.web_support import PASSWORDS


def test_login_lands_on_the_own_station_and_logout_ends_it(page: Any) -> None:
    login(page, "supervisor")
    assert page.url.endswith("/supervisor/")
    assert page.locator("header .who").inner_text() == "Lin Hao 林浩"
    logout(page)
    assert "/login" in page.url
    page.goto("/supervisor/")
    assert "/login?next=" in page.url  # the guard sends strangers to the form


def test_wrong_password_is_slowed(page: Any) -> None:
    page.goto("/login?lang=en")
    for _ in range(4):
        page.fill("#username", "clerk")
        page.fill("#password", "not-it")
        with page.expect_navigation():
            page.click("#login-form button[type=submit]")
        assert page.locator(".flash-error").is_visible()
    assert "Try again in" in page.locator(".flash-error").inner_text()
    # now even the right password waits
    page.fill("#username", "clerk")
    page.fill("#password", PASSWORDS["clerk"])
    with page.expect_navigation() as nav:
        page.click("#login-form button[type=submit]")
    assert nav.value.status == 429
    assert "Too many failed attempts" in page.locator(".flash-error").inner_text()
    assert "/login" in page.url


def test_another_roles_station_is_refused(page: Any) -> None:
    login(page, "store_clerk", lang="en")
    for station in ("/supervisor/", "/cnc/", "/artisan/"):
        response = page.goto(station)
        assert response.status == 403, station
        assert page.locator("#forbidden").is_visible()
        assert "Store clerk" in page.locator("#forbidden").inner_text()
    assert "may not open the Artisan station" in page.locator("#forbidden").inner_text()
    # the header offers only the own station
    assert page.locator("header nav.stations a").all_inner_texts() == ["Store desk"]


def test_a_form_without_its_csrf_token_is_refused(page: Any) -> None:
    login(page, "supervisor")
    page.evaluate("document.querySelector(\"header form[action='/logout'] "
                  "input[name=csrf_token]\").remove()")
    with page.expect_navigation() as nav:
        page.click("header form[action='/logout'] button")
    assert nav.value.status == 400
    # still logged in: the forged logout did nothing
    assert page.goto("/supervisor/").status == 200
    # a fetch without the header is refused too; with it (app.js's post) it passes
    bare = page.evaluate("fetch('/logout', {method: 'POST'}).then(r => r.status)")
    assert bare == 400
    assert page.evaluate("workshop.post('/logout').then(r => r.status)") == 200


def test_language_switch_is_remembered(page: Any) -> None:
    page.goto("/login")
    assert page.locator("h1").inner_text() == "登录"
    with page.expect_navigation():
        page.click(".lang-switch a[data-lang=en]")
    assert page.locator("h1").inner_text() == "Log in"
    login(page, "store_clerk")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.click(".lang-switch a[data-lang=zh]")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("header form[action='/logout'] button").inner_text() == "退出登录"


def test_login_is_comfortable_on_a_tablet(tablet_portrait_page: Any) -> None:
    tablet_portrait_page.goto("/login")
    assert touch_targets_too_small(tablet_portrait_page) == []

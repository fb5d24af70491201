"""Helpers for browser tests (import them: ``from tests.browser.helpers import login``)."""

from __future__ import annotations

from typing import Any

from tests.web_support import PASSWORDS, ROLE_USERS

__all__ = ["login", "logout", "touch_targets_too_small"]


def login(page: Any, role: str, *, lang: str | None = None) -> None:
    """Log ``page`` in as the seeded user of ``role`` (or that user name) through the form."""
    username = ROLE_USERS.get(role, role)
    page.goto("/login" + (f"?lang={lang}" if lang else ""))
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[username])
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")
    if "/login" in page.url:
        raise AssertionError(f"login as {username} failed: {page.url}")


def logout(page: Any) -> None:
    with page.expect_navigation():
        page.click("header form[action='/logout'] button")


def touch_targets_too_small(page: Any, selector: str = ".btn, main input, main select, "
                            "main textarea, .stations a", minimum: float = 48) -> list[str]:
    """The visible controls matching ``selector`` smaller than ``minimum`` px in height."""
    return page.eval_on_selector_all(selector, """(els, min) => els
        .filter(e => e.offsetParent !== null && e.type !== 'hidden')
        .filter(e => e.getBoundingClientRect().height < min)
        .map(e => e.outerHTML.slice(0, 80))""", minimum)

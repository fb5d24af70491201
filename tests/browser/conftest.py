"""Browser tests: Debian's Chromium driven by Playwright against a live server.

- ``live_server``: the application served from a thread on a free loopback port, on the test
  database, with the demo workshop seeded afresh for each test (known passwords:
  ``tests.web_support.PASSWORDS``). Its value is the base URL.
- ``browser``: one headless Chromium for the session (``/usr/bin/chromium``; never downloaded).
- ``page`` (desktop 1280x800), ``tablet_page`` (1024x768), ``tablet_portrait_page``
  (800x1280), ``phone_page`` (390x844, touch): fresh contexts whose relative URLs go to the
  live server. After every test each page used is saved as a screenshot under
  ``test-artifacts/``.
- ``login(page, role)`` (a fixture, and ``tests.browser.helpers.login``): log in through the
  form as the seeded user of ``role`` (or a user name).

Every test here is marked ``browser`` (run them alone with ``pytest -m browser``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import login
from tests.web_support import seed_workshop

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "tablet": {"viewport": {"width": 1024, "height": 768}, "has_touch": True},
    "tablet_portrait": {"viewport": {"width": 800, "height": 1280}, "has_touch": True},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


THROTTLE_TUNING: dict[str, tuple[int, float, float]] = {}  # as the app made them


@pytest.fixture(scope="session")
def _live_app(settings: Any) -> Iterator[tuple[Any, str]]:
    from werkzeug.serving import make_server

    from workshop.app import create_app

    app = create_app(settings)
    app.config["TESTING"] = True
    THROTTLE_TUNING.update({name: (t.free, t.base_s, t.max_s)
                            for name, t in app.extensions["login_throttle"].items()})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    app.extensions["workshop"]["engine"].dispose()


@pytest.fixture
def live_server(_live_app: tuple[Any, str], session_factory: Any, settings: Any,
                _redis_session: Any) -> str:
    """The base URL of the live server, its database emptied and seeded for this test."""
    from tests.conftest import clear_login_throttles

    app, url = _live_app
    seed_workshop(session_factory)
    # failed logins of an earlier test must not hold this one up; a test's tuning goes too
    clear_login_throttles(_redis_session, settings)
    for name, throttle in app.extensions["login_throttle"].items():
        throttle.free, throttle.base_s, throttle.max_s = THROTTLE_TUNING[name]
    return url


@pytest.fixture
def live_app(_live_app: tuple[Any, str], live_server: str) -> Any:
    """The live server's Flask app (to tune it for a test)."""
    return _live_app[0]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                      headless=True)
        yield chromium
        chromium.close()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:150]


@pytest.fixture
def open_page(browser: Any, live_server: str,
              request: pytest.FixtureRequest) -> Iterator[Callable[[str], Any]]:
    """``open_page("tablet")``: a new page of that viewport; screenshot saved after the test."""
    opened: list[tuple[str, Any]] = []

    def make(viewport: str = "desktop") -> Any:
        context = browser.new_context(base_url=live_server, locale="zh-CN",
                                      timezone_id="Asia/Shanghai", **VIEWPORTS[viewport])
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        opened.append((viewport, page))
        return page

    yield make
    ARTIFACTS.mkdir(exist_ok=True)
    for i, (viewport, page) in enumerate(opened):
        name = f"{_slug(request.node.nodeid)}-{viewport}{'-' + str(i) if i else ''}.png"
        try:
            page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        finally:
            page.context.close()


@pytest.fixture
def page(open_page: Callable[[str], Any]) -> Any:
    return open_page("desktop")


@pytest.fixture
def tablet_page(open_page: Callable[[str], Any]) -> Any:
    return open_page("tablet")


@pytest.fixture
def tablet_portrait_page(open_page: Callable[[str], Any]) -> Any:
    return open_page("tablet_portrait")


@pytest.fixture
def phone_page(open_page: Callable[[str], Any]) -> Any:
    return open_page("phone")


@pytest.fixture(name="login")
def login_fixture() -> Callable[..., None]:
    """The ``login`` helper as a fixture, for tests that prefer not to import it."""
    return login

"""The shared page helpers of static/app.js, in a real browser: the CSRF header on fetch, live
progress by polling, and the offline queue that keeps a change until the server has it."""

from __future__ import annotations

import json
from typing import Any


def _record(page: Any, pattern: str, answers: list[int]) -> list[dict[str, Any]]:
    """Answer requests to ``pattern`` with the statuses of ``answers`` in turn (0: the network
    fails), the last one for ever after; returns the list of request bodies seen."""
    seen: list[dict[str, Any]] = []

    def handle(route: Any) -> None:
        request = route.request
        seen.append({"body": json.loads(request.post_data or "{}"),
                     "csrf": request.headers.get("x-csrftoken"),
                     "key": request.headers.get("idempotency-key")})
        status = answers[min(len(seen) - 1, len(answers) - 1)]
        if status == 0:
            route.abort("internetdisconnected")
        elif status == 302:
            route.fulfill(status=302, headers={"Location": "/login?next=/artisan/"})
        else:
            route.fulfill(status=status, json={"status": status})

    page.route(pattern, handle)
    return seen


def _until(page: Any, condition: Any, timeout_s: float = 5.0) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return
        page.wait_for_timeout(50)  # lets the route handlers run
    raise AssertionError("the page did not get there in time")


def _flush_until(page: Any, seen: list[Any], n: int) -> None:
    """Flush (again, if one was still under way) until the server has seen ``n`` requests."""
    _until(page, lambda: len(seen) >= n or page.evaluate("workshop.queue.flush()") or
           len(seen) >= n)
    assert len(seen) == n


def _pending(page: Any) -> int:
    return page.evaluate("workshop.queue.pending().length")


def test_a_queued_change_survives_failures_and_a_reload_and_is_sent_once(
        tablet_page: Any) -> None:
    page = tablet_page
    page.goto("/login")
    page.evaluate("localStorage.clear()")
    seen = _record(page, "**/probe/progress", [0, 503, 0, 200])
    item_id = page.evaluate("workshop.queue.add('/probe/progress', {pct: 40})")
    _until(page, lambda: len(seen) == 1)  # the network is down: kept
    assert _pending(page) == 1
    _flush_until(page, seen, 2)  # the server fails (503): kept
    assert _pending(page) == 1
    page.reload()  # the tablet restarts: the change is still there and tried again on load
    _until(page, lambda: len(seen) == 3)
    assert _pending(page) == 1
    _flush_until(page, seen, 4)
    page.wait_for_function("workshop.queue.pending().length === 0")
    # every attempt carried the same id, the data and the CSRF token
    assert {s["key"] for s in seen} == {item_id}
    assert {s["body"]["client_id"] for s in seen} == {item_id}
    assert all(s["body"]["pct"] == 40 for s in seen)
    assert all(s["csrf"] for s in seen)
    # sent: nothing more goes out
    page.evaluate("workshop.queue.flush()")
    page.wait_for_timeout(200)
    assert len(seen) == 4


def test_a_refused_change_leaves_the_queue_and_is_reported(page: Any) -> None:
    page.goto("/login")
    page.evaluate("localStorage.clear()")
    _record(page, "**/probe/finish", [409])
    page.evaluate("""window.refusals = [];
        workshop.queue.on('refused', e => window.refusals.push(e.status));""")
    page.evaluate("workshop.queue.add('/probe/finish', {})")
    page.wait_for_function("window.refusals.length === 1")
    assert page.evaluate("window.refusals") == [409]
    assert _pending(page) == 0


def test_logged_out_or_a_stale_token_keeps_the_change_for_later(page: Any) -> None:
    page.goto("/login")
    page.evaluate("localStorage.clear()")
    seen = _record(page, "**/probe/notes", [302, 401, 400, 201])
    page.evaluate("""window.logins = 0; workshop.queue.on('login', () => window.logins++);""")
    page.evaluate("workshop.queue.add('/probe/notes', {note: '背面有棉'})")
    _until(page, lambda: len(seen) == 1)
    for n in (2, 3, 4):
        assert _pending(page) == 1, f"dropped after answer {n - 1}"
        _flush_until(page, seen, n)
    page.wait_for_function("workshop.queue.pending().length === 0")
    assert page.evaluate("window.logins") == 2  # the redirect to /login and the 401
    assert seen[-1]["body"]["note"] == "背面有棉"


def test_watch_polls_until_told_to_stop(page: Any) -> None:
    page.goto("/login")
    progress = iter([10, 55, 100, 999])

    def handle(route: Any) -> None:
        route.fulfill(status=200, json={"pct": next(progress)})

    page.route("**/probe/status", handle)
    page.evaluate("""window.seen = [];
        workshop.watch('/probe/status', j => { seen.push(j.pct); return j.pct < 100; }, 50);""")
    page.wait_for_function("window.seen.length === 3")
    page.wait_for_timeout(300)
    assert page.evaluate("window.seen") == [10, 55, 100]

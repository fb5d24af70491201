"""Failed logins slow the next attempts: per user name and per client address."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.web_support import PASSWORDS, csrf_from
from workshop.web.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_free_attempts_then_doubling_locks() -> None:
    clock = Clock()
    throttle = LoginThrottle(free=3, base_s=1.0, max_s=60.0, clock=clock)
    waits = [throttle.failed("user:lin") for _ in range(7)]
    assert waits == [0.0, 0.0, 0.0, 1.0, 2.0, 4.0, 8.0]
    assert throttle.wait_seconds("user:lin") == 8.0
    clock.now += 8.0
    assert throttle.wait_seconds("user:lin") == 0.0
    throttle.succeeded("user:lin")
    assert throttle.failed("user:lin") == 0.0


def test_keys_are_independent_and_the_longest_wait_counts() -> None:
    clock = Clock()
    throttle = LoginThrottle(free=1, base_s=2.0, clock=clock)
    throttle.failed("user:a", "ip:1")
    throttle.failed("user:a", "ip:1")
    assert throttle.wait_seconds("user:b") == 0.0
    assert throttle.wait_seconds("user:b", "ip:1") == 2.0


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=5),
       st.floats(min_value=0.01, max_value=10), st.floats(min_value=1, max_value=1000))
def test_a_lock_never_shrinks_and_never_passes_the_cap(n: int, free: int, base: float,
                                                       cap: float) -> None:
    clock = Clock()
    throttle = LoginThrottle(free=free, base_s=base, max_s=cap, clock=clock)
    last = 0.0
    for i in range(n):
        wait = throttle.failed("k")
        assert wait <= cap + 1e-9
        assert wait >= last - 1e-9
        assert (wait == 0.0) == (i < free)
        last = wait


def _try(client: Any, password: str, username: str = "supervisor") -> Any:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})


def test_after_repeated_failures_even_the_right_password_waits(app: Any, seeded: Any) -> None:
    app.extensions["login_throttle"]["user"].base_s = 30.0
    client = app.test_client()
    codes = [_try(client, "wrong").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 401]
    response = _try(client, PASSWORDS["supervisor"])
    assert response.status_code == 429
    assert client.get("/").headers["Location"].endswith("/login")
    # another user from the same address is not held up by that lock
    assert _try(client, PASSWORDS["clerk"], "clerk").status_code == 302


def test_one_address_trying_many_names_is_slowed(app: Any, seeded: Any) -> None:
    app.extensions["login_throttle"]["ip"].free = 2
    client = app.test_client()
    for name in ("a", "b", "c"):
        _try(client, "wrong", name)
    assert _try(client, PASSWORDS["clerk"], "clerk").status_code == 429


def test_two_server_processes_count_the_same_failures(app: Any, seeded: Any,
                                                      settings: Any) -> None:
    """The counts live in the shared Redis: failures on one server hold up the next attempt on
    another (two applications, as two gunicorn workers or two hosts)."""
    from workshop.app import create_app

    other = create_app(settings)
    try:
        for throttle in (app, other):
            throttle.extensions["login_throttle"]["user"].base_s = 30.0
        first, second = app.test_client(), other.test_client()
        assert [_try(first, "wrong").status_code for _ in range(2)] == [401, 401]
        assert [_try(second, "wrong").status_code for _ in range(2)] == [401, 401]
        # four failures in all: the right password waits, on either server
        assert _try(first, PASSWORDS["supervisor"]).status_code == 429
        assert _try(second, PASSWORDS["supervisor"]).status_code == 429
    finally:
        other.extensions["workshop"]["engine"].dispose()


def test_without_redis_the_counts_stay_in_the_process() -> None:
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    clock = Clock()
    unreachable = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2,
                        retry=Retry(NoBackoff(), 0))
    throttle = LoginThrottle(free=1, base_s=5.0, clock=clock, store=lambda: unreachable)
    throttle.failed("user:x")
    assert throttle.failed("user:x") == 5.0  # still slowed, counted here
    assert throttle.failures("user:x") == 2

"""What tests of the stations share: the demo workshop with known passwords, and logging a
Flask test client in.

- ``seed_workshop(factory)``: the demo workshop of ``workshop.seed`` (a user per role, machines,
  artisans, the wedding set's order), each user's password set to ``PASSWORDS[username]``.
- ``log_in(client, username)``: logs the test client in through the real /login form and
  returns the session's CSRF token: post forms with ``data={"csrf_token": token, ...}``.
- ``ROLE_USERS``: the seeded user name for each role.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from sqlalchemy import select

ROLE_USERS = {
    "admin": "admin", "supervisor": "supervisor", "cnc_operator": "operator",
    "artisan": "artisan.wang", "store_clerk": "clerk",
}
PASSWORDS = {
    "admin": "jade-admin-pw", "supervisor": "jade-supervisor-pw", "operator": "jade-operator-pw",
    "artisan.wang": "jade-wang-pw", "artisan.li": "jade-li-pw", "artisan.zhao": "jade-zhao-pw",
    "clerk": "jade-clerk-pw",
}

_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@functools.cache
def _password_hash(username: str) -> str:
    from workshop.auth import hash_password

    return hash_password(PASSWORDS[username])


def seed_workshop(factory: Any) -> None:
    """The demo workshop, with the known passwords of ``PASSWORDS``."""
    from unittest.mock import patch

    from workshop import seed as seed_module
    from workshop.models import User

    # scrypt is slow on purpose; the seed's random passwords are replaced at once, so they are
    # not hashed, and the known ones are hashed once per test run
    with patch.object(seed_module, "hash_password", lambda _pw: "unusable"):
        seed_module.seed(factory, out=lambda _line: None)
    with factory() as session:
        for user in session.scalars(select(User)):
            user.password_hash = _password_hash(user.username)
        session.commit()


def csrf_from(html: str) -> str:
    match = _CSRF_META.search(html)
    if match is None:
        raise AssertionError("the page carries no csrf-token meta tag")
    return match.group(1)


def log_in(client: Any, username: str) -> str:
    """Log ``client`` in as ``username`` through /login; the session's CSRF token."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": PASSWORDS[username],
                                           "csrf_token": token})
    if response.status_code != 302:
        raise AssertionError(f"login as {username} refused: {response.status_code}")
    # login starts a fresh session (no fixation): the token of the new session
    return csrf_from(client.get("/login").get_data(as_text=True))

"""Fixtures for the stations' tests: a seeded workshop and test clients logged in by role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.web_support import ROLE_USERS, log_in, seed_workshop


@pytest.fixture
def seeded(session_factory: Any) -> Any:
    """The demo workshop (known passwords: tests.web_support.PASSWORDS); the session factory."""
    seed_workshop(session_factory)
    return session_factory


@pytest.fixture
def client_as(app: Any, seeded: Any) -> Callable[[str], tuple[Any, str]]:
    """``client, csrf = client_as("supervisor")``: a test client logged in as that role (or
    that user name), with the CSRF token to post its forms."""

    def make(role_or_username: str) -> tuple[Any, str]:
        client = app.test_client()
        username = ROLE_USERS.get(role_or_username, role_or_username)
        return client, log_in(client, username)

    return make

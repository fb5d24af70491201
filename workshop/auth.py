"""Credentials: staff passwords and API tokens, platform API keys.

Passwords are hashed with werkzeug's scrypt; tokens and keys are random and only their sha256
is stored (they are long and random, so a fast hash is enough and lookups stay indexed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from workshop.models import ApiClient, User

STAFF_TOKEN_PREFIX = "wst_"
API_KEY_PREFIX = "wak_"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_staff_token(user: User) -> str:
    """Give ``user`` a new API token (the old one stops working). Returns it: shown once."""
    token = STAFF_TOKEN_PREFIX + secrets.token_urlsafe(32)
    user.token_hash = digest(token)
    return token


def issue_api_key(session: Session, name: str) -> tuple[ApiClient, str]:
    """Create an API client for the platform. Returns the client and its key: shown once."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=name, key_prefix=key[:10], key_hash=digest(key))
    session.add(client)
    return client, key


def user_for_token(session: Session, token: str) -> User | None:
    if not token.startswith(STAFF_TOKEN_PREFIX):
        return None
    user = session.scalar(select(User).where(User.token_hash == digest(token)))
    return user if user is not None and user.active else None


def client_for_key(session: Session, key: str) -> ApiClient | None:
    if not key.startswith(API_KEY_PREFIX):
        return None
    client = session.scalar(select(ApiClient).where(ApiClient.key_hash == digest(key)))
    if client is None or not client.active:
        return None
    # the lookup was by hash; compare again in constant time for good measure
    return client if hmac.compare_digest(client.key_hash, digest(key)) else None

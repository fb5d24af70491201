"""What every API handler shares: the blueprint, the request's session, the caller, the body.

A handler reads: ``principal = caller("jobs.read")`` (401 / 403 here), loads or 404s, changes
through the workflow, commits. The session belongs to the request and is closed (rolled back if
not committed) when the request ends, so a refused request leaves the database unchanged.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.types import Actor
from workshop import auth, openapi, permissions
from workshop.config import Settings
from workshop.errors import Invalid, Unauthorized
from workshop.models import Store
from workshop.permissions import PLATFORM, Principal

bp = Blueprint("api", __name__, url_prefix=openapi.API_PREFIX)

__all__ = ["actor_for", "authenticate", "body", "bp", "caller", "db", "settings", "store_by_code"]


def settings() -> Settings:
    return current_app.extensions["workshop"]["settings"]  # type: ignore[no-any-return]


def db() -> Session:
    if "api_session" not in g:
        g.api_session = current_app.extensions["workshop"]["sessionmaker"]()
    return g.api_session  # type: ignore[no-any-return]


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("api_session", None)
    if session is not None:
        session.close()


def _credential() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if header and scheme.lower() != "bearer":
        raise Unauthorized("use 'Authorization: Bearer <token>'")
    return value.strip() or request.headers.get("X-API-Key", "").strip() or None


def authenticate() -> Principal:
    """The caller of this request, from a staff token (wst_...) or a platform key (wak_...)."""
    if "principal" in g:
        return g.principal  # type: ignore[no-any-return]
    secret = _credential()
    if secret is None:
        raise Unauthorized("credentials required: 'Authorization: Bearer <token or API key>'")
    principal: Principal | None = None
    if secret.startswith(auth.STAFF_TOKEN_PREFIX):
        user = auth.user_for_token(db(), secret)
        if user is not None:
            principal = Principal("user", user.id, user.username, user.role, user.store_id)
    elif secret.startswith(auth.API_KEY_PREFIX):
        client = auth.client_for_key(db(), secret)
        if client is not None:
            principal = Principal("api_client", client.id, client.name, PLATFORM)
    if principal is None:
        raise Unauthorized("token or API key not recognised (revoked, mistyped or inactive)")
    g.principal = principal
    return principal


def caller(action: str) -> Principal:
    """Authenticate, then check the endpoint permission ``action``."""
    principal = authenticate()
    permissions.require(principal, action)
    return principal


def actor_for(principal: Principal) -> Actor:
    """The workflow's view of the caller: who is recorded in the event log, with which role."""
    kind = "user" if principal.is_staff else "platform"
    return Actor(kind, principal.id, principal.name, principal.role)


def body(schema_name: str) -> dict[str, Any]:
    """The request's JSON body, validated against the published schema ``schema_name``."""
    if not request.is_json:
        raise Invalid("send a JSON body with 'Content-Type: application/json'")
    data = request.get_json(silent=True)
    if data is None:
        raise Invalid("the body is not valid JSON")
    return openapi.validate(data, schema_name)


def store_by_code(code: str | None) -> Store | None:
    """The store with ``code``; 422 when there is none (a filter or field naming it is wrong)."""
    if not code:
        return None
    store = db().scalar(select(Store).where(Store.code == code))
    if store is None:
        raise Invalid(f"unknown store {code!r}", field="store_code")
    return store

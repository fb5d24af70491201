"""Flask app factory: builds settings, the database session factory, and calls each
package's ``init_app``. Nothing else happens here."""

from __future__ import annotations

from typing import Any

from flask import Flask

from workshop import config
from workshop.db import make_engine, make_sessionmaker


def create_app(settings: config.Settings | None = None, **overrides: Any) -> Flask:
    settings = settings or config.load(**overrides)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=32 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    engine = make_engine(settings)
    app.extensions["workshop"] = {
        "settings": settings,
        "engine": engine,
        "sessionmaker": make_sessionmaker(engine),
    }
    from workshop import errors

    errors.init_app(app)
    for name in _blueprint_packages():
        module = __import__(f"workshop.{name}", fromlist=["init_app"])
        module.init_app(app)
    return app


def _blueprint_packages() -> list[str]:
    """The stations and the API, each a package with ``init_app(app)``."""
    import importlib.util

    names = ["web", "api", "supervisor", "cnc", "artisan", "store", "public", "verify",
             "designs"]
    return [n for n in names if importlib.util.find_spec(f"workshop.{n}") is not None]

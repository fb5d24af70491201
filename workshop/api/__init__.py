"""The JSON API under /api/v1 and its OpenAPI document at /api/openapi.json.

One module per resource (tokens, pieces, orders, jobs, machines, artifacts); shared plumbing in ``base``.
"""

from __future__ import annotations

from flask import Flask, request

from workshop import openapi
from workshop.api.base import bp, close_session


def init_app(app: Flask) -> None:
    # importing the resource modules registers their routes on the blueprint
    from workshop.api import (  # noqa: F401
        artifacts,
        certificates,
        designs,
        jobs,
        machines,
        orders,
        payments,
        pieces,
        quotes,
        tokens,
    )

    app.register_blueprint(bp)
    app.add_url_rule("/api/openapi.json", "openapi", _openapi_json)
    app.teardown_appcontext(close_session)


def _openapi_json():  # type: ignore[no-untyped-def]
    return openapi.build_document(server_url=request.host_url.rstrip("/") or "/")

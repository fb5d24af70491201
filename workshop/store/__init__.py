"""The store desk: register a sold piece, take a desk order, take in a customer's stone with a
printed receipt (QR to the tracking page), issue the pickup code and hand the carved piece over.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from workshop.store.routes import bp

    app.register_blueprint(bp)

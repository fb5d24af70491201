"""The store desk: register a sold piece, take a desk order, take in a customer's stone with a
printed receipt (QR to the tracking page), issue the pickup code and hand the carved piece over
with its certificate, or send a courier order's set with the carrier's tracking number.

Photos (a sold piece, a stone on arrival) are stored like the bench's, by
``workshop.photos``. A piece has no job when it is sold, so its photo is an artifact of
kind ``piece_photo`` named ``<certificate no>.<ext>``. Strings: ``translations/`` (see
workshop/artisan/__init__.py for how they are refreshed).
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from workshop.store import courier  # noqa: F401  (its routes join the desk's blueprint)
    from workshop.store.routes import bp

    app.register_blueprint(bp)

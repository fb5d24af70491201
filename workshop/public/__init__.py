"""Pages anyone may open: the customer's tracking page behind the QR on the receipt."""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from workshop.public.routes import bp

    app.register_blueprint(bp)

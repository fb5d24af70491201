"""The design library station: designs with their owners and terms, and the owners' royalty
statements (page and CSV). ``library`` holds what the API and the pages share."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from workshop.designs.routes import bp

    app.register_blueprint(bp)

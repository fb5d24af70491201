"""The supervisor's station: the board, the job page, assignment, holds and the figures."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from workshop.supervisor.routes import bp

    app.register_blueprint(bp)

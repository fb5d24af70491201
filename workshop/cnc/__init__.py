"""The CNC operator's station: each machine's queue, the set-up sheet, the program files, and
start / pause / finish / fault at the machine."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from workshop.cnc import placement  # noqa: F401  (its routes join the blueprint)
    from workshop.cnc.routes import bp

    app.register_blueprint(bp)

"""The artisan's tablet at the bench: my tickets, the design at true scale beside the piece,
start / pause / progress / notes / photos / finish, and a queue that survives a flaky network.

Every change goes through the workflow engine. The tablet sends each change with an id it made
itself; the server remembers the id, so a change sent again after a lost answer is applied once
(``actions.py``; the tablet's queue is ``static/artisan/ticket.js``).

Strings: ``translations/zh_Hans_CN/LC_MESSAGES/messages.po``, refreshed with
``pybabel extract -k _l -F <cfg: python **.py, jinja2 **.html> workshop/artisan
workshop/templates/artisan`` and ``pybabel update``; tests/workshop/test_bench_desk_i18n.py
fails while a shown string has no translation.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from workshop.artisan.routes import bp

    app.register_blueprint(bp)

"""Public certificate verification: ``/verify/<number>?c=<code>`` and its JSON twin.

Anyone holding a printed certificate (or its QR code) checks it here; the answer is valid,
superseded by N, revoked with the reason, or not found, and a wrong code reads exactly like an
unknown number. Requests are counted per client address in Redis. ``panel`` builds what the
``_certificate.html`` partial shows on the staff pages and the tracking page.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from workshop.verify.routes import bp

    app.register_blueprint(bp)

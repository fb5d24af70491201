"""``GET /verify/<number>?c=<code>`` (page) and ``GET /verify/<number>.json?c=<code>``.

The number is always looked up (the same query whether it exists or not) and the row, or None,
goes to ``certificates.answer_for``, which compares the code in constant time: a wrong code
and an unknown number give the same status (404), the same body and the same work. The
answer shows only ``certificates.public_content``: nothing about the customer.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from redis import Redis

from certificates import Answer, AnswerKind, answer_for, url_host
from jobs import certificates as certs
from workshop.config import Settings
from workshop.verify import ratelimit

__all__ = ["bp"]

bp = Blueprint("verify", __name__, template_folder="templates")


def _settings() -> Settings:
    return current_app.extensions["workshop"]["settings"]  # type: ignore[no-any-return]


def _redis() -> Redis | None:
    from workshop.redis_conn import app_redis

    return app_redis(current_app.extensions["workshop"], _settings())


def _answer(number: str, code: str) -> Answer:
    factory = current_app.extensions["workshop"]["sessionmaker"]
    with factory() as session:
        row = certs.find(session, number)
        # a lab's original certificate has no code of ours: it answers like an unknown number
        record = certs.record_of(session, row) if row is not None and row.code_digest else None
        return answer_for(record, code)


def _private(response: Any) -> Any:
    # the code travels in the URL: never cached, never sent on in a Referer
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(wait: int, as_json: bool) -> Any:
    message = "请求过多，请稍后再试 Too many requests: try again in a minute"
    if as_json:
        response = jsonify({"status": "rate_limited", "message": message, "retryAfter": wait})
    else:
        response = make_response(render_template("verify/page.html", answer=None,
                                                 limited=message, number="", code=""))
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return _private(response)


@bp.get("/verify/<number>")
def verify(number: str):  # type: ignore[no-untyped-def]
    as_json = number.endswith(".json")
    number = number.removesuffix(".json")
    wait = ratelimit.retry_after(_redis(), _settings(), request.remote_addr or "unknown")
    if wait is not None:
        return _too_many(wait, as_json)
    code = request.args.get("c", "").strip()
    if not code and not as_json:  # scanned from a screenshot without its code: ask for it
        page = render_template("verify/page.html", answer=None, limited=None, number=number,
                               code="", host=url_host(_settings().public_base_url))
        return _private(make_response(page))
    answer = _answer(number, code)
    status = 404 if answer.kind is AnswerKind.NOT_FOUND else 200
    if as_json:
        response = jsonify(answer.to_json())
    else:
        response = make_response(render_template(
            "verify/page.html", answer=answer, limited=None, number=number, code=code,
            host=url_host(_settings().public_base_url)))
    response.status_code = status
    return _private(response)


@bp.get("/verify")
def lookup():  # type: ignore[no-untyped-def]
    """The form's target: on to the certificate's own address (the one its QR code holds)."""
    number = request.args.get("number", "").strip()
    if not number:
        page = render_template("verify/page.html", answer=None, limited=None, number="",
                               code="", host=url_host(_settings().public_base_url))
        return _private(make_response(page))
    code = request.args.get("c", "").strip()
    return _private(redirect(url_for("verify.verify", number=number, c=code or None)))

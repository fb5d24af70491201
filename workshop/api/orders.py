"""POST /orders: intake of a paid order, idempotent twice over.

- ``Idempotency-Key`` header: the same key with the same body answers the stored response; the
  same key with another body is a 409. Keys are remembered per caller.
- The order reference itself: the same reference with the same body answers 200 and the same
  jobs (the workflow's intake decides, and resolves a race on the reference); with another
  body, 409.

Two identical requests racing each other: the intake makes one order (the unique reference
decides); the winner answers 201 and remembers its key, the others answer 200 with the same jobs.
"""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from jobs import intake
from workshop.api import serialize
from workshop.api.base import actor_for, body, bp, caller, db, settings
from workshop.errors import Conflict, Invalid
from workshop.models import IdempotencyKey
from workshop.permissions import Principal

MAX_KEY_LENGTH = 200


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Invalid(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters",
                      field="Idempotency-Key")
    return key


def _replay(principal: Principal, key: str, digest: str) -> tuple[dict[str, Any], int] | None:
    stored = db().scalar(select(IdempotencyKey).where(
        IdempotencyKey.client == principal.label, IdempotencyKey.key == key))
    if stored is None:
        return None
    if stored.request_hash != digest:
        raise Conflict("this Idempotency-Key was used with a different request body",
                       idempotency_key=key)
    return stored.response, stored.status_code


def _accept(principal: Principal, data: dict[str, Any], key: str | None,
            digest: str) -> tuple[dict[str, Any], int]:
    if key is not None and (stored := _replay(principal, key, digest)) is not None:
        return stored
    session = db()
    answer: dict[str, Any] = {}

    def remember(order: Any) -> None:
        # the creator's answer is stored with the order, in its transaction: the key always
        # replays the 201 of the creation, and a key taken meanwhile by another body undoes
        # the order (409 below, nothing made)
        answer.update(serialize.order(session, order))
        if key is not None:
            session.add(IdempotencyKey(client=principal.label, key=key, request_hash=digest,
                                       status_code=201, response=dict(answer)))

    # the intake commits the order and its jobs itself (idempotent on the reference); a
    # request that finds the order already there answers 200 from the reference alone
    order, created = intake.accept_order(session, data, actor_for(principal), settings(),
                                         before_commit=remember)
    if created:
        return answer, 201
    return serialize.order(session, order), 200


@bp.post("/orders")
def create_order():  # type: ignore[no-untyped-def]
    principal = caller("orders.create")
    data = body("OrderIn")
    key = _idempotency_key()
    digest = intake.request_hash(data)
    try:
        return _accept(principal, data, key, digest)
    except IntegrityError:
        # the same key was sent at the same moment with another order and stored first: this
        # answers 409 below (the order made meanwhile stands, found again by its reference)
        db().rollback()
        return _accept(principal, data, key, digest)

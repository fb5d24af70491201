"""POST /payments: the platform's signed payment confirmations and refunds.

No API key: the HMAC signature over the raw body with the shared secret is the credential. The
signature and the timestamp are checked before the body is even parsed; a refused event writes
nothing (a bad signature or an old timestamp is a 401, a replayed event id a 409).
"""

from __future__ import annotations

import datetime as dt
import json

from flask import request

from jobs import payments
from workshop import openapi
from workshop.api.base import bp, db, settings
from workshop.errors import Conflict, Invalid, NotFound, Unauthorized


@bp.post("/payments")
def payment_event():  # type: ignore[no-untyped-def]
    raw = request.get_data(cache=True)
    try:
        signed_at = payments.verify(settings().payment_webhook_secret,
                                    request.headers.get(payments.SIGNATURE_HEADER), raw,
                                    dt.datetime.now(dt.UTC))
    except payments.SignatureRejected as exc:
        raise Unauthorized(str(exc)) from exc
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise Invalid("the body is not valid JSON") from exc
    event = openapi.validate(data, "PaymentEvent")
    try:
        payment = payments.apply_event(db(), event, signed_at, settings())
    except payments.PaymentReplay as exc:
        raise Conflict(str(exc), event_id=event["id"]) from exc
    except payments.UnknownOrder as exc:
        raise NotFound(str(exc), order_reference=event["order_reference"]) from exc
    except payments.PaymentError as exc:
        raise Invalid(str(exc)) from exc
    return {"event_id": payment.event_id, "kind": payment.kind,
            "order_reference": event["order_reference"], "recorded": True}, 201

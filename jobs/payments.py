"""Payment confirmations from the platform: a signed webhook, remembered once, and whether an
order is paid.

The platform signs each event like the workshop's own notifications:
``X-Platform-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>``. An event is
refused, and nothing is written, when the signature does not match, the timestamp is more than
:data:`TOLERANCE_S` away from now (either way), or its event id was seen before (a replay).

- ``payment.succeeded``: the payment is recorded; once what the order received covers its
  quote, every live job of the order using a royalty-bearing design is charged in the royalty
  ledger (once per job, dated the day the payment was signed).
- ``payment.refunded``: the refund is recorded and the royalty entries of the order's cancelled
  jobs are reversed by new negative entries.

An order is paid when what it received covers the quote of its live jobs: the net of the
platform's confirmations when there are any, else the ``amount_paid`` it came in with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobs import royalties
from jobs.money import Money, MoneyError
from jobs.quotes import QuoteError, quote
from jobs.types import State
from workshop.config import Settings
from workshop.models import Design, Job, Order, Payment, PaymentKind, Piece, RoyaltyEntry

__all__ = [
    "EVENT_TYPES", "PaymentError", "PaymentReplay", "SIGNATURE_HEADER", "SignatureRejected",
    "TOLERANCE_S", "UnknownOrder", "apply_event", "amount_due", "amount_received",
    "charge_if_paid", "sign",
    "unpaid_reason", "verify",
]

SIGNATURE_HEADER = "X-Platform-Signature"
TOLERANCE_S = 300  # five minutes either way: clocks drift, old captures do not come back
EVENT_TYPES = {"payment.succeeded": PaymentKind.PAID, "payment.refunded": PaymentKind.REFUNDED}


class PaymentError(ValueError):
    """Base of every refusal of a payment event; nothing was written."""


class SignatureRejected(PaymentError):
    """A missing or wrong signature, or a timestamp outside the tolerance."""


class PaymentReplay(PaymentError):
    """An event id seen before."""


class UnknownOrder(PaymentError):
    """An event for an order reference the workshop never received."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (what the platform does)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str | None, body: bytes, now: dt.datetime) -> dt.datetime:
    """The signing time of a correctly signed, fresh ``body``; SignatureRejected otherwise."""
    if not secret:
        raise SignatureRejected("payment webhooks are not configured (no shared secret)")
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise SignatureRejected(f"{SIGNATURE_HEADER} must be 't=<unix>,v1=<hex>'") from exc
    expected = sign(secret, timestamp, body).rpartition("v1=")[2]
    if not hmac.compare_digest(expected, given):
        raise SignatureRejected("the signature does not match the body")
    if abs(now.timestamp() - timestamp) > TOLERANCE_S:
        raise SignatureRejected(f"the timestamp is more than {TOLERANCE_S} s from now")
    return dt.datetime.fromtimestamp(timestamp, dt.UTC)


def _money(event: Mapping[str, Any]) -> Money:
    try:
        amount = Money(event["amount"], str(event.get("currency", "CNY")))
    except (KeyError, MoneyError) as exc:
        raise PaymentError(f"the event's amount is not exact money: {exc}") from exc
    if amount.minor <= 0:
        raise PaymentError("the event's amount must be above zero")
    return amount


def apply_event(session: Session, event: Mapping[str, Any], signed_at: dt.datetime,
                settings: Settings) -> Payment:
    """Record a verified event and its consequences in one transaction (committed).

    Raises PaymentReplay, UnknownOrder, PaymentError; on a refusal nothing is written.
    """
    kind = EVENT_TYPES.get(str(event.get("type")))
    if kind is None:
        raise PaymentError(f"event type must be one of {sorted(EVENT_TYPES)}")
    event_id = str(event.get("id", ""))
    if not event_id:
        raise PaymentError("the event has no id")
    if session.scalar(select(Payment.id).where(Payment.event_id == event_id)) is not None:
        raise PaymentReplay(f"event {event_id} was already received")
    order = session.scalar(select(Order).where(
        Order.platform_ref == str(event.get("order_reference", ""))))
    if order is None:
        raise UnknownOrder(f"no order {event.get('order_reference')!r}")
    amount = _money(event)
    if amount.currency != order.currency:
        raise PaymentError(f"the order is billed in {order.currency}, not {amount.currency}")
    payment = Payment(event_id=event_id, order_id=order.id, kind=kind,
                      amount_minor=amount.minor, currency=amount.currency, signed_at=signed_at)
    try:
        session.add(payment)
        session.flush()
        _consequences(session, order, kind, signed_at.date(), settings)
        session.commit()
    except IntegrityError as exc:  # the same event, at the same moment, won the unique id
        session.rollback()
        raise PaymentReplay(f"event {event_id} was already received") from exc
    except BaseException:
        session.rollback()
        raise
    return payment


def _consequences(session: Session, order: Order, kind: str, day: dt.date,
                  settings: Settings) -> None:
    if kind == PaymentKind.PAID:
        order.paid_at = order.paid_at or dt.datetime.now(dt.UTC)
        charge_if_paid(session, order, settings, day)
        return
    for job in order.jobs:
        if job.state == State.CANCELLED:
            royalties.reverse_job(session, job, day)


def charge_if_paid(session: Session, order: Order, settings: Settings,
                   day: dt.date) -> list[RoyaltyEntry]:
    """Charge the royalties of ``order``'s live jobs under the terms of ``day`` when what the
    order received covers its quote (flushed, not committed); a part payment charges nothing.
    Safe to call again: a job is charged once. Also for orders paid at intake (amount_paid)."""
    if amount_received(session, order) < amount_due(session, order, settings):
        return []
    return [entry for job in order.jobs if job.state != State.CANCELLED
            for entry in royalties.record_use(session, job, day)]


# ---- is the order paid? ------------------------------------------------------------------------

def amount_received(session: Session, order: Order) -> Money:
    """The net of the platform's confirmations (payments less refunds), or, when it sent none,
    the amount the order came in with."""
    rows = session.execute(select(Payment.kind, func.sum(Payment.amount_minor))
                           .where(Payment.order_id == order.id).group_by(Payment.kind)).all()
    if not rows:
        return Money.from_minor(order.amount_paid_cents, order.currency)
    sums = {kind: total or 0 for kind, total in rows}
    return Money.from_minor(sums.get(PaymentKind.PAID, 0) - sums.get(PaymentKind.REFUNDED, 0),
                            order.currency)


def amount_due(session: Session, order: Order, settings: Settings) -> Money:
    """The quote of the order's live jobs, today."""
    total = Money.zero(order.currency)
    for job in order.jobs:
        if job.state == State.CANCELLED:
            continue
        piece = session.get_one(Piece, job.piece_id)
        design = session.get(Design, job.design_id) if job.design_id is not None else None
        try:
            bill = quote(session, piece, design, job.carving_mode, order.delivery, settings,
                         face=job.face)
        except QuoteError:
            # a design placed by a supervisor outside its recorded fits: still billed as such
            bill = quote(session, piece, None, job.carving_mode, order.delivery, settings)
        if bill.currency != order.currency:
            raise PaymentError(f"the order is in {order.currency}, the quote in {bill.currency}")
        total = total + bill.total
    return total


def unpaid_reason(session: Session, job: Job, settings: Settings) -> str | None:
    """None when ``job``'s order is paid; otherwise what is missing, for the carving guard."""
    order = session.get_one(Order, job.order_id)
    received, due = amount_received(session, order), amount_due(session, order, settings)
    if order.paid_at is None or received < due:
        return f"the order is not paid: received {received} of {due}"
    return None

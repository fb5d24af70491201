"""Intake: pieces registered at sale, and paid orders from the platform or the store desk.

An order is idempotent on the platform's reference: the same reference with the same body (by a
hash of its canonical JSON) answers the existing order; with another body it is a conflict. Two
identical requests at once make exactly one order: the unique reference decides, and the loser
reads the winner's row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobs.engine import create_job
from jobs.errors import InvalidPayload, OrderConflict, PieceConflict
from jobs.payments import charge_if_paid
from jobs.types import Actor
from workshop.config import Settings
from workshop.models import (
    CarvingMode,
    Certificate,
    Delivery,
    Design,
    DesignSource,
    Order,
    Piece,
    PieceShape,
    Store,
)

__all__ = ["accept_order", "register_piece", "request_hash"]


def request_hash(data: Mapping[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# ---- pieces ------------------------------------------------------------------------------

def register_piece(session: Session, data: Mapping[str, Any], actor: Actor) -> Piece:
    """Register a piece by its identification certificate (version 1 of its certificates)."""
    fields = _piece_fields(session, data)
    number = fields["certificate_no"]
    if session.scalar(select(Piece.id).where(Piece.certificate_no == number)) is not None:
        raise PieceConflict(f"certificate {number} is already registered", certificate_no=number)
    piece = Piece(**fields)
    session.add(piece)
    try:
        session.flush()
        session.add(Certificate(piece_id=piece.id, number=number, version=1,
                                content={"identification": identification(piece)}))
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise PieceConflict(f"certificate {number} is already registered",
                            certificate_no=number) from exc
    return piece


def identification(piece: Piece) -> dict[str, Any]:
    """The certificate's identification data as registered at sale."""
    return {
        "certificate_no": piece.certificate_no, "shape": piece.shape,
        "material": piece.material, "mass_g": str(Decimal(piece.mass_mg) / 1000),
        "dimensions": piece.dimensions, "colour": piece.colour, "lab": piece.lab,
    }


def _piece_fields(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    reasons: dict[str, str] = {}
    number = _text(data, "certificate_no", reasons)
    material = _text(data, "material", reasons)
    shape = data.get("shape")
    if shape not in {s.value for s in PieceShape}:
        reasons["shape"] = f"must be one of: {', '.join(s.value for s in PieceShape)}"
    mass_mg = _mass_mg(data.get("mass_g"), reasons)
    dimensions = data.get("dimensions", {})
    if not isinstance(dimensions, dict) or not all(
            isinstance(v, str | int) and not isinstance(v, bool) for v in dimensions.values()):
        reasons["dimensions"] = "must be an object of decimal strings, e.g. {\"thickness_mm\": \"5\"}"
    store_id = None
    if data.get("store_code"):
        store_id = session.scalar(select(Store.id).where(Store.code == data["store_code"]))
        if store_id is None:
            reasons["store_code"] = f"unknown store {data['store_code']}"
    if reasons:
        raise InvalidPayload("invalid piece: " + "; ".join(f"{k} {v}" for k, v in reasons.items()),
                             fields=reasons)
    return {
        "certificate_no": number, "material": material, "shape": shape, "mass_mg": mass_mg,
        "dimensions": {k: str(v) for k, v in dimensions.items()},
        "carvable_faces": list(data.get("carvable_faces") or ["front"]),
        "set_code": data.get("set_code"), "colour": str(data.get("colour", "")),
        "lab": str(data.get("lab", "")), "store_id": store_id,
    }


def _text(data: Mapping[str, Any], name: str, reasons: dict[str, str]) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        reasons[name] = "required, a non-empty string"
        return ""
    return value.strip()


def _mass_mg(value: Any, reasons: dict[str, str]) -> int:
    try:
        if isinstance(value, float | bool):
            raise InvalidOperation
        grams = Decimal(str(value))
        if not grams.is_finite() or grams <= 0:
            raise InvalidOperation
    except InvalidOperation:
        reasons["mass_g"] = "required, a positive decimal string of grams, e.g. \"38.52\""
        return 0
    return int((grams * 1000).to_integral_value())


# ---- orders ------------------------------------------------------------------------------

def accept_order(session: Session, data: Mapping[str, Any], actor: Actor,
                 settings: Settings | None = None,
                 before_commit: Callable[[Order], None] | None = None) -> tuple[Order, bool]:
    """Accept a paid order: (the order, True) when created, (the same order, False) when the
    identical request came before. Raises OrderConflict, InvalidPayload.

    With ``settings``, an order whose ``amount_paid`` covers its quote has its royalties
    charged in the same transaction, as a payment webhook would; a repeat writes nothing.
    ``before_commit`` is called with the new order (flushed: its jobs have ids) inside the
    same transaction, so what it writes (the API's idempotency key) stands or falls with it."""
    digest = request_hash(data)
    reference = data.get("reference")
    if not isinstance(reference, str) or not reference.strip():
        raise InvalidPayload("an order needs the platform's reference",
                             fields={"reference": "required, a non-empty string"})
    existing = _existing(session, reference, digest)
    if existing is not None:
        return existing, False
    try:
        order = _build_order(session, data, digest, actor)
        if settings is not None:
            charge_if_paid(session, order, settings, dt.datetime.now(dt.UTC).date())
        if before_commit is not None:
            session.flush()
            before_commit(order)
        session.commit()
    except IntegrityError:
        # a concurrent identical request won the unique reference: answer with its order
        session.rollback()
        existing = _existing(session, reference, digest)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        session.rollback()
        raise
    return order, True


def _existing(session: Session, reference: str, digest: str) -> Order | None:
    order = session.scalar(select(Order).where(Order.platform_ref == reference))
    if order is not None and order.request_hash != digest:
        raise OrderConflict(f"order {reference} was already received with a different body",
                            reference=reference)
    return order


def _build_order(session: Session, data: Mapping[str, Any], digest: str, actor: Actor) -> Order:
    reasons: dict[str, str] = {}
    customer = data.get("customer") or {}
    if not isinstance(customer, dict):
        reasons["customer"] = "must be an object"
        customer = {}
    delivery = data.get("delivery", Delivery.PICKUP)
    if delivery not in (Delivery.COURIER, Delivery.PICKUP):
        reasons["delivery"] = "must be courier or pickup"
    store_id = None
    if data.get("store_code"):
        store_id = session.scalar(select(Store.id).where(Store.code == data["store_code"]))
        if store_id is None:
            reasons["store_code"] = f"unknown store {data['store_code']}"
    elif delivery == Delivery.PICKUP:
        reasons["store_code"] = "required for pickup at a store"
    amount_cents = _cents(data.get("amount_paid", "0"), reasons)
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines:
        reasons["lines"] = "required, a non-empty list (one line per piece)"
        lines = []
    resolved = [_line(session, i, line, reasons) for i, line in enumerate(lines)]
    if reasons:
        raise InvalidPayload("invalid order: " + "; ".join(f"{k} {v}" for k, v in reasons.items()),
                             fields=reasons)
    order = Order(
        platform_ref=data["reference"].strip(), request_hash=digest,
        channel=str(data.get("channel", "api")), customer_name=str(customer.get("name", "")),
        customer_email=str(customer.get("email", "")),
        customer_phone=str(customer.get("phone", "")), store_id=store_id, delivery=delivery,
        delivery_address=data.get("delivery_address") or {}, amount_paid_cents=amount_cents,
        currency=str(data.get("currency", "CNY")), paid_at=dt.datetime.now(dt.UTC))
    session.add(order)
    session.flush()
    for line_no, fields in enumerate(resolved, start=1):
        create_job(session, actor, note=f"order {order.platform_ref} line {line_no}",
                   order_id=order.id, line_no=line_no,
                   tracking_token=secrets.token_urlsafe(24), **fields)
    return order


def _cents(value: Any, reasons: dict[str, str]) -> int:
    try:
        if isinstance(value, float | bool):
            raise InvalidOperation
        amount = Decimal(str(value))
        if not amount.is_finite() or amount < 0:
            raise InvalidOperation
    except InvalidOperation:
        reasons["amount_paid"] = "a decimal string of the currency, e.g. \"1280.00\""
        return 0
    return int((amount * 100).to_integral_value())


def _line(session: Session, index: int, line: Any, reasons: dict[str, str]) -> dict[str, Any]:
    where = f"lines[{index}]"
    if not isinstance(line, dict):
        reasons[where] = "must be an object"
        return {}
    number = line.get("certificate_no")
    piece_id = session.scalar(select(Piece.id).where(Piece.certificate_no == number))
    if piece_id is None:
        reasons[f"{where}.certificate_no"] = (
            f"piece {number} is not registered; register it at sale first (POST /api/v1/pieces)")
    mode = line.get("carving_mode")
    if mode not in (CarvingMode.MACHINE, CarvingMode.HAND):
        reasons[f"{where}.carving_mode"] = "must be machine or hand"
    design_id = _design(session, line, where, reasons)
    if mode == CarvingMode.MACHINE and design_id is None and f"{where}.design" not in reasons:
        reasons[f"{where}.design_code"] = "a machine carving needs a design"
    due = None
    if line.get("due_date"):
        try:
            due = dt.date.fromisoformat(str(line["due_date"]))
        except ValueError:
            reasons[f"{where}.due_date"] = "must be a date, YYYY-MM-DD"
    return {
        "piece_id": piece_id, "design_id": design_id, "carving_mode": mode, "route": mode,
        "face": str(line.get("face", "front")), "depth_mm": str(line.get("depth_mm", "0.3")),
        "placement": line.get("placement") or {}, "due_date": due,
        "priority": int(line.get("priority", 0) or 0),
    }


def _design(session: Session, line: dict, where: str, reasons: dict[str, str]) -> int | None:
    """An existing design by code, or the customer's own SVG given inline."""
    inline = line.get("design")
    code = line.get("design_code")
    if isinstance(inline, dict):
        code = inline.get("code")
        svg = inline.get("svg")
        if not isinstance(code, str) or not isinstance(svg, str) or not svg.strip():
            reasons[f"{where}.design"] = "an inline design needs code and svg"
            return None
        found = session.scalar(select(Design.id).where(Design.code == code))
        if found is not None:
            return found
        design = Design(code=code, title=str(inline.get("title", code)), svg=svg,
                        svg_sha256=hashlib.sha256(svg.encode()).hexdigest(),
                        source=str(inline.get("source", DesignSource.CUSTOMER)))
        session.add(design)
        session.flush()
        return design.id
    if code is None:
        return None
    found = session.scalar(select(Design.id).where(Design.code == code))
    if found is None:
        reasons[f"{where}.design_code"] = f"unknown design {code}"
    return found

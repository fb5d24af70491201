"""The desk's forms: what the clerk typed, turned into the workflow's payloads, with a clear
message per field. A refused form is drawn again with everything the clerk typed."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from workshop.models import PieceShape

__all__ = ["CARRIERS", "DIMENSIONS", "FormErrors", "LINES", "desk_order", "dispatch",
           "new_reference", "piece", "receipt"]

# the sizes a certificate states, by the names Piece.dimensions uses
DIMENSIONS = ("outer_diameter_mm", "inner_diameter_mm", "width_mm", "length_mm",
              "thickness_mm")
LINES = 3  # pieces per desk order form (a set: bangle, ring, buckle)
CONDITIONS = ("intact", "minor_marks", "chipped", "cracked")


class FormErrors(Exception):
    """Fields at fault: {field name: reason}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


# no carving stone weighs a tonne or measures a kilometre: a larger number is a typing slip
MAX_MEASURE = Decimal(1_000_000)


def _decimal(raw: str) -> Decimal | None:
    """A positive, plausible measure typed at the desk (grams or millimetres), else None."""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() and 0 < value < MAX_MEASURE else None


def piece(form: Mapping[str, str], store_code: str | None) -> dict[str, Any]:
    """A sold piece as jobs.intake.register_piece takes it."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"store_code": store_code} if store_code else {}
    for name in ("certificate_no", "material"):
        data[name] = _text(form, name)
        if not data[name]:
            errors[name] = "required"
    data["shape"] = _text(form, "shape")
    if data["shape"] not in {s.value for s in PieceShape}:
        errors["shape"] = "choose a shape"
    mass = _text(form, "mass_g")
    if _decimal(mass) is None:
        errors["mass_g"] = "the certificate's mass in grams, e.g. 28.15"
    data["mass_g"] = mass
    dimensions = {}
    for name in DIMENSIONS:
        raw = _text(form, name)
        if raw and _decimal(raw) is None:
            errors[name] = "a positive number of millimetres"
        elif raw:
            dimensions[name] = raw
    data["dimensions"] = dimensions
    faces = [f for f in ("front", "back") if form.get(f"face_{f}")]
    data["carvable_faces"] = faces or ["front"]
    for name in ("colour", "lab", "set_code"):
        if _text(form, name):
            data[name] = _text(form, name)
    if errors:
        raise FormErrors(errors)
    return data


def new_reference(store_code: str) -> str:
    """A desk order's reference, drawn when the form is shown: sending the same form twice
    (a double tap, a reload) then makes one order, by intake's idempotency."""
    day = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
    return f"DESK-{store_code}-{day}-{secrets.token_hex(4).upper()}"


def desk_order(form: Mapping[str, str], store_code: str) -> dict[str, Any]:
    """A walk-in customer's order as jobs.intake.accept_order takes it."""
    errors: dict[str, str] = {}
    reference = _text(form, "reference")
    # drawn by new_reference when the form was shown (a manager may pick another store after)
    if not re.fullmatch(r"DESK-[A-Za-z0-9_-]+-\d{8}-[0-9A-F]{8}", reference):
        errors["reference"] = "reload the form"
    name = _text(form, "customer_name")
    if not name:
        errors["customer_name"] = "required"
    phone, email = _text(form, "customer_phone"), _text(form, "customer_email")
    if not phone and not email:
        errors["customer_phone"] = "a phone number or an e-mail address, to tell them it is ready"
    amount = _text(form, "amount_paid") or "0"
    try:
        if Decimal(amount) < 0:
            raise InvalidOperation
    except InvalidOperation:
        errors["amount_paid"] = "an amount like 1280.00"
    lines = [line for i in range(LINES) if (line := _line(form, i, errors)) is not None]
    if not lines and "lines" not in errors:
        errors["line0_certificate_no"] = "at least one piece"
    if errors:
        raise FormErrors(errors)
    return {"reference": reference, "channel": "store_desk",
            "customer": {"name": name, "phone": phone, "email": email},
            "store_code": store_code, "delivery": "pickup", "amount_paid": amount,
            "currency": "CNY", "lines": lines}


def _line(form: Mapping[str, str], i: int, errors: dict[str, str]) -> dict[str, Any] | None:
    number = _text(form, f"line{i}_certificate_no")
    if not number:
        return None
    mode = _text(form, f"line{i}_carving_mode")
    if mode not in ("machine", "hand"):
        errors[f"line{i}_carving_mode"] = "machine or hand"
    line: dict[str, Any] = {"certificate_no": number, "carving_mode": mode,
                            "face": _text(form, f"line{i}_face") or "front"}
    if design := _text(form, f"line{i}_design_code"):
        line["design_code"] = design
    elif mode == "machine":
        errors[f"line{i}_design_code"] = "a machine carving needs a design"
    if due := _text(form, f"line{i}_due_date"):
        try:
            dt.date.fromisoformat(due)
            line["due_date"] = due
        except ValueError:
            errors[f"line{i}_due_date"] = "a date"
    if _text(form, f"line{i}_priority"):
        line["priority"] = 1
    return line


def receipt(form: Mapping[str, str]) -> dict[str, Any]:
    """The receive event's data for a stone handed in at the counter."""
    errors: dict[str, str] = {}
    mass = _text(form, "mass_g")
    if _decimal(mass) is None:
        errors["mass_g"] = "weigh the stone: grams, e.g. 28.15"
    condition = _text(form, "condition")
    if condition not in CONDITIONS:
        errors["condition"] = "choose the stone's condition"
    if errors:
        raise FormErrors(errors)
    data = {"channel": "store_counter", "mass_g": mass, "condition": condition}
    if note := _text(form, "note"):
        data["note"] = note
    return data


# the carriers the desk uses most; any other carrier may be typed
CARRIERS = ("顺丰速运 SF Express", "中国邮政 EMS", "京东物流 JD Logistics", "圆通 YTO", "中通 ZTO")
TRACKING_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{3,39}")


def dispatch(form: Mapping[str, str]) -> dict[str, Any]:
    """The dispatch event's data: the carrier and its tracking number, as on the waybill."""
    errors: dict[str, str] = {}
    carrier = _text(form, "carrier")
    if not carrier:
        errors["carrier"] = "name the carrier"
    elif len(carrier) > 60:
        errors["carrier"] = "at most 60 characters"
    # written without spaces, as carriers' own tracking pages take it
    tracking_no = re.sub(r"\s+", "", _text(form, "tracking_no"))
    if not TRACKING_NO.fullmatch(tracking_no):
        errors["tracking_no"] = "the waybill's number: 4 to 40 letters, digits or hyphens"
    if errors:
        raise FormErrors(errors)
    data = {"carrier": carrier, "tracking_no": tracking_no}
    if note := _text(form, "note"):
        data["note"] = note
    return data

"""Shared set-up for the artisan and store page tests: a store, its people, a piece, a design,
and logging a test client in the way the web package keeps a login (the user id in the session
and the session's CSRF token)."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from jobs.engine import fire
from jobs.intake import accept_order, register_piece
from jobs.types import Actor
from workshop import auth
from workshop.models import Design, Store, User

CSRF = "test-csrf-token"
DESIGN_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="24mm" height="12mm" '
              'viewBox="0 0 24 12"><path d="M2 2 L22 10" stroke="black" fill="none"/></svg>')
# the smallest JPEG header the upload sniffs as a photo
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + bytes(range(64))


@functools.cache
def _password_hash() -> str:
    return auth.hash_password("pw")


@dataclass
class Shop:
    store_code: str
    users: dict[str, int]  # username -> id
    design_code: str


def make_shop(session_factory: Any) -> Shop:
    with session_factory() as session:
        store = Store(code="SH-JA", name="和田玉坊 静安店", address="上海市静安区南京西路 1 号")
        other = Store(code="BJ-DC", name="和田玉坊 东城店")
        session.add_all([store, other])
        session.flush()
        people = [("wang", "artisan", None), ("li", "artisan", None),
                  ("lin", "supervisor", None), ("xu", "store_clerk", store.id),
                  ("zhao", "store_clerk", other.id), ("chen", "cnc_operator", None)]
        users = {}
        for name, role, store_id in people:
            user = User(username=name, display_name=name, role=role, store_id=store_id,
                        password_hash=_password_hash())
            session.add(user)
            session.flush()
            users[name] = user.id
        session.add(Design(code="D-LINE", title="线 line", svg=DESIGN_SVG,
                           svg_sha256=hashlib.sha256(DESIGN_SVG.encode()).hexdigest()))
        session.commit()
    return Shop("SH-JA", users, "D-LINE")


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["user_id"] = user_id
        s["csrf"] = CSRF


def piece_data(number: str, store_code: str = "SH-JA") -> dict[str, Any]:
    return {"certificate_no": number, "shape": "ring", "material": "和田玉", "mass_g": "8.02",
            "dimensions": {"outer_diameter_mm": "36"}, "store_code": store_code}


def hand_job(session_factory: Any, shop: Shop, number: str = "NGTC-1", *,
             receive: bool = True, artisan: str | None = None) -> int:
    """A hand job at the shop's store: registered, ordered, received (ticket open) and, with
    ``artisan``, assigned to that artisan."""
    admin = Actor("user", None, "test", "admin")
    with session_factory() as session:
        register_piece(session, piece_data(number, shop.store_code), admin)
        order, _ = accept_order(session, {
            "reference": f"REF-{number}", "store_code": shop.store_code, "delivery": "pickup",
            "customer": {"name": "王芳", "phone": "+86 138"},
            "amount_paid": "360.00",  # paid in full: 2 h of hand carving at 180.00
            "lines": [{"certificate_no": number, "carving_mode": "hand",
                       "design_code": shop.design_code}]}, admin)
        job_id = order.jobs[0].id
        if receive:
            fire(session, job_id, "receive", actor=admin, version=None,
                 data={"channel": "store_counter", "mass_g": "8.02"})
        if artisan:
            fire(session, job_id, "assign", actor=admin, version=None,
                 data={"artisan_id": shop.users[artisan]})
    return job_id

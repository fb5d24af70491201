"""The demo workshop: one store, a user per role, two machines, three artisans, the wedding set
cut from one stone with its certificates, a few free designs, and one order for the set.

Passwords, staff API tokens and the platform's API key are random and printed once; only their
hashes are stored.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs.intake import accept_order, register_piece
from jobs.types import Actor
from workshop.auth import hash_password, issue_api_key, issue_staff_token
from workshop.models import Design, DesignSource, Machine, Store, Tool, User

__all__ = ["DESIGNS_DIR", "seed"]

DESIGNS_DIR = Path(__file__).resolve().parent / "seed_designs"

STORE = {"code": "SH-NJR", "name": "玉坊 Nanjing Road store",
         "address": "Nanjing East Road 100, Huangpu, Shanghai", "phone": "+86 21 5555 0100"}

USERS = [  # username, display name, role
    ("admin", "Zhou Min 周敏", "admin"),
    ("supervisor", "Lin Hao 林浩", "supervisor"),
    ("operator", "Chen Jie 陈杰", "cnc_operator"),
    ("artisan.wang", "Wang Shifu 王师傅", "artisan"),
    ("artisan.li", "Li Shifu 李师傅", "artisan"),
    ("artisan.zhao", "Zhao Shifu 赵师傅", "artisan"),
    ("clerk", "Xu Li 许丽", "store_clerk"),
]

MACHINES = [  # code, name, profile, tools loaded
    ("ENG-1", "3-axis engraver (GRBL)", "engraver-3axis-grbl", ["ball-0.8", "ball-1.0"]),
    ("ROT-1", "4-axis with rotary A (LinuxCNC)", "rotary-4axis-linuxcnc", ["ball-1.0"]),
]

WEDDING_SET = "HT-2026-STONE-07"  # one stone of Hetian nephrite, four pieces
PIECES = [
    {"certificate_no": "NGTC-2026-070001", "shape": "bangle", "mass_g": "62.480",
     "dimensions": {"inner_diameter_mm": "56.0", "outer_diameter_mm": "78.0",
                    "width_mm": "14.0", "thickness_mm": "8.0"}, "title": "手镯 bangle"},
    {"certificate_no": "NGTC-2026-070002", "shape": "bi_disc", "mass_g": "28.150",
     "dimensions": {"outer_diameter_mm": "50.0", "inner_diameter_mm": "12.0",
                    "thickness_mm": "5.0"}, "title": "玉璧 bi disc"},
    {"certificate_no": "NGTC-2026-070003", "shape": "ring", "mass_g": "8.020",
     "dimensions": {"outer_diameter_mm": "36.0", "inner_diameter_mm": "24.0",
                    "thickness_mm": "5.0"}, "title": "玉环 ring"},
    {"certificate_no": "NGTC-2026-070004", "shape": "buckle", "mass_g": "6.310",
     "dimensions": {"outer_diameter_mm": "22.0", "inner_diameter_mm": "6.0",
                    "thickness_mm": "6.0"}, "title": "玉扣 buckle"},
]

DESIGNS = [  # code, file, title
    ("FREE-XIANGYUN", "xiangyun-cloud.svg", "祥云 Auspicious cloud"),
    ("FREE-LOTUS", "lotus.svg", "莲花 Lotus"),
    ("FREE-RUYI", "ruyi-knot.svg", "如意 Ruyi"),
]


def seed(factory: sessionmaker[Session], *, if_empty: bool = False,
         out: Callable[[str], Any] = print) -> bool:
    """Create the demo workshop; False (and nothing done) when ``if_empty`` and a store exists."""
    with factory() as session:
        if if_empty and session.scalar(select(Store.id).limit(1)) is not None:
            out("the database already holds a workshop: nothing seeded")
            return False
        secrets_shown = _people_and_things(session)
        session.commit()
    admin = Actor("user", None, "seed", "admin")
    with factory() as session:
        for piece in PIECES:
            data = {k: v for k, v in piece.items() if k != "title"}
            register_piece(session, {**data, "material": "和田玉/软玉", "set_code": WEDDING_SET,
                                     "store_code": STORE["code"], "colour": "white 白",
                                     "lab": "NGTC 国家珠宝玉石质量监督检验中心",
                                     "carvable_faces": ["front", "back"]}, admin)
    with factory() as session:
        order, _ = accept_order(session, demo_order(), Actor("platform", None, "seed", "platform"))
        order_ref = order.platform_ref
    _print_secrets(out, secrets_shown, order_ref)
    return True


def _people_and_things(session: Session) -> list[tuple[str, str, str, str]]:
    store = Store(**STORE)
    session.add(store)
    session.flush()
    shown = []
    for username, name, role in USERS:
        password = secrets.token_urlsafe(12)
        user = User(username=username, display_name=name, role=role,
                    password_hash=hash_password(password),
                    store_id=store.id if role == "store_clerk" else None)
        token = issue_staff_token(user)
        session.add(user)
        shown.append((username, role, password, token))
    _client, key = issue_api_key(session, "platform")
    shown.append(("platform", "api client", "-", key))
    for code, name, profile, tools in MACHINES:
        machine = Machine(code=code, name=name, profile=profile)
        session.add(machine)
        session.flush()
        session.add_all(Tool(machine_id=machine.id, name=t, slot=i)
                        for i, t in enumerate(tools, start=1))
    for code, filename, title in DESIGNS:
        svg = (DESIGNS_DIR / filename).read_text(encoding="utf-8")
        session.add(Design(code=code, title=title, source=DesignSource.FREE, svg=svg,
                           svg_sha256=hashlib.sha256(svg.encode()).hexdigest(),
                           tags=["free", "wedding"], designer="workshop"))
    return shown


def demo_order() -> dict[str, Any]:
    """The wedding set's order: the bi disc by machine, the ring and buckle by hand."""
    lines = [
        {"certificate_no": PIECES[1]["certificate_no"], "carving_mode": "machine",
         "design_code": "FREE-XIANGYUN", "face": "front", "depth_mm": "0.3"},
        {"certificate_no": PIECES[2]["certificate_no"], "carving_mode": "hand",
         "design_code": "FREE-LOTUS"},
        {"certificate_no": PIECES[3]["certificate_no"], "carving_mode": "hand",
         "design_code": "FREE-RUYI"},
    ]
    return {"reference": "DEMO-WEDDING-0001", "channel": "store_desk",
            "customer": {"name": "Wang Fang 王芳", "email": "wang.fang@example.com",
                         "phone": "+86 138 0000 0000"},
            "store_code": STORE["code"], "delivery": "pickup", "amount_paid": "2680.00",
            "currency": "CNY", "lines": lines}


def _print_secrets(out: Callable[[str], Any], shown: list[tuple[str, str, str, str]],
                   order_ref: str) -> None:
    out("Demo workshop seeded. These secrets are shown ONCE; only their hashes are stored.")
    out(f"{'username':<14} {'role':<13} {'password':<18} API token / key")
    for username, role, password, token in shown:
        out(f"{username:<14} {role:<13} {password:<18} {token}")
    out(f"Demo order {order_ref}: the wedding set (bi disc by machine, ring and buckle by hand), "
        "awaiting the stones at the store.")

"""API fixtures: a store, one staff member per role with an API token, a platform API key."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Any

import pytest

from workshop import auth
from workshop.models import Design, Machine, Role, Store, User

DESIGN_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="20mm" viewBox="0 0 20 20">'
    '<path d="M2 2 L18 18" stroke="black" fill="none"/></svg>'
)

# nothing visible to carve: the CAM refuses it (and so does a workshop without a CAM)
EMPTY_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="20mm" '
             'viewBox="0 0 20 20"></svg>')


@dataclass
class Crew:
    """Authorization headers by role; ``platform`` is the API key of the shop's platform."""

    headers: dict[str, dict[str, str]]
    user_ids: dict[str, int]
    store_code: str
    other_store_code: str
    machine_ids: dict[str, int]

    def __getitem__(self, role: str) -> dict[str, str]:
        return self.headers[role]


@functools.cache
def _password_hash() -> str:
    # scrypt is slow on purpose; the API tests log in by token, so one hash serves every user
    return auth.hash_password("pw")


@pytest.fixture
def crew(session_factory: Any) -> Crew:
    with session_factory() as session:
        store = Store(code="SH-JA", name="和田玉坊 静安店", address="上海市静安区南京西路 1 号")
        other = Store(code="BJ-DC", name="和田玉坊 东城店", address="北京市东城区")
        session.add_all([store, other])
        session.flush()
        headers: dict[str, dict[str, str]] = {}
        ids: dict[str, int] = {}
        for role in Role:
            user = User(username=f"{role.value}1", display_name=role.value, role=role.value,
                        password_hash=_password_hash(),
                        store_id=store.id if role == Role.STORE_CLERK else None)
            token = auth.issue_staff_token(user)
            session.add(user)
            session.flush()
            headers[role.value] = {"Authorization": f"Bearer {token}"}
            ids[role.value] = user.id
        clerk = User(username="clerk_bj", display_name="clerk bj", role=Role.STORE_CLERK,
                     password_hash=_password_hash(), store_id=other.id)
        headers["other_clerk"] = {"Authorization": f"Bearer {auth.issue_staff_token(clerk)}"}
        session.add(clerk)
        _client, key = auth.issue_api_key(session, "platform")
        headers["platform"] = {"Authorization": f"Bearer {key}"}
        for code, svg in (("D-BI-CLOUD", DESIGN_SVG), ("D-RING-WAVE", DESIGN_SVG),
                          ("D-BUCKLE-KNOT", DESIGN_SVG), ("D-EMPTY", EMPTY_SVG)):
            session.add(Design(code=code, title=code, svg=svg,
                               svg_sha256=hashlib.sha256(svg.encode()).hexdigest()))
        machines = {"engraver": Machine(code="ENG-1", name="3-axis engraver",
                                        profile="engraver-3axis-grbl"),
                    "rotary": Machine(code="ROT-1", name="4-axis rotary",
                                      profile="rotary-4axis-linuxcnc")}
        session.add_all(machines.values())
        session.commit()
        machine_ids = {k: m.id for k, m in machines.items()}
    return Crew(headers, ids, "SH-JA", "BJ-DC", machine_ids)

"""A small workshop for the workflow tests: a store, one user per role, machines, pieces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="20mm" viewBox="0 0 20 20">'
       '<circle cx="10" cy="10" r="6" fill="none" stroke="black"/></svg>')


@dataclass
class World:
    factory: Any
    settings: Any
    actors: dict[str, Any]
    machines: dict[str, int]
    store_code: str = "SH01"

    def session(self) -> Any:
        return self.factory()

    def piece(self, number: str, shape: str = "bi_disc", mass_g: str = "38.520",
              set_code: str | None = None) -> None:
        from jobs.intake import register_piece

        with self.factory() as s:
            register_piece(s, {
                "certificate_no": number, "shape": shape, "material": "和田玉/软玉",
                "mass_g": mass_g, "dimensions": {"outer_diameter_mm": "50", "thickness_mm": "6"},
                "set_code": set_code, "store_code": self.store_code, "lab": "NGTC",
            }, self.actors["admin"])

    def order(self, reference: str, lines: list[dict], delivery: str = "pickup") -> list[int]:
        from jobs.intake import accept_order

        with self.factory() as s:
            order, _ = accept_order(s, self.order_body(reference, lines, delivery),
                                    self.actors["platform"])
            return [j.id for j in order.jobs]

    def order_body(self, reference: str, lines: list[dict], delivery: str = "pickup") -> dict:
        return {"reference": reference, "customer": {"name": "Wang Fang",
                                                     "email": "wang@example.com"},
                "store_code": self.store_code, "delivery": delivery, "amount_paid": "1280.00",
                "lines": lines}

    def fire(self, job_id: int, event: str, who: str, data: dict | None = None,
             version: int | None = -1, **kw: Any) -> Any:
        """Fire as ``who``; version -1 means "the job's current version"."""
        from jobs.engine import fire
        from workshop.models import Job

        with self.factory() as s:
            if version == -1:
                version = s.get_one(Job, job_id).version
            return fire(s, job_id, event, actor=self.actors[who], version=version,
                        data=data or {}, settings=self.settings, **kw)

    def job(self, job_id: int) -> Any:
        from workshop.models import Job

        with self.factory() as s:
            return s.get_one(Job, job_id)

    def timeline(self, job_id: int) -> list[tuple[str, str | None, str]]:
        from sqlalchemy import select

        from workshop.models import Event

        with self.factory() as s:
            rows = s.scalars(select(Event).where(Event.job_id == job_id).order_by(Event.seq))
            return [(e.event, e.from_state, e.to_state) for e in rows]


@pytest.fixture
def world(session_factory: Any, settings: Any) -> World:
    from jobs.types import Actor
    from workshop.models import ApiClient, Design, Machine, Store, User

    actors: dict[str, Any] = {"system": Actor.system()}
    with session_factory() as s:
        s.add(Store(code="SH01", name="Shanghai Nanjing Road", address="Nanjing Rd 1"))
        roles = ["admin", "supervisor", "cnc_operator", "artisan", "store_clerk"]
        users = {r: User(username=r, display_name=r.title(), role=r,
                         password_hash="!") for r in roles}
        users["artisan2"] = User(username="artisan2", display_name="Artisan Two", role="artisan",
                                 password_hash="!")
        client = ApiClient(name="platform", key_prefix="wak_x", key_hash="0" * 64)
        engraver = Machine(code="ENG-1", name="Engraver", profile="engraver-3axis-grbl")
        rotary = Machine(code="ROT-1", name="Rotary", profile="rotary-4axis-linuxcnc")
        s.add_all([*users.values(), client, engraver, rotary])
        s.add(Design(code="D-CLOUD", title="Cloud", svg=SVG, svg_sha256="0" * 64))
        s.commit()
        for name, user in users.items():
            actors[name] = Actor("user", user.id, user.username, user.role)
        actors["platform"] = Actor("platform", client.id, client.name, "platform")
        machines = {"ENG-1": engraver.id, "ROT-1": rotary.id}
    return World(session_factory, settings, actors, machines)

"""Helpers that drive the workflow through the HTTP API, as a client would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from jobs import royalties
from jobs.money import Money
from tests.workshop.api.conftest import Crew
from workshop.models import Design, DesignOwner

# the wedding set, cut from one stone: certificate number, shape, mass (g), outer diameter (mm)
WEDDING_SET = (
    ("NGTC-W-0002", "bi_disc", "38.520", "50"),
    ("NGTC-W-0003", "ring", "12.300", "32"),
    ("NGTC-W-0004", "buckle", "8.750", "26"),
)


def piece_body(number: str, shape: str = "bi_disc", mass_g: str = "38.520",
               diameter: str = "50", set_code: str | None = "SET-W") -> dict[str, Any]:
    body: dict[str, Any] = {
        "certificate_no": number, "shape": shape, "material": "和田玉/软玉", "mass_g": mass_g,
        "dimensions": {"outer_diameter_mm": diameter, "thickness_mm": "6"},
        "carvable_faces": ["front", "back"], "lab": "NGTC", "store_code": "SH-JA",
    }
    if set_code:
        body["set_code"] = set_code
    return body


def register(client: Any, crew: Crew, *pieces: tuple[str, str, str, str]) -> None:
    for number, shape, mass, diameter in pieces:
        r = client.post("/api/v1/pieces", headers=crew["platform"],
                        json=piece_body(number, shape, mass, diameter))
        assert r.status_code == 201, r.get_json()


def order_body(reference: str, lines: list[dict[str, Any]], delivery: str = "pickup",
               **extra: Any) -> dict[str, Any]:
    body = {"reference": reference, "channel": "api",
            "customer": {"name": "王芳", "email": "wang.fang@example.cn", "phone": "13800000000"},
            "store_code": "SH-JA", "delivery": delivery, "amount_paid": "3680.00",
            "currency": "CNY", "lines": lines}
    if delivery == "courier":
        body["delivery_address"] = {"city": "上海", "street": "南京西路 1 号"}
    body.update(extra)
    return body


def line(number: str, mode: str = "hand", design: str = "D-BI-CLOUD", **extra: Any) -> dict:
    return {"certificate_no": number, "carving_mode": mode, "design_code": design,
            "due_date": "2026-12-20", **extra}


def place_order(client: Any, crew: Crew, body: dict[str, Any]) -> list[int]:
    r = client.post("/api/v1/orders", headers=crew["platform"], json=body)
    assert r.status_code == 201, r.get_json()
    return [j["id"] for j in r.get_json()["jobs"]]


def job(client: Any, crew: Crew, job_id: int, who: str = "supervisor") -> dict[str, Any]:
    r = client.get(f"/api/v1/jobs/{job_id}", headers=crew[who])
    assert r.status_code == 200, r.get_json()
    return r.get_json()  # type: ignore[no-any-return]


def send(client: Any, crew: Crew, job_id: int, event: str, who: str,
         version: int | None = None, note: str | None = None, **data: Any) -> Any:
    """POST an event; ``version`` None reads the current one first. Returns the response."""
    if version is None:
        version = job(client, crew, job_id)["version"]
    body: dict[str, Any] = {"event": event, "version": version}
    if data:
        body["data"] = data
    if note:
        body["note"] = note
    return client.post(f"/api/v1/jobs/{job_id}/events", headers=crew[who], json=body)


def fire(client: Any, crew: Crew, job_id: int, event: str, who: str, **data: Any) -> dict:
    """Like :func:`send`, asserting success; returns the job after the event."""
    r = send(client, crew, job_id, event, who, **data)
    assert r.status_code == 200, (event, r.get_json())
    return r.get_json()  # type: ignore[no-any-return]


def receive(client: Any, crew: Crew, job_id: int, mass_g: str, **extra: Any) -> dict:
    data = {"channel": "store_counter", "mass_g": mass_g, "condition": "no cracks", **extra}
    return fire(client, crew, job_id, "receive", "store_clerk", **data)


def carve_by_hand(client: Any, crew: Crew, job_id: int) -> dict:
    """From ticket_open (or rework) to qc, by the crew's artisan."""
    state = job(client, crew, job_id)["state"]
    if state == "ticket_open":
        fire(client, crew, job_id, "assign", "supervisor", artisan_id=crew.user_ids["artisan"])
    fire(client, crew, job_id, "start", "artisan")
    fire(client, crew, job_id, "progress", "artisan", pct=60)
    fire(client, crew, job_id, "finish", "artisan")
    return fire(client, crew, job_id, "submit_qc", "artisan")


def timeline(detail: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["event"], e["to_state"]) for e in detail["events"]]


def co_design_cloud(s: Any) -> str:
    """Make the seeded D-BI-CLOUD co-designed by customer, designer and shop: a royalty of
    100.00 a use, shared 33.34 / 33.33 / 33.33 (the caller commits)."""
    design = s.scalar(select(Design).where(Design.code == "D-BI-CLOUD"))
    design.source = "co_designed"
    owners = [DesignOwner(design_id=design.id, kind=k, name=k, party_ref=k)
              for k in ("customer", "designer", "shop")]
    s.add_all(owners)
    s.flush()
    royalties.set_terms(s, design, valid_from=dt.date(2020, 1, 1), royalty=Money("100.00"),
                        shares=list(zip(owners, ("33.34", "33.33", "33.33"), strict=True)))
    return "D-BI-CLOUD"

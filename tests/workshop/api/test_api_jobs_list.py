"""GET /jobs filters and pagination, and responses that match the published schemas."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from tests.workshop.api.flow import (
    WEDDING_SET,
    fire,
    line,
    order_body,
    place_order,
    receive,
    register,
)
from workshop import openapi


@pytest.fixture
def three_jobs(client, crew) -> list[int]:
    register(client, crew, *WEDDING_SET)
    ids = place_order(client, crew, order_body("TM-L1", [
        line(WEDDING_SET[0][0], "hand", due_date="2026-12-01"),
        line(WEDDING_SET[1][0], "machine", "D-RING-WAVE", due_date="2026-12-15", priority=2),
    ]))
    ids += place_order(client, crew, order_body("TM-L2", [
        line(WEDDING_SET[2][0], "hand", "D-BUCKLE-KNOT", due_date="2027-01-10")],
        store_code="BJ-DC"))
    receive(client, crew, ids[0], WEDDING_SET[0][2])
    return ids


def _ids(client, crew, query: str = "", who: str = "supervisor") -> list[int]:
    r = client.get(f"/api/v1/jobs{query}", headers=crew[who])
    assert r.status_code == 200, r.get_json()
    return [j["id"] for j in r.get_json()["items"]]


def test_filters(client, crew, three_jobs):
    hand_open, machine, other_store = three_jobs
    assert _ids(client, crew, "?state=ticket_open") == [hand_open]
    assert _ids(client, crew, "?state=awaiting_piece&route=hand") == [other_store]
    assert _ids(client, crew, "?route=machine") == [machine]
    assert set(_ids(client, crew, "?due_before=2026-12-15")) == {hand_open, machine}
    assert _ids(client, crew, "?due_after=2026-12-16") == [other_store]
    assert _ids(client, crew, "?due_after=2026-12-02&due_before=2026-12-31") == [machine]
    assert _ids(client, crew, "?store=BJ-DC") == [other_store]


def test_most_urgent_first_and_pagination(client, crew, three_jobs):
    hand_open, machine, other_store = three_jobs
    assert _ids(client, crew) == [machine, hand_open, other_store]  # priority, then due date
    page = client.get("/api/v1/jobs?limit=2&offset=1", headers=crew["admin"]).get_json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    assert [j["id"] for j in page["items"]] == [hand_open, other_store]


def test_store_clerk_sees_the_own_store_only(client, crew, three_jobs):
    assert set(_ids(client, crew, who="store_clerk")) == set(three_jobs[:2])
    assert _ids(client, crew, who="other_clerk") == [three_jobs[2]]


@pytest.mark.parametrize("query, words", [
    ("?due_before=tomorrow", "due_before"),
    ("?limit=0", "limit"),
    ("?limit=500", "limit"),
    ("?offset=-1", "offset"),
    ("?colour=green", "unknown filter"),
    ("?store=NOPE", "unknown store"),
])
def test_bad_filters_are_422(client, crew, query, words):
    r = client.get(f"/api/v1/jobs{query}", headers=crew["supervisor"])
    assert r.status_code == 422 and words in r.get_json()["message"]


def _conforms(instance, schema_name: str) -> list[str]:
    root = {"$ref": f"#/components/schemas/{schema_name}",
            "components": {"schemas": openapi.SCHEMAS}}
    return [e.message for e in Draft202012Validator(root).iter_errors(instance)]


def test_responses_match_the_published_schemas(client, crew, three_jobs):
    listing = client.get("/api/v1/jobs", headers=crew["supervisor"]).get_json()
    assert _conforms(listing, "JobList") == []
    detail = fire(client, crew, three_jobs[0], "hold", "supervisor", reason="rim chip?")
    assert _conforms(detail, "Job") == []
    piece = client.post("/api/v1/pieces", headers=crew["platform"], json={
        "certificate_no": "NGTC-S1", "shape": "pendant", "material": "软玉",
        "mass_g": "20"}).get_json()
    assert _conforms(piece, "Piece") == []
    order = client.post("/api/v1/orders", headers=crew["platform"], json=order_body(
        "TM-S", [line("NGTC-S1")])).get_json()
    assert _conforms(order, "Order") == []
    error = client.get("/api/v1/jobs/999", headers=crew["supervisor"]).get_json()
    assert _conforms(error, "Error") == []
    # and the check itself can fail
    assert _conforms({"items": "nope"}, "JobList") != []

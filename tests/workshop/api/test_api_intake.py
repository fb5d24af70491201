"""Registration of pieces and idempotent intake of orders, through the API."""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.workshop.api.flow import WEDDING_SET, line, order_body, piece_body, register
from workshop.models import IdempotencyKey, Job, Order, Piece


def _counts(session_factory) -> tuple[int, int, int]:
    with session_factory() as s:
        return (s.scalar(select(func.count(Order.id))), s.scalar(select(func.count(Job.id))),
                s.scalar(select(func.count(Piece.id))))


def test_register_piece(client, crew):
    r = client.post("/api/v1/pieces", headers=crew["store_clerk"],
                    json=piece_body("NGTC-P-1", "bangle", "52.1", "62"))
    assert r.status_code == 201
    piece = r.get_json()
    assert (piece["certificate_no"], piece["shape"], piece["mass_g"]) == ("NGTC-P-1", "bangle",
                                                                          "52.100")
    assert piece["material"] == "和田玉/软玉" and piece["store_code"] == "SH-JA"
    [cert] = piece["certificates"]
    assert (cert["number"], cert["version"], cert["status"]) == ("NGTC-P-1", 1, "valid")


def test_duplicate_piece_is_409(client, crew, session_factory):
    register(client, crew, WEDDING_SET[0])
    before = _counts(session_factory)
    r = client.post("/api/v1/pieces", headers=crew["platform"],
                    json=piece_body(WEDDING_SET[0][0], "ring", "1.0"))
    assert r.status_code == 409 and "already registered" in r.get_json()["message"]
    assert _counts(session_factory) == before


@pytest.mark.parametrize("change, field", [
    ({"mass_g": 38.52}, "mass_g"),  # a float: masses travel as decimal strings
    ({"mass_g": "-3"}, "mass_g"),
    ({"shape": "teapot"}, "shape"),
    ({"certificate_no": ""}, "certificate_no"),
    ({"weight": "3"}, "(body)"),
    ({"dimensions": {"thickness_mm": "thick"}}, "dimensions/thickness_mm"),
])
def test_bad_piece_is_422_naming_the_field(client, crew, session_factory, change, field):
    r = client.post("/api/v1/pieces", headers=crew["platform"],
                    json={**piece_body("NGTC-BAD"), **change})
    assert r.status_code == 422
    assert r.get_json()["details"]["problems"][0]["field"] == field
    assert _counts(session_factory) == (0, 0, 0)


def test_unknown_store_is_422(client, crew):
    r = client.post("/api/v1/pieces", headers=crew["platform"],
                    json={**piece_body("NGTC-S"), "store_code": "NOPE"})
    assert r.status_code == 422 and "NOPE" in r.get_json()["message"]


def test_artisan_may_not_register_pieces_or_take_orders(client, crew):
    r = client.post("/api/v1/pieces", headers=crew["artisan"], json=piece_body("NGTC-A"))
    assert r.status_code == 403 and "artisan" in r.get_json()["message"]
    r = client.post("/api/v1/orders", headers=crew["artisan"],
                    json=order_body("X", [line("NGTC-A")]))
    assert r.status_code == 403


def test_order_for_an_unregistered_piece_is_422_with_the_reason(client, crew, session_factory):
    register(client, crew, WEDDING_SET[0])
    body = order_body("TM-UNREG", [line(WEDDING_SET[0][0]), line("NGTC-NEVER-SOLD")])
    r = client.post("/api/v1/orders", headers=crew["platform"], json=body)
    assert r.status_code == 422
    message = r.get_json()["message"]
    assert "NGTC-NEVER-SOLD" in message and "not registered" in message
    assert _counts(session_factory) == (0, 0, 1)


def test_wedding_set_is_one_order_with_a_job_per_piece(client, crew):
    register(client, crew, *WEDDING_SET)
    body = order_body("TM-SET", [line(n, "hand", d) for (n, *_), d in zip(
        WEDDING_SET, ("D-BI-CLOUD", "D-RING-WAVE", "D-BUCKLE-KNOT"), strict=True)])
    r = client.post("/api/v1/orders", headers=crew["platform"], json=body)
    assert r.status_code == 201
    order = r.get_json()
    assert order["reference"] == "TM-SET" and order["amount_paid"] == "3680.00"
    assert [j["certificate_no"] for j in order["jobs"]] == [n for n, *_ in WEDDING_SET]
    assert [j["design_code"] for j in order["jobs"]] == ["D-BI-CLOUD", "D-RING-WAVE",
                                                        "D-BUCKLE-KNOT"]
    assert {j["state"] for j in order["jobs"]} == {"awaiting_piece"}
    assert [j["line_no"] for j in order["jobs"]] == [1, 2, 3]


def test_same_order_again_is_200_and_the_same_job(client, crew, session_factory):
    register(client, crew, WEDDING_SET[0])
    body = order_body("TM-AGAIN", [line(WEDDING_SET[0][0])])
    first = client.post("/api/v1/orders", headers=crew["platform"], json=body)
    again = client.post("/api/v1/orders", headers=crew["platform"], json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["jobs"][0]["id"] == first.get_json()["jobs"][0]["id"]
    assert _counts(session_factory)[:2] == (1, 1)


def test_same_reference_other_body_is_409(client, crew, session_factory):
    register(client, crew, WEDDING_SET[0])
    body = order_body("TM-CONFLICT", [line(WEDDING_SET[0][0])])
    assert client.post("/api/v1/orders", headers=crew["platform"], json=body).status_code == 201
    before = _counts(session_factory)
    other = {**body, "amount_paid": "1.00"}
    r = client.post("/api/v1/orders", headers=crew["platform"], json=other)
    assert r.status_code == 409
    assert r.get_json()["error"] == "order_conflict" and "TM-CONFLICT" in r.get_json()["message"]
    assert _counts(session_factory) == before


def test_idempotency_key_replays_the_stored_answer(client, crew, session_factory):
    register(client, crew, WEDDING_SET[0])
    body = order_body("TM-IDEM", [line(WEDDING_SET[0][0])])
    headers = {**crew["platform"], "Idempotency-Key": "9f1c-0001"}
    first = client.post("/api/v1/orders", headers=headers, json=body)
    replay = client.post("/api/v1/orders", headers=headers, json=body)
    assert first.status_code == 201 and replay.status_code == 201
    assert replay.get_json() == first.get_json()
    reused = client.post("/api/v1/orders", headers=headers,
                         json=order_body("TM-IDEM-2", [line(WEDDING_SET[0][0])]))
    assert reused.status_code == 409 and "Idempotency-Key" in reused.get_json()["message"]
    assert _counts(session_factory)[:2] == (1, 1)
    with session_factory() as s:
        assert s.scalar(select(func.count(IdempotencyKey.id))) == 1


def test_idempotency_key_too_long_is_422(client, crew):
    r = client.post("/api/v1/orders", headers={**crew["platform"], "Idempotency-Key": "k" * 201},
                    json=order_body("TM-K", [line("NGTC-X")]))
    assert r.status_code == 422 and "Idempotency-Key" in r.get_json()["message"]


@pytest.mark.parametrize("with_key", [False, True])
def test_identical_requests_at_once_make_exactly_one_order(app, crew, session_factory, with_key):
    client = app.test_client()
    register(client, crew, WEDDING_SET[0])
    body = order_body("TM-RACE", [line(WEDDING_SET[0][0])])
    headers = {**crew["platform"], **({"Idempotency-Key": "race-1"} if with_key else {})}
    n = 6
    barrier = threading.Barrier(n)
    answers: list[tuple[int, Any]] = []

    def post() -> None:
        own = app.test_client()
        barrier.wait()
        r = own.post("/api/v1/orders", headers=headers, json=body)
        answers.append((r.status_code, r.get_json()))

    threads = [threading.Thread(target=post) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(status for status, _ in answers)
    assert len(answers) == n and all(s in (200, 201) for s in statuses), answers
    assert statuses.count(201) >= 1
    assert len({a["jobs"][0]["id"] for _, a in answers}) == 1
    assert _counts(session_factory)[:2] == (1, 1)


def test_one_key_sent_at_once_with_two_orders_makes_one_of_them(app, crew, session_factory):
    """The key is written in the order's transaction: the loser's order is undone with it, so
    the key never points at one order while another was made under it."""
    client = app.test_client()
    register(client, crew, WEDDING_SET[0])
    register(client, crew, WEDDING_SET[1])
    headers = {**crew["platform"], "Idempotency-Key": "race-2"}
    bodies = [order_body(f"TM-KEY-{i}", [line(WEDDING_SET[i][0])]) for i in (0, 1)] * 3
    barrier = threading.Barrier(len(bodies))
    answers: list[tuple[int, Any]] = []

    def post(body: dict) -> None:
        own = app.test_client()
        barrier.wait()
        r = own.post("/api/v1/orders", headers=headers, json=body)
        answers.append((r.status_code, r.get_json()))

    threads = [threading.Thread(target=post, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(answers) == len(bodies)
    made = {a["reference"] for status, a in answers if status == 201}
    assert len(made) == 1, answers  # one body won the key
    # its repeats answer its order (the key's 201, or 200 by the reference); the other body
    # is refused every time
    won = [a for status, a in answers if status in (200, 201)]
    assert len(won) == 3 and {a["reference"] for a in won} == made, answers
    assert sorted(status for status, _ in answers).count(409) == 3, answers
    with session_factory() as s:
        assert s.scalar(select(func.count(IdempotencyKey.id))) == 1
    assert _counts(session_factory)[0] == 1  # the other body's order was not kept


def _post_from_another_process(settings: Any, headers: dict, body: dict, barrier: Any,
                               results: Any) -> None:
    from workshop.app import create_app

    client = create_app(settings).test_client()
    barrier.wait()
    r = client.post("/api/v1/orders", headers=headers, json=body)
    results.put((r.status_code, r.get_json()["jobs"][0]["id"] if r.status_code < 300 else None))


@pytest.mark.slow
def test_identical_requests_from_two_processes_make_one_order(client, crew, settings,
                                                             session_factory):
    register(client, crew, WEDDING_SET[0])
    body = order_body("TM-PROC", [line(WEDDING_SET[0][0])])
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_post_from_another_process,
                         args=(settings, crew["platform"], body, barrier, results))
             for _ in range(2)]
    for p in procs:
        p.start()
    answers = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    assert sorted(s for s, _ in answers) == [200, 201]
    assert answers[0][1] == answers[1][1]
    assert _counts(session_factory)[:2] == (1, 1)

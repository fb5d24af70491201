"""GET /api/v1/quotes: the lines of the bill, exact decimal strings in the shop's currency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from jobs import royalties
from jobs.intake import register_piece
from jobs.money import Money
from jobs.types import Actor
from workshop.models import Design, DesignFit, DesignOwner

D = dt.date


@pytest.fixture
def piece(session_factory: Any, crew: Any) -> str:
    with session_factory() as s:
        register_piece(s, {"certificate_no": "NGTC-Q-1", "shape": "bi_disc", "material": "和田玉",
                           "mass_g": "28.1", "dimensions": {"outer_diameter_mm": "50.0"}},
                       Actor.system())
    return "NGTC-Q-1"


def _design(session_factory: Any, code: str, source: str, **terms: Any) -> None:
    with session_factory() as s:
        design = s.scalar(select(Design).where(Design.code == code))
        design.source = source
        owner = DesignOwner(design_id=design.id, kind="shop", name="Workshop", party_ref="shop")
        s.add(owner)
        s.flush()
        royalties.set_terms(s, design, shares=[(owner, "100")], **terms)
        s.commit()


def _get(client: Any, headers: dict, **params: str) -> Any:
    return client.get("/api/v1/quotes", query_string=params, headers=headers)


def _lines(answer: Any) -> dict[str, Decimal]:
    return {ln["code"]: Decimal(ln["amount"]) for ln in answer.get_json()["lines"]}


def test_machine_carving_of_a_free_design_picked_up_costs_nothing(client: Any, crew: Any,
                                                                   piece: str) -> None:
    answer = _get(client, crew["platform"], certificate_no=piece, design_code="D-BI-CLOUD",
                  carving_mode="machine", delivery="pickup")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["currency"] == "CNY" and body["total"] == "0.00"
    assert _lines(answer) == {"design": 0, "carving": 0, "return_shipping": 0}


def test_hand_carving_of_a_paid_design_by_courier(client: Any, crew: Any, piece: str,
                                                  session_factory: Any, settings: Any) -> None:
    _design(session_factory, "D-BI-CLOUD", "paid", valid_from=D(2026, 1, 1),
            design_fee=Money("88.80"), hand_hours="2.5")
    answer = _get(client, crew["platform"], certificate_no=piece, design_code="D-BI-CLOUD",
                  carving_mode="hand", delivery="courier", date="2026-03-01")
    lines = _lines(answer)
    hand = (settings.artisan_rate_per_hour * Decimal("2.5")).quantize(Decimal("0.01"))
    assert lines == {"design": Decimal("88.80"), "carving": hand,
                     "return_shipping": settings.return_shipping}
    body = answer.get_json()
    assert Decimal(body["total"]) == sum(lines.values())
    # exact strings with two places, never floats
    assert all(isinstance(ln["amount"], str) and len(ln["amount"].split(".")[1]) == 2
               for ln in body["lines"])


def test_royalty_follows_the_terms_of_the_date_and_ends_with_the_term(
        client: Any, crew: Any, piece: str, session_factory: Any) -> None:
    _design(session_factory, "D-BI-CLOUD", "co_designed", valid_from=D(2020, 1, 1),
            royalty=Money("66.00"), term_start=D(2020, 1, 1), term_years=3)
    ask = {"certificate_no": piece, "design_code": "D-BI-CLOUD", "carving_mode": "machine"}
    assert _lines(_get(client, crew["platform"], **ask, date="2022-12-31"))["design"] == 66
    after = _get(client, crew["platform"], **ask, date="2023-01-01")
    assert _lines(after)["design"] == 0
    assert "free since 2023-01-01" in after.get_json()["lines"][0]["description"]


def test_a_design_is_offered_only_where_it_fits(client: Any, crew: Any, piece: str,
                                                session_factory: Any) -> None:
    with session_factory() as s:
        design_id = s.scalar(select(Design.id).where(Design.code == "D-RING-WAVE"))
        s.add(DesignFit(design_id=design_id, shape="bi_disc", min_size_mm="55",
                        max_size_mm="80"))
        s.commit()
    answer = _get(client, crew["platform"], certificate_no=piece, design_code="D-RING-WAVE",
                  carving_mode="machine")
    assert answer.status_code == 422
    assert "not offered on a bi_disc of 50.0 mm" in answer.get_json()["message"]


@pytest.mark.parametrize(("params", "status"), [
    ({"design_code": "D-BI-CLOUD", "carving_mode": "machine"}, 422),
    ({"certificate_no": "NGTC-Q-1", "carving_mode": "laser"}, 422),
    ({"certificate_no": "NGTC-Q-1", "carving_mode": "machine", "delivery": "drone"}, 422),
    ({"certificate_no": "NOPE", "carving_mode": "machine"}, 404),
    ({"certificate_no": "NGTC-Q-1", "design_code": "NOPE", "carving_mode": "machine"}, 404),
])
def test_bad_questions_are_answered_with_the_reason(client: Any, crew: Any, piece: str,
                                                    params: dict, status: int) -> None:
    answer = _get(client, crew["platform"], **params)
    assert answer.status_code == status
    assert answer.get_json()["message"]


def test_a_quote_needs_credentials(client: Any, crew: Any, piece: str) -> None:
    assert _get(client, {}, certificate_no=piece, carving_mode="machine").status_code == 401

"""The design library API: uploads checked by the CAM, owners and shares, versioned terms,
designs offered only where they fit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from jobs.intake import register_piece
from jobs.types import Actor
from tests.workshop.api.conftest import DESIGN_SVG, EMPTY_SVG
from workshop.models import Design, DesignOwner, DesignTerms

# far larger than any machine's table: the CAM refuses it
HUGE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="5000mm" height="5000mm" '
            'viewBox="0 0 5000 5000"><path d="M10 10 L4990 4990" stroke="black"/></svg>')


def upload(**extra: Any) -> dict[str, Any]:
    return {"code": "CO-PEONY", "title": "牡丹 Peony", "svg": DESIGN_SVG,
            "source": "co_designed", "tags": ["wedding"],
            "suits": [{"shape": "bi_disc", "min_size_mm": "40", "max_size_mm": "60"}],
            "owners": [{"kind": "customer", "name": "王芳", "party_ref": "cust-1"},
                       {"kind": "designer", "name": "李明", "party_ref": "des-1"},
                       {"kind": "shop", "name": "Workshop", "party_ref": "shop"}],
            "terms": {"valid_from": "2026-01-01", "royalty": "100.00", "term_start": "2026-01-01",
                      "term_years": 5, "shares": [
                          {"party_ref": "cust-1", "share_pct": "33.34"},
                          {"party_ref": "des-1", "share_pct": "33.33"},
                          {"party_ref": "shop", "share_pct": "33.33"}]},
            "patent": {"applicants": ["王芳", "李明", "Workshop"],
                       "application_no": "2026300000001", "status": "filed"},
            **extra}


def count(session_factory: Any, model: Any) -> int:
    with session_factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_co_designed_upload_is_checked_and_kept_whole(client: Any, crew: Any) -> None:
    answer = client.post("/api/v1/designs", json=upload(), headers=crew["supervisor"])
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert [o["party_ref"] for o in body["owners"]] == ["cust-1", "des-1", "shop"]
    (terms,) = body["terms"]
    assert terms["free_from"] == "2031-01-01" and terms["royalty"] == "100.00"
    assert body["patent"]["application_no"] == "2026300000001"
    preview = client.get("/api/v1/designs/CO-PEONY/preview", headers=crew["platform"])
    assert preview.status_code == 200 and b"<svg" in preview.data


@pytest.mark.parametrize("svg", [EMPTY_SVG, HUGE_SVG, "<svg"], ids=["empty", "huge", "broken"])
def test_an_svg_the_cam_cannot_carve_is_refused_with_the_reason(
        client: Any, crew: Any, session_factory: Any, svg: str) -> None:
    before = count(session_factory, Design)
    answer = client.post("/api/v1/designs", json=upload(svg=svg), headers=crew["supervisor"])
    assert answer.status_code == 422
    assert answer.get_json()["error"] == "cam_refused" and answer.get_json()["message"]
    assert count(session_factory, Design) == before
    assert count(session_factory, DesignOwner) == 0


def test_shares_that_do_not_add_up_refuse_the_whole_upload(client: Any, crew: Any,
                                                           session_factory: Any) -> None:
    bad = upload()
    bad["terms"]["shares"][0]["share_pct"] = "33.33"
    answer = client.post("/api/v1/designs", json=bad, headers=crew["supervisor"])
    assert answer.status_code == 422 and "100" in answer.get_json()["message"]
    assert count(session_factory, Design) == 4  # the crew's four, nothing more
    assert count(session_factory, DesignTerms) == 0


def test_new_terms_are_a_new_version_from_their_date(client: Any, crew: Any) -> None:
    assert client.post("/api/v1/designs", json=upload(),
                       headers=crew["supervisor"]).status_code == 201
    terms = {"valid_from": "2026-07-01", "royalty": "120.00",
             "shares": [{"party_ref": "cust-1", "share_pct": "40"},
                        {"party_ref": "des-1", "share_pct": "40"},
                        {"party_ref": "shop", "share_pct": "20"}]}
    answer = client.post("/api/v1/designs/CO-PEONY/terms", json=terms,
                         headers=crew["supervisor"])
    assert answer.status_code == 201, answer.get_json()
    versions = answer.get_json()["terms"]
    assert [(t["version"], t["valid_from"]) for t in versions] == [
        (2, "2026-07-01"), (1, "2026-01-01")]
    stranger = {**terms, "shares": [{"party_ref": "nobody", "share_pct": "100"}]}
    assert client.post("/api/v1/designs/CO-PEONY/terms", json=stranger,
                       headers=crew["supervisor"]).status_code == 422


def test_a_design_is_listed_only_for_pieces_it_fits(client: Any, crew: Any,
                                                    session_factory: Any) -> None:
    client.post("/api/v1/designs", json=upload(), headers=crew["supervisor"])
    with session_factory() as s:
        for number, diameter in (("NGTC-FIT", "50"), ("NGTC-BIG", "78")):
            register_piece(s, {"certificate_no": number, "shape": "bi_disc", "material": "玉",
                               "mass_g": "20", "dimensions": {"outer_diameter_mm": diameter}},
                           Actor.system())

    def codes(**params: str) -> set[str]:
        answer = client.get("/api/v1/designs", query_string=params, headers=crew["platform"])
        return {d["code"] for d in answer.get_json()["items"]}

    assert "CO-PEONY" in codes(certificate_no="NGTC-FIT")
    assert "CO-PEONY" not in codes(certificate_no="NGTC-BIG")
    assert codes(tag="wedding") == {"CO-PEONY"}


def test_only_managers_and_the_platform_add_designs(client: Any, crew: Any) -> None:
    answer = client.post("/api/v1/designs", json=upload(), headers=crew["artisan"])
    assert answer.status_code == 403
    assert client.get("/api/v1/designs/NOPE", headers=crew["artisan"]).status_code == 404


def test_a_code_is_taken_once(client: Any, crew: Any, session_factory: Any) -> None:
    assert client.post("/api/v1/designs", json=upload(),
                       headers=crew["platform"]).status_code == 201
    again = client.post("/api/v1/designs", json=upload(title="other"), headers=crew["platform"])
    assert again.status_code == 409
    with session_factory() as s:
        assert s.scalar(select(Design.title).where(Design.code == "CO-PEONY")) == "牡丹 Peony"

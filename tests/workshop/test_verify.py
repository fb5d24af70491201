"""The public verification page and JSON, the admin's revocation through the API, and the
certificate partial."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from jobs import certificates as certs
from tests.jobs.conftest import world  # noqa: F401  (the workflow's small workshop)
from tests.jobs.test_certificates import certificates_of, hand_job_at_qc, photo_png
from workshop.models import Certificate


@pytest.fixture(autouse=True)
def _fresh_counters(redis):
    """Every test starts with this run's rate-limit counters deleted."""
    return redis


def passed_qc(world, number: str) -> tuple[str, str]:  # noqa: F811
    """(new certificate number, its code) of a hand job that has just passed QC."""
    job_id = hand_job_at_qc(world, number, photo=photo_png())
    code = world.fire(job_id, "qc_pass", "supervisor").one_time[certs.CERTIFICATE_CODE]
    return certificates_of(world, number)[-1].number, code


def test_valid_certificate_page_and_json(client, world):  # noqa: F811
    number, code = passed_qc(world, "NGTC-V001")
    page = client.get(f"/verify/{number}?c={code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-verdict="valid"' in html and "有效 Valid" in html and number in html
    assert "NGTC-V001" in html and "38.520 g" in html  # original number, mass before
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    answer = client.get(f"/verify/{number}.json?c={code.lower()}").get_json()
    assert answer["status"] == "valid" and answer["number"] == number
    assert answer["certificate"]["identification"]["massBeforeCarvingMg"] == 38520
    assert answer["certificate"]["keyId"].startswith("did:key:")


def test_no_personal_data_of_the_customer_is_shown(client, world):  # noqa: F811
    number, code = passed_qc(world, "NGTC-V002")
    html = client.get(f"/verify/{number}?c={code}").get_data(as_text=True)
    body = client.get(f"/verify/{number}.json?c={code}").get_data(as_text=True)
    for private in ("Wang Fang", "wang@example.com", "PO-NGTC-V002"):
        assert private not in html and private not in body


def test_a_wrong_code_reads_exactly_like_an_unknown_number(client, world):  # noqa: F811
    number, code = passed_qc(world, "NGTC-V003")
    other = "Y" if code.endswith("Z") else "Z"  # one character off, never the right code
    wrong = client.get(f"/verify/{number}.json?c={code[:-1]}{other}")
    unknown = client.get(f"/verify/JW-2026-00000000X.json?c={code}")
    malformed = client.get(f"/verify/{number}.json?c=!!")
    lab_number = client.get(f"/verify/NGTC-V003.json?c={code}")
    assert {r.status_code for r in (wrong, unknown, malformed, lab_number)} == {404}
    assert wrong.get_json() == unknown.get_json() == malformed.get_json() \
        == lab_number.get_json() == {"status": "not_found", "message": "未找到 Not found"}
    pages = [client.get(f"/verify/{n}?c=AAAAA-AAAAA-AAAAA-AAAAA")
             for n in (number, "JW-2026-00000000X")]
    assert [p.status_code for p in pages] == [404, 404]
    texts = [p.get_data(as_text=True) for p in pages]
    assert all('data-verdict="not_found"' in t for t in texts)
    # the pages differ only by the number the visitor typed in, echoed in the form
    assert texts[0].replace(number, "N") == texts[1].replace("JW-2026-00000000X", "N")


def test_superseded_and_revoked_answers(client, world, app):  # noqa: F811
    number, code = passed_qc(world, "NGTC-V004")
    with world.session() as s:  # a second carving of the same piece supersedes it
        row = s.scalar(select(Certificate).where(Certificate.number == number))
        newer = Certificate(piece_id=row.piece_id, number="JW-2026-NEWER0001", version=3,
                            supersedes_id=row.id, document=row.document, key_id=row.key_id,
                            code_digest=row.code_digest)
        s.add(newer)
        s.flush()
        row.status, row.superseded_by_id = "superseded", newer.id
        s.commit()
    old = client.get(f"/verify/{number}.json?c={code}").get_json()
    assert (old["status"], old["supersededBy"]) == ("superseded", "JW-2026-NEWER0001")
    html = client.get(f"/verify/{number}?c={code}").get_data(as_text=True)
    assert "JW-2026-NEWER0001" in html and "有效 Valid" not in html

    with world.session() as s:
        certs.revoke(s, "JW-2026-NEWER0001", "stone was swapped", by="user:admin")
        s.commit()
    revoked = client.get(f"/verify/JW-2026-NEWER0001.json?c={code}")
    assert revoked.status_code == 200
    assert revoked.get_json()["status"] == "revoked"
    assert revoked.get_json()["reason"] == "stone was swapped"


def test_the_verify_form_leads_to_the_certificate_address(client, world):  # noqa: F811
    number, code = passed_qc(world, "NGTC-V005")
    asked = client.get(f"/verify/{number}")  # no code: the page asks for it
    assert asked.status_code == 200 and 'name="c"' in asked.get_data(as_text=True)
    hop = client.get(f"/verify?number={number.lower()}&c={code}")
    assert hop.status_code == 302
    assert client.get(hop.headers["Location"]).status_code == 200


def test_rate_limited_per_client_address(settings, session_factory, redis):
    from workshop.app import create_app

    app = create_app(dataclasses.replace(settings, verify_rate_per_minute=3))
    try:
        here, there = app.test_client(), app.test_client()
        answers = [here.get("/verify/JW-2026-00000000X.json?c=x").status_code for _ in range(4)]
        assert answers == [404, 404, 404, 429]
        limited = here.get("/verify/JW-2026-00000000X?c=x")
        assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 60
        other = there.get("/verify/JW-2026-00000000X.json?c=x",
                          environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 404  # another address has its own count
        keys = list(redis.scan_iter(match=f"{settings.queue_prefix}verify:rate:*"))
        assert len(keys) == 2 and all(0 < redis.ttl(k) <= 120 for k in keys)
    finally:
        app.extensions["workshop"]["engine"].dispose()


def _token(client, session_factory, role: str) -> dict[str, str]:
    from workshop.auth import hash_password
    from workshop.models import User

    with session_factory() as s:
        s.add(User(username=f"{role}-rv", display_name=role, role=role,
                   password_hash=hash_password("pw-123456")))
        s.commit()
    answer = client.post("/api/v1/tokens", json={"username": f"{role}-rv",
                                                 "password": "pw-123456"})
    assert answer.status_code == 201, answer.get_json()
    return {"Authorization": f"Bearer {answer.get_json()['token']}"}


def test_admin_revokes_through_the_api(client, world, session_factory):  # noqa: F811
    number, code = passed_qc(world, "NGTC-V006")
    url = f"/api/v1/certificates/{number}/revoke"
    supervisor = _token(client, session_factory, "supervisor")
    assert client.post(url, json={"reason": "x"}, headers=supervisor).status_code == 403
    admin = _token(client, session_factory, "admin")
    assert client.post(url, json={}, headers=admin).status_code == 422
    assert client.post("/api/v1/certificates/JW-2026-00000000X/revoke", json={"reason": "x"},
                       headers=admin).status_code == 404
    done = client.post(url, json={"reason": "wrong colour recorded"}, headers=admin)
    assert done.status_code == 200
    assert done.get_json()["status"] == "revoked"
    assert done.get_json()["revoked_by"] == "user:admin-rv (admin)"
    again = client.post(url, json={"reason": "twice"}, headers=admin)
    assert again.status_code == 409 and "wrong colour recorded" in again.get_json()["message"]
    public = client.get(f"/verify/{number}.json?c={code}").get_json()
    assert (public["status"], public["reason"]) == ("revoked", "wrong colour recorded")
    spec = client.get("/api/openapi.json").get_json()
    assert "post" in spec["paths"]["/api/v1/certificates/{number}/revoke"] or \
        "post" in spec["paths"]["/certificates/{number}/revoke"]


def test_partial_shows_number_status_chain_key_qr_and_pdf(app, world):  # noqa: F811
    from flask import render_template

    from workshop.verify.panel import current_certificate_panel

    number, code = passed_qc(world, "NGTC-V007")
    with world.session() as s:
        row = certs.find(s, number)
        panel = current_certificate_panel(s, world.settings, row.piece_id, code=code,
                                          pdf_url=lambda a: f"/files/{a.sha256}")
        original = certs.find(s, "NGTC-V007")
        from workshop.verify.panel import certificate_panel

        lab = certificate_panel(s, world.settings, original)
    assert panel.number == number and panel.supersedes == "NGTC-V007"
    assert panel.verify_url.endswith(f"/verify/{number}?c={code}")
    assert panel.pdf_url is None  # the worker has not rendered it yet
    assert lab.superseded_by == number and lab.verify_url is None
    with app.test_request_context("/"):
        html = render_template("_certificate.html", certificate=panel)
        old = render_template("_certificate.html", certificate=lab)
    assert number in html and "有效 Valid" in html and "data:image/svg+xml;base64," in html
    assert panel.key_id[:24] in html and "NGTC-V007" in html
    assert "已被取代 Superseded" in old and number in old and "<img" not in old


def test_the_code_is_in_the_qc_answer_once_and_then_nowhere(client, world, session_factory):  # noqa: F811
    job_id = hand_job_at_qc(world, "NGTC-V008", photo=photo_png())
    supervisor = _token(client, session_factory, "supervisor")
    version = world.job(job_id).version
    passed = client.post(f"/api/v1/jobs/{job_id}/events", headers=supervisor,
                         json={"event": "qc_pass", "version": version,
                               "data": {"mass_after_g": "37.002"}})
    assert passed.status_code == 200, passed.get_json()
    code = passed.get_json()[certs.CERTIFICATE_CODE]
    number = certificates_of(world, "NGTC-V008")[-1].number
    assert client.get(f"/verify/{number}.json?c={code}").get_json()["status"] == "valid"
    later = client.get(f"/api/v1/jobs/{job_id}", headers=supervisor).get_data(as_text=True)
    assert certs.CERTIFICATE_CODE not in later and code not in later

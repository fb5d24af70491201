"""The store desk: a sold piece registered, a desk order, the stone received with a receipt and
its QR, the pickup code issued and checked."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from jobs.engine import fire
from jobs.types import Actor
from tests.workshop.tablet_desk import CSRF, JPEG, hand_job, login, make_shop
from workshop.models import Artifact, Event, Job, Order, Piece


@pytest.fixture
def shop(session_factory: Any) -> Any:
    return make_shop(session_factory)


@pytest.fixture
def clerk(client: Any, shop: Any) -> Any:
    login(client, shop.users["xu"])
    return client


def _post(client: Any, url: str, data: dict[str, Any], **kw: Any) -> Any:
    return client.post(url, data={"csrf_token": CSRF, **data}, **kw)


PIECE_FORM = {"certificate_no": "NGTC-2026-9001", "shape": "bangle", "material": "和田玉",
              "mass_g": "62.48", "inner_diameter_mm": "56", "outer_diameter_mm": "78",
              "face_front": "1"}


def test_register_a_sold_piece_with_its_photo(clerk, session_factory) -> None:
    answer = _post(clerk, "/store/pieces/new",
                   {**PIECE_FORM, "photo": (io.BytesIO(JPEG), "piece.jpg")},
                   content_type="multipart/form-data")
    assert answer.status_code == 302
    with session_factory() as s:
        piece = s.scalar(select(Piece).where(Piece.certificate_no == "NGTC-2026-9001"))
        assert piece is not None and piece.mass_mg == 62480
        assert piece.dimensions == {"inner_diameter_mm": "56", "outer_diameter_mm": "78"}
        assert piece.store_id is not None  # the clerk's own counter
        photo = s.scalar(select(Artifact).where(Artifact.kind == "piece_photo"))
        assert photo is not None and photo.filename == "NGTC-2026-9001.jpg"


def test_a_refused_piece_keeps_what_was_typed(clerk, session_factory) -> None:
    answer = _post(clerk, "/store/pieces/new", {**PIECE_FORM, "mass_g": "heavy"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'value="NGTC-2026-9001"' in page and 'value="heavy"' in page
    _post(clerk, "/store/pieces/new", PIECE_FORM)
    again = _post(clerk, "/store/pieces/new", PIECE_FORM)
    assert again.status_code == 409
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Piece)) == 1


def test_a_bad_photo_refuses_the_piece_before_anything_is_written(clerk, session_factory) -> None:
    answer = _post(clerk, "/store/pieces/new",
                   {**PIECE_FORM, "photo": (io.BytesIO(b"not an image"), "p.jpg")},
                   content_type="multipart/form-data")
    assert answer.status_code == 422
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Piece)) == 0


def _order_form(clerk: Any) -> dict[str, str]:
    page = clerk.get("/store/orders/new").get_data(as_text=True)
    reference = re.search(r'name="reference" value="([^"]+)"', page)
    assert reference is not None
    return {"reference": reference.group(1), "customer_name": "王芳",
            "customer_phone": "+86 138 0000 0000", "amount_paid": "680.00",
            "line0_certificate_no": "NGTC-2026-9001", "line0_carving_mode": "hand",
            "line0_design_code": "D-LINE", "line0_face": "front",
            "line0_due_date": "2026-12-20"}


def test_desk_order_is_one_order_even_when_sent_twice(clerk, session_factory) -> None:
    _post(clerk, "/store/pieces/new", PIECE_FORM)
    form = _order_form(clerk)
    first = _post(clerk, "/store/orders/new", form)
    second = _post(clerk, "/store/orders/new", form)  # a double tap
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with session_factory() as s:
        [order] = s.scalars(select(Order)).all()
        assert order.channel == "store_desk" and order.amount_paid_cents == 68000
        [job] = order.jobs
        assert job.state == "awaiting_piece" and str(job.due_date) == "2026-12-20"


def test_desk_order_for_an_unknown_piece_names_the_line(clerk, session_factory) -> None:
    answer = _post(clerk, "/store/orders/new", _order_form(clerk))  # piece not registered
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "not registered" in page and 'value="王芳"' in page
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 0


def test_receive_the_stone_and_print_a_receipt_with_the_tracking_qr(
        clerk, session_factory, shop, settings) -> None:
    job_id = hand_job(session_factory, shop, receive=False)
    answer = _post(clerk, f"/store/jobs/{job_id}/receive",
                   {"mass_g": "8.03", "condition": "intact", "note": "small mark on the rim",
                    "photo": (io.BytesIO(JPEG), "stone.jpg")},
                   content_type="multipart/form-data")
    assert answer.status_code == 302
    with session_factory() as s:
        job = s.get_one(Job, job_id)
        assert job.state == "ticket_open"
        received = s.scalar(select(Event).where(Event.job_id == job_id,
                                                Event.event == "receive"))
        assert received.data["mass_g"] == "8.03" and received.data["condition"] == "intact"
        assert len(received.attachments) == 1
        token = job.tracking_token
    page = clerk.get(answer.headers["Location"]).get_data(as_text=True)
    url = f"{settings.public_base_url.rstrip('/')}/track/{token}"
    assert f'href="{url}"' in page
    assert '<svg' in page and 'class="segno"' in page
    assert urlparse(url).path == f"/track/{token}"


def test_a_stone_without_mass_is_not_received(clerk, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop, receive=False)
    answer = _post(clerk, f"/store/jobs/{job_id}/receive",
                   {"mass_g": "", "condition": "intact", "note": "keep me"})
    assert answer.status_code == 422
    assert "keep me" in answer.get_data(as_text=True)
    with session_factory() as s:
        assert s.get_one(Job, job_id).state == "awaiting_piece"


def test_another_stores_job_is_not_found(client, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop, receive=False)
    login(client, shop.users["zhao"])  # the clerk of the other store
    assert client.get(f"/store/jobs/{job_id}/receive").status_code == 404


def test_an_artisan_may_not_open_the_desk(client, shop) -> None:
    login(client, shop.users["wang"])
    assert client.get("/store/").status_code == 403


def _ready(session_factory: Any, shop: Any, settings: Any = None) -> int:
    job_id = hand_job(session_factory, shop, artisan="wang")
    admin = Actor("user", None, "test", "admin")
    with session_factory() as s:
        for event in ("start", "finish", "submit_qc", "qc_pass"):
            fire(s, job_id, event, actor=admin, version=None, settings=settings)
        assert s.get_one(Job, job_id).state == "ready_for_dispatch"
    return job_id


def test_pickup_code_issued_once_wrong_codes_counted_right_code_collects(
        clerk, session_factory, shop) -> None:
    job_id = _ready(session_factory, shop)
    index = clerk.get("/store/").get_data(as_text=True)
    assert f"/store/jobs/{job_id}/ready-for-pickup" in index
    with session_factory() as s:
        version = s.get_one(Job, job_id).version
    issued = _post(clerk, f"/store/jobs/{job_id}/ready-for-pickup", {"version": version})
    code = re.search(r'id="pickup-code">([^<]+)<', issued.get_data(as_text=True))
    assert code is not None
    # the bench's last photo of the carved piece is shown at the hand-over
    login(clerk, shop.users["wang"])
    photo = clerk.post(f"/artisan/jobs/{job_id}/photos", headers={"X-CSRFToken": CSRF},
                       data={"file": (io.BytesIO(JPEG), "done.jpg")},
                       content_type="multipart/form-data").json["sha256"]
    login(clerk, shop.users["xu"])
    form = clerk.get(f"/store/jobs/{job_id}/pickup").get_data(as_text=True)
    assert f"/store/jobs/{job_id}/photos/{photo}" in form
    assert clerk.get(f"/store/jobs/{job_id}/photos/{photo}").data == JPEG
    assert clerk.get(f"/store/jobs/{job_id}/photos/{'0' * 64}").status_code == 404
    wrong = _post(clerk, f"/store/jobs/{job_id}/pickup", {"code": "WRONG123"})
    assert wrong.status_code == 409
    page = wrong.get_data(as_text=True)
    assert 'id="pickup-error"' in page
    with session_factory() as s:
        job = s.get_one(Job, job_id)
        assert job.state == "awaiting_pickup"
        assert s.get_one(Order, job.order_id).pickup_attempts == 1
    right = _post(clerk, f"/store/jobs/{job_id}/pickup", {"code": code.group(1).lower()})
    assert right.status_code == 302
    with session_factory() as s:
        assert s.get_one(Job, job_id).state == "collected"
        collect = s.scalar(select(Event).where(Event.job_id == job_id,
                                               Event.event == "collect"))
        assert "code" not in collect.data  # the code is never written in the timeline


def test_search_finds_by_certificate_number(clerk, session_factory, shop) -> None:
    job_id = hand_job(session_factory, shop, "NGTC-FIND-1", receive=False)
    page = clerk.get("/store/?q=NGTC-FIND-1").get_data(as_text=True)
    assert f'data-job-id="{job_id}"' in page


def test_the_desk_speaks_chinese_by_default_and_english_on_request(clerk) -> None:
    assert "门店柜台" in clerk.get("/store/").get_data(as_text=True)
    assert "Store desk" in clerk.get("/store/?lang=en").get_data(as_text=True)


def test_a_stone_far_from_its_certified_mass_is_received_on_hold(clerk, session_factory,
                                                                 shop) -> None:
    job_id = hand_job(session_factory, shop, receive=False)  # certified 8.02 g
    answer = _post(clerk, f"/store/jobs/{job_id}/receive",
                   {"mass_g": "7.10", "condition": "chipped"}, follow_redirects=True)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "flash-warning" in page and 'class="segno"' in page  # warned, and still a receipt
    with session_factory() as s:
        job = s.get_one(Job, job_id)
        assert job.state == "on_hold" and "7.10" in (job.review_reason or "")


def _render_pdf(session_factory: Any, settings: Any, job_id: int) -> Artifact:
    """The outbox's certificate PDF task, run here as a worker would."""
    from jobs import certificates as certs
    from jobs.tasks import render_certificate_pdf
    from workshop.models import Outbox

    with session_factory() as s:
        row = s.scalars(select(Outbox).where(Outbox.job_id == job_id,
                                             Outbox.kind == certs.RENDER_PDF)).one()
    assert render_certificate_pdf(row.id, settings=settings, factory=session_factory) \
        == "rendered"
    with session_factory() as s:
        pdf = s.scalars(select(Artifact).where(Artifact.job_id == job_id,
                                               Artifact.kind == certs.PDF_KIND)).one()
        s.expunge(pdf)
        return pdf


def test_the_certificate_pdf_is_printed_at_pickup(clerk, app, session_factory, shop,
                                                  settings) -> None:
    from workshop import artifacts
    from workshop.models import Certificate

    job_id = _ready(session_factory, shop, settings)
    form = clerk.get(f"/store/jobs/{job_id}/pickup").get_data(as_text=True)
    with session_factory() as s:
        cert = s.scalars(select(Certificate).where(Certificate.job_id == job_id)).one()
        number = cert.number
    assert f'data-certificate="{number}" data-status="valid"' in form
    assert 'id="print-certificate"' not in form  # the PDF is not rendered yet
    pdf = _render_pdf(session_factory, settings, job_id)
    form = clerk.get(f"/store/jobs/{job_id}/pickup").get_data(as_text=True)
    link = f"/store/jobs/{job_id}/certificate/{pdf.sha256}.pdf"
    assert re.search(rf'id="print-certificate" href="{re.escape(link)}"', form)
    printed = clerk.get(link)
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    assert printed.data == artifacts.read(settings, pdf.sha256)
    # another job's number cannot reach this PDF, nor can a photo's hash reach a PDF route
    other = hand_job(session_factory, shop, "NGTC-2", artisan="wang")
    assert clerk.get(f"/store/jobs/{other}/certificate/{pdf.sha256}.pdf").status_code == 404
    assert clerk.get(f"/store/jobs/{job_id}/certificate/{'0' * 64}.pdf").status_code == 404
    # staff only: without a login the desk's route sends to the login page, never the PDF
    stranger = app.test_client().get(link)
    assert stranger.status_code == 302 and "/login" in stranger.headers["Location"]

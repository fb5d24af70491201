"""The store desk in Chromium: a sold piece registered with its photo, a walk-in order refused
then accepted with nothing retyped, the stone received and its receipt's QR opening the
customer's tracking page on a phone."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.helpers import login
from tests.browser.test_artisan import _png
from workshop.models import Artifact, Event, Job


def test_desk_intake_from_sold_piece_to_receipt_and_tracking(
        page: Any, phone_page: Any, session_factory: Any, settings: Any) -> None:
    login(page, "store_clerk", lang="en")
    page.click("#new-piece")
    page.fill("#f-certificate_no", "NGTC-2026-DESK-01")
    page.select_option("#f-shape", "pendant")
    page.fill("#f-mass_g", "18.40")
    page.fill("#f-length_mm", "45")
    page.set_input_files("#f-photo", files=[{"name": "piece.png", "mimeType": "image/png",
                                             "buffer": _png()}])
    page.click("#piece-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("NGTC-2026-DESK-01")

    page.click("#new-order")
    page.fill("#f-customer_name", "Li Na 李娜")
    page.fill("#f-customer_phone", "+86 137 0000 0002")
    page.fill("#f-amount_paid", "680 yuan")
    page.fill("#f-line0_certificate_no", "NGTC-2026-DESK-01")
    page.select_option("#f-line0_carving_mode", "hand")
    page.select_option("#f-line0_design_code", "FREE-RUYI")
    page.fill("#f-line0_due_date", "2026-12-24")
    page.click("#order-form button[type=submit]")
    # a mistyped amount: refused, said at the field, and what was typed is still there
    expect(page.locator(".field-error #f-amount_paid")).to_be_visible()
    expect(page.locator("#f-line0_certificate_no")).to_have_value("NGTC-2026-DESK-01")
    expect(page.locator("#f-line0_design_code")).to_have_value("FREE-RUYI")
    expect(page.locator("#f-customer_name")).to_have_value("Li Na 李娜")
    page.fill("#f-amount_paid", "680.00")
    page.click("#order-form button[type=submit]")
    expect(page.locator("#order-ref")).to_contain_text("DESK-SH-NJR-")

    page.click("tr[data-job-id] a:has-text('Receive the stone')")
    page.fill("#f-mass_g", "18.41")
    page.select_option("#f-condition", "minor_marks")
    page.click("#receive-form button[type=submit]")
    expect(page.locator("#receipt svg.segno")).to_be_visible()
    expect(page.locator("#mass-received")).to_have_text("18.41 g")
    link = page.locator("#tracking-link").get_attribute("href")
    token = re.search(r"/track/([A-Za-z0-9_-]+)$", link or "")
    assert token is not None

    with session_factory() as s:
        job = s.scalar(select(Job).where(Job.tracking_token == token.group(1)))
        assert job is not None and job.state == "ticket_open"
        receipt = s.scalar(select(Event).where(Event.job_id == job.id,
                                               Event.event == "receive"))
        assert receipt.data["condition"] == "minor_marks"
        assert s.scalar(select(Artifact.filename).where(Artifact.kind == "piece_photo")) == \
            "NGTC-2026-DESK-01.png"

    # the QR carries the public address; the phone opens its path on this test server
    assert link.startswith(settings.public_base_url.rstrip("/") + "/track/")
    phone_page.goto(urlparse(link).path)
    expect(phone_page.locator("#track")).to_be_visible()
    body = phone_page.locator("body").inner_text()
    assert "Li Na" not in body and "李娜" not in body and "137 0000" not in body

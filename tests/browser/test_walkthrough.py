"""One stone's whole way through the workshop, clicked through in Chromium: taken in at the
store desk with a receipt, assigned by the supervisor, carved by hand on a tablet, passed by QC
with its certificate re-issued, handed over at the desk with the pickup code, and followed by
the customer on a phone from the receipt's QR."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.helpers import login
from workshop.models import Certificate, Event, Job, Piece

NUMBER = "NGTC-2026-WALK-01"


def _intake(desk: Any) -> tuple[int, str]:
    """The store desk: a sold piece, a walk-in order, the stone received, the receipt."""
    login(desk, "store_clerk", lang="en")
    desk.goto("/store/pieces/new")
    desk.fill("#f-certificate_no", NUMBER)
    desk.select_option("#f-shape", "ring")
    desk.fill("#f-mass_g", "8.02")
    desk.fill("#f-outer_diameter_mm", "36")
    desk.click("#piece-form button[type=submit]")
    expect(desk.locator(".flash-success")).to_contain_text(NUMBER)
    desk.goto("/store/orders/new")
    desk.fill("#f-customer_name", "Zhang Wei 张伟")
    desk.fill("#f-customer_phone", "+86 139 0000 0001")
    desk.fill("#f-amount_paid", "680.00")
    desk.fill("#f-line0_certificate_no", NUMBER)
    desk.select_option("#f-line0_carving_mode", "hand")
    desk.select_option("#f-line0_design_code", "FREE-LOTUS")
    desk.fill("#f-line0_due_date", "2026-12-28")  # the wedding
    desk.click("#order-form button[type=submit]")
    expect(desk.locator("#order-ref")).to_contain_text("DESK-")
    job_id = int(desk.locator("tr[data-job-id]").first.get_attribute("data-job-id") or 0)
    desk.click(f"tr[data-job-id='{job_id}'] a:has-text('Receive the stone')")
    desk.fill("#f-mass_g", "8.03")
    desk.select_option("#f-condition", "intact")
    desk.click("#receive-form button[type=submit]")
    expect(desk.locator("#receipt svg.segno")).to_be_visible()
    link = desk.locator("#tracking-link").get_attribute("href") or ""
    assert re.search(r"/track/[A-Za-z0-9_-]{20,}$", link)
    return job_id, urlparse(link).path


def _assign(board: Any, job_id: int) -> None:
    """The supervisor gives the ticket to Wang Shifu, seeing each artisan's load."""
    login(board, "supervisor", lang="en")
    board.goto(f"/supervisor/jobs/{job_id}")
    assign = board.locator("form.action[data-event='assign']")
    option = assign.locator("select[name=assignee] option", has_text="Wang")
    assign.locator("select[name=assignee]").select_option(option.get_attribute("value"))
    assign.locator("button[type=submit]").click()
    expect(board.locator(".flash-success")).to_be_visible()


def _carve(bench: Any, job_id: int) -> None:
    """The artisan on a tablet: start, progress with a note, finish, hand over to QC."""
    login(bench, "artisan", lang="en")
    bench.goto("/artisan/")
    bench.click(f"#my-tickets a[href='/artisan/jobs/{job_id}']")
    expect(bench.locator("#bench")).to_have_attribute("data-ready", "true")
    sync = bench.locator("#sync")
    bench.click("button[data-event='start']")
    expect(sync).to_have_attribute("data-pending", "0")
    bench.eval_on_selector("#pct", "e => { e.value = 50; e.dispatchEvent(new Event('input')); }")
    bench.fill("#note", "lotus petals outlined")
    bench.click("#send-progress")
    expect(bench.locator("#progress-text")).to_have_text("50 %")
    for event in ("finish", "submit_qc"):
        bench.click(f"button[data-event='{event}']")
        expect(sync).to_have_attribute("data-pending", "0")
    expect(bench.locator("#state-badge")).to_have_attribute("data-state", "qc")


def _hand_over(desk: Any, job_id: int) -> None:
    """The desk issues the pickup code; a wrong code is refused and counted; the right one
    hands the piece over."""
    desk.goto("/store/")
    desk.locator(f"tr[data-job-id='{job_id}'] form button[type=submit]").click()
    code = (desk.locator("#pickup-code").text_content() or "").strip()
    assert re.fullmatch(r"[A-Z0-9]{8}", code)
    desk.goto(f"/store/jobs/{job_id}/pickup")
    desk.fill("#f-code", "WRONG000" if code != "WRONG000" else "WRONG001")
    desk.click("#pickup-form button[type=submit]")
    expect(desk.locator("#pickup-error")).to_be_visible()
    expect(desk.locator("#attempts")).to_contain_text("1")
    desk.fill("#f-code", code)
    desk.click("#pickup-form button[type=submit]")
    expect(desk.locator(f"tr[data-job-id='{job_id}'] [data-state]")).to_have_attribute(
        "data-state", "collected")


def test_a_stone_from_the_counter_to_the_customer(open_page: Any, session_factory: Any) -> None:
    desk, board = open_page("desktop"), open_page("desktop")
    bench, phone = open_page("tablet"), open_page("phone")
    job_id, tracking = _intake(desk)
    phone.goto(tracking)  # the customer scans the receipt at once
    expect(phone.locator("#track")).to_have_attribute("data-state", "ticket_open")

    _assign(board, job_id)
    _carve(bench, job_id)
    board.goto(f"/supervisor/jobs/{job_id}")
    board.locator("form.action[data-event='qc_pass'] button[type=submit]").click()
    expect(board.locator(".flash-success")).to_be_visible()
    _hand_over(desk, job_id)

    phone.goto(tracking)
    expect(phone.locator("#track")).to_have_attribute("data-state", "collected")
    body = phone.locator("body").inner_text()
    assert "Zhang Wei" not in body and "张伟" not in body and "139 0000" not in body

    with session_factory() as s:
        job = s.get_one(Job, job_id)
        events = [e.event for e in s.scalars(
            select(Event).where(Event.job_id == job_id).order_by(Event.seq))]
        assert events == ["create", "receive", "route", "assign", "start", "progress",
                          "finish", "submit_qc", "qc_pass", "mark_ready", "ready_for_pickup",
                          "collect"]
        piece = s.scalar(select(Piece).where(Piece.certificate_no == NUMBER))
        versions = [c.version for c in s.scalars(
            select(Certificate).where(Certificate.piece_id == piece.id))]
        assert sorted(versions) == [1, 2]  # QC re-issued the certificate
        assert job.state == "collected"

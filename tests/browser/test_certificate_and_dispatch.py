"""The new certificate across the stations in Chromium: its code shown once on the job page
after QC, the PDF printed at the desk's hand-over, the customer's tracking page leading to the
verification page where the printed code is typed. And a courier set sent from the desk."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from jobs.engine import fire
from jobs.intake import accept_order, register_piece
from jobs.types import Actor
from tests.browser.helpers import login
from tests.workshop import production_desk as desk
from workshop.models import Job, Outbox
from workshop.seed import STORE

ADMIN = Actor("user", None, "test", "admin")


def _render_pdf(factory: Any, settings: Any, job_id: int) -> None:
    from jobs.tasks import render_certificate_pdf

    with factory() as s:
        row = s.scalars(select(Outbox).where(Outbox.job_id == job_id,
                                             Outbox.kind == "render_certificate_pdf")).one()
    assert render_certificate_pdf(row.id, settings=settings, factory=factory) == "rendered"


def test_certificate_from_qc_to_the_desk_and_the_customers_verification(
        open_page: Any, session_factory: Any, settings: Any) -> None:
    ring = desk.jobs_by_route(session_factory)["hand"][0]
    desk.receive(session_factory, settings, ring, desk.MASSES["ring"])
    desk.fire_as_supervisor(session_factory, settings, ring, "assign",
                            artisan_id=desk.user_id(session_factory, "artisan.wang"))
    for event in ("start", "finish", "submit_qc"):
        desk.fire_as_supervisor(session_factory, settings, ring, event)
    tracking = f"/track/{desk.job_row(session_factory, ring).tracking_token}?lang=en"
    board, counter, phone = open_page("desktop"), open_page("desktop"), open_page("phone")

    login(board, "supervisor", lang="en")
    board.goto(f"/supervisor/jobs/{ring}")
    with board.expect_navigation():
        board.locator("form.action[data-event='qc_pass'] button[type=submit]").click()
    code = board.locator("#certificate-code code").inner_text().strip()
    panel = board.locator(".certificate-panel")
    expect(panel).to_have_attribute("data-status", "valid")
    number = panel.get_attribute("data-certificate")
    assert number and len(code) >= 10
    assert board.locator(".certificate-panel img.qr").evaluate("i => i.naturalWidth") > 0
    board.reload()  # shown once: a second look no longer has it
    expect(board.locator("#certificate-code")).to_have_count(0)

    _render_pdf(session_factory, settings, ring)
    login(counter, "store_clerk", lang="en")
    order_id = desk.job_row(session_factory, ring).order_id
    counter.goto(f"/store/orders/{order_id}")
    with counter.expect_navigation():
        counter.locator(f"tr[data-job-id='{ring}'] button[type=submit]").click()
    counter.goto(f"/store/jobs/{ring}/pickup")
    expect(counter.locator("#pickup-certificate .certificate-panel")).to_have_attribute(
        "data-certificate", number)
    printed = counter.request.get(counter.locator("#print-certificate").get_attribute("href"))
    assert printed.status == 200 and printed.headers["content-type"] == "application/pdf"
    assert printed.body().startswith(b"%PDF")

    phone.goto(tracking)
    link = phone.locator("#verify-certificate a")
    expect(link).to_have_attribute("href", f"/verify/{number}")
    assert code not in phone.locator("body").inner_text()
    with phone.expect_navigation():
        link.click()
    phone.fill("input[name=c]", code)
    with phone.expect_navigation():
        phone.locator(".verify-form button[type=submit]").click()
    expect(phone.locator(".verdict")).to_have_attribute("data-verdict", "valid")


def _courier_set(factory: Any, settings: Any) -> list[int]:
    """A courier order of two new pieces carved by hand: the first passed QC, the second
    still on the bench."""
    numbers = ["NGTC-BR-1", "NGTC-BR-2"]
    artisan = desk.user_id(factory, "artisan.wang")
    with factory() as session:
        for number in numbers:
            register_piece(session, {"certificate_no": number, "shape": "ring",
                                     "material": "和田玉", "mass_g": "8.02",
                                     "dimensions": {"outer_diameter_mm": "36"},
                                     "store_code": STORE["code"]}, ADMIN)
        order, _ = accept_order(session, {
            "reference": "REF-COURIER", "store_code": STORE["code"], "delivery": "courier",
            "customer": {"name": "李娜", "phone": "+86 139"},
            # paid in full: per piece 2 h of hand carving at 180.00 and 20.00 return shipping
            "amount_paid": "760.00",
            "lines": [{"certificate_no": n, "carving_mode": "hand", "design_code": "FREE-LOTUS"}
                      for n in numbers]}, ADMIN)
        ids = [j.id for j in order.jobs]
        for i, job_id in enumerate(ids):
            steps = [("receive", {"channel": "store_counter", "mass_g": "8.02"}),
                     ("assign", {"artisan_id": artisan})]
            if i == 0:
                steps += [(e, {}) for e in ("start", "finish", "submit_qc", "qc_pass")]
            for event, data in steps:
                fire(session, job_id, event, actor=ADMIN, version=None, data=data,
                     settings=settings)
    return ids


def test_a_courier_set_leaves_together_from_the_desk(page: Any, live_server: str,
                                                      session_factory: Any,
                                                      settings: Any) -> None:
    first, second = _courier_set(session_factory, settings)
    login(page, "store_clerk", lang="en")
    page.goto("/store/")
    with page.expect_navigation():
        page.locator(f"tr[data-job-id='{first}'] a[href$='/dispatch']").click()
    expect(page.locator("#dispatch-waiting")).to_be_visible()
    page.fill("#f-carrier", "顺丰速运 SF Express")
    page.fill("#f-tracking_no", "SF 1400 2000 3000")
    with page.expect_navigation():
        page.click("#dispatch-form button[type=submit]")
    expect(page.locator("#dispatch-error")).to_contain_text(f"job {second} is scheduled")
    expect(page.locator("#f-tracking_no")).to_have_value("SF 1400 2000 3000")

    for event in ("start", "finish", "submit_qc", "qc_pass"):
        desk.fire_as_supervisor(session_factory, settings, second, event)
    with page.expect_navigation():
        page.click("#dispatch-form button[type=submit]")
    expect(page.locator("#order-tracking")).to_contain_text("SF140020003000")
    with session_factory() as s:
        assert [s.get_one(Job, i).state for i in (first, second)] == ["dispatched"] * 2

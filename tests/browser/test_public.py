"""The customer's tracking page on a phone: opened from the receipt's link with no login."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workshop.models import Job, Order


def test_tracking_page_on_a_phone(phone_page: Any, live_server: str, session_factory: Any) -> None:
    with session_factory() as session:
        job = session.scalars(select(Job).order_by(Job.id)).first()
        order = session.scalar(select(Order))
        token, customer = job.tracking_token, order.customer_name
    response = phone_page.goto(f"/track/{token}")
    assert response.status == 200
    assert phone_page.locator("#track .badge").inner_text() == "等待玉石"
    assert phone_page.locator(".stages li.current").count() == 0  # the stone is not here yet
    assert phone_page.locator(".stages li").first.inner_text() == "已收到玉石"
    assert phone_page.locator(".timeline-item").count() == 1
    body = phone_page.locator("body").inner_text()
    assert customer not in body and "Wang" not in body
    # made for the phone: nothing wider than the screen, nobody to log out
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert phone_page.locator("header form[action='/logout']").count() == 0
    with phone_page.expect_navigation():
        phone_page.click(".lang-switch a[data-lang=en]")
    assert phone_page.locator("#track .badge").inner_text() == "Awaiting the stone"


def test_a_wrong_link_says_so(phone_page: Any, live_server: str) -> None:
    response = phone_page.goto("/track/not-a-real-token")
    assert response.status == 404
    assert "收据" in phone_page.locator("#error .reason").inner_text()
    phone_page.goto("/track/not-a-real-token?lang=en")
    assert "receipt" in phone_page.locator("#error .reason").inner_text()

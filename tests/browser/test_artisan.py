"""The artisan's tablet in Chromium: changes made offline are kept and sent once when the
connection is back; a change whose answer was lost is not applied twice; the design at true
scale; touch targets of at least 48 px in both tablet orientations."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from jobs.engine import fire
from jobs.types import Actor
from tests.browser.helpers import login, touch_targets_too_small
from workshop.models import Artifact, Event, Job, Piece, User
from workshop.seed import PIECES

RING = PIECES[2]["certificate_no"]  # the wedding set's ring: carved by hand, lotus 24 x 24 mm
MM = 96 / 25.4  # CSS px per mm


def _ticket_for_wang(session_factory: Any) -> int:
    """The seeded ring, received at the counter and assigned to Wang Shifu."""
    clerk = Actor("user", None, "seed-clerk", "store_clerk")
    supervisor = Actor("user", None, "seed-supervisor", "supervisor")
    with session_factory() as s:
        job_id = s.scalar(select(Job.id).join(Piece, Job.piece_id == Piece.id)
                          .where(Piece.certificate_no == RING))
        wang = s.scalar(select(User.id).where(User.username == "artisan.wang"))
        fire(s, job_id, "receive", actor=clerk, version=None,
             data={"channel": "store_counter", "mass_g": PIECES[2]["mass_g"]})
        fire(s, job_id, "assign", actor=supervisor, version=None, data={"artisan_id": wang})
    return job_id


def _events(session_factory: Any, job_id: int, name: str) -> list[Event]:
    with session_factory() as s:
        return list(s.scalars(select(Event).where(Event.job_id == job_id, Event.event == name)))


def _png(width: int = 64, height: int = 48) -> bytes:
    """A small real PNG the browser can decode (a jade-green gradient)."""
    rows = b"".join(b"\x00" + b"".join(bytes((40, 120 + x % 100, 90)) for x in range(width))
                    for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def _open_ticket(page: Any, job_id: int) -> None:
    login(page, "artisan")
    page.goto("/artisan/")
    page.click(f"a[href='/artisan/jobs/{job_id}']")
    expect(page.locator("#bench")).to_have_attribute("data-ready", "true")


def _sent(page: Any) -> None:
    expect(page.locator("#sync")).to_have_attribute("data-pending", "0")


def test_progress_and_photo_made_offline_are_sent_once_when_back_online(
        tablet_page: Any, session_factory: Any) -> None:
    job_id = _ticket_for_wang(session_factory)
    page = tablet_page
    _open_ticket(page, job_id)
    page.click("button[data-event='start']")
    _sent(page)
    expect(page.locator("#state-badge")).to_have_attribute("data-state", "carving")

    page.context.set_offline(True)
    page.eval_on_selector("#pct", "e => { e.value = 60; e.dispatchEvent(new Event('input')); }")
    page.fill("#note", "莲瓣已出轮廓")
    page.set_input_files("#photo", files=[{"name": "bench.png", "mimeType": "image/png",
                                           "buffer": _png()}])
    page.click("#send-progress")
    expect(page.locator("#sync")).to_have_attribute("data-pending", "1")
    expect(page.locator("#sync")).to_have_attribute("data-online", "false")
    assert _events(session_factory, job_id, "progress") == []  # nothing reached the server
    kept = page.evaluate("JSON.parse(localStorage.getItem('workshop.bench.queue.v1'))")
    assert [(c["event"], c["pct"]) for c in kept] == [("progress", 60)]

    page.context.set_offline(False)
    _sent(page)
    [progress] = _events(session_factory, job_id, "progress")
    assert (progress.data["pct"], progress.note) == (60, "莲瓣已出轮廓")
    assert len(progress.attachments) == 1
    with session_factory() as s:
        photo = s.scalar(select(Artifact).where(Artifact.sha256 == progress.attachments[0]))
        assert photo is not None and photo.job_id == job_id and photo.media_type == "image/jpeg"
    expect(page.locator("#progress-text")).to_have_text("60 %")
    # reloading asks the server: the change is there, and it is there once
    page.reload()
    _sent(page)
    assert len(_events(session_factory, job_id, "progress")) == 1


def test_a_change_whose_answer_was_lost_is_applied_once(tablet_portrait_page: Any,
                                                        session_factory: Any) -> None:
    job_id = _ticket_for_wang(session_factory)
    page = tablet_portrait_page
    _open_ticket(page, job_id)
    calls = {"n": 0}

    def lose_first_answer(route: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            route.fetch()  # the server applies the change ...
            route.abort("connectionreset")  # ... and its answer never reaches the tablet
        else:
            route.continue_()

    page.route("**/artisan/jobs/*/actions", lose_first_answer)
    page.click("button[data-event='start']")
    # the queue retries every few seconds; on a busy machine give it several rounds
    for _ in range(100):
        if calls["n"] >= 2:
            break
        page.wait_for_timeout(200)
    assert calls["n"] >= 2  # sent again after the lost answer
    expect(page.locator("#sync")).to_have_attribute("data-pending", "0", timeout=20_000)
    assert len(_events(session_factory, job_id, "start")) == 1
    expect(page.locator("button[data-event='pause']")).to_be_visible()


def test_the_design_is_at_true_scale_and_targets_are_big_enough(
        open_page: Any, session_factory: Any) -> None:
    job_id = _ticket_for_wang(session_factory)
    for viewport in ("tablet", "tablet_portrait"):
        page = open_page(viewport)
        _open_ticket(page, job_id)
        box = page.locator("#design").bounding_box()
        assert box is not None
        assert abs(box["width"] - 24 * MM) < 1 and abs(box["height"] - 24 * MM) < 1
        bar = page.locator("#calibration-bar").bounding_box()
        assert bar is not None and abs(bar["width"] - 10 * MM) < 1
        assert touch_targets_too_small(
            page, "#bench .btn, #bench textarea, #bench input[type=range]") == []
        # nothing runs off the side of the tablet
        assert page.evaluate("document.documentElement.scrollWidth") <= \
            page.viewport_size["width"]


def test_a_store_clerk_may_not_open_the_tablet(page: Any) -> None:
    login(page, "store_clerk")
    response = page.goto("/artisan/")
    assert response is not None and response.status == 403


def test_a_change_kept_when_the_tab_closed_offline_is_sent_from_the_ticket_list(
        tablet_page: Any, session_factory: Any) -> None:
    job_id = _ticket_for_wang(session_factory)
    page = tablet_page
    _open_ticket(page, job_id)
    page.context.set_offline(True)
    page.click("button[data-event='start']")
    expect(page.locator("#sync")).to_have_attribute("data-pending", "1")
    page.goto("about:blank")  # the ticket's tab is left while still offline
    page.context.set_offline(False)
    page.goto("/artisan/")  # the tablet's ticket list sends what the ticket kept
    expect(page.locator("#bench-list")).to_have_attribute("data-ready", "true")
    expect(page.locator("#sync")).to_have_attribute("data-pending", "0")
    assert len(_events(session_factory, job_id, "start")) == 1

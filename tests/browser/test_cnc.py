"""The CNC station in a real browser: the machine's queue, the set-up sheet with the cut
simulation, the G-code download, start, a fault with its reason (held until released, the
machine set idle again by the operator), finish."""

from __future__ import annotations

from typing import Any

from tests.browser.helpers import login, touch_targets_too_small
from tests.workshop import production_desk as desk


def test_queue_set_up_sheet_download_start_fault_finish(
        page: Any, live_server: str, session_factory: Any, settings: Any) -> None:
    job_id = desk.program_ready_job(session_factory, settings)
    desk.fire_as_supervisor(session_factory, settings, job_id, "assign",
                            machine_id=desk.machine_id(session_factory, "ENG-1"))
    login(page, "cnc_operator", lang="en")
    assert page.url.endswith("/cnc/")
    queue = page.locator('[data-machine="ENG-1"] .queue li')
    assert queue.count() == 1
    queue.first.locator("a").click()
    page.wait_for_url(f"**/cnc/jobs/{job_id}")
    assert "ball-1.0" in page.locator("#tools").inner_text()
    # the demo disc is carved on its face: the origin is the face's centre
    assert "centre of the face" in page.locator("#origin").inner_text()
    assert page.locator("#toolpath img").evaluate("img => img.naturalWidth") > 0
    # the simulated cut, drawn from the stored PNG, and its verdict
    assert page.locator("#simulation img").evaluate("img => img.naturalWidth") > 0
    assert page.locator('#simulation [data-verdict="ok"]').is_visible()
    assert touch_targets_too_small(page) == []

    with page.expect_download() as download:
        page.click("#download-gcode")
    gcode = download.value.path().read_text()
    assert "G21" in gcode and "M30" in gcode

    def act(event: str, reason: str | None = None) -> None:
        form = page.locator(f'form[data-event="{event}"]')
        if reason is not None:
            form.locator("textarea[name=reason]").fill(reason)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()

    act("start")
    assert page.locator("h1 .badge").get_attribute("data-state") == "carving"
    act("fault", "coolant pump stopped")
    assert "Report a fault" in page.locator(".flash-success").inner_text()
    # held mid-cut: nothing to press at the machine until the supervisor releases the job
    assert page.locator("h1 .badge").get_attribute("data-state") == "on_hold"
    assert page.locator('form[data-event="resume"]').count() == 0
    desk.fire_as_supervisor(session_factory, settings, job_id, "release")
    # the job is back in carving, the machine still at fault: the operator sets it idle first
    page.goto("/cnc/")
    machine = page.locator('[data-machine="ENG-1"]')
    assert machine.locator(".badge[data-status]").get_attribute("data-status") == "fault"
    assert "coolant pump stopped" in machine.locator(".machine-since").inner_text()
    assert touch_targets_too_small(page) == []
    form = machine.locator("form.machine-status-form")
    form.locator("select[name=status]").select_option("idle")
    form.locator("input[name=reason]").fill("pump restarted")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "ENG-1 is now idle." in page.locator(".flash-success").inner_text()
    page.goto(f"/cnc/jobs/{job_id}")
    act("resume")
    act("finish")
    assert page.locator("h1 .badge").get_attribute("data-state") == "carved"
    events = [(e.event, e.to_state, e.data.get("reason")) for e in
              desk.events(session_factory, job_id)]
    assert ("fault", "on_hold", "coolant pump stopped") in events
    assert ("release", "carving", None) in events
    page.goto("/cnc/")
    # carved, it waits in the queue until the operator hands it to quality control
    carved = page.locator('[data-machine="ENG-1"] .queue li')
    assert carved.locator(".badge").get_attribute("data-state") == "carved"
    assert page.locator('[data-machine="ENG-1"] .badge[data-status]').inner_text() == "idle"
    carved.locator("a").click()
    act("submit_qc")
    assert page.locator("h1 .badge").get_attribute("data-state") == "qc"
    page.goto("/cnc/")
    assert page.locator('[data-machine="ENG-1"] .queue li').count() == 0


def test_the_operator_may_not_open_the_board(page: Any, live_server: str) -> None:
    login(page, "cnc_operator")
    assert page.goto("/supervisor/").status == 403
    assert page.locator("#forbidden").is_visible()

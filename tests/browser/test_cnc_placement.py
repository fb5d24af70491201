"""The placement knobs in a real Chromium: a change is checked at once and the picture follows;
a placement off the stone is refused in words and cannot be saved; a good one saves as an event."""

from __future__ import annotations

from typing import Any

from tests.browser.helpers import login
from tests.workshop import production_desk as desk


def test_the_operator_moves_the_design_and_saves(page: Any, live_server: str,
                                                 session_factory: Any, settings: Any) -> None:
    job_id = desk.program_ready_job(session_factory, settings, simulated=False)
    login(page, "cnc_operator", lang="en")
    page.goto(f"/cnc/jobs/{job_id}")
    image = page.locator("#piece3d-image")
    first = image.get_attribute("src")
    assert page.evaluate("document.getElementById('piece3d-image').naturalWidth") == 480

    page.select_option("#placement-form select[name=mode]", "centre")
    page.fill("#placement-form input[name=scale]", "1")
    page.fill("#placement-form input[name=offset_x]", "24")
    verdict = page.locator("#placement-verdict")
    page.wait_for_function(  # the answer to the last change (earlier ones are dropped)
        "document.getElementById('placement-verdict').textContent.includes('outer edge')")
    assert "overflows face 'front' by" in verdict.inner_text()
    assert page.locator("#placement-save").is_disabled()
    assert image.get_attribute("src") != first and "offset_x=24" in image.get_attribute("src")

    page.fill("#placement-form input[name=offset_x]", "15")
    page.fill("#placement-form input[name=scale]", "0.5")
    page.wait_for_function("document.getElementById('placement-verdict').textContent"
                           ".includes('scale 0.5, rotation 0 deg')")
    assert page.locator("#placement-save").is_enabled()
    page.fill("#placement-form input[name=reason]", "clear of the rim")
    with page.expect_navigation():
        page.click("#placement-save")
    job = desk.job_row(session_factory, job_id)
    assert job.state == "toolpath_pending"
    assert (job.placement["mode"], job.placement["offset_x"], job.placement["scale"]) == (
        "centre", 15.0, 0.5)
    assert desk.events(session_factory, job_id)[-1].event == "set_placement"
    # the picture after the save is the saved placement's, not one the browser kept
    assert f"v={job.version}" in page.locator("#piece3d-image").get_attribute("src")

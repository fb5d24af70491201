"""The supervisor's board in a real browser: find a job, assign it with the loads in view,
hold and release it, watch a program being generated, read the figures."""

from __future__ import annotations

import re
from typing import Any

from jobs.tasks import generate_program
from tests.browser.helpers import login
from tests.workshop import production_desk as desk


def test_board_to_job_page_assign_hold_and_release(page: Any, live_server: str,
                                                   session_factory: Any, settings: Any) -> None:
    job_id = desk.program_ready_job(session_factory, settings)
    login(page, "supervisor", lang="en")
    column = page.locator('.kanban-col[data-state="toolpath_ready"]')
    assert column.locator(".card").count() == 1
    column.locator(f'.card[data-job="{job_id}"]').click()
    page.wait_for_url(f"**/supervisor/jobs/{job_id}")
    assert page.locator("#design img").evaluate("img => img.naturalWidth") > 0
    assert page.locator("#toolpath img").evaluate("img => img.naturalWidth") > 0

    assign = page.locator('form[data-event="assign"]')
    option = assign.locator("select[name=assignee] option", has_text="ENG-1")
    assert re.search(r"0 jobs, 0 h", option.inner_text())
    assign.locator("select[name=assignee]").select_option(label=option.inner_text())
    assign.locator("input[name=note]").fill("first thing tomorrow")
    with page.expect_navigation():
        assign.locator("button[type=submit]").click()
    assert page.locator("h1 .badge").get_attribute("data-state") == "scheduled"
    assert "ENG-1" in page.locator("#assignee").inner_text()

    hold = page.locator('form[data-event="hold"]')
    hold.locator("textarea[name=reason]").fill("a crack at the rim, ask the customer")
    with page.expect_navigation():
        hold.locator("button[type=submit]").click()
    assert page.locator("h1 .badge").get_attribute("data-state") == "on_hold"
    assert "a crack at the rim" in page.locator("#review-reason").inner_text()
    assert "a crack at the rim" in page.locator("#timeline").inner_text()

    release = page.locator('form[data-event="release"]')
    release.locator("textarea[name=reason]").fill("the customer accepts it")
    with page.expect_navigation():
        release.locator("button[type=submit]").click()
    assert page.locator("h1 .badge").get_attribute("data-state") == "scheduled"


def test_program_generation_shows_live_and_the_page_fills_in(
        page: Any, live_server: str, session_factory: Any, settings: Any) -> None:
    job_id = desk.jobs_by_route(session_factory)["machine"][0]
    desk.receive(session_factory, settings, job_id, desk.MASSES["bi_disc"])
    login(page, "supervisor", lang="en")
    page.goto(f"/supervisor/jobs/{job_id}")
    status = page.locator("#program-status .status-line")
    # the page asks the server and writes its answer in, without a reload
    page.wait_for_function(
        "() => document.querySelector('#program-status .status-line').textContent"
        ".includes('Waiting for a worker')")
    assert page.locator("#toolpath img").count() == 0
    assert generate_program(job_id, settings=settings, factory=session_factory) == "ready"
    # finished: the page reloads itself once and shows the program
    page.locator("#toolpath img").wait_for()
    assert page.locator("h1 .badge").get_attribute("data-state") == "toolpath_ready"
    assert "Ready" in status.inner_text()


def test_figures_are_drawn_as_charts(page: Any, live_server: str) -> None:
    login(page, "supervisor")
    page.click("a[href='/supervisor/figures']")
    page.wait_for_url("**/supervisor/figures")
    assert page.locator("svg.chart").count() == 5
    # the seeded order's three jobs are awaiting their stones: one WIP bar of three
    assert page.locator("svg.chart").first.locator("rect").count() == 1
    assert page.locator("svg.chart").first.locator("text.value").text_content() == "3"

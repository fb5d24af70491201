"""The supervisor's figures and due-date flags, against hand-made jobs."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop.supervisor import planning
from workshop.supervisor.charts import bar_chart
from workshop.supervisor.metrics import JobFacts, compute, week_start

UTC = dt.UTC
TODAY = dt.date(2026, 5, 20)  # a Wednesday


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 5, day, hour, tzinfo=UTC)


def job(i: int, state: str, created: int, done: int | None = None, due: int | None = None,
        rework: int = 0) -> JobFacts:
    return JobFacts(i, state, at(created), at(done) if done else None,
                    dt.date(2026, 5, due) if due else None, rework)


WORKSHOP = [
    job(1, "carving", 1),
    job(2, "carving", 2),
    job(3, "qc", 3),
    job(4, "collected", 1, done=5, due=6),  # 4 days, on time
    job(5, "ready_for_dispatch", 4, done=12, due=10, rework=1),  # 8 days, late, reworked
    job(6, "delivered", 10, done=19),  # 9 days, no due date
    job(7, "cancelled", 2),
]


def test_wip_counts_unfinished_states_in_workflow_order() -> None:
    figures = compute(WORKSHOP, today=TODAY)
    assert figures.wip == {"carving": 2, "qc": 1, "ready_for_dispatch": 1}
    assert list(figures.wip) == ["carving", "qc", "ready_for_dispatch"]


def test_lead_time_on_time_and_rework_rate() -> None:
    figures = compute(WORKSHOP, today=TODAY)
    assert figures.done == 3
    assert figures.lead_time_days_median == pytest.approx(8.0)
    assert figures.lead_time_days_mean == pytest.approx((4 + 8 + 9) / 3)
    assert figures.on_time_counted == 2  # job 6 has no due date
    assert figures.on_time_rate == pytest.approx(0.5)
    assert figures.rework_rate == pytest.approx(1 / 3)


def test_done_late_on_the_due_date_itself_is_on_time() -> None:
    late_evening = JobFacts(1, "collected", at(1), at(6, 23), dt.date(2026, 5, 6))
    assert compute([late_evening], today=TODAY).on_time_rate == 1.0


def test_throughput_per_iso_week_oldest_first() -> None:
    figures = compute(WORKSHOP, today=TODAY, weeks=3)
    weeks = [(w.week, w.count) for w in figures.throughput]
    # Mondays 4, 11, 18 May: job 4 done on the 5th, job 5 on the 12th, job 6 on the 19th
    assert weeks == [(dt.date(2026, 5, 4), 1), (dt.date(2026, 5, 11), 1),
                     (dt.date(2026, 5, 18), 1)]


def test_no_jobs_gives_empty_figures_not_errors() -> None:
    figures = compute([], today=TODAY, weeks=2)
    assert figures.wip == {}
    assert figures.lead_time_days_median is None
    assert figures.on_time_rate is None and figures.rework_rate is None
    assert [w.count for w in figures.throughput] == [0, 0]


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_week_start_is_the_monday_on_or_before(day: dt.date) -> None:
    monday = week_start(day)
    assert monday.weekday() == 0 and 0 <= (day - monday).days < 7


@given(st.lists(st.tuples(st.integers(1, 28), st.integers(0, 27), st.integers(0, 3)),
                max_size=30))
def test_throughput_counts_every_job_done_in_the_window(rows: list[tuple[int, int, int]]) -> None:
    facts = [JobFacts(i, "collected", at(c), at(min(c + d, 28)), None, r)
             for i, (c, d, r) in enumerate(rows)]
    figures = compute(facts, today=dt.date(2026, 5, 31), weeks=6)  # Mondays from 20 April
    assert sum(w.count for w in figures.throughput) == len(facts)
    assert figures.rework_rate is None or 0 <= figures.rework_rate <= 1


# ---- estimates and flags ----------------------------------------------------------------

NOW = dt.datetime(2026, 5, 20, 9, tzinfo=UTC)


def test_hand_estimate_scales_with_what_is_left() -> None:
    whole = planning.remaining_hours(state="carving", route="hand", shape="bangle",
                                     estimated_seconds=None, progress_pct=0)
    quarter = planning.remaining_hours(state="carving", route="hand", shape="bangle",
                                       estimated_seconds=None, progress_pct=75)
    assert whole == planning.HAND_HOURS["bangle"]
    assert quarter == pytest.approx(whole / 4)


def test_machine_estimate_comes_from_the_program() -> None:
    hours = planning.remaining_hours(state="scheduled", route="machine", shape="bi_disc",
                                     estimated_seconds=5400)
    assert hours == pytest.approx(planning.MACHINE_SETUP_HOURS + 1.5)
    assert planning.remaining_hours(state="qc", route="machine", shape="bi_disc",
                                    estimated_seconds=5400) == 0


def test_past_the_due_date_is_overdue() -> None:
    assert planning.due_flag(dt.date(2026, 5, 19), 0.0, NOW) == planning.DueFlag.OVERDUE
    assert planning.due_flag(dt.date(2026, 5, 19), 0.0, NOW, finished=True) is None


def test_more_work_than_working_hours_left_is_at_risk() -> None:
    due = dt.date(2026, 5, 21)  # 39 hours away: 13 working hours at 8 a day
    left = planning.working_hours_left(due, NOW)
    assert left == pytest.approx(39 / 24 * planning.WORK_HOURS_PER_DAY)
    assert planning.due_flag(due, left + 0.5, NOW) == planning.DueFlag.AT_RISK
    assert planning.due_flag(due, left - 0.5, NOW) is None
    assert planning.due_flag(None, 1000.0, NOW) is None


# ---- charts -----------------------------------------------------------------------------

def test_bar_chart_is_valid_svg_with_bars_in_proportion() -> None:
    svg = bar_chart([("carving", 4), ("<qc>", 2)], title="WIP & more")
    root = ET.fromstring(str(svg))
    rects = root.findall(".//{http://www.w3.org/2000/svg}rect")
    heights = [float(r.get("height", "0")) for r in rects]
    assert heights[0] == pytest.approx(2 * heights[1])
    assert "<qc>" not in str(svg) and "&lt;qc&gt;" in str(svg)


def test_bar_chart_tells_nothing_measured_from_zero() -> None:
    svg = str(bar_chart([("empty week", None), ("zero", 0), ("one", 1)], title="t"))
    values = re.findall(r'class="value">([^<]*)<', svg)
    assert values == ["—", "0", "1"]


def test_bar_chart_refuses_negative_or_nan() -> None:
    with pytest.raises(ValueError):
        bar_chart([("a", -1)], title="t")
    with pytest.raises(ValueError):
        bar_chart([("a", float("nan"))], title="t")


def test_each_week_has_its_own_lead_time_on_time_and_rework() -> None:
    facts = [job(1, "collected", 4, done=12, due=13),  # week of 11 May: 8 days, on time
             job(2, "collected", 9, done=13, due=11, rework=2),  # same week: 4 days, late
             job(3, "collected", 18, done=19)]  # week of 18 May: 1 day, no due date
    weeks = {w.week: w for w in compute(facts, today=TODAY, weeks=3).throughput}
    may11, may18, may4 = weeks[dt.date(2026, 5, 11)], weeks[dt.date(2026, 5, 18)], \
        weeks[dt.date(2026, 5, 4)]
    assert (may11.count, may11.lead_time_days_median) == (2, pytest.approx(6.0))
    assert may11.on_time_rate == 0.5 and may11.rework_rate == 0.5
    assert may18.on_time_rate is None and may18.rework_rate == 0.0
    assert may4.count == 0 and may4.lead_time_days_median is None

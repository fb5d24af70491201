"""The state table itself: complete, consistent, and the only place a job's state is set."""

from __future__ import annotations

import re
from pathlib import Path

from jobs.effects import WRITERS
from jobs.states import AUTO_FOLLOW, TRANSITIONS, by_event
from jobs.types import ROLES, SYSTEM, TERMINAL, State
from workshop.config import ROOT

ASSIGNMENT = re.compile(r"\.state\s*=(?!=)|\bstate\s*=\s*State\.|values\([^)]*\bstate\s*=")


def test_only_the_engine_sets_a_jobs_state():
    offenders = []
    for package in ("jobs", "workshop", "cam", "machines", "certificates"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                code = line.split("#", 1)[0]
                if ASSIGNMENT.search(code):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    engine = str(Path("jobs") / "engine.py")
    assert offenders and all(o.startswith(engine) for o in offenders), offenders


def test_every_state_is_reachable_and_every_non_terminal_state_can_move():
    targets = {t.target for t in TRANSITIONS if t.target} | {State.AWAITING_PIECE}
    computed = {State.RECEIVED, State.ON_HOLD, State.TOOLPATH_PENDING, State.TICKET_OPEN}
    assert targets | computed == set(State)
    sources = set().union(*(t.sources for t in TRANSITIONS))
    assert sources == set(State) - TERMINAL


def test_rows_name_known_roles_effects_and_follow_ups():
    for t in TRANSITIONS:
        assert t.sources and t.roles <= ROLES, t.event
        assert all(name in WRITERS for name in t.effects), t.event
    for state, event in AUTO_FOLLOW.items():
        follow = by_event(event)
        assert follow is not None and state in follow.sources and follow.roles == {SYSTEM}


def test_no_event_leaves_a_terminal_state():
    for t in TRANSITIONS:
        assert not (t.sources & TERMINAL), t.event

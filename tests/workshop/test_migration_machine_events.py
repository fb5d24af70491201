"""Revision 0005 goes up, down and up again on the test database (SQLite, or PostgreSQL in a
schema of its own), with a machine, its tool and an assignment in place, and its CHECK refuses
a status the workshop does not know."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from workshop import config, migrate
from workshop.db import make_engine


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Any]:
    """Settings of an empty database of its own (a file, or a new PostgreSQL schema)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ARTIFACT_DIR")}
    env["WORKSHOP_INSTANCE"] = str(tmp_path)
    pg = env.get("DATABASE_URL", "").startswith("postgresql")
    schema = f"m_{uuid.uuid4().hex[:10]}" if pg else ""
    env["DATABASE_SCHEMA"] = schema
    settings = config.load(env)
    yield settings
    if schema:
        from sqlalchemy import create_engine

        engine = create_engine(settings.database_url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def _tables_and_checks(settings: Any) -> tuple[set[str], set[str | None]]:
    engine = make_engine(settings)
    try:
        found = inspect(engine)
        tables = set(found.get_table_names())
        checks = {c["name"] for c in found.get_check_constraints("machines")}
        return tables, checks
    finally:
        engine.dispose()


def _status(settings: Any, machine_id: int) -> str:
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT status FROM machines WHERE id = :i"),
                                {"i": machine_id}).scalar_one()
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_keeps_the_machines(fresh) -> None:
    migrate.upgrade(fresh, "0004")
    engine = make_engine(fresh)
    with engine.begin() as conn:  # rows that point at the machine: batch mode must keep them
        conn.execute(text("INSERT INTO machines (id, code, name, profile, status) VALUES "
                          "(7, 'ENG-7', 'Engraver', 'engraver-3axis-grbl', 'idle'), "
                          "(8, 'OLD-8', 'Old one', 'generic-mach3', 'broken')"))
        conn.execute(text("INSERT INTO tools (machine_id, name, slot) VALUES (7, 'ball-1.0', 1)"))
    engine.dispose()

    migrate.upgrade(fresh)
    tables, checks = _tables_and_checks(fresh)
    assert "machine_events" in tables and "ck_machines_status" in checks
    # the status nobody knew is out of work, and the change is on the record
    assert _status(fresh, 8) == "maintenance" and _status(fresh, 7) == "idle"
    engine = make_engine(fresh)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT from_status, to_status, actor FROM machine_events "
                                "WHERE machine_id = 8")).one()
        assert tuple(row) == ("broken", "maintenance", "system:migration 0005")
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE machines SET status = 'asleep' WHERE id = 7"))
    with pytest.raises(IntegrityError), engine.begin() as conn:  # the tools still point at it
        conn.execute(text("INSERT INTO tools (machine_id, name, slot) VALUES (99, 'x', 1)"))
    engine.dispose()

    command.downgrade(migrate.alembic_config(fresh), "-1")
    tables, checks = _tables_and_checks(fresh)
    assert "machine_events" not in tables and "ck_machines_status" not in checks
    engine = make_engine(fresh)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tools WHERE machine_id = 7")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM machines")).scalar() == 2
    engine.dispose()

    migrate.upgrade(fresh)
    tables, checks = _tables_and_checks(fresh)
    assert "machine_events" in tables and "ck_machines_status" in checks
    assert _status(fresh, 7) == "idle"

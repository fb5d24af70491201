"""Engine and session: one engine per app, sessions scoped to a request or a task."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from workshop.config import Settings


def make_engine(settings: Settings) -> Engine:
    url = settings.database_url
    kwargs: dict[str, object] = {"future": True}
    if url.startswith("sqlite"):
        # several threads (gunicorn threads, tests) share the file; WAL lets readers go on
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    elif settings.database_schema:
        kwargs["connect_args"] = {"options": f"-csearch_path={settings.database_schema}"}
    kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # take isolation into our own hands so BEGIN IMMEDIATE serialises writers: the version
        # check and the write of a transition then happen under one write lock
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

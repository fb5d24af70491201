"""Alembic environment: the URL and schema come from workshop.config, never from alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from workshop import config as workshop_config
from workshop.db import make_engine
from workshop.models import Base

target_metadata = Base.metadata


def run_migrations_offline() -> None:
    settings = workshop_config.load()
    context.configure(url=settings.database_url, target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    settings = context.config.attributes.get("settings") or workshop_config.load()
    engine = make_engine(settings)
    with engine.connect() as conn:
        if settings.database_schema and conn.dialect.name == "postgresql":
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{settings.database_schema}"'))
            conn.commit()
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # batch mode lets SQLite take ALTERs by copying tables; PostgreSQL ignores it
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Schema migrations through Alembic, callable from the CLI and the tests."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from workshop.config import ROOT, Settings


def alembic_config(settings: Settings) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["settings"] = settings
    return cfg


def upgrade(settings: Settings, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings), revision)


def revision(settings: Settings, message: str) -> None:
    """Autogenerate a revision against the current database (developers only)."""
    command.revision(alembic_config(settings), message=message, autogenerate=True)

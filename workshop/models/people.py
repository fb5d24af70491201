"""Who works here and who may call the API."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workshop.models.base import Base, utcnow


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CNC_OPERATOR = "cnc_operator"
    ARTISAN = "artisan"
    STORE_CLERK = "store_clerk"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    # staff API token: only its sha256 is stored; the token is shown once when issued
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiClient(Base):
    """A caller of the intake API (the shop's platform). The key is stored hashed."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(12))  # shown in lists, to tell keys apart
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

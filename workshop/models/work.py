"""Orders, carving jobs, assignments, machines and tools."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.base import Base, utcnow


class CarvingMode(StrEnum):
    MACHINE = "machine"  # free machine carving
    HAND = "hand"  # paid hand carving


class Delivery(StrEnum):
    COURIER = "courier"
    PICKUP = "pickup"  # at the original store


class Order(Base):
    """A paid order from the platform or the store desk; one job per line (piece)."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_ref: Mapped[str] = mapped_column(String(100), unique=True)
    # sha256 of the canonical request body: the same reference with another body is a conflict
    request_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(20), default="api")  # api | store_desk
    customer_name: Mapped[str] = mapped_column(String(200), default="")
    customer_email: Mapped[str] = mapped_column(String(200), default="")
    customer_phone: Mapped[str] = mapped_column(String(40), default="")
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    delivery: Mapped[str] = mapped_column(String(20), default=Delivery.PICKUP)
    delivery_address: Mapped[dict] = mapped_column(default=dict)
    amount_paid_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    paid_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # dispatch of the whole set: filled when the order leaves the workshop
    carrier: Mapped[str | None] = mapped_column(String(60))
    tracking_no: Mapped[str | None] = mapped_column(String(100))
    pickup_code_hash: Mapped[str | None] = mapped_column(String(64))
    pickup_attempts: Mapped[int] = mapped_column(default=0)

    jobs: Mapped[list[Job]] = relationship(back_populates="order", order_by="Job.id")


class Job(Base):
    """One carving job: one piece, one design, one carving mode."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    line_no: Mapped[int] = mapped_column(default=1)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id"), index=True)
    design_id: Mapped[int | None] = mapped_column(ForeignKey("designs.id"))
    face: Mapped[str] = mapped_column(String(40), default="front")
    carving_mode: Mapped[str] = mapped_column(String(20))
    route: Mapped[str] = mapped_column(String(20))  # current route: machine | hand
    state: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(default=1)  # optimistic lock, bumped by every transition
    # where a hold returns to
    held_from: Mapped[str | None] = mapped_column(String(40))
    review_reason: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[dt.date | None]
    priority: Mapped[int] = mapped_column(default=0)  # higher first
    rework_count: Mapped[int] = mapped_column(default=0)
    depth_mm: Mapped[str] = mapped_column(String(20), default="0.3")  # decimal text, exact
    placement: Mapped[dict] = mapped_column(default=dict)  # scale, rotation_deg, offset_x, offset_y
    # the customer's tracking link carries this unguessable token, never the job id alone
    tracking_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(back_populates="jobs")

    __mapper_args__ = {"version_id_col": version}


# the values of machines.profiles.MachineStatus; the database refuses any other (CHECK)
MACHINE_STATUSES = ("idle", "running", "maintenance", "fault")


class Machine(Base):
    """A machine of the workshop. Its status changes only through ``jobs.machines.set_status``,
    which records every change as a :class:`MachineEvent`."""

    __tablename__ = "machines"
    __table_args__ = (
        CheckConstraint("status IN ('idle', 'running', 'maintenance', 'fault')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    profile: Mapped[str] = mapped_column(String(64))  # machines/data/machines/<profile>.toml
    status: Mapped[str] = mapped_column(String(20), default="idle")  # idle running maintenance fault


class MachineEvent(Base):
    """One recorded change of a machine's status: who, when, from, to, why (and the job whose
    event moved it, if one did). Never updated, never deleted."""

    __tablename__ = "machine_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    machine_id: Mapped[int] = mapped_column(ForeignKey("machines.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(120))  # as Event.actor: "user:lin (supervisor)"
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), index=True)


class Tool(Base):
    """A tool loaded on a machine (the library entry is in machines/data/tools.toml)."""

    __tablename__ = "tools"

    id: Mapped[int] = mapped_column(primary_key=True)
    machine_id: Mapped[int] = mapped_column(ForeignKey("machines.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    slot: Mapped[int] = mapped_column(default=1)


class Assignment(Base):
    """Who or what carves a job; the latest active one counts."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    machine_id: Mapped[int | None] = mapped_column(ForeignKey("machines.id"))
    artisan_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    active: Mapped[bool] = mapped_column(default=True)
    progress_pct: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

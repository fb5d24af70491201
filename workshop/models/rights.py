"""Design rights: owners and their shares, versioned royalty terms, patent applications, where
a design fits, the append-only royalty ledger, and the platform's payment confirmations.

Money columns hold integer minor units (fen) with a currency code; shares and rates are exact
decimal text (as ``Job.depth_mm``), read back through ``jobs.money``. The ledger is written
once and never updated: a correction or a refund is a new row with the opposite sign.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.base import Base, utcnow


class OwnerKind(StrEnum):
    DESIGNER = "designer"
    CUSTOMER = "customer"  # the customer who paid for the new design
    SHOP = "shop"


class DesignOwner(Base):
    """A co-owner of a design's rights (designer, customer, shop)."""

    __tablename__ = "design_owners"

    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("designs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # the platform's id of the person (statements are addressed by it)
    party_ref: Mapped[str] = mapped_column(String(100), default="")


class DesignTerms(Base):
    """One version of a design's terms; a use is charged under the version in force on its date
    (the latest ``valid_from`` on or before it)."""

    __tablename__ = "design_terms"
    __table_args__ = (UniqueConstraint("design_id", "version", name="uq_design_terms_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("designs.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    valid_from: Mapped[dt.date]
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    # the fee a customer pays to use a paid design (minor units); 0 for free designs
    design_fee_minor: Mapped[int] = mapped_column(default=0)
    # royalty per use: a fixed amount (minor units) or a percentage of the design fee
    royalty_minor: Mapped[int | None] = mapped_column(default=None)
    royalty_pct: Mapped[str | None] = mapped_column(String(20), default=None)
    # royalties run term_years from term_start; after that the design is free
    term_start: Mapped[dt.date | None] = mapped_column(default=None)
    term_years: Mapped[int | None] = mapped_column(default=None)
    # estimated hand-carving hours (decimal text) for the quote
    hand_hours: Mapped[str] = mapped_column(String(20), default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    shares: Mapped[list[TermShare]] = relationship(order_by="TermShare.id", lazy="selectin")


class TermShare(Base):
    """An owner's share (per cent, decimal text) under one version of the terms."""

    __tablename__ = "design_term_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms_id: Mapped[int] = mapped_column(ForeignKey("design_terms.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("design_owners.id"))
    share_pct: Mapped[str] = mapped_column(String(20))

    owner: Mapped[DesignOwner] = relationship(lazy="joined")


class DesignPatent(Base):
    """The design-patent application of a co-designed design."""

    __tablename__ = "design_patents"

    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("designs.id"), unique=True)
    applicants: Mapped[list] = mapped_column(default=list)
    application_no: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(40), default="not_filed")  # filed, granted, ...


class DesignFit(Base):
    """A shape of piece and a range of face sizes (mm, decimal text) a design is offered on."""

    __tablename__ = "design_fits"

    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("designs.id"), index=True)
    shape: Mapped[str] = mapped_column(String(20))
    faces: Mapped[list] = mapped_column(default=list)  # empty: any face
    min_size_mm: Mapped[str] = mapped_column(String(20), default="0")
    max_size_mm: Mapped[str | None] = mapped_column(String(20), default=None)


class EntryKind(StrEnum):
    ROYALTY = "royalty"
    REVERSAL = "reversal"  # a refund after cancellation
    CORRECTION = "correction"


class RoyaltyEntry(Base):
    """One owner's part of one charge; append-only (never updated, never deleted)."""

    __tablename__ = "royalty_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("designs.id"), index=True)
    terms_id: Mapped[int] = mapped_column(ForeignKey("design_terms.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("design_owners.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=EntryKind.ROYALTY)
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    share_pct: Mapped[str] = mapped_column(String(20))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("royalty_entries.id"))
    # the day the entry counts for: the day of the use, of the refund, of the correction
    booked_on: Mapped[dt.date] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class PaymentKind(StrEnum):
    PAID = "paid"
    REFUNDED = "refunded"


class Payment(Base):
    """A payment confirmation (or refund) from the platform; its event id is remembered so a
    replay is refused."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    signed_at: Mapped[dt.datetime]
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DesignPreview(Base):
    """The preview the CAM drew when the design was checked on upload (an artifact by sha256)."""

    __tablename__ = "design_previews"

    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("designs.id"), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    # what the CAM measured: the extent of the cut (mm), the estimated machine time (s)
    summary: Mapped[dict] = mapped_column(default=dict)

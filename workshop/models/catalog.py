"""Stores, pieces of jade with their certificates, and designs."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.models.base import Base, utcnow


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(400), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")


class PieceShape(StrEnum):
    BANGLE = "bangle"  # 手镯
    BI_DISC = "bi_disc"  # 玉璧
    RING = "ring"  # 玉环
    BUCKLE = "buckle"  # 玉扣
    PENDANT = "pendant"  # 牌 / 挂件
    PLAQUE = "plaque"


class Piece(Base):
    """A piece of jade, known by the number of its identification certificate."""

    __tablename__ = "pieces"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_no: Mapped[str] = mapped_column(String(64), unique=True)
    shape: Mapped[str] = mapped_column(String(20))
    material: Mapped[str] = mapped_column(String(60))  # name per GB/T 16552, e.g. 和田玉 / 软玉
    mass_mg: Mapped[int]  # mass on the certificate, milligrams (never float)
    # {"outer_diameter_mm": "58.0", "inner_diameter_mm": "20.0", "thickness_mm": "5.0", ...}
    dimensions: Mapped[dict] = mapped_column(default=dict)
    carvable_faces: Mapped[list] = mapped_column(default=list)  # ["front", "back"]
    set_code: Mapped[str | None] = mapped_column(String(64), index=True)  # pieces cut from one stone
    colour: Mapped[str] = mapped_column(String(60), default="")
    lab: Mapped[str] = mapped_column(String(200), default="")
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    # sha256 of the piece's 3D model artifact (imported mesh), when there is one
    model_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="piece", order_by="Certificate.version"
    )


class CertificateStatus(StrEnum):
    VALID = "valid"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"


class Certificate(Base):
    """One version of a piece's certificate: the original, then each re-issue."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id"), index=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default=CertificateStatus.VALID)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    content: Mapped[dict] = mapped_column(default=dict)  # identification + carving information
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    # the signed certificate (W3C VC 2.0, eddsa-jcs-2022) exactly as issued; None for a lab's
    # original certificate, which the workshop records but did not sign
    document: Mapped[dict | None] = mapped_column(default=None)
    key_id: Mapped[str | None] = mapped_column(String(200))
    # SHA-256 of the verification code printed on the certificate; the code itself is never kept
    code_digest: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    piece: Mapped[Piece] = relationship(back_populates="certificates")


class DesignSource(StrEnum):
    FREE = "free"
    PAID = "paid"
    CO_DESIGNED = "co_designed"
    CUSTOMER = "customer"


class Design(Base):
    __tablename__ = "designs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # the platform's design id
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default=DesignSource.FREE)
    svg: Mapped[str] = mapped_column(Text)
    svg_sha256: Mapped[str] = mapped_column(String(64), index=True)
    tags: Mapped[list] = mapped_column(default=list)
    designer: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

"""The data model (SQLAlchemy 2.x typed). Every schema change is an Alembic revision."""

from workshop.models.audit import Artifact, Event, IdempotencyKey, Outbox, OutboxStatus
from workshop.models.base import Base, utcnow
from workshop.models.catalog import (
    Certificate,
    CertificateStatus,
    Design,
    DesignSource,
    Piece,
    PieceShape,
    Store,
)
from workshop.models.people import ApiClient, Role, User
from workshop.models.rights import (
    DesignFit,
    DesignOwner,
    DesignPatent,
    DesignPreview,
    DesignTerms,
    EntryKind,
    OwnerKind,
    Payment,
    PaymentKind,
    RoyaltyEntry,
    TermShare,
)
from workshop.models.work import (
    MACHINE_STATUSES,
    Assignment,
    CarvingMode,
    Delivery,
    Job,
    Machine,
    MachineEvent,
    Order,
    Tool,
)

__all__ = [
    "ApiClient", "Artifact", "Assignment", "Base", "CarvingMode", "Certificate",
    "CertificateStatus", "Delivery", "Design", "DesignSource", "Event", "IdempotencyKey", "Job",
    "MACHINE_STATUSES", "Machine", "MachineEvent", "Order", "Outbox", "OutboxStatus", "Piece",
    "PieceShape", "Role", "Store", "Tool", "User", "utcnow",
    # design rights and royalties
    "DesignFit", "DesignOwner", "DesignPatent", "DesignPreview", "DesignTerms", "EntryKind", "OwnerKind",
    "Payment", "PaymentKind", "RoyaltyEntry", "TermShare",
]

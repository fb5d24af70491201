"""Who may do what: the one place with role checks for endpoints and stations.

Two kinds of caller reach the application: staff (a user with a role, by password session or
API token) and the platform (an API client, by API key). Which *transitions* a role may fire is
part of the workflow table in ``jobs/``; this module decides who may open an endpoint or a
station at all, and which rows a caller may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from workshop.errors import Forbidden
from workshop.models import Role

__all__ = [
    "ACTIONS", "PLATFORM", "STATIONS", "Principal", "may", "may_open_station", "require",
    "require_station", "store_scope",
]

# the platform's API clients act under this pseudo-role
PLATFORM = "platform"

STAFF = frozenset(Role)
MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR})

# endpoint action -> roles allowed. A store clerk registers pieces and takes desk orders at the
# counter; the platform registers pieces at sale and sends paid orders.
ACTIONS: dict[str, frozenset[str]] = {
    "pieces.register": MANAGERS | {Role.STORE_CLERK, PLATFORM},
    "orders.create": MANAGERS | {Role.STORE_CLERK, PLATFORM},
    "jobs.list": STAFF,
    # the platform reads a job it sent and reports what the carrier tells it (delivery); the
    # workflow table then decides per event, for staff and platform alike
    "jobs.read": STAFF | {PLATFORM},
    "jobs.fire": STAFF | {PLATFORM},
    "artifacts.upload": STAFF,
    "artifacts.read": STAFF,
    # a revoked certificate stays revoked: the workshop's owner decides, nobody else
    "certificates.revoke": frozenset({Role.ADMIN}),
    # the design library and its bill: the platform offers designs and quotes them; managers
    # add designs and their terms, and read the owners' royalty statements
    "designs.read": STAFF | {PLATFORM},
    "designs.create": MANAGERS | {PLATFORM},
    "quotes.read": STAFF | {PLATFORM},
    "statements.read": MANAGERS,
    # machines and their status: every member of staff reads them; those who run or manage
    # the machines set one in maintenance or at fault and back to idle (jobs/machines.py)
    "machines.read": STAFF,
    "machines.set_status": MANAGERS | {Role.CNC_OPERATOR},
}

# station (blueprint) -> roles that may open it; the public pages need no login
STATIONS: dict[str, frozenset[str]] = {
    "supervisor": MANAGERS,
    "cnc": MANAGERS | {Role.CNC_OPERATOR},
    "artisan": MANAGERS | {Role.ARTISAN},
    "store": MANAGERS | {Role.STORE_CLERK},
}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request."""

    kind: str  # "user" | "api_client"
    id: int
    name: str
    role: str  # a Role value, or PLATFORM for an API client
    store_id: int | None = None

    @property
    def label(self) -> str:
        """How the caller appears in the event log: "user:lin (supervisor)", "api:platform"."""
        if self.kind == "api_client":
            return f"api:{self.name}"
        return f"user:{self.name} ({self.role})"

    @property
    def is_staff(self) -> bool:
        return self.kind == "user"


def may(principal: Principal, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return principal.role in ACTIONS[action]


def require(principal: Principal, action: str) -> None:
    if not may(principal, action):
        allowed = sorted(ACTIONS[action])
        raise Forbidden(f"role {principal.role!r} may not {action.replace('.', ' ')}",
                        action=action, role=principal.role, allowed_roles=allowed)


def may_open_station(role: str, station: str) -> bool:
    if station == "public":
        return True
    return role in STATIONS.get(station, frozenset())


def require_station(principal: Principal, station: str) -> None:
    if not may_open_station(principal.role, station):
        raise Forbidden(f"role {principal.role!r} may not open the {station} station",
                        station=station, role=principal.role)


def store_scope(principal: Principal) -> int | None:
    """The store whose jobs alone this caller may list (a clerk sees the own counter's jobs);
    ``None`` means every store."""
    if principal.role == Role.STORE_CLERK and principal.store_id is not None:
        return principal.store_id
    return None

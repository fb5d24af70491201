"""Names shown to people for states, roles and stations, in the user's language.

Kept in one table each so that every page (and the customer's tracking page) says the same.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l

from workshop.permissions import STATIONS, may_open_station

__all__ = ["ROLE_LABELS", "STATE_LABELS", "STATION_LABELS", "STATION_NAMES", "init_labels", "station_links"]

STATE_LABELS = {
    "awaiting_piece": _l("Awaiting the stone"),
    "received": _l("Stone received"),
    "toolpath_pending": _l("Program being prepared"),
    "toolpath_ready": _l("Program ready"),
    "ticket_open": _l("Waiting for an artisan"),
    "scheduled": _l("Scheduled"),
    "carving": _l("Carving"),
    "carved": _l("Carved"),
    "qc": _l("Quality check"),
    "rework": _l("Rework"),
    "certificate_reissued": _l("Certificate reissued"),
    "ready_for_dispatch": _l("Ready"),
    "dispatched": _l("Dispatched"),
    "delivered": _l("Delivered"),
    "awaiting_pickup": _l("Ready for pickup"),
    "collected": _l("Collected"),
    "on_hold": _l("On hold"),
    "needs_review": _l("Under review"),
    "returned": _l("Returned"),
    "cancelled": _l("Cancelled"),
}

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "supervisor": _l("Supervisor"),
    "cnc_operator": _l("CNC operator"),
    "artisan": _l("Artisan"),
    "store_clerk": _l("Store clerk"),
}

STATION_LABELS = {
    "supervisor": _l("Production board"),
    "cnc": _l("CNC station"),
    "artisan": _l("My tickets"),
    "store": _l("Store desk"),
}


# the same stations named as places, for sentences ("may not open the artisan station")
STATION_NAMES = {**STATION_LABELS, "artisan": _l("Artisan station")}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def station_label(station: str) -> str:
    return str(STATION_LABELS.get(station, station))


def station_name(station: str) -> str:
    return str(STATION_NAMES.get(station, station))


def station_links(role: str) -> list[tuple[str, str]]:
    """(station, label) for every installed station ``role`` may open, in a fixed order."""
    return [(s, station_label(s)) for s in STATIONS
            if may_open_station(role, s) and f"{s}.index" in current_app.view_functions]


def lang_query(code: str) -> str:
    """This page's query string with ``lang`` set to ``code``."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = code
    return urlencode(args)


def init_labels(app: Flask) -> None:
    app.jinja_env.globals.update(state_label=state_label, role_label=role_label,
                                 station_label=station_label, station_name=station_name,
                                 station_links=station_links,
                                 lang_query=lang_query)
    app.jinja_env.filters.update(state_label=state_label, role_label=role_label)

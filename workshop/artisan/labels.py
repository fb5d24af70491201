"""Names of the bench's events in the user's language (the timeline and the tablet's messages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

__all__ = ["EVENT_LABELS", "event_label", "face_label", "shape_label"]

EVENT_LABELS = {
    "create": _l("Order accepted"),
    "receive": _l("Stone received"),
    "route": _l("Routed"),
    "assign": _l("Assigned"),
    "start": _l("Started"),
    "pause": _l("Paused"),
    "resume": _l("Resumed"),
    "progress": _l("Progress"),
    "finish": _l("Finished"),
    "submit_qc": _l("Handed over to QC"),
    "qc_pass": _l("Passed QC"),
    "qc_fail": _l("Failed QC"),
    "hold": _l("Held"),
    "release": _l("Released"),
    "reroute": _l("Re-routed"),
}


def event_label(event: str) -> str:
    label = EVENT_LABELS.get(event)
    return str(label) if label is not None else event


def shape_label(shape: str) -> str:
    from workshop.store.labels import SHAPES  # the desk names the shapes when a piece is sold

    label = SHAPES.get(shape)
    return str(label) if label is not None else shape


def face_label(face: str) -> str:
    from workshop.store.labels import FACES

    label = FACES.get(face)
    return str(label) if label is not None else face

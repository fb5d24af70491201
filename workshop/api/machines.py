"""GET /machines, POST /machines/{id}/status, GET /machines/{id}/events: the machines, their
status (since when, why) and its recorded changes. Status changes go through
``jobs.machines.set_status``, the same rules as the CNC station's form and the jobs' events."""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs import machines
from workshop.api.base import actor_for, body, bp, caller, db
from workshop.errors import Invalid, NotFound
from workshop.models import Machine, MachineEvent

DEFAULT_LIMIT, MAX_LIMIT = 50, 500


def _axes(profile: str) -> str | None:
    from machines.errors import MachineError
    from machines.profiles import get_machine

    try:
        return get_machine(profile).axes
    except MachineError:
        return None  # a profile the library does not know: the machine is still listed


def machine_view(session: Session, machine: Machine, last: MachineEvent | None) -> dict[str, Any]:
    tools = machines.loaded_tools(session, machine)
    current = last if last is not None and last.to_status == machine.status else None
    return {
        "id": machine.id, "code": machine.code, "name": machine.name,
        "profile": machine.profile, "status": machine.status,
        "accepts_work": machines.accepts_work(machine),
        "since": current.at.isoformat() if current else None,
        "reason": current.reason if current else "",
        "axes": _axes(machine.profile),
        "tools_loaded": [{"slot": t.slot, "name": t.name} for t in tools],
    }


def event_view(event: MachineEvent) -> dict[str, Any]:
    return {"id": event.id, "at": event.at.isoformat(), "actor": event.actor,
            "from_status": event.from_status, "to_status": event.to_status,
            "reason": event.reason, "job_id": event.job_id}


def _machine_or_404(machine_id: int) -> Machine:
    machine = db().get(Machine, machine_id)
    if machine is None:
        raise NotFound(f"no machine {machine_id}", machine_id=machine_id)
    return machine


@bp.get("/machines")
def list_machines():  # type: ignore[no-untyped-def]
    caller("machines.read")
    session = db()
    latest = machines.latest_events(session)
    rows = session.scalars(select(Machine).order_by(Machine.code)).all()
    return {"items": [machine_view(session, m, latest.get(m.id)) for m in rows]}


@bp.post("/machines/<int:machine_id>/status")
def set_machine_status(machine_id: int):  # type: ignore[no-untyped-def]
    principal = caller("machines.set_status")
    data = body("MachineStatusIn")
    machine = _machine_or_404(machine_id)
    session = db()
    # refusals (jobs.errors) answer 422 / 403 / 409 with the reason; the session is closed
    # with the request and rolled back, so nothing of a refused change is kept
    changed = machines.set_status(session, machine, data["status"], actor_for(principal),
                                  data.get("reason", ""))
    session.commit()
    answer = machine_view(session, machine, machines.last_event(session, machine.id))
    answer["changed"] = changed
    return answer


@bp.get("/machines/<int:machine_id>/events")
def machine_events(machine_id: int):  # type: ignore[no-untyped-def]
    caller("machines.read")
    machine = _machine_or_404(machine_id)
    unknown = sorted(set(request.args) - {"limit"})
    if unknown:
        raise Invalid(f"unknown parameter {unknown[0]!r}; known: limit", field=unknown[0])
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise Invalid(f"limit must be an integer from 1 to {MAX_LIMIT}", field="limit")
    rows = db().scalars(select(MachineEvent).where(MachineEvent.machine_id == machine.id)
                        .order_by(MachineEvent.id.desc()).limit(int(raw))).all()
    return {"machine": machine.code, "status": machine.status,
            "items": [event_view(e) for e in rows]}

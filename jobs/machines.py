"""A machine's status (idle, running, maintenance, fault): the one place it changes.

Every change is a :class:`workshop.models.MachineEvent` (who, when, from, to, why, and the job
whose event moved it), written in the caller's transaction; the caller commits. Two callers:
a person at the CNC station or the API (``set_status``), and the workflow engine, when a job's
event moves the machine it is assigned to (``follow_job_event``: start and resume run it, pause
and finish leave it idle, a fault stops it).

The rules (docs/machines.md, "Status"):

- the status is one of ``machines.profiles.MachineStatus``; anything else is ``InvalidPayload``
  naming the valid ones;
- maintenance and fault need a reason;
- a machine in maintenance or at fault takes no work: it is not assigned jobs, and it does not
  run (``running`` from there is ``GuardFailed``: set it idle first);
- only an admin, a supervisor or a CNC operator may set a status at all, and the same roles
  bring a machine back from maintenance or a fault (the operator at the machine knows it is
  mended; the system never decides that);
- the same status again changes nothing and records nothing.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs.errors import GuardFailed, InvalidPayload, NotAllowed
from jobs.types import ADMIN, CNC_OPERATOR, SUPERVISOR, SYSTEM, Actor, Context
from machines.profiles import MachineStatus
from workshop.models import Assignment, Machine, MachineEvent, Tool

__all__ = [
    "CLEARING_ROLES", "JOB_EVENTS", "REASON_MAX", "SETTING_ROLES", "accepts_work",
    "describe", "follow_job_event", "last_event", "latest_events", "not_taking_work",
    "parse_status", "set_status",
]

# who may set a machine's status, and bring it back from maintenance or a fault
CLEARING_ROLES = frozenset({ADMIN, SUPERVISOR, CNC_OPERATOR})
SETTING_ROLES = CLEARING_ROLES | {SYSTEM}
NEEDS_REASON = frozenset({MachineStatus.MAINTENANCE, MachineStatus.FAULT})
REASON_MAX = 2000

# what a job's event does to the machine it is assigned to
JOB_EVENTS: dict[str, MachineStatus] = {
    "start": MachineStatus.RUNNING,
    "resume": MachineStatus.RUNNING,
    "pause": MachineStatus.IDLE,
    "finish": MachineStatus.IDLE,
    "fault": MachineStatus.FAULT,
}


def parse_status(value: object) -> MachineStatus:
    """The status named by ``value``; InvalidPayload naming the valid ones otherwise."""
    valid = ", ".join(s.value for s in MachineStatus)
    if isinstance(value, str):
        try:
            return MachineStatus(value.strip())
        except ValueError:
            pass
    raise InvalidPayload(f"unknown machine status {value!r}; valid: {valid}",
                         fields={"status": f"must be one of: {valid}"})


def accepts_work(machine: Machine) -> bool:
    """Idle or running: the machine may be given jobs (a status nobody knows: it may not)."""
    try:
        return MachineStatus(machine.status).accepts_work
    except ValueError:
        return False


def set_status(session: Session, machine: Machine, to: str, actor: Actor, reason: str = "",
               job_id: int | None = None) -> bool:
    """Set ``machine``'s status to ``to`` as ``actor`` and record it; False when it already was.

    Raises InvalidPayload (unknown status, missing or too long reason), NotAllowed (the role),
    GuardFailed (not possible from the current status). Nothing is written when it raises.
    """
    target = parse_status(to)
    reason = (reason or "").strip()
    if actor.role not in SETTING_ROLES:
        raise NotAllowed(f"role {actor.role} may not set a machine's status; "
                         f"{', '.join(sorted(CLEARING_ROLES))} may", role=actor.role)
    if target in NEEDS_REASON and not reason:
        raise InvalidPayload(f"{target.value} needs a reason: what is wrong, what is being done",
                             fields={"reason": f"required when the machine goes to {target}"})
    if len(reason) > REASON_MAX:
        raise InvalidPayload(f"the reason is longer than {REASON_MAX} characters",
                             fields={"reason": f"at most {REASON_MAX} characters"})
    # the row is read again under a lock: two changes at once cannot record the same "from"
    session.refresh(machine, with_for_update=True)
    current = machine.status
    if current == target:
        return False
    if current in NEEDS_REASON:
        if target == MachineStatus.RUNNING:
            raise GuardFailed(f"{describe(session, machine)}: set it idle before it runs again",
                              machine=machine.code, machine_status=current)
        if target == MachineStatus.IDLE and actor.role not in CLEARING_ROLES:
            raise NotAllowed(f"only {', '.join(sorted(CLEARING_ROLES))} bring a machine back "
                             f"from {current}", role=actor.role)
    session.add(MachineEvent(
        machine_id=machine.id, actor_id=actor.id if actor.kind == "user" else None,
        actor=actor.recorded_as, from_status=current, to_status=target.value, reason=reason,
        job_id=job_id))
    machine.status = target.value
    session.flush()
    return True


def follow_job_event(ctx: Context, event: str) -> None:
    """The machine of ``ctx.job``'s active assignment follows the job's ``event``, in the
    job's transaction (the engine calls this after the transition is written).

    Start and resume run the machine (refused, and the job's event with it, while the machine
    is in maintenance or at fault); pause and finish leave it idle, unless it is in
    maintenance or at fault, which only a person clears; a fault stops it with its reason.
    """
    target = JOB_EVENTS.get(event)
    if target is None:
        return
    machine_id = ctx.session.scalar(
        select(Assignment.machine_id).where(Assignment.job_id == ctx.job.id,
                                            Assignment.active.is_(True))
        .order_by(Assignment.id.desc()).limit(1))
    if machine_id is None:
        return  # a hand job, or a machine job not assigned yet
    machine = ctx.session.get_one(Machine, machine_id)
    if target == MachineStatus.IDLE and machine.status in NEEDS_REASON:
        return
    if target == MachineStatus.FAULT:
        reason = ctx.data["reason"]
    else:
        note = ctx.data.get("note") or ""
        reason = f"{event} of job {ctx.job.id}" + (f": {note}" if note else "")
    set_status(ctx.session, machine, target, ctx.actor, reason, job_id=ctx.job.id)


def last_event(session: Session, machine_id: int) -> MachineEvent | None:
    """The latest recorded change of the machine (its status since then, and why)."""
    return session.scalar(select(MachineEvent).where(MachineEvent.machine_id == machine_id)
                          .order_by(MachineEvent.id.desc()).limit(1))


def latest_events(session: Session) -> dict[int, MachineEvent]:
    """Every machine's latest recorded change, by machine id."""
    newest = (select(func.max(MachineEvent.id).label("id"))
              .group_by(MachineEvent.machine_id).subquery())
    rows = session.scalars(select(MachineEvent).join(newest, MachineEvent.id == newest.c.id))
    return {row.machine_id: row for row in rows}


def describe(session: Session, machine: Machine) -> str:
    """"ENG-1 is in maintenance since 2026-11-25 16:10 UTC (spindle bearings)"."""
    words = {"maintenance": "in maintenance", "fault": "at fault"}.get(machine.status,
                                                                        machine.status)
    text = f"{machine.code} is {words}"
    event = last_event(session, machine.id)
    if event is not None and event.to_status == machine.status:
        text += f" since {event.at:%Y-%m-%d %H:%M} UTC"
        if event.reason:
            text += f" ({event.reason})"
    return text


def not_taking_work(session: Session, machine: Machine) -> str | None:
    """Why the machine may not be given a job now (None when it may)."""
    return None if accepts_work(machine) else describe(session, machine)


def loaded_tools(session: Session, machine: Machine) -> list[Tool]:
    """The machine's tool rows (what is in its spindle and changer), by slot."""
    return list(session.scalars(select(Tool).where(Tool.machine_id == machine.id)
                                .order_by(Tool.slot)))


def tool_problem(session: Session, machine: Machine, tool: str | None) -> str | None:
    """Why ``machine`` cannot cut with ``tool`` now (it is not loaded), or None. A machine with
    no tool rows is not described, and takes any tool of its profile."""
    loaded = [t.name for t in loaded_tools(session, machine)]
    if not tool or not loaded or tool in loaded:
        return None
    return f"tool {tool} is not loaded on {machine.code} (loaded: {', '.join(loaded)})"

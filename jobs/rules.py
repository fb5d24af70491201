"""Guards and actions of the transitions in jobs/states.py.

A guard raises (GuardFailed, InvalidPayload, NotAllowed) and changes nothing. An action makes the
in-transaction changes that go with the event (an assignment, a certificate version, a pickup
code) and, for a transition whose target the table leaves open, returns the new state. The
state itself is only ever set by the engine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from jobs.errors import GuardFailed, InvalidPayload, NotAllowed, PickupCodeRejected
from jobs.types import ADMIN, ARTISAN, CNC_OPERATOR, PRE_CARVING, SUPERVISOR, Context, State
from workshop.models import (
    Assignment,
    CarvingMode,
    Certificate,
    CertificateStatus,
    Delivery,
    Design,
    Event,
    Machine,
    Piece,
    User,
)

# unambiguous to read aloud at a counter: no 0/O, 1/I/L
PICKUP_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PICKUP_CODE_LENGTH = 8


# ---- receipt and routing -------------------------------------------------------------------

def check_receipt(ctx: Context) -> None:
    if ctx.data["channel"] == "courier":
        missing = {f: "required when the stone arrives by courier"
                   for f in ("carrier", "tracking_no") if not ctx.data.get(f)}
        if missing:
            raise InvalidPayload("courier receipt needs carrier and tracking number",
                                 fields=missing)


def receive(ctx: Context) -> State:
    """Weigh the stone against its certificate: beyond the tolerance it waits on hold."""
    piece = ctx.session.get_one(Piece, ctx.job.piece_id)
    certified = Decimal(piece.mass_mg) / 1000
    measured = Decimal(ctx.data["mass_g"])
    difference = measured - certified
    allowed = max(ctx.settings.mass_tolerance_g,
                  certified * ctx.settings.mass_tolerance_pct / 100)
    ctx.recorded.update(certified_mass_g=str(certified), mass_difference_g=str(difference),
                        mass_tolerance_g=str(allowed))
    ctx.data.setdefault("received_by", ctx.actor.label)
    if abs(difference) > allowed:
        ctx.job.held_from = State.RECEIVED
        ctx.job.review_reason = (
            f"mass on arrival {measured} g differs from the certificate's {certified} g by "
            f"{difference:+} g (tolerance {allowed} g)")
        return State.ON_HOLD
    return State.RECEIVED


def route(ctx: Context) -> State:
    return State.TOOLPATH_PENDING if ctx.job.route == CarvingMode.MACHINE else State.TICKET_OPEN


def reroute(ctx: Context) -> State:
    _end_assignments(ctx)
    ctx.job.route = ctx.data["route"]
    ctx.job.review_reason = None
    return route(ctx)


def check_machine_route(ctx: Context) -> None:
    if ctx.job.route != CarvingMode.MACHINE:
        raise GuardFailed("only a machine job has a program to generate again",
                          route=ctx.job.route)


def program_failed(ctx: Context) -> None:
    ctx.job.review_reason = ctx.data["reason"]


def check_simulation(ctx: Context) -> None:
    from jobs.simulation import approval_problem

    reasons = approval_problem(ctx.session, ctx.settings, ctx.job.id)
    if reasons:
        raise GuardFailed("the program cannot be approved: " + "; ".join(reasons),
                          reasons=reasons)


def clear_review(ctx: Context) -> None:
    ctx.job.review_reason = None


# ---- assignment and carving ------------------------------------------------------------------

def check_assign(ctx: Context) -> None:
    if ctx.job.route == CarvingMode.MACHINE:
        machine_id = ctx.data.get("machine_id")
        if machine_id is None:
            raise InvalidPayload("a machine job is assigned to a machine: machine_id is required",
                                 fields={"machine_id": "required on the machine route"})
        machine = ctx.session.get(Machine, machine_id)
        if machine is None:
            raise InvalidPayload(f"no machine {machine_id}", fields={"machine_id": f"unknown: {machine_id}"})
        problems = machine_fit_problems(ctx.session.get_one(Piece, ctx.job.piece_id), machine)
        made_for = program_profile(ctx)
        if made_for and made_for != machine.profile:
            problems.append(f"the program was generated for {made_for}, this machine is "
                            f"{machine.profile}; re-route to generate it again")
        from jobs.machines import not_taking_work, tool_problem

        if (out_of_work := not_taking_work(ctx.session, machine)) is not None:
            problems.append(out_of_work)  # in maintenance or at fault: since when, why
        if (no_tool := tool_problem(ctx.session, machine, program_tool(ctx))) is not None:
            problems.append(no_tool)
        if problems:
            raise GuardFailed(f"{machine.code} cannot carve this piece: {'; '.join(problems)}",
                              problems=problems)
        return
    artisan_id = ctx.data.get("artisan_id")
    if artisan_id is None and ctx.actor.role == ARTISAN:
        ctx.data["artisan_id"] = artisan_id = ctx.actor.id  # an artisan takes the ticket
    if artisan_id is None:
        raise InvalidPayload("a hand job is assigned to an artisan: artisan_id is required",
                             fields={"artisan_id": "required on the hand route"})
    artisan = ctx.session.get(User, artisan_id)
    if artisan is None or artisan.role != ARTISAN or not artisan.active:
        raise InvalidPayload(f"user {artisan_id} is not an active artisan", fields={"artisan_id": f"not an artisan: {artisan_id}"})
    if ctx.actor.role == ARTISAN and artisan_id != ctx.actor.id:
        raise NotAllowed("an artisan takes tickets for themself only")


def program_profile(ctx: Context) -> str | None:
    """The machine profile the job's latest program was generated for."""
    return _program_ready(ctx).get("machine_profile")


def program_tool(ctx: Context) -> str | None:
    """The tool the job's latest program cuts with."""
    return _program_ready(ctx).get("tool")


def _program_ready(ctx: Context) -> dict[str, Any]:
    data = ctx.session.scalar(select(Event.data).where(
        Event.job_id == ctx.job.id, Event.event == "program_ready").order_by(Event.seq.desc()))
    return dict(data or {})


def machine_fit_problems(piece: Piece, machine: Machine) -> list[str]:
    """Why ``machine`` cannot hold ``piece`` (empty when it can): travel and axes.

    The piece as the CAM models it from its certificate is checked by
    ``machines.profiles.job_fits`` (a disc lying on the table, a bangle on the rotary with its
    width along X and its radius above the axis, a band needs an A axis). A piece whose
    certificate does not describe a model is measured by its largest dimension instead.
    """
    from cam.errors import PieceError
    from jobs.placement import piece_spec
    from machines.errors import MachineError
    from machines.profiles import get_machine, job_fits

    try:
        profile = get_machine(machine.profile)
    except MachineError as exc:
        return [str(exc)]
    try:
        spec = piece_spec(piece)
    except PieceError:
        return _certificate_fit(piece, profile)
    return job_fits(profile, spec)


def _certificate_fit(piece: Piece, profile: Any) -> list[str]:
    problems = []
    sizes = [Decimal(str(v)) for k, v in (piece.dimensions or {}).items()
             if k.endswith("_mm") and k not in ("thickness_mm", "inner_diameter_mm")]
    largest = max(sizes, default=Decimal(0))
    reach = Decimal(str(min(profile.envelope["x"], profile.envelope["y"])))
    if largest > reach:
        problems.append(f"piece spans {largest} mm, the table reaches {reach} mm")
    # the outside of a bangle is a cylinder: it turns under the tool on a rotary axis
    if piece.shape == "bangle" and "A" not in profile.axes:
        problems.append(f"a bangle needs a rotary A axis; {profile.name} has {profile.axes}")
    return problems


def assign(ctx: Context) -> None:
    _end_assignments(ctx)
    ctx.session.add(Assignment(
        job_id=ctx.job.id, machine_id=ctx.data.get("machine_id"),
        artisan_id=ctx.data.get("artisan_id"),
        assigned_by_id=ctx.actor.id if ctx.actor.kind == "user" else None,
        notes=ctx.data.get("note", "")))


def _end_assignments(ctx: Context) -> None:
    ctx.session.execute(update(Assignment).where(Assignment.job_id == ctx.job.id,
                                                 Assignment.active.is_(True))
                        .values(active=False))


def active_assignment(ctx: Context) -> Assignment | None:
    return ctx.session.scalar(select(Assignment).where(
        Assignment.job_id == ctx.job.id, Assignment.active.is_(True))
        .order_by(Assignment.id.desc()))


def check_hands(ctx: Context) -> None:
    """Machine jobs are run by CNC operators, hand jobs by the artisan holding the ticket."""
    role = ctx.actor.role
    if role in (ADMIN, SUPERVISOR):
        return
    if role == CNC_OPERATOR and ctx.job.route != CarvingMode.MACHINE:
        raise NotAllowed("a CNC operator runs machine jobs; this is a hand job")
    if role == ARTISAN:
        if ctx.job.route != CarvingMode.HAND:
            raise NotAllowed("an artisan runs hand jobs; this is a machine job")
        current = active_assignment(ctx)
        if current is None or current.artisan_id != ctx.actor.id:
            raise NotAllowed("this ticket is assigned to another artisan")


def check_start(ctx: Context) -> None:
    """The right hands, and a paid order before the first cut. A restart after rework is not
    asked again: the stone is already cut, and a refund then is a matter for a supervisor."""
    check_hands(ctx)
    if ctx.job.state != State.SCHEDULED:
        return
    from jobs.payments import unpaid_reason

    reason = unpaid_reason(ctx.session, ctx.job, ctx.settings)
    if reason is not None:
        raise GuardFailed(f"carving cannot start: {reason}")


def check_machine_fault(ctx: Context) -> None:
    if ctx.job.route != CarvingMode.MACHINE:
        raise GuardFailed("a fault is a machine's; a hand job is paused or held instead")
    check_hands(ctx)


def progress(ctx: Context) -> None:
    current = active_assignment(ctx)
    if current is not None:
        current.progress_pct = ctx.data["pct"]


def qc_fail(ctx: Context) -> None:
    ctx.job.rework_count += 1
    ctx.recorded["rework_count"] = ctx.job.rework_count


# ---- certificate -----------------------------------------------------------------------------

def reissue_certificate(ctx: Context) -> None:
    """Issue and sign the new certificate and supersede the current one, in this transaction.

    The verification code goes to ``ctx.one_time`` (shown once, printed in the PDF); only its
    digest is stored.
    """
    from jobs import certificates

    piece = ctx.session.get_one(Piece, ctx.job.piece_id)
    current = ctx.session.scalar(
        select(Certificate).where(Certificate.piece_id == piece.id,
                                  Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.version.desc()).with_for_update())
    if current is None:
        raise GuardFailed(f"piece {piece.certificate_no} has no valid certificate to re-issue")
    issued = certificates.issue_for_qc(ctx, piece, current)
    version = current.version + 1
    new = Certificate(
        piece_id=piece.id, number=issued.number, version=version,
        status=CertificateStatus.VALID, supersedes_id=current.id, job_id=ctx.job.id,
        content={"identification": identification(current), "carving": carving_info(ctx)},
        document=issued.document, key_id=issued.key_id, code_digest=issued.code_digest)
    ctx.session.add(new)
    ctx.session.flush()
    current.status = CertificateStatus.SUPERSEDED
    current.superseded_by_id = new.id
    ctx.recorded.update(certificate_number=new.number, supersedes=current.number,
                        certificate_key=issued.key_id)
    ctx.one_time[certificates.CERTIFICATE_CODE] = issued.code


def identification(certificate: Certificate) -> dict:
    content = certificate.content or {}
    return dict(content.get("identification", content))


def carving_info(ctx: Context) -> dict:
    design = ctx.session.get(Design, ctx.job.design_id) if ctx.job.design_id else None
    current = active_assignment(ctx)
    info: dict[str, object] = {
        "job_id": ctx.job.id,
        "design": {"code": design.code, "title": design.title} if design else None,
        "mode": ctx.job.route,
        "face": ctx.job.face,
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "rework_count": ctx.job.rework_count,
    }
    if current is not None and current.machine_id:
        machine = ctx.session.get_one(Machine, current.machine_id)
        info["machine"] = {"code": machine.code, "name": machine.name}
    if current is not None and current.artisan_id:
        artisan = ctx.session.get_one(User, current.artisan_id)
        info["artisan"] = {"username": artisan.username, "name": artisan.display_name}
    return info


# ---- dispatch and pickup -----------------------------------------------------------------

def _check_set_ready(ctx: Context, delivery: str) -> None:
    order = ctx.job.order
    if order.delivery != delivery:
        raise GuardFailed(f"the customer chose {order.delivery}, not {delivery}",
                          delivery=order.delivery)
    waiting = [f"job {j.id} is {j.state}" for j in order.jobs if j.id != ctx.job.id
               and j.state not in (State.READY_FOR_DISPATCH, State.CANCELLED, State.RETURNED)]
    if waiting:
        raise GuardFailed("the set leaves together; not all of its pieces are ready: "
                          + ", ".join(waiting), waiting=waiting)


def check_courier(ctx: Context) -> None:
    _check_set_ready(ctx, Delivery.COURIER)


def check_pickup(ctx: Context) -> None:
    _check_set_ready(ctx, Delivery.PICKUP)


def dispatch(ctx: Context) -> None:
    ctx.job.order.carrier = ctx.data["carrier"]
    ctx.job.order.tracking_no = ctx.data["tracking_no"]


def pickup_code_hash(secret_key: str, order_id: int, code: str) -> str:
    # keyed: a short code hashed plainly would fall to a brute force of a leaked database
    message = f"pickup:{order_id}:{code.strip().upper()}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def issue_pickup_code(ctx: Context) -> None:
    if "pickup_code" in ctx.one_time:  # one code for the whole set
        return
    code = "".join(secrets.choice(PICKUP_ALPHABET) for _ in range(PICKUP_CODE_LENGTH))
    order = ctx.job.order
    order.pickup_code_hash = pickup_code_hash(ctx.settings.secret_key, order.id, code)
    order.pickup_attempts = 0
    ctx.one_time["pickup_code"] = code


def check_pickup_code(ctx: Context) -> None:
    order = ctx.job.order
    waiting = [f"job {j.id} is {j.state}" for j in order.jobs if j.id != ctx.job.id
               and j.state not in (State.AWAITING_PICKUP, State.CANCELLED, State.RETURNED)]
    if waiting:
        raise GuardFailed("the set is collected together; " + ", ".join(waiting), waiting=waiting)
    if order.pickup_attempts >= ctx.settings.pickup_max_attempts:
        raise GuardFailed("pickup is locked after too many wrong codes; a supervisor reviews it")
    expected = order.pickup_code_hash or ""
    given = pickup_code_hash(ctx.settings.secret_key, order.id, ctx.data["code"])
    if not hmac.compare_digest(expected, given):
        left = ctx.settings.pickup_max_attempts - order.pickup_attempts - 1
        raise PickupCodeRejected("wrong pickup code", attempts_left=max(left, 0))


# ---- holds, review, cancellation ---------------------------------------------------------

def hold(ctx: Context) -> None:
    ctx.job.held_from = ctx.job.state
    ctx.job.review_reason = ctx.data["reason"]


def release(ctx: Context) -> State:
    back = State(ctx.job.held_from or State.RECEIVED)
    ctx.job.held_from = None
    ctx.job.review_reason = None
    if back == State.AWAITING_PICKUP:
        ctx.job.order.pickup_attempts = 0
    return back


def check_uncarved(ctx: Context) -> None:
    """Cancel and return need an uncut stone: before carving, or held before carving."""
    if ctx.job.state == State.ON_HOLD and State(ctx.job.held_from or "") not in PRE_CARVING:
        raise GuardFailed(f"the job was held while {ctx.job.held_from}: carving had started")


def end_work(ctx: Context) -> None:
    _end_assignments(ctx)
    ctx.job.held_from = None
    ctx.job.review_reason = ctx.data.get("reason")

"""Outbox writers: what a transition leaves for the workers, written in its own transaction.

Each effect named in the table has a writer here that decides whether it applies to the job
(``generate_program`` only on the machine route; "carving started" only the first time) and
returns the outbox rows. Nothing here talks to Redis: a transition never waits on it.

``in_transaction`` is the other kind: changes beyond the job that must stand or fall with the
transition itself (the status of the machine a job runs on), made in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from jobs import machines
from jobs.types import Context, State
from workshop.models import CarvingMode, Outbox, Piece, Store

__all__ = ["GENERATE_PROGRAM", "NOTIFY", "SIMULATE_PROGRAM", "WRITERS", "in_transaction", "write"]

GENERATE_PROGRAM = "generate_program"
NOTIFY = "notify"
SIMULATE_PROGRAM = "simulate_program"

PIECE_LABELS = {
    "bangle": "手镯 bangle", "bi_disc": "玉璧 bi disc", "ring": "玉环 ring",
    "buckle": "玉扣 buckle", "pendant": "挂件 pendant", "plaque": "牌 plaque",
}


def _generate_program(ctx: Context) -> list[Outbox]:
    # written after the state is set: only a job now waiting for its program gets one (routed
    # to the machine, re-routed, retried, or released from a hold taken while it waited)
    if ctx.job.route != CarvingMode.MACHINE or ctx.job.state != State.TOOLPATH_PENDING:
        return []
    return [Outbox(job_id=ctx.job.id, kind=GENERATE_PROGRAM, payload={"job_id": ctx.job.id},
                   max_attempts=3)]


def _simulate_program(ctx: Context) -> list[Outbox]:
    # every program is replayed on a heightmap before it may be approved for the machine
    if ctx.job.route != CarvingMode.MACHINE or ctx.job.state != State.TOOLPATH_READY:
        return []
    return [Outbox(job_id=ctx.job.id, kind=SIMULATE_PROGRAM, payload={"job_id": ctx.job.id},
                   max_attempts=3)]


def notification_payload(ctx: Context, kind: str) -> dict[str, object]:
    order = ctx.job.order
    store = ctx.session.get(Store, order.store_id) if order.store_id else None
    pieces = []
    for job in order.jobs:
        piece = ctx.session.get_one(Piece, job.piece_id)
        pieces.append(PIECE_LABELS.get(piece.shape, piece.shape))
    payload: dict[str, object] = {
        "kind": kind, "order_ref": order.platform_ref, "tracking_token": ctx.job.tracking_token,
        "customer_name": order.customer_name, "customer_email": order.customer_email,
        "pieces": pieces, "store_name": store.name if store else "",
        "store_address": store.address if store else "",
    }
    if kind == "dispatched":
        payload.update(carrier=order.carrier or "", tracking_no=order.tracking_no or "")
    if kind == "ready_for_pickup":
        # the customer needs the code; the outbox scrubs it once delivered
        payload["pickup_code"] = ctx.one_time.get("pickup_code", "")
    return payload


def _notify(kind: str) -> Callable[[Context], list[Outbox]]:
    def writer(ctx: Context) -> list[Outbox]:
        if kind == "carving_started" and ctx.job.rework_count:
            return []  # the customer heard it the first time; rework is the workshop's business
        return [Outbox(job_id=ctx.job.id, kind=NOTIFY, payload=notification_payload(ctx, kind),
                       max_attempts=8)]
    return writer


def _render_certificate_pdf(ctx: Context) -> list[Outbox]:
    from jobs.certificates import CERTIFICATE_CODE, RENDER_PDF

    code = ctx.one_time.get(CERTIFICATE_CODE)
    if not code:
        return []
    # the code reaches the worker here only; the task scrubs it once it is in the PDF
    payload = {"job_id": ctx.job.id, "number": ctx.recorded["certificate_number"], "code": code}
    return [Outbox(job_id=ctx.job.id, kind=RENDER_PDF, payload=payload, max_attempts=5)]


WRITERS: dict[str, Callable[[Context], list[Outbox]]] = {
    GENERATE_PROGRAM: _generate_program,
    SIMULATE_PROGRAM: _simulate_program,
    "notify:receipt": _notify("receipt"),
    "notify:carving_started": _notify("carving_started"),
    "notify:ready_for_pickup": _notify("ready_for_pickup"),
    "notify:dispatched": _notify("dispatched"),
    "render_certificate_pdf": _render_certificate_pdf,
}


def write(ctx: Context, names: tuple[str, ...]) -> list[Outbox]:
    rows = [row for name in names for row in WRITERS[name](ctx)]
    ctx.session.add_all(rows)
    return rows


def in_transaction(ctx: Context, event: str) -> None:
    """What ``event`` changes beyond the job, in the job's transaction: the machine of the
    job's assignment runs on start and resume, is idle after pause and finish, and at fault
    after a fault (jobs/machines.py). A refusal here (a machine in maintenance or at fault
    cannot run) refuses the event: nothing of it is written."""
    machines.follow_job_event(ctx, event)

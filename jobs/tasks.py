"""rq tasks: take ids, load rows, call the plain packages, store the result. A few lines each.

``run_outbox`` is the one function rq runs; it looks up the row's handler by kind. A handler
raising :class:`Refused` fails the row at once (retrying cannot help: the CAM refused the
design); any other exception is retried by the outbox with backoff, and a row that fails for
good calls the kind's ``on_failed`` (a program that cannot be generated moves its job to
``needs_review`` with the error — never silently stuck). Errors reaching the database itself
propagate, and rq's Retry runs the task again.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs import outbox as box
from jobs.engine import fire
from jobs.errors import IllegalTransition, JobNotFound, StaleVersion
from jobs.rules import machine_fit_problems
from jobs.types import Actor, State
from workshop.config import Settings
from workshop.models import Artifact, Design, Job, Machine, Outbox, OutboxStatus, Piece

__all__ = ["Refused", "configure", "generate_program", "register", "render_certificate_pdf",
           "run_outbox"]

log = logging.getLogger(__name__)


class Refused(Exception):
    """The effect can never succeed as asked; the reason is final."""


class NotReady(Exception):
    """A piece of the system the effect needs is not installed yet; try later, uncounted."""


@dataclass
class Handler:
    run: Callable[[Settings, sessionmaker[Session], Outbox], object]
    on_failed: Callable[[Settings, sessionmaker[Session], Outbox], None] | None = None


HANDLERS: dict[str, Handler] = {}


def register(kind: str, on_failed: Callable[..., None] | None = None) -> Callable[..., Any]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        HANDLERS[kind] = Handler(fn, on_failed)
        return fn
    return decorate


# ---- the process's database and settings (one engine per process: rq forks work horses)

_context: dict[int, tuple[Settings, sessionmaker[Session]]] = {}
_settings: list[Settings] = []  # what the worker was started with; inherited by work horses


def configure(settings: Settings) -> tuple[Settings, sessionmaker[Session]]:
    from workshop.db import make_engine, make_sessionmaker

    _settings[:] = [settings]
    _context[os.getpid()] = (settings, make_sessionmaker(make_engine(settings)))
    return _context[os.getpid()]


def context() -> tuple[Settings, sessionmaker[Session]]:
    """This process's settings and sessionmaker; a forked horse opens its own engine."""
    if os.getpid() not in _context:
        from workshop import config

        configure(_settings[0] if _settings else config.load())
    return _context[os.getpid()]


def _progress(step: str) -> None:
    from rq import get_current_job

    job = get_current_job()
    if job is not None:
        job.meta["progress"] = step
        job.save_meta()


# ---- the task rq runs ------------------------------------------------------------------

def run_outbox(outbox_id: int) -> str:
    settings, factory = context()
    with factory() as session:
        row = session.get(Outbox, outbox_id)
        if row is None or row.status != OutboxStatus.DISPATCHED:
            return "skipped: not dispatched"  # done by an earlier run, or given back
        handler = HANDLERS.get(row.kind)
        session.expunge(row)
    final, error = False, ""
    try:
        if handler is None:
            raise Refused(f"no handler for outbox kind {row.kind!r}")
        handler.run(settings, factory, row)
    except NotReady as exc:
        return _postpone(factory, outbox_id, str(exc))
    except Refused as exc:
        final, error = True, str(exc)
    except Exception as exc:  # any failure of the effect is counted and retried with backoff
        log.exception("outbox %s (%s) failed", outbox_id, row.kind)
        error = f"{type(exc).__name__}: {exc}"
    return _settle(settings, factory, outbox_id, handler, error, final)


def _settle(settings: Settings, factory: sessionmaker[Session], outbox_id: int,
            handler: Handler | None, error: str, final: bool) -> str:
    with factory() as session:
        row = session.get_one(Outbox, outbox_id)
        if not error:
            box.finish(session, row)
            session.commit()
            return "done"
        failed = box.record_failure(session, row, error, final=final)
        session.commit()
        session.expunge(row)
    if failed and handler is not None and handler.on_failed is not None:
        handler.on_failed(settings, factory, row)
    return f"{'failed' if failed else 'will retry'}: {error}"


def _postpone(factory: sessionmaker[Session], outbox_id: int, why: str) -> str:
    with factory() as session:
        row = session.get_one(Outbox, outbox_id)
        row.status = OutboxStatus.PENDING
        row.lease_until = None
        row.last_error = why
        row.next_attempt_at = box.utcnow() + box.backoff(3)
        session.commit()
    return f"postponed: {why}"


# ---- program generation ------------------------------------------------------------------

def _program_failed(settings: Settings, factory: sessionmaker[Session], row: Outbox) -> None:
    _fire_system(settings, factory, row.payload["job_id"], "program_failed",
                 {"reason": f"program generation failed: {row.last_error}"})


def _fire_system(settings: Settings, factory: sessionmaker[Session], job_id: int, event: str,
                 data: dict[str, Any], attachments: tuple[str, ...] = ()) -> None:
    for _ in range(5):  # a person may change the job at the same moment: read it again
        with factory() as session:
            try:
                fire(session, job_id, event, actor=Actor.system("worker"), version=None,
                     data=data, attachments=attachments, settings=settings)
                return
            except StaleVersion:
                continue
            except (IllegalTransition, JobNotFound) as exc:
                # re-routed or cancelled meanwhile: the result is moot. Anything else (a payload
                # the table refuses) is a fault of ours and fails the task, never silently
                log.info("job %s: %s not fired: %s", job_id, event, exc)
                return
    raise RuntimeError(f"job {job_id}: {event} kept meeting concurrent changes")


@register("generate_program", on_failed=_program_failed)
def _generate_program_row(settings: Settings, factory: sessionmaker[Session], row: Outbox) -> None:
    generate_program(row.payload["job_id"], settings=settings, factory=factory)


def generate_program(job_id: int, *, settings: Settings | None = None,
                     factory: sessionmaker[Session] | None = None) -> str:
    """Generate the job's program with the CAM and store it; ``program_ready`` or, when the CAM
    refuses, ``program_failed`` with its reason. No program is ever faked."""
    if settings is None or factory is None:
        settings, factory = context()
    _progress("loading")
    with factory() as session:
        job = session.get(Job, job_id)
        if job is None or job.state != State.TOOLPATH_PENDING:
            return "skipped: the job no longer waits for a program"
        try:
            inputs = _carve_inputs(session, job)
        except Refused as exc:  # no design, or no machine can hold the piece: to review
            inputs = exc
    _progress("carving")
    try:
        if isinstance(inputs, Refused):
            raise inputs
        result = _carve(*inputs)
    except Refused as exc:
        _fire_system(settings, factory, job_id, "program_failed", {"reason": str(exc)})
        return f"refused: {exc}"
    _progress("storing")
    shas = _store_program(settings, factory, job_id, result)
    _fire_system(settings, factory, job_id, "program_ready",
                 {"note": inputs[2], "machine_profile": inputs[1]["machine"],
                  "tool": result.report.get("tool", {}).get("name")}, shas)
    return "ready"


def _carve_inputs(session: Session, job: Job) -> tuple[str, dict[str, Any], str]:
    design = session.get(Design, job.design_id) if job.design_id else None
    if design is None:
        raise Refused("the job has no design to carve")
    from jobs.placement import carve_options

    piece = session.get_one(Piece, job.piece_id)
    machine = _machine_for(session, piece)
    # the piece, its face and the job's placement (a fit when none is stored)
    options = {"depth": float(job.depth_mm), "machine": machine.profile, "job": f"job {job.id}",
               **carve_options(piece, job)}
    return design.svg, options, f"program for {machine.code} ({machine.profile})"


def _machine_for(session: Session, piece: Piece) -> Machine:
    """The machine the program is made for: the first that can hold the piece, those taking
    work (idle or running) before those in maintenance or at fault, which may be back by the
    time the job is assigned, and those with the burr loaded before the others. Every
    machine's reasons when none can hold it."""
    from jobs.machines import accepts_work, tool_problem
    from machines.carve import CarveOptions

    tool = CarveOptions().tool  # the jobs' programs cut with the library's default burr
    machines = session.scalars(select(Machine).order_by(Machine.id)).all()
    reasons = []
    # stable, so by id within: taking work first, then those with the tool loaded
    for machine in sorted(machines, key=lambda m: (not accepts_work(m),
                                                   tool_problem(session, m, tool) is not None)):
        problems = machine_fit_problems(piece, machine)
        if not problems:
            return machine
        reasons.append(f"{machine.code}: {'; '.join(problems)}")
    raise Refused(f"no machine of the workshop can hold piece {piece.certificate_no}"
                  + (f" ({' | '.join(reasons)})" if reasons else ": the workshop has no machine"))


def _carve(svg: str, options: dict[str, Any], _label: str = "") -> Any:
    try:
        from cam.errors import CamError
        from cam.toolpath import Placement
        from machines.carve import CarveOptions, carve
    except ImportError as exc:
        raise Refused(f"the CAM is not available in this installation ({exc}); "
                      "no program was generated") from exc
    placement = Placement(**{k: float(v) for k, v in options["placement"].items()})
    rest = {k: v for k, v in options.items() if k != "placement"}
    try:
        return carve(svg, CarveOptions(placement=placement, **rest))
    except CamError as exc:
        raise Refused(f"the CAM refused the design: {exc}") from exc


def _store_program(settings: Settings, factory: sessionmaker[Session], job_id: int,
                   result: Any) -> tuple[str, ...]:
    from workshop import artifacts

    files = [("gcode", f"job-{job_id}.nc", "text/x-gcode", result.gcode),
             ("dxf", f"job-{job_id}.dxf", "image/vnd.dxf", result.dxf),
             ("preview", f"job-{job_id}-preview.svg", "image/svg+xml", result.preview_svg),
             ("report", f"job-{job_id}-report.json", "application/json",
              json.dumps(result.report, ensure_ascii=False, indent=1, default=str))]
    with factory() as session:
        stored = [artifacts.save(session, settings, _bytes(content), kind=kind,
                                 filename=name, media_type=media, job_id=job_id)
                  for kind, name, media, content in files if content]
        session.commit()
        return tuple(a.sha256 for a in stored)


def _bytes(content: str | bytes) -> bytes:
    return content if isinstance(content, bytes) else content.encode()


# ---- cut simulation (jobs/simulation.py) ---------------------------------------------------

def _simulation_failed(settings: Settings, factory: sessionmaker[Session], row: Outbox) -> None:
    from jobs.simulation import record_failure

    record_failure(settings, factory, row.payload["job_id"], row.last_error or "unknown error")


@register("simulate_program", on_failed=_simulation_failed)
def _simulate_program_row(settings: Settings, factory: sessionmaker[Session], row: Outbox) -> None:
    from jobs.simulation import simulate_program

    simulate_program(row.payload["job_id"], settings=settings, factory=factory)


# ---- customer notifications ------------------------------------------------------------

@register("notify")
def _notify_row(settings: Settings, factory: sessionmaker[Session], row: Outbox) -> None:
    try:
        from jobs.notify import DeliveryError, NotificationError, deliver
    except ImportError as exc:
        raise NotReady(f"notifications are not installed yet: {exc}") from exc
    payload = {**row.payload, "delivery_id": f"outbox-{row.id}"}
    done = set(payload.get("sent_channels") or ())
    try:
        deliver(str(payload["kind"]), payload, settings, skip=done)
    except NotificationError as exc:  # the payload itself is wrong: a retry sends the same
        raise Refused(str(exc)) from exc
    except DeliveryError as exc:  # remember what did go out: the retry sends only the rest
        _remember_sent(factory, row.id, done | set(exc.sent))
        raise


def _remember_sent(factory: sessionmaker[Session], outbox_id: int, channels: set[str]) -> None:
    with factory() as session:
        row = session.get_one(Outbox, outbox_id)
        row.payload = {**row.payload, "sent_channels": sorted(channels)}
        session.commit()


# ---- the printed certificate -----------------------------------------------------------

def _certificate_pdf_failed(settings: Settings, factory: sessionmaker[Session], row: Outbox) -> None:
    # given up for good: the code must not stay in clear; the certificate is reprinted only by
    # revoking it and passing QC again (a new number and code)
    _scrub_code(factory, row.id)
    log.error("certificate %s: PDF not rendered: %s", row.payload.get("number"), row.last_error)


@register("render_certificate_pdf", on_failed=_certificate_pdf_failed)
def _render_certificate_pdf_row(settings: Settings, factory: sessionmaker[Session],
                                row: Outbox) -> None:
    render_certificate_pdf(row.id, settings=settings, factory=factory)


def render_certificate_pdf(outbox_id: int, *, settings: Settings | None = None,
                           factory: sessionmaker[Session] | None = None) -> str:
    """Render the certificate of the outbox row's job to PDF and store it (kind
    ``certificate_pdf``); the verification code is then scrubbed from the row."""
    from certificates import verification_url
    from certificates.errors import FontNotFound, ImageError
    from jobs import certificates as certs
    from workshop import artifacts

    if settings is None or factory is None:
        settings, factory = context()
    _progress("loading")
    with factory() as session:
        row = session.get_one(Outbox, outbox_id)
        number, code = row.payload["number"], row.payload.get("code")
        cert = certs.find(session, number)
        if cert is None or not cert.document or cert.job_id is None:
            raise Refused(f"no signed certificate {number}")
        rendered = session.scalar(select(Artifact.id).where(
            Artifact.job_id == cert.job_id, Artifact.kind == certs.PDF_KIND,
            Artifact.filename == f"{number}.pdf")) is not None
        if not rendered and (not code or code == certs.SCRUBBED):
            raise Refused(f"the verification code of {number} is no longer held")
        document, job_id = cert.document, cert.job_id
        job = session.get_one(Job, job_id)
        design = session.get(Design, job.design_id) if job.design_id else None
        svg = design.svg if design else None
    if rendered:  # a killed worker's second run
        _scrub_code(factory, outbox_id)
        return "skipped: already rendered"
    photo_sha = document["credentialSubject"]["identification"]["photoSha256"]
    _progress("rendering")
    try:
        pdf = render_pdf_bytes(document, artifacts.read(settings, photo_sha), svg,
                               verification_url(settings.public_base_url, number, code))
    except FontNotFound as exc:
        raise NotReady(str(exc)) from exc
    except ImageError as exc:
        raise Refused(str(exc)) from exc
    _progress("storing")
    with factory() as session:
        artifacts.save(session, settings, pdf, kind=certs.PDF_KIND, filename=f"{number}.pdf",
                       media_type="application/pdf", job_id=job_id)
        stored = session.get_one(Outbox, outbox_id)
        stored.payload = {**stored.payload, "code": certs.SCRUBBED}
        session.commit()
    return "rendered"


def render_pdf_bytes(document: dict[str, Any], photo: bytes, svg: str | None,
                     url: str) -> bytes:
    from certificates import render_pdf
    from jobs import certificates as certs

    return render_pdf(document, photo_png=certs.photo_for_pdf(photo),
                      design_png=certs.design_png(svg), verify_url=url)


def _scrub_code(factory: sessionmaker[Session], outbox_id: int) -> None:
    from jobs.certificates import SCRUBBED

    with factory() as session:
        row = session.get_one(Outbox, outbox_id)
        if row.payload.get("code") not in (None, SCRUBBED):
            row.payload = {**row.payload, "code": SCRUBBED}
            session.commit()

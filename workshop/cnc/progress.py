"""How far a job's program generation has got, for a page that polls it.

The outbox row says where the effect is (pending, dispatched to a worker, done, failed, with
its attempts and last error); while a worker runs it, the rq job's ``meta["progress"]``
(loading, carving, storing: see jobs/tasks.py) says which step. Redis is asked only for that
step: when it cannot be reached the row alone answers.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.config import Settings
from workshop.models import Job, Outbox

__all__ = ["program_status", "worker_step"]

log = logging.getLogger(__name__)


def _labels() -> dict[str, str]:
    return {
        "pending": _("Waiting for a worker"),
        "dispatched": _("Being generated"),
        "done": _("Program ready"),
        "failed": _("Generation failed"),
        "none": _("No program requested"),
    }


def _step_labels() -> dict[str, str]:
    return {"loading": _("loading the design"), "carving": _("computing the toolpath"),
            "storing": _("storing the files")}


def program_status(session: Session, settings: Settings, job: Job) -> dict[str, Any]:
    row = session.scalar(select(Outbox).where(Outbox.job_id == job.id,
                                              Outbox.kind == "generate_program")
                         .order_by(Outbox.id.desc()))
    status = row.status if row is not None else "none"
    step = worker_step(settings, row.id) if row is not None and status == "dispatched" else None
    attempts = row.attempts if row is not None else 0
    return {
        "job_id": job.id,
        "state": job.state,
        "version": job.version,
        "status": status,
        "status_label": _labels().get(status, status),
        "progress": _step_labels().get(step or "", step),
        "attempts": attempts,
        "attempts_label": ngettext("%(num)d failed attempt", "%(num)d failed attempts", attempts),
        "last_error": row.last_error if row is not None else None,
        "review_reason": job.review_reason,
    }


def worker_step(settings: Settings, outbox_id: int) -> str | None:
    """The step the worker running outbox row ``outbox_id`` reports, if one runs it now."""
    if not settings.redis_url:
        return None
    try:
        from rq.registry import StartedJobRegistry

        from jobs import queues
        from workshop.redis_conn import connect

        redis = connect(settings.redis_url)
        try:
            prefix = re.sub(r"[^A-Za-z0-9_-]", "-", settings.queue_prefix)
            wanted = f"{prefix}outbox-{outbox_id}-"
            registry = StartedJobRegistry(queues.name(settings, queues.CAM), connection=redis)
            for rq_id in registry.get_job_ids():
                if rq_id.startswith(wanted):
                    # the registry may name an execution as "<job id>:<execution id>"
                    job = registry.job_class.fetch(rq_id.split(":")[0], connection=redis)
                    step = job.get_meta(refresh=True).get("progress")
                    return str(step) if step else None
        finally:
            redis.close()
    except Exception as exc:  # Redis away: the page still shows the outbox's own status
        log.info("program step of outbox %s unknown: %s", outbox_id, exc)
    return None

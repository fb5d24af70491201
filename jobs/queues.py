"""The rq queues, named once. A prefix (Settings.queue_prefix) lets several runs share one Redis."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis import Redis
    from rq import Queue

    from workshop.config import Settings

__all__ = ["CAM", "EFFECTS", "NOTIFY", "BASE_NAMES", "name", "queue", "all_names"]

# program generation is long and CPU-bound: its own queue, so notifications never wait behind it
CAM = "cam"
# every other outbox effect
EFFECTS = "effects"
# customer notifications (SMTP, webhook): slow remote servers, retried
NOTIFY = "notify"
BASE_NAMES = (EFFECTS, NOTIFY, CAM)


def name(settings: Settings, base: str) -> str:
    return f"{settings.queue_prefix}{base}"


def all_names(settings: Settings) -> list[str]:
    return [name(settings, b) for b in BASE_NAMES]


def queue(redis: Redis, settings: Settings, base: str) -> Queue:
    from rq import Queue

    return Queue(name(settings, base), connection=redis)

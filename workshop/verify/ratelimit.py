"""A fixed-window request counter per client address, in Redis.

The verification code has 100 bits, so guessing is hopeless anyway; the limit keeps a scraper
from walking the register and keeps the page cheap. Keys carry ``Settings.queue_prefix`` (test
runs sharing a Redis stay apart) and expire after two windows. When Redis cannot be reached the
page still answers (logged): a certificate holder is never turned away for our outage.
"""

from __future__ import annotations

import logging
import time

from redis import Redis
from redis.exceptions import RedisError

from workshop.config import Settings

__all__ = ["WINDOW_S", "retry_after"]

log = logging.getLogger(__name__)

WINDOW_S = 60


def _key(settings: Settings, client: str, window: int) -> str:
    return f"{settings.queue_prefix}verify:rate:{client}:{window}"


def retry_after(redis: Redis | None, settings: Settings, client: str,
                now: float | None = None) -> int | None:
    """Count this request; the seconds to wait when the client is over the limit, else None."""
    if redis is None:
        return None
    now = time.time() if now is None else now
    window = int(now // WINDOW_S)
    key = _key(settings, client, window)
    try:
        pipe = redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, 2 * WINDOW_S)
        count = int(pipe.execute()[0])
    except RedisError as exc:
        log.warning("verification rate limit not applied: %s", exc)
        return None
    if count <= settings.verify_rate_per_minute:
        return None
    return max(1, (window + 1) * WINDOW_S - int(now))

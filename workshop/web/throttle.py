"""Repeated failed logins are slowed: per user name and per client address.

After ``free`` failures in a row, each further failure locks that key for ``base_s * 2**k``
seconds (k = failures beyond ``free``, capped at ``max_s``); a successful login clears the user's
key. The counts live in Redis when the application has one (``store``), shared by every server
process and host, under ``prefix`` and expiring a day after the last failure; without Redis, or
while it cannot be reached (logged), in this process (one lock, a dict), where several server
processes give an attacker at most that many times the attempts, still exponentially slowed.
The user's ``failed_logins`` column keeps the count in the database for the administrators.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import RedisError

__all__ = ["LoginThrottle"]

log = logging.getLogger(__name__)

KEEP_S = 24 * 3600  # a key's record is forgotten a day after its last failure


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0


class LoginThrottle:
    def __init__(self, *, free: int = 3, base_s: float = 1.0, max_s: float = 900.0,
                 clock: Callable[[], float] = time.time,
                 store: Callable[[], Redis | None] | None = None, prefix: str = "") -> None:
        self.free, self.base_s, self.max_s, self.clock = free, base_s, max_s, clock
        self.store, self.prefix = store, prefix
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    # ---- the records, in Redis or here

    def _redis(self) -> Redis | None:
        return self.store() if self.store is not None else None

    def _name(self, key: str) -> str:
        return f"{self.prefix}login:throttle:{key}"

    def _get(self, key: str) -> _Record | None:
        redis = self._redis()
        if redis is not None:
            try:
                raw = redis.hmget(self._name(key), "failures", "locked_until")
                if raw[0] is None:
                    return None
                return _Record(int(raw[0]), float(raw[1] or 0.0))
            except RedisError as exc:
                log.warning("login throttle: Redis unreachable, counting here: %s", exc)
        with self._lock:
            return self._records.get(key)

    def _count(self, key: str, now: float) -> None:
        redis = self._redis()
        if redis is not None:
            try:
                name = self._name(key)
                failures = int(redis.hincrby(name, "failures", 1))
                pipe = redis.pipeline()
                if failures > self.free:
                    pipe.hset(name, "locked_until", now + self._delay(failures))
                pipe.expire(name, KEEP_S)
                pipe.execute()
                return
            except RedisError as exc:
                log.warning("login throttle: Redis unreachable, counting here: %s", exc)
        with self._lock:
            record = self._records.setdefault(key, _Record())
            record.failures += 1
            if record.failures > self.free:
                record.locked_until = now + self._delay(record.failures)

    def _delay(self, failures: int) -> float:
        return min(self.base_s * 2 ** (failures - self.free - 1), self.max_s)

    # ---- what the login page asks

    def wait_seconds(self, *keys: str) -> float:
        """How long until any of ``keys`` may try again (0: now)."""
        now = self.clock()
        waits = [r.locked_until - now for k in keys if (r := self._get(k))]
        return max([0.0, *waits])

    def failed(self, *keys: str) -> float:
        """Count a failure for each key; returns the longest lock now in force (seconds)."""
        now = self.clock()
        for key in keys:
            self._count(key, now)
        return self.wait_seconds(*keys)

    def succeeded(self, key: str) -> None:
        redis = self._redis()
        if redis is not None:
            try:
                redis.delete(self._name(key))
            except RedisError as exc:
                log.warning("login throttle: Redis unreachable: %s", exc)
        with self._lock:
            self._records.pop(key, None)

    def failures(self, key: str) -> int:
        record = self._get(key)
        return record.failures if record else 0

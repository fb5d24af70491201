"""Repeated failed logins are slowed: per user name and per client address.

After ``free`` failures in a row, each further failure locks that key for ``base_s * 2**k``
seconds (k = failures beyond ``free``, capped at ``max_s``); a successful login clears the user's
key. The counts live in this process (one lock, a dict): with several server processes an
attacker gets at most that many times the attempts, still exponentially slowed. The user's
``failed_logins`` column keeps the count in the database for the administrators to see.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["LoginThrottle"]


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0


class LoginThrottle:
    def __init__(self, *, free: int = 3, base_s: float = 1.0, max_s: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base_s, self.max_s, self.clock = free, base_s, max_s, clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, *keys: str) -> float:
        """How long until any of ``keys`` may try again (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [r.locked_until - now for k in keys if (r := self._records.get(k))]
        return max([0.0, *waits])

    def failed(self, *keys: str) -> float:
        """Count a failure for each key; returns the longest lock now in force (seconds)."""
        now = self.clock()
        with self._lock:
            for key in keys:
                record = self._records.setdefault(key, _Record())
                record.failures += 1
                beyond = record.failures - self.free
                if beyond > 0:
                    delay = min(self.base_s * 2 ** (beyond - 1), self.max_s)
                    record.locked_until = now + delay
        return self.wait_seconds(*keys)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)

    def failures(self, key: str) -> int:
        with self._lock:
            record = self._records.get(key)
            return record.failures if record else 0

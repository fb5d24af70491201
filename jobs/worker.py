"""The worker process: an rq worker on every queue, plus a drain loop for the outbox.

The drain loop is a thread of the worker's main process with its own database engine; rq forks
a work horse per task, and each process opens its own engine (jobs/tasks.py). rq's scheduler runs
in the same worker (``with_scheduler``) so Retry intervals are honoured. Any number of workers
may run, on any hosts: on PostgreSQL their drain loops skip each other's locked rows; on SQLite
the write lock serialises them.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from jobs import outbox, queues
from workshop.config import Settings

__all__ = ["DRAIN_INTERVAL_S", "Drainer", "run_worker"]

log = logging.getLogger(__name__)
DRAIN_INTERVAL_S = 1.0


class Drainer(threading.Thread):
    """Drains the outbox every ``interval`` seconds until stopped. Errors are logged, not fatal:
    with Redis or the database away, the next round tries again."""

    def __init__(self, settings: Settings, redis_url: str, *, interval: float = DRAIN_INTERVAL_S,
                 lease_s: float | None = None) -> None:
        super().__init__(name="outbox-drain", daemon=True)
        self.settings, self.redis_url = settings, redis_url
        self.interval, self.lease_s = interval, lease_s
        self.stopped = threading.Event()

    def run(self) -> None:
        from workshop.db import make_engine, make_sessionmaker
        from workshop.redis_conn import connect

        engine = make_engine(self.settings)
        factory, redis = make_sessionmaker(engine), connect(self.redis_url)
        while not self.stopped.wait(self.interval):
            try:
                outbox.drain(factory, redis, self.settings, lease_s=self.lease_s)
            except Exception as exc:
                log.warning("outbox drain failed, will retry: %s", exc)
        engine.dispose()

    def stop(self) -> None:
        self.stopped.set()


def run_worker(settings: Settings, *, burst: bool = False, lease_s: float | None = None,
               drain_interval: float = DRAIN_INTERVAL_S) -> int:
    """Run until stopped (or, with ``burst``, until the queues are empty). Returns an exit code."""
    from rq import Worker

    from jobs import tasks
    from workshop.redis_conn import connect, embedded

    with embedded(settings) as redis_url:
        tasks.configure(settings)
        drainer = Drainer(settings, redis_url, interval=drain_interval, lease_s=lease_s)
        drainer.start()
        name = f"{settings.queue_prefix}{socket.gethostname()}-{os.getpid()}"
        worker = Worker(queues.all_names(settings), connection=connect(redis_url), name=name)
        try:
            worker.work(burst=burst, with_scheduler=True)
        finally:
            drainer.stop()
            drainer.join(timeout=5)
    return 0

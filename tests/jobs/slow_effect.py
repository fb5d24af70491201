"""A test-only outbox effect that takes its time, to kill a worker in the middle of it.

Each run appends "start <pid>" to the file named in the payload, sleeps, then appends
"done <pid>". Imported by the worker process the test starts (never by the application).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from jobs import tasks

KIND = "test_slow"


@tasks.register(KIND)
def slow(settings, factory, row) -> None:  # type: ignore[no-untyped-def]
    log = Path(row.payload["log"])
    with log.open("a") as out:
        out.write(f"start {os.getpid()}\n")
    time.sleep(float(row.payload["seconds"]))
    with log.open("a") as out:
        out.write(f"done {os.getpid()}\n")


if __name__ == "__main__":
    import sys

    from jobs.worker import run_worker
    from workshop import config

    sys.exit(run_worker(config.load(), lease_s=float(sys.argv[1]), drain_interval=0.2))

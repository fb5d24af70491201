#!/usr/bin/env python3
"""Load test of the JSON API: order intake and job transitions, through gunicorn with 2 workers.

For each backend (a scratch SQLite file; a scratch PostgreSQL schema, created and dropped) it
migrates, seeds a bench workshop (store, staff tokens, the platform's key, pieces), starts
gunicorn on a free loopback port, then measures from a few client threads:

- intake: ``POST /api/v1/orders`` (one new order and job per request)
- transitions: ``POST /api/v1/jobs/{id}/events`` (receive, then hold/release pairs; each thread
  owns its jobs, so every request is a real transition and none is a 409)

and writes throughput and p50/p99 latency to the "API" section of docs/benchmarks.md (the other
sections are left as they are).

    python benchmarks/api_load.py [--orders 300] [--transitions 600] [--threads 4]
                                  [--skip-postgres] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import machine_line, write_section  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DOC = ROOT / "docs" / "benchmarks.md"


@dataclass
class Result:
    backend: str
    phase: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# ---- set-up -------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(instance: Path, database_url: str, schema: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_SCHEMA")}
    env.update(WORKSHOP_INSTANCE=str(instance), SECRET_KEY=secrets.token_hex(16),
               DATABASE_SCHEMA=schema, ARTIFACT_DIR=str(instance / "artifacts"))
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _seed(env: dict[str, str], pieces: int) -> dict[str, str]:
    """Migrate and create the bench workshop; returns the secrets the clients use."""
    from jobs.intake import register_piece
    from jobs.types import Actor
    from workshop import auth, config, migrate
    from workshop.db import make_engine, make_sessionmaker
    from workshop.models import Store, User

    settings = config.load(env)
    migrate.upgrade(settings)
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    with factory() as s:
        s.add(Store(code="BENCH", name="Bench store"))
        user = User(username="bench.supervisor", display_name="Bench", role="supervisor",
                    password_hash="!")
        token = auth.issue_staff_token(user)
        s.add(user)
        _client, key = auth.issue_api_key(s, "bench-platform")
        s.commit()
    admin = Actor("user", None, "bench", "admin")
    for i in range(pieces):
        with factory() as s:
            register_piece(s, {"certificate_no": f"BENCH-{i:05d}", "shape": "pendant",
                               "material": "和田玉/软玉", "mass_g": "20.000",
                               "store_code": "BENCH"}, admin)
    engine.dispose()
    return {"token": token, "key": key}


def _start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    cmd = [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
           "workshop.app:create_app()"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/openapi.json")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
    raise RuntimeError("gunicorn did not answer within 60 s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


# ---- load ---------------------------------------------------------------------------------

class Client:
    """One HTTP connection per thread (http.client reconnects when the server closes it)."""

    def __init__(self, port: int, auth: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {auth}", "Content-Type": "application/json"}

    def post(self, path: str, body: dict) -> tuple[int, dict, float]:
        data = json.dumps(body).encode()
        started = time.perf_counter()
        self.conn.request("POST", path, body=data, headers=self.headers)
        response = self.conn.getresponse()
        payload = json.loads(response.read() or b"{}")
        return response.status, payload, (time.perf_counter() - started) * 1000


def _run(threads: int, work: Callable[[int, list[float], list[int]], None]) -> tuple[
        float, list[float], int]:
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[list[int]] = [[] for _ in range(threads)]
    barrier = threading.Barrier(threads + 1)

    def runner(i: int) -> None:
        barrier.wait()
        work(i, latencies[i], errors[i])

    pool = [threading.Thread(target=runner, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    return elapsed, [x for lat in latencies for x in lat], sum(len(e) for e in errors)


def _intake(port: int, secrets_: dict[str, str], orders: int, threads: int,
            jobs: list[list[tuple[int, int]]]) -> tuple[float, list[float], int]:
    run_id = uuid.uuid4().hex[:6]

    def work(i: int, lat: list[float], err: list[int]) -> None:
        client = Client(port, secrets_["key"])
        for n in range(i, orders, threads):
            status, body, ms = client.post("/api/v1/orders", {
                "reference": f"BENCH-{run_id}-{n:05d}", "store_code": "BENCH",
                "delivery": "pickup", "amount_paid": "880.00",
                "customer": {"name": "Bench", "email": "bench@example.invalid"},
                "lines": [{"certificate_no": f"BENCH-{n:05d}", "carving_mode": "hand"}]})
            lat.append(ms)
            if status != 201:
                err.append(status)
                continue
            job = body["jobs"][0]
            jobs[i].append((job["id"], job["version"]))

    return _run(threads, work)


def _transitions(port: int, secrets_: dict[str, str], total: int, threads: int,
                 jobs: list[list[tuple[int, int]]]) -> tuple[float, list[float], int]:
    per_thread = total // threads

    def work(i: int, lat: list[float], err: list[int]) -> None:
        client = Client(port, secrets_["token"])
        mine = {job_id: [version, "awaiting_piece"] for job_id, version in jobs[i]}
        ids = list(mine)
        for n in range(per_thread):
            job_id = ids[n % len(ids)]
            version, state = mine[job_id]
            if state == "awaiting_piece":
                body = {"event": "receive", "version": version,
                        "data": {"channel": "store_counter", "mass_g": "20.000"}}
            elif state == "on_hold":
                body = {"event": "release", "version": version}
            else:
                body = {"event": "hold", "version": version, "data": {"reason": "bench"}}
            status, answer, ms = client.post(f"/api/v1/jobs/{job_id}/events", body)
            lat.append(ms)
            if status != 200:
                err.append(status)
                continue
            mine[job_id] = [answer["version"], answer["state"]]

    return _run(threads, work)


# ---- a backend end to end ----------------------------------------------------------------

def bench(backend: str, args: argparse.Namespace) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix=f"bench-{backend}-") as tmp:
        instance = Path(tmp)
        schema = f"bench_{uuid.uuid4().hex[:8]}" if backend == "postgresql" else ""
        env = _env(instance, PG_URL if backend == "postgresql" else "", schema)
        try:
            secrets_ = _seed(env, args.orders)
            port = _free_port()
            proc = _start_gunicorn(env, port, instance / "gunicorn.log")
            try:
                jobs: list[list[tuple[int, int]]] = [[] for _ in range(args.threads)]
                seconds, lat, errors = _intake(port, secrets_, args.orders, args.threads, jobs)
                results = [Result(backend, "intake (POST /orders)", len(lat), seconds, lat,
                                  errors)]
                seconds, lat, errors = _transitions(port, secrets_, args.transitions,
                                                    args.threads, jobs)
                results.append(Result(backend, "transition (POST /jobs/{id}/events)", len(lat),
                                      seconds, lat, errors))
                return results
            finally:
                _stop(proc)
        finally:
            if schema:
                _drop_schema(schema)


def _drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


# ---- report -------------------------------------------------------------------------------

def render(results: list[Result], args: argparse.Namespace, machine: str) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = [
        f"| {r.backend} | {r.phase} | {r.requests} | {r.throughput:.0f} | "
        f"{statistics.median(r.latencies_ms):.1f} | {r.pct(0.99):.1f} | {r.errors} |"
        for r in results]
    return "\n".join([
        "## API", "",
        "Generated by `benchmarks/api_load.py`; do not edit by hand.", "",
        f"- Machine: {machine}",
        f"- Date: {now}",
        f"- Set-up: gunicorn, 2 sync workers, on loopback; {args.threads} client threads (a sync "
        "worker closes each connection, so every request connects anew); the database is a scratch SQLite file (WAL) or a scratch "
        "PostgreSQL schema on the same machine; no Redis needed (effects wait in the outbox).",
        f"- Intake: {args.orders} orders of one line each (a new order and job per request). "
        f"Transitions: {args.transitions} events (receive, then hold/release), each a full "
        "transaction with the version check, the event row and the outbox rows.", "",
        "| database | request | n | req/s | p50 (ms) | p99 (ms) | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
        *rows, "",
        "SQLite serialises writers (BEGIN IMMEDIATE); PostgreSQL lets both workers write at "
        "once. The clients, both workers and the database share the same cores, so these "
        "figures measure the whole stack under contention, not the database alone.", "",
    ])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--transitions", type=int, default=600)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch docs/")
    args = parser.parse_args(argv)
    machine = machine_line()
    results = bench("sqlite", args)
    if not args.skip_postgres:
        results += bench("postgresql", args)
    section = render(results, args, machine)
    print(section)
    if not args.no_write:
        write_section("## API", section)
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

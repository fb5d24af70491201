"""The command line: ``python run.py <command>``.

    serve [--with-worker] [--host H] [--port P]   the web app (werkzeug; production: gunicorn)
    worker [--burst]                              an rq worker with the outbox drain loop
    db upgrade                                    apply the Alembic migrations
    seed [--if-empty]                             the demo workshop
    jobs list [--state S] [--route R]             jobs, newest first
    jobs show ID                                  one job and its timeline
    cert show|verify|revoke|keys ...              certificates (``run.py cert --help``)
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from workshop import config

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run.py", description="Jade workshop")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--with-worker", action="store_true",
                       help="also start a worker process (and an embedded Redis if needed)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    worker = sub.add_parser("worker", help="run an rq worker and the outbox drain loop")
    worker.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"])
    seed = sub.add_parser("seed", help="create the demo workshop")
    seed.add_argument("--if-empty", action="store_true",
                      help="do nothing when the database already has a store")
    sub.add_parser("cert", help="certificates: show, verify, revoke, keys rotate|list",
                   add_help=False)
    jobs = sub.add_parser("jobs", help="look at carving jobs")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    listing = jobs_sub.add_parser("list", help="list jobs")
    listing.add_argument("--state")
    listing.add_argument("--route", choices=["machine", "hand"])
    show = jobs_sub.add_parser("show", help="one job with its timeline")
    show.add_argument("id", type=int)
    return parser


def main(argv: Sequence[str], settings: config.Settings | None = None) -> int:
    if list(argv[:1]) == ["cert"]:  # its own parser: certificates.cli
        from workshop.cli import cert_cmd

        return cert_cmd.main(argv[1:], settings or config.load())
    args = _parser().parse_args(list(argv))
    settings = settings or config.load()
    if args.command == "serve":
        from workshop.cli.serve import serve

        return serve(settings, host=args.host, port=args.port, with_worker=args.with_worker)
    if args.command == "worker":
        from jobs.worker import run_worker

        return run_worker(settings, burst=args.burst)
    if args.command == "db":
        from workshop import migrate

        migrate.upgrade(settings)
        print("database at the latest revision")
        return 0
    from workshop.db import make_engine, make_sessionmaker

    factory = make_sessionmaker(make_engine(settings))
    if args.command == "seed":
        from workshop.seed import seed

        seed(factory, if_empty=args.if_empty)
        return 0
    from workshop.cli import jobs_cmd

    if args.jobs_command == "list":
        return jobs_cmd.list_jobs(factory, state=args.state, route=args.route)
    return jobs_cmd.show_job(factory, args.id)

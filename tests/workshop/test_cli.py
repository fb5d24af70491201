"""The command line: db upgrade, seed, jobs list and show (serve and worker are exercised by the
worker tests in tests/jobs)."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, select

from workshop.cli import main
from workshop.config import ROOT
from workshop.models import Job


def test_seed_then_list_and_show(settings, session_factory, capsys):
    assert main(["db", "upgrade"], settings) == 0
    assert main(["seed", "--if-empty"], settings) == 0
    seeded = capsys.readouterr().out
    assert "shown ONCE" in seeded and "wak_" in seeded
    assert main(["seed", "--if-empty"], settings) == 0
    assert "nothing seeded" in capsys.readouterr().out

    assert main(["jobs", "list", "--route", "hand"], settings) == 0
    listing = capsys.readouterr().out
    assert "2 job(s)" in listing and "NGTC-2026-070003 ring" in listing
    assert "machine " not in listing.split("\n", 1)[1]
    assert main(["jobs", "list", "--state", "collected"], settings) == 0
    assert "0 job(s)" in capsys.readouterr().out

    with session_factory() as s:
        first = s.scalar(select(func.min(Job.id)))
    assert main(["jobs", "show", str(first)], settings) == 0
    shown = capsys.readouterr().out
    assert "DEMO-WEDDING-0001" in shown and "create" in shown and "awaiting_piece" in shown
    assert "NGTC-2026-070002 bi_disc" in shown and "FREE-XIANGYUN" in shown
    assert "side effects" not in shown  # nothing has happened to it yet
    assert main(["jobs", "show", str(first + 999)], settings) == 1


def test_run_py_dispatches_to_the_cli():
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "jobs", "--help"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0 and "list" in done.stdout and "show" in done.stdout


def test_show_lists_the_side_effects_and_their_failures(settings, session_factory, capsys):
    from jobs.engine import fire
    from jobs.types import Actor
    from workshop.models import Outbox, User

    main(["seed"], settings)
    capsys.readouterr()
    with session_factory() as s:
        job_id = s.scalar(select(Job.id).where(Job.route == "machine"))
        clerk = s.scalar(select(User).where(User.role == "store_clerk"))
        fire(s, job_id, "receive", actor=Actor("user", clerk.id, clerk.username, clerk.role),
             version=None, data={"channel": "store_counter", "mass_g": "28.15"},
             settings=settings)
    with session_factory() as s:
        row = s.scalar(select(Outbox).where(Outbox.kind == "notify"))
        row.status, row.attempts, row.last_error = "failed", 8, "SMTP 421 try later"
        s.commit()
    assert main(["jobs", "show", str(job_id)], settings) == 0
    shown = capsys.readouterr().out
    assert "notify:receipt" in shown and "failed" in shown and "SMTP 421" in shown
    assert "generate_program" in shown and "pending" in shown

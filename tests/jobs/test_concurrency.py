"""Two transitions at once on one job: one wins, the other is told its version is stale."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from jobs.engine import fire
from jobs.errors import StaleVersion
from workshop.models import Event, Job


def test_two_fires_on_one_version_one_wins(world):
    world.piece("NGTC-6001")
    [job_id] = world.order("PO-C", [{"certificate_no": "NGTC-6001", "carving_mode": "hand"}])
    world.fire(job_id, "receive", "store_clerk", {"channel": "store_counter", "mass_g": "38.52"})
    version = world.job(job_id).version
    events_before = len(world.timeline(job_id))
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}
    sessions = [world.session(), world.session()]
    for s in sessions:  # both clients have read the job at the same version
        assert s.get_one(Job, job_id).version == version
        s.commit()  # a read ends its transaction (on SQLite it holds the write lock)

    def attempt(name: str, session, event: str, data: dict) -> None:
        barrier.wait()
        try:
            fire(session, job_id, event, actor=world.actors["supervisor"], version=version,
                 data=data, settings=world.settings)
            outcomes[name] = "won"
        except StaleVersion as exc:
            outcomes[name] = exc

    threads = [
        threading.Thread(target=attempt, args=("hold", sessions[0], "hold", {"reason": "x"})),
        threading.Thread(target=attempt, args=("assign", sessions[1], "assign",
                                               {"artisan_id": world.actors["artisan"].id})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for s in sessions:
        s.close()
    assert sorted(str(v) == "won" for v in outcomes.values()) == [False, True]
    winner = next(k for k, v in outcomes.items() if v == "won")
    job = world.job(job_id)
    assert job.version == version + 1
    assert job.state == {"hold": "on_hold", "assign": "scheduled"}[winner]
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(Event)
                        .where(Event.job_id == job_id)) == events_before + 1


def test_many_concurrent_fires_no_lost_update(world):
    """Eight progress reports race on one version: one lands (with its event), seven are refused."""
    world.piece("NGTC-6002")
    [job_id] = world.order("PO-C2", [{"certificate_no": "NGTC-6002", "carving_mode": "hand"}])
    world.fire(job_id, "receive", "store_clerk", {"channel": "store_counter", "mass_g": "38.52"})
    world.fire(job_id, "assign", "supervisor", {"artisan_id": world.actors["artisan"].id})
    world.fire(job_id, "start", "artisan")
    start_version = world.job(job_id).version
    barrier = threading.Barrier(8)
    won: list[int] = []

    def attempt(pct: int) -> None:
        with world.session() as s:
            version = s.get_one(Job, job_id).version
            s.commit()
            barrier.wait()
            try:
                fire(s, job_id, "progress", actor=world.actors["artisan"], version=version,
                     data={"pct": pct}, settings=world.settings)
                won.append(pct)
            except StaleVersion:
                pass

    threads = [threading.Thread(target=attempt, args=(10 * i,)) for i in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(won) == 1  # all read the same version: exactly one may act on it
    assert world.job(job_id).version == start_version + 1
    progress = [e for e in world.timeline(job_id) if e[0] == "progress"]
    assert len(progress) == len(won)

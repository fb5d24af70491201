"""The workflow: state table, transitions, intake, outbox, rq tasks and queues.

Public entry points (see docs/workflow.md):

- ``jobs.engine.fire(session, job_id, event, *, actor, version, data, attachments, settings)``
  and ``jobs.engine.allowed_events(job, actor)``; ``jobs.types.Actor``
- ``jobs.intake.register_piece(session, data, actor)``, ``jobs.intake.accept_order(session,
  data, actor, settings=None) -> (order, created)``
- ``jobs.outbox.drain(session_factory, redis, settings)``, ``jobs.worker.run_worker(settings)``
- ``jobs.errors``: the exceptions, mapped to HTTP in workshop/errors.py
- ``jobs.states.TRANSITIONS``: the table
"""

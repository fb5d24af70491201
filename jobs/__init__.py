"""The workflow: state table, transitions, intake, outbox, rq tasks and queues."""

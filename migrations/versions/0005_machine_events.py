"""machine status: the machine_events log and a CHECK on machines.status

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 16:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

STATUSES = ('idle', 'running', 'maintenance', 'fault')
KNOWN = ", ".join(f"'{s}'" for s in STATUSES)


def upgrade() -> None:
    op.create_table('machine_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('at', workshop.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_machine_events_actor_id_users')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_machine_events_job_id_jobs')),
    sa.ForeignKeyConstraint(['machine_id'], ['machines.id'], name=op.f('fk_machine_events_machine_id_machines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_machine_events'))
    )
    with op.batch_alter_table('machine_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_machine_events_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_machine_events_machine_id'), ['machine_id'], unique=False)

    # a status the workshop does not know cannot stay: the machine is taken out of work
    # (maintenance) and the change is recorded like any other
    op.execute(
        "INSERT INTO machine_events (machine_id, at, actor, from_status, to_status, reason) "
        "SELECT id, CURRENT_TIMESTAMP, 'system:migration 0005', status, 'maintenance', "
        "'status ' || status || ' is not one of idle, running, maintenance, fault' "
        f"FROM machines WHERE status NOT IN ({KNOWN})")
    op.execute(f"UPDATE machines SET status = 'maintenance' WHERE status NOT IN ({KNOWN})")

    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_machines_on_sqlite(with_check=True)
    else:
        op.create_check_constraint(op.f('ck_machines_status'), 'machines', f"status IN ({KNOWN})")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_machines_on_sqlite(with_check=False)
    else:
        op.drop_constraint(op.f('ck_machines_status'), 'machines', type_='check')

    with op.batch_alter_table('machine_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_machine_events_machine_id'))
        batch_op.drop_index(batch_op.f('ix_machine_events_job_id'))

    op.drop_table('machine_events')


def _rebuild_machines_on_sqlite(*, with_check: bool) -> None:
    """SQLite adds a CHECK only by building the table again. Batch mode's copy-drop-rename
    would leave the rows of tools and assignments counted as orphans by the DROP (foreign keys
    are on and cannot be switched off inside the migration's transaction). So: with the checks
    deferred to the commit, the rows are kept aside, the old table is emptied and dropped, the
    new one is created under the same name and the rows inserted again: each insert settles
    the orphans the emptying counted."""
    op.execute('PRAGMA defer_foreign_keys = ON')
    op.execute('CREATE TABLE _machines_0005 AS SELECT id, code, name, profile, status FROM machines')
    op.execute('DELETE FROM machines')
    op.drop_table('machines')
    constraints: list[sa.Constraint] = [
        sa.PrimaryKeyConstraint('id', name=op.f('pk_machines')),
        sa.UniqueConstraint('code', name=op.f('uq_machines_code'))]
    if with_check:
        constraints.append(sa.CheckConstraint(f"status IN ({KNOWN})", name=op.f('ck_machines_status')))
    op.create_table('machines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('profile', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    *constraints
    )
    op.execute('INSERT INTO machines (id, code, name, profile, status) '
               'SELECT id, code, name, profile, status FROM _machines_0005')
    op.execute('DROP TABLE _machines_0005')

"""certificates: signed document, key id, code digest, revocation audit

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 14:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', workshop.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('revoked_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('document', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('key_id', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('code_digest', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('code_digest')
        batch_op.drop_column('key_id')
        batch_op.drop_column('document')
        batch_op.drop_column('revoked_by')
        batch_op.drop_column('revoked_at')

"""design rights: owners, versioned terms and shares, patents, fits; royalty ledger; payments

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 14:40:38.957395
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('design_fits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('design_id', sa.Integer(), nullable=False),
    sa.Column('shape', sa.String(length=20), nullable=False),
    sa.Column('faces', sa.JSON(), nullable=False),
    sa.Column('min_size_mm', sa.String(length=20), nullable=False),
    sa.Column('max_size_mm', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['design_id'], ['designs.id'], name=op.f('fk_design_fits_design_id_designs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_design_fits'))
    )
    with op.batch_alter_table('design_fits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_design_fits_design_id'), ['design_id'], unique=False)

    op.create_table('design_owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('design_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('party_ref', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['design_id'], ['designs.id'], name=op.f('fk_design_owners_design_id_designs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_design_owners'))
    )
    with op.batch_alter_table('design_owners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_design_owners_design_id'), ['design_id'], unique=False)

    op.create_table('design_patents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('design_id', sa.Integer(), nullable=False),
    sa.Column('applicants', sa.JSON(), nullable=False),
    sa.Column('application_no', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['design_id'], ['designs.id'], name=op.f('fk_design_patents_design_id_designs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_design_patents')),
    sa.UniqueConstraint('design_id', name=op.f('uq_design_patents_design_id'))
    )
    op.create_table('design_previews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('design_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['design_id'], ['designs.id'], name=op.f('fk_design_previews_design_id_designs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_design_previews')),
    sa.UniqueConstraint('design_id', name=op.f('uq_design_previews_design_id'))
    )
    op.create_table('design_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('design_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('design_fee_minor', sa.Integer(), nullable=False),
    sa.Column('royalty_minor', sa.Integer(), nullable=True),
    sa.Column('royalty_pct', sa.String(length=20), nullable=True),
    sa.Column('term_start', sa.Date(), nullable=True),
    sa.Column('term_years', sa.Integer(), nullable=True),
    sa.Column('hand_hours', sa.String(length=20), nullable=False),
    sa.Column('created_at', workshop.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['design_id'], ['designs.id'], name=op.f('fk_design_terms_design_id_designs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_design_terms')),
    sa.UniqueConstraint('design_id', 'version', name='uq_design_terms_version')
    )
    with op.batch_alter_table('design_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_design_terms_design_id'), ['design_id'], unique=False)

    op.create_table('design_term_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('terms_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('share_pct', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['design_owners.id'], name=op.f('fk_design_term_shares_owner_id_design_owners')),
    sa.ForeignKeyConstraint(['terms_id'], ['design_terms.id'], name=op.f('fk_design_term_shares_terms_id_design_terms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_design_term_shares'))
    )
    with op.batch_alter_table('design_term_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_design_term_shares_terms_id'), ['terms_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=100), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('signed_at', workshop.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', workshop.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_payments_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('event_id', name=op.f('uq_payments_event_id'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_order_id'), ['order_id'], unique=False)

    op.create_table('royalty_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('design_id', sa.Integer(), nullable=False),
    sa.Column('terms_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('share_pct', sa.String(length=20), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('booked_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', workshop.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['design_id'], ['designs.id'], name=op.f('fk_royalty_entries_design_id_designs')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_royalty_entries_job_id_jobs')),
    sa.ForeignKeyConstraint(['owner_id'], ['design_owners.id'], name=op.f('fk_royalty_entries_owner_id_design_owners')),
    sa.ForeignKeyConstraint(['reverses_id'], ['royalty_entries.id'], name=op.f('fk_royalty_entries_reverses_id_royalty_entries')),
    sa.ForeignKeyConstraint(['terms_id'], ['design_terms.id'], name=op.f('fk_royalty_entries_terms_id_design_terms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_royalty_entries'))
    )
    with op.batch_alter_table('royalty_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_royalty_entries_booked_on'), ['booked_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_royalty_entries_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_royalty_entries_design_id'), ['design_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_royalty_entries_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_royalty_entries_owner_id'), ['owner_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('royalty_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_royalty_entries_owner_id'))
        batch_op.drop_index(batch_op.f('ix_royalty_entries_job_id'))
        batch_op.drop_index(batch_op.f('ix_royalty_entries_design_id'))
        batch_op.drop_index(batch_op.f('ix_royalty_entries_created_at'))
        batch_op.drop_index(batch_op.f('ix_royalty_entries_booked_on'))

    op.drop_table('royalty_entries')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_order_id'))

    op.drop_table('payments')
    with op.batch_alter_table('design_term_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_design_term_shares_terms_id'))

    op.drop_table('design_term_shares')
    with op.batch_alter_table('design_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_design_terms_design_id'))

    op.drop_table('design_terms')
    op.drop_table('design_patents')
    op.drop_table('design_previews')
    with op.batch_alter_table('design_owners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_design_owners_design_id'))

    op.drop_table('design_owners')
    with op.batch_alter_table('design_fits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_design_fits_design_id'))

    op.drop_table('design_fits')

"""Segment revisions: the history of a source segment's text.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('segment_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('old_text', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segment.id'], name=op.f('fk_segment_revision_segment_id_segment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segment_revision'))
    )
    with op.batch_alter_table('segment_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segment_revision_segment_id'), ['segment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('segment_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segment_revision_segment_id'))
    op.drop_table('segment_revision')

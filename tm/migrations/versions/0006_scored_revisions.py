"""Scored revisions: the translation revisions each score run scored.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scored_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['translation_revision.id'], name=op.f('fk_scored_revision_revision_id_translation_revision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['score_run.id'], name=op.f('fk_scored_revision_run_id_score_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scored_revision')),
    sa.UniqueConstraint('run_id', 'revision_id', name=op.f('uq_scored_revision_run_id'))
    )
    with op.batch_alter_table('scored_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scored_revision_revision_id'), ['revision_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scored_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scored_revision_revision_id'))
    op.drop_table('scored_revision')

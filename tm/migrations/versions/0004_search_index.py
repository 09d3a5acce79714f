"""Search index: memory units' word keys, the index generation, pre-translation scores.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('search_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('memory_id', sa.Integer(), nullable=False),
    sa.Column('keys', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['memory_unit.id'], name=op.f('fk_search_terms_unit_id_memory_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_terms')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_search_terms_unit_id')),
    sqlite_autoincrement=True
    )
    op.create_table('search_index_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_index_state'))
    )
    with op.batch_alter_table('translation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tm_score', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('translation', schema=None) as batch_op:
        batch_op.drop_column('tm_score')
    op.drop_table('search_index_state')
    op.drop_table('search_terms')

"""Translation memories and their units (TMX exchange).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('memory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('src_lang', sa.String(length=35), nullable=False),
    sa.Column('tgt_lang', sa.String(length=35), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('penalty', sa.Integer(), nullable=False),
    sa.Column('header', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memory')),
    sa.UniqueConstraint('name', name=op.f('uq_memory_name'))
    )
    op.create_table('memory_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('memory_id', sa.Integer(), nullable=False),
    sa.Column('tuid', sa.String(length=200), nullable=True),
    sa.Column('src_lang', sa.String(length=35), nullable=False),
    sa.Column('tgt_lang', sa.String(length=35), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('source_markup', sa.Text(), nullable=True),
    sa.Column('target_markup', sa.Text(), nullable=True),
    sa.Column('source_key', sa.String(length=40), nullable=False),
    sa.Column('context_before', sa.Text(), nullable=True),
    sa.Column('context_after', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed_by', sa.String(length=200), nullable=True),
    sa.Column('usage_count', sa.Integer(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('translation_id', sa.Integer(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_memory_unit_document_id_document'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['memory_id'], ['memory.id'], name=op.f('fk_memory_unit_memory_id_memory'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['translation_id'], ['translation.id'], name=op.f('fk_memory_unit_translation_id_translation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memory_unit'))
    )
    with op.batch_alter_table('memory_unit', schema=None) as batch_op:
        batch_op.create_index('ix_memory_unit_memory_id_source_key', ['memory_id', 'source_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_memory_unit_translation_id'), ['translation_id'], unique=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('memory_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_document_memory_id_memory'), 'memory', ['memory_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_document_memory_id_memory'), type_='foreignkey')
        batch_op.drop_column('memory_id')

    with op.batch_alter_table('memory_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memory_unit_translation_id'))
        batch_op.drop_index('ix_memory_unit_memory_id_source_key')

    op.drop_table('memory_unit')
    op.drop_table('memory')

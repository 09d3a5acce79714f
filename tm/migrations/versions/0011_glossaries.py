"""Glossaries: named term collections, their terms and each term's history.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('glossary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('src_lang', sa.String(length=35), nullable=False),
    sa.Column('tgt_lang', sa.String(length=35), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary')),
    sa.UniqueConstraint('name', name=op.f('uq_glossary_name'))
    )
    op.create_table('glossary_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('glossary_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_key', sa.String(length=200), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('part_of_speech', sa.String(length=40), nullable=True),
    sa.Column('definition', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('example', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('preferred', 'admitted', 'forbidden', name='term_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('case_sensitive', sa.Boolean(), nullable=False),
    sa.Column('do_not_translate', sa.Boolean(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_glossary_term_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['glossary_id'], ['glossary.id'], name=op.f('fk_glossary_term_glossary_id_glossary'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_term'))
    )
    op.create_index('ix_glossary_term_glossary_id_source_key', 'glossary_term', ['glossary_id', 'source_key'], unique=False)
    op.create_table('glossary_term_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_glossary_term_revision_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['term_id'], ['glossary_term.id'], name=op.f('fk_glossary_term_revision_term_id_glossary_term'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_term_revision')),
    sa.UniqueConstraint('term_id', 'number', name=op.f('uq_glossary_term_revision_term_id'))
    )


def downgrade() -> None:
    op.drop_table('glossary_term_revision')
    op.drop_index('ix_glossary_term_glossary_id_source_key', table_name='glossary_term')
    op.drop_table('glossary_term')
    op.drop_table('glossary')

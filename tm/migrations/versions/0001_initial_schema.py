"""Initial schema: documents, paragraphs, segments, tracks, translations and their history.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('title_folded', sa.String(length=500), nullable=False),
    sa.Column('src_lang', sa.String(length=35), nullable=False),
    sa.Column('tgt_lang', sa.String(length=35), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source_format', sa.String(length=20), nullable=False),
    sa.Column('source_name', sa.String(length=500), nullable=True),
    sa.Column('corpus_key', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('corpus_key', name=op.f('uq_document_corpus_key'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_title_folded'), ['title_folded'], unique=False)

    op.create_table('track',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('origin', sa.Enum('human', 'supplied', 'machine', 'tm', name='origin', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track')),
    sa.UniqueConstraint('name', name=op.f('uq_track_name'))
    )
    op.create_table('paragraph',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_paragraph_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paragraph')),
    sa.UniqueConstraint('document_id', 'position', name=op.f('uq_paragraph_document_id'))
    )
    op.create_table('segment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('headline', 'dateline', 'body', 'boilerplate', name='segment_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_segment_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraph.id'], name=op.f('fk_segment_paragraph_id_paragraph'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segment')),
    sa.UniqueConstraint('document_id', 'position', name=op.f('uq_segment_document_id'))
    )
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.create_index('ix_segment_document_kind', ['document_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_segment_paragraph_id'), ['paragraph_id'], unique=False)

    op.create_table('translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('segment_count', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=35), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'translated', 'reviewed', 'approved', 'rejected', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('origin', sa.Enum('human', 'supplied', 'machine', 'tm', name='origin', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('align_score', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('segment_count >= 1', name=op.f('ck_translation_segment_count_positive')),
    sa.ForeignKeyConstraint(['segment_id'], ['segment.id'], name=op.f('fk_translation_segment_id_segment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['track.id'], name=op.f('fk_translation_track_id_track'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translation')),
    sa.UniqueConstraint('segment_id', 'track_id', name=op.f('uq_translation_segment_id'))
    )
    with op.batch_alter_table('translation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translation_track_id'), ['track_id'], unique=False)

    op.create_table('translation_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('translation_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'translated', 'reviewed', 'approved', 'rejected', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['translation_id'], ['translation.id'], name=op.f('fk_translation_revision_translation_id_translation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_revision')),
    sa.UniqueConstraint('translation_id', 'number', name=op.f('uq_translation_revision_translation_id'))
    )


def downgrade() -> None:
    op.drop_table('translation_revision')
    with op.batch_alter_table('translation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_translation_track_id'))

    op.drop_table('translation')
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segment_paragraph_id'))
        batch_op.drop_index('ix_segment_document_kind')

    op.drop_table('segment')
    op.drop_table('paragraph')
    op.drop_table('track')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_title_folded'))

    op.drop_table('document')

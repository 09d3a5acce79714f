"""Test sets, score runs, scores per test set and document, and segment scores.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('test_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('src_lang', sa.String(length=35), nullable=False),
    sa.Column('tgt_lang', sa.String(length=35), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_test_set')),
    sa.UniqueConstraint('name', name=op.f('uq_test_set_name'))
    )
    op.create_table('score_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_set_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('significance', sa.String(length=10), nullable=True),
    sa.Column('baseline_track_id', sa.Integer(), nullable=True),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('samples', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['baseline_track_id'], ['track.id'], name=op.f('fk_score_run_baseline_track_id_track'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['test_set_id'], ['test_set.id'], name=op.f('fk_score_run_test_set_id_test_set'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_run'))
    )
    with op.batch_alter_table('score_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_run_test_set_id'), ['test_set_id'], unique=False)

    op.create_table('test_set_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_set_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('doc_key', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_test_set_document_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['test_set_id'], ['test_set.id'], name=op.f('fk_test_set_document_test_set_id_test_set'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_test_set_document')),
    sa.UniqueConstraint('test_set_id', 'document_id', name='uq_test_set_document_document_id'),
    sa.UniqueConstraint('test_set_id', 'position', name='uq_test_set_document_position')
    )
    with op.batch_alter_table('test_set_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_test_set_document_document_id'), ['document_id'], unique=False)

    op.create_table('score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('system_track_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('metric', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('signature', sa.String(length=500), nullable=False),
    sa.Column('segment_signature', sa.String(length=500), nullable=True),
    sa.Column('mean', sa.Float(), nullable=True),
    sa.Column('ci', sa.Float(), nullable=True),
    sa.Column('p_value', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_score_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['score_run.id'], name=op.f('fk_score_run_id_score_run'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['system_track_id'], ['track.id'], name=op.f('fk_score_system_track_id_track'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score'))
    )
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.create_index('ix_score_run_id_system_track_id', ['run_id', 'system_track_id'], unique=False)

    op.create_table('score_reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['score_run.id'], name=op.f('fk_score_reference_run_id_score_run'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['track.id'], name=op.f('fk_score_reference_track_id_track'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_reference')),
    sa.UniqueConstraint('run_id', 'position', name=op.f('uq_score_reference_run_id'))
    )
    op.create_table('segment_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('score_id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['score_id'], ['score.id'], name=op.f('fk_segment_score_score_id_score'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segment.id'], name=op.f('fk_segment_score_segment_id_segment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segment_score')),
    sa.UniqueConstraint('score_id', 'segment_id', name=op.f('uq_segment_score_score_id'))
    )
    with op.batch_alter_table('segment_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segment_score_segment_id'), ['segment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('segment_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segment_score_segment_id'))

    op.drop_table('segment_score')
    op.drop_table('score_reference')
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.drop_index('ix_score_run_id_system_track_id')

    op.drop_table('score')
    with op.batch_alter_table('test_set_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_test_set_document_document_id'))

    op.drop_table('test_set_document')
    with op.batch_alter_table('score_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_run_test_set_id'))

    op.drop_table('score_run')
    op.drop_table('test_set')

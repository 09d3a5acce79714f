"""Documents: the time of their last activity (import or translation change), indexed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active_at', sa.DateTime(timezone=True), nullable=True))
    # A stored document was last active when it was imported or a translation last changed.
    op.execute("""
        UPDATE document SET active_at = COALESCE(
            (SELECT MAX(translation.updated_at) FROM translation
             JOIN segment ON segment.id = translation.segment_id
             WHERE segment.document_id = document.id AND translation.updated_at > document.imported_at),
            document.imported_at)
    """)
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.alter_column('active_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.create_index(batch_op.f('ix_document_active_at'), ['active_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_active_at'))
        batch_op.drop_column('active_at')

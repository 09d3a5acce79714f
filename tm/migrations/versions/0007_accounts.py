"""Accounts: users, API tokens and login links, the audit log, and who made each change.

Existing rows keep their author text and have no author_id: they were written before there
were users.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('role', sa.Enum('viewer', 'translator', 'reviewer', 'manager', 'admin', name='role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('credentials', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('login', name=op.f('uq_user_account_login'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('role', sa.Enum('viewer', 'translator', 'reviewer', 'manager', 'admin', name='role', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('credentials', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_api_token_secret_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('action', sa.Enum('login', 'login-failed', 'logout', 'logout-everywhere', 'import', 'export', 'delete', 'user-add', 'user-change', 'token-create', 'token-revoke', name='audit_action', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=True),
    sa.Column('object_id', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_audit_event_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_document_author_id_user_account'), 'user_account', ['author_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('memory_unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_memory_unit_author_id_user_account'), 'user_account', ['author_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('score_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_score_run_author_id_user_account'), 'user_account', ['author_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('segment_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_segment_revision_author_id_user_account'), 'user_account', ['author_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('translation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_translation_author_id_user_account'), 'user_account', ['author_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('translation_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_translation_revision_author_id_user_account'), 'user_account', ['author_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('translation_revision', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_translation_revision_author_id_user_account'), type_='foreignkey')
        batch_op.drop_column('author_id')

    with op.batch_alter_table('translation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_translation_author_id_user_account'), type_='foreignkey')
        batch_op.drop_column('author_id')

    with op.batch_alter_table('segment_revision', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_segment_revision_author_id_user_account'), type_='foreignkey')
        batch_op.drop_column('author_id')

    with op.batch_alter_table('score_run', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_score_run_author_id_user_account'), type_='foreignkey')
        batch_op.drop_column('author_id')

    with op.batch_alter_table('memory_unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_memory_unit_author_id_user_account'), type_='foreignkey')
        batch_op.drop_column('author_id')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_document_author_id_user_account'), type_='foreignkey')
        batch_op.drop_column('author_id')

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('user_account')

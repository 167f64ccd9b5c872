"""living with the space: session details, last change of details, retired subscriber numbers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 06:50:00.000000
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('retired_subscriber_numbers',
    sa.Column('subscriber_number', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('retired_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('subscriber_number')
    )
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details_changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    # Sessions open during the upgrade keep working: each gets an ID, and its start as last use.
    with op.batch_alter_table('session_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
    connection = op.get_bind()
    sessions = sa.table(
        'session_tokens',
        sa.column('token_digest', sa.String),
        sa.column('session_id', sa.String),
        sa.column('created_at', sa.DateTime),
        sa.column('last_used_at', sa.DateTime),
    )
    for (digest,) in connection.execute(sa.select(sessions.c.token_digest)).all():
        connection.execute(
            sessions.update()
            .where(sessions.c.token_digest == digest)
            .values(session_id=secrets.token_urlsafe(12), last_used_at=sessions.c.created_at)
        )
    with op.batch_alter_table('session_tokens', schema=None) as batch_op:
        batch_op.alter_column('session_id', existing_type=sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False)
        batch_op.alter_column('last_used_at', existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False)
        batch_op.alter_column('user_agent', existing_type=sqlmodel.sql.sqltypes.AutoString(length=200), server_default=None)
        batch_op.create_unique_constraint(batch_op.f('uq_session_tokens_session_id'), ['session_id'])


def downgrade() -> None:
    with op.batch_alter_table('session_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_session_tokens_session_id'), type_='unique')
        batch_op.drop_column('user_agent')
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('session_id')
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.drop_column('details_changed_at')
    op.drop_table('retired_subscriber_numbers')

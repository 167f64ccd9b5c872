"""security events (account activity, support actions)

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-06 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0010'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Exactly the `type` values of API.md ("Account security"); the CHECK constraint keeps it so.
EVENT_TYPES = (
    'sign_in', 'sign_in_refused', 'sign_in_locked', 'second_step', 'password_changed',
    'password_reset', 'email_changed', 'contact_changed', 'totp_enabled', 'totp_disabled',
    'recovery_code_used', 'session_ended', 'device_forgotten', 'adhesion_requested',
    'adhesion_activated', 'adhesion_ended', 'support_action',
)


def upgrade() -> None:
    op.create_table('security_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('type', sa.Enum(*EVENT_TYPES, name='security_event_type', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('browser', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('network', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('operator', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('dedup_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_events_dedup_key'), ['dedup_key'], unique=True)
        batch_op.create_index('ix_security_events_subscriber_at', ['subscriber_id', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.drop_index('ix_security_events_subscriber_at')
        batch_op.drop_index(batch_op.f('ix_security_events_dedup_key'))
        batch_op.drop_index(batch_op.f('ix_security_events_at'))

    op.drop_table('security_events')

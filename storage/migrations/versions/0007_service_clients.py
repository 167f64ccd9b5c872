"""service clients and their keys (SPEC §8)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 07:45:57.472174
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('service_clients',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('scopes', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('quota_per_minute', sa.Integer(), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('service_keys',
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('key_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['service_clients.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key_id'),
    sa.UniqueConstraint('key_digest')
    )
    with op.batch_alter_table('service_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_keys_client_id'), ['client_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('service_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_keys_client_id'))

    op.drop_table('service_keys')
    op.drop_table('service_clients')

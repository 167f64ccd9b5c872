"""code deliveries (one record per process, run and code generation)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('code_deliveries',
    sa.Column('process_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('run_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('process_id', 'run_id', 'generation')
    )
    with op.batch_alter_table('code_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_deliveries_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('code_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_deliveries_created_at'))

    op.drop_table('code_deliveries')

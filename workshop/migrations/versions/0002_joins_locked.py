"""a workshop can be closed to new participants

Revision ID: 5d7c2e1a9b40
Revises: 1bf46c2af1bc
Create Date: 2026-11-27 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d7c2e1a9b40'
down_revision = '1bf46c2af1bc'
branch_labels = None
depends_on = None


def upgrade():
    # A server default, so that the workshops already stored stay open to joins.
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joins_locked', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('joins_locked')

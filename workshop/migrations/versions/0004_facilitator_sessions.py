"""a facilitator's sessions can be ended, and an account deactivated

Revision ID: 3c9e5f2a7d61
Revises: 8a41c07d3e15
Create Date: 2026-12-02 02:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c9e5f2a7d61'
down_revision = '8a41c07d3e15'
branch_labels = None
depends_on = None


def upgrade():
    # Server defaults, so that the accounts already stored stay active at epoch 0. Browsers
    # signed in before this carry no epoch and sign in once more.
    with op.batch_alter_table('facilitator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('facilitator', schema=None) as batch_op:
        batch_op.drop_column('active')
        batch_op.drop_column('session_epoch')

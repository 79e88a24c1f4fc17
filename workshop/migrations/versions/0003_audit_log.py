"""an audit log of every change made to a workshop

Revision ID: 8a41c07d3e15
Revises: 5d7c2e1a9b40
Create Date: 2026-12-02 02:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a41c07d3e15'
down_revision = '5d7c2e1a9b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('facilitator_id', sa.Integer(), nullable=True),
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('command', sa.String(length=40), nullable=False),
        sa.Column('objects', sa.JSON(), nullable=False),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.Column('subject_participant_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entry_workshop_at', ['workshop_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_subject_participant_id'),
                              ['subject_participant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_subject_participant_id'))
        batch_op.drop_index('ix_audit_entry_workshop_at')
    op.drop_table('audit_entry')

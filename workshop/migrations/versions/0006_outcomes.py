"""outcomes: decisions, series of workshops, archive and restore, a workshop's time zone

Revision ID: 7b2f4c61a07f
Revises: 6b2d8e4f1a90
Create Date: 2026-12-02 08:11:57.242562

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b2f4c61a07f'
down_revision = '6b2d8e4f1a90'
branch_labels = None
depends_on = None


# Adding a foreign key makes SQLite rebuild the table, and the rebuilt one would hand out a
# deleted row's id again unless told not to (models.NEVER_REUSE_IDS).
_KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade():
    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_series_facilitator_id_facilitator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_facilitator_id'), ['facilitator_id'], unique=False)

    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=True),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('owner_name', sa.String(length=120), nullable=False),
    sa.Column('owner_type', sa.String(length=16), nullable=False),
    sa.Column('next_step', sa.String(length=500), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("outcome IN ('pilot', 'investigate', 'park', 'already_done')", name=op.f('ck_decision_decision_outcome_known')),
    sa.CheckConstraint("owner_type = '' OR owner_type IN ('city', 'company', 'research', 'citizen', 'other')", name=op.f('ck_decision_decision_owner_type_known')),
    sa.CheckConstraint('(idea_id IS NULL) <> (cluster_id IS NULL)', name=op.f('ck_decision_decision_on_idea_or_cluster')),
    sa.ForeignKeyConstraint(['cluster_id'], ['cluster.id'], name=op.f('fk_decision_cluster_id_cluster'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by'], ['facilitator.id'], name=op.f('fk_decision_decided_by_facilitator'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_decision_idea_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_decision_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision')),
    sa.UniqueConstraint('workshop_id', 'cluster_id', name='decision_once_per_cluster'),
    sa.UniqueConstraint('workshop_id', 'idea_id', name='decision_once_per_idea'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_workshop_id'), ['workshop_id'], unique=False)

    with op.batch_alter_table('workshop', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), server_default='Europe/Helsinki', nullable=False))
        batch_op.add_column(sa.Column('results_public', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('restored_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_workshop_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_workshop_series_id_series'), 'series', ['series_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('workshop', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_workshop_series_id_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_workshop_series_id'))
        batch_op.drop_column('restored_at')
        batch_op.drop_column('archived_at')
        batch_op.drop_column('results_public')
        batch_op.drop_column('time_zone')
        batch_op.drop_column('series_id')

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_workshop_id'))

    op.drop_table('decision')
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_facilitator_id'))

    op.drop_table('series')

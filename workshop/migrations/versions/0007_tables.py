"""tables: breakout tables, seats and hosts, brainstorms at tables, paper notes, hand votes

Revision ID: 8c3e5d72b1f4
Revises: 7b2f4c61a07f
Create Date: 2026-12-02 13:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c3e5d72b1f4'
down_revision = '7b2f4c61a07f'
branch_labels = None
depends_on = None


# Adding a foreign key makes SQLite rebuild the table, and the rebuilt one would hand out a
# deleted row's id again unless told not to (models.NEVER_REUSE_IDS).
_KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade():
    op.create_table('workshop_table',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), server_default='0', nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_workshop_table_table_sequence_not_negative')),
    sa.ForeignKeyConstraint(['host_id'], ['participant.id'], name=op.f('fk_workshop_table_host_id_participant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_workshop_table_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_table')),
    sa.UniqueConstraint('workshop_id', 'client_key', name='table_client_key_once'),
    sa.UniqueConstraint('workshop_id', 'name', name='table_name_once'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('workshop_table', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_table_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('hand_tally',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('hands', sa.Integer(), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('hands >= 1', name=op.f('ck_hand_tally_hand_tally_hands_positive')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_hand_tally_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by'], ['facilitator.id'], name=op.f('fk_hand_tally_entered_by_facilitator'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_hand_tally_idea_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_hand_tally_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hand_tally')),
    sa.UniqueConstraint('activity_id', 'idea_id', name='hand_tally_once_per_idea'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('hand_tally', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hand_tally_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hand_tally_workshop_id'), ['workshop_id'], unique=False)

    with op.batch_alter_table('workshop', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('tables_by_choice', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('activity', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('at_tables', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('merged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('duplicates', sa.JSON(), nullable=True))

    with op.batch_alter_table('participant', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('table_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('on_paper', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_participant_table_id'), ['table_id'], unique=False)
        batch_op.create_foreign_key('fk_participant_table', 'workshop_table', ['table_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('cluster', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('table_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cluster_table_id_workshop_table'), 'workshop_table', ['table_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('idea', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('table_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('entered_by_facilitator_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('entered_by_participant_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_idea_table_id'), ['table_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_idea_table_id_workshop_table'), 'workshop_table', ['table_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_idea_entered_by_facilitator_id_facilitator'), 'facilitator', ['entered_by_facilitator_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_idea_entered_by_participant_id_participant'), 'participant', ['entered_by_participant_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('idea', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_idea_entered_by_participant_id_participant'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_idea_entered_by_facilitator_id_facilitator'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_idea_table_id_workshop_table'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_idea_table_id'))
        batch_op.drop_column('entered_by_participant_id')
        batch_op.drop_column('entered_by_facilitator_id')
        batch_op.drop_column('table_id')

    with op.batch_alter_table('cluster', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cluster_table_id_workshop_table'), type_='foreignkey')
        batch_op.drop_column('table_id')

    with op.batch_alter_table('participant', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_constraint('fk_participant_table', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_participant_table_id'))
        batch_op.drop_column('on_paper')
        batch_op.drop_column('table_id')

    with op.batch_alter_table('activity', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_column('duplicates')
        batch_op.drop_column('merged_at')
        batch_op.drop_column('at_tables')

    with op.batch_alter_table('workshop', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_column('tables_by_choice')

    with op.batch_alter_table('hand_tally', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hand_tally_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_hand_tally_idea_id'))

    op.drop_table('hand_tally')
    with op.batch_alter_table('workshop_table', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_table_workshop_id'))

    op.drop_table('workshop_table')

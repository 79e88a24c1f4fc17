"""a workshop is an agenda of activities; merges, co-facilitators, method templates

Revision ID: 6b2d8e4f1a90
Revises: 3c9e5f2a7d61
Create Date: 2026-12-02 04:29:46.341108

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6b2d8e4f1a90'
down_revision = '3c9e5f2a7d61'
branch_labels = None
depends_on = None


# Adding a foreign key makes SQLite rebuild the table, and the rebuilt one would hand out a
# deleted row's id again unless told not to (models.NEVER_REUSE_IDS).
_KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade():
    op.create_table('method_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_method_template_facilitator_id_facilitator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_method_template')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('method_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_method_template_facilitator_id'), ['facilitator_id'], unique=False)

    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('prompt', sa.String(length=500), nullable=False),
    sa.Column('duration_seconds', sa.Integer(), nullable=True),
    sa.Column('closes_when_time_up', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('private', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('revealed_at', sa.DateTime(), nullable=True),
    sa.Column('vote_budget', sa.Integer(), nullable=True),
    sa.Column('votes_per_idea', sa.Integer(), nullable=True),
    sa.Column('source_activity_id', sa.Integer(), nullable=True),
    sa.Column('cluster_ids', sa.JSON(), nullable=True),
    sa.Column('timer_deadline', sa.DateTime(), nullable=True),
    sa.Column('timer_remaining_ms', sa.Integer(), nullable=True),
    sa.Column('time_up_at', sa.DateTime(), nullable=True),
    sa.Column('client_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('welcome', 'brainstorm', 'group', 'vote', 'results', 'discussion')", name=op.f('ck_activity_activity_kind_known')),
    sa.CheckConstraint('NOT (timer_deadline IS NOT NULL AND timer_remaining_ms IS NOT NULL)', name=op.f('ck_activity_activity_timer_running_or_paused')),
    sa.CheckConstraint('duration_seconds IS NULL OR duration_seconds >= 1', name=op.f('ck_activity_activity_duration_positive')),
    sa.CheckConstraint('vote_budget IS NULL OR vote_budget >= 1', name=op.f('ck_activity_activity_budget_positive')),
    sa.CheckConstraint('votes_per_idea IS NULL OR (votes_per_idea >= 1 AND votes_per_idea <= vote_budget)', name=op.f('ck_activity_activity_cap_in_budget')),
    sa.ForeignKeyConstraint(['source_activity_id'], ['activity.id'], name=op.f('fk_activity_source_activity_id_activity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_activity_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity')),
    sa.UniqueConstraint('workshop_id', 'client_key', name='activity_client_key_once'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index('ix_activity_timer_deadline', ['timer_deadline'], unique=False)
        batch_op.create_index('ix_activity_workshop_position', ['workshop_id', 'position'], unique=False)

    op.create_table('workshop_facilitator',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_workshop_facilitator_facilitator_id_facilitator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_workshop_facilitator_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workshop_id', 'facilitator_id', name=op.f('pk_workshop_facilitator'))
    )
    with op.batch_alter_table('workshop_facilitator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_facilitator_facilitator_id'), ['facilitator_id'], unique=False)

    op.create_table('idea_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('into_idea_id', sa.Integer(), nullable=False),
    sa.Column('text_before', sa.Text(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['into_idea_id'], ['idea.id'], name=op.f('fk_idea_merge_into_idea_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_idea_merge_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_merge')),
    sa.UniqueConstraint('workshop_id', 'client_key', name='idea_merge_client_key_once'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('idea_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_merge_workshop_id'), ['workshop_id'], unique=False)

    with op.batch_alter_table('cluster', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('activity_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cluster_activity_id_activity'), 'activity', ['activity_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('facilitator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_admin', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('idea', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('activity_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('edited_by_facilitator', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('merge_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_idea_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_merge_id'), ['merge_id'], unique=False)
        batch_op.create_foreign_key('fk_idea_merge', 'idea_merge', ['merge_id'], ['id'], ondelete='SET NULL', use_alter=True)
        batch_op.create_foreign_key(batch_op.f('fk_idea_activity_id_activity'), 'activity', ['activity_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('vote', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('activity_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merge_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cast_on_idea_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_vote_activity_id'), ['activity_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_vote_activity_id_activity'), 'activity', ['activity_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_vote_merge_id_idea_merge'), 'idea_merge', ['merge_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('workshop', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('current_activity_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('input_paused', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('anonymous', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('closes_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_workshop_current_activity', 'activity', ['current_activity_id'], ['id'], ondelete='SET NULL', use_alter=True)

    _agendas_for_existing_workshops()


# A workshop from before agendas had one question and phases; it gets the agenda those
# phases were, standing where its phase stood, and its ideas, clusters and votes belong to it.
_TITLES = {
    "fi": ("Tervetuloa", "Ideointi", "Ryhmittely", "Äänestys", "Tulokset"),
    "sv": ("Välkommen", "Idéer", "Gruppering", "Röstning", "Resultat"),
    "en": ("Welcome", "Brainstorm", "Grouping", "Vote", "Results"),
}
_KIND_OF_PHASE = {"lobby": "welcome", "posting": "brainstorm", "grouping": "group",
                  "voting": "vote", "results": "results"}


def _agendas_for_existing_workshops():
    connection = op.get_bind()
    workshop = sa.table('workshop', sa.column('id'), sa.column('question'), sa.column('phase'),
                        sa.column('vote_budget'), sa.column('votes_per_idea'),
                        sa.column('language'), sa.column('created_at'),
                        sa.column('current_activity_id'))
    activity = sa.table('activity', sa.column('id'), sa.column('workshop_id'),
                        sa.column('position'), sa.column('kind'), sa.column('title'),
                        sa.column('prompt'), sa.column('vote_budget'),
                        sa.column('votes_per_idea'), sa.column('created_at'))
    facilitator = sa.table('facilitator', sa.column('id'), sa.column('is_admin'))
    rows = connection.execute(sa.select(workshop.c.id, workshop.c.question, workshop.c.phase,
                                        workshop.c.vote_budget, workshop.c.votes_per_idea,
                                        workshop.c.language, workshop.c.created_at)).all()
    for row in rows:
        titles = _TITLES.get(row.language, _TITLES["en"])
        ids = {}
        for position, (kind, title) in enumerate(zip(
                ("welcome", "brainstorm", "group", "vote", "results"), titles)):
            voting = kind == "vote"
            ids[kind] = connection.execute(activity.insert().values(
                workshop_id=row.id, position=position, kind=kind, title=title,
                prompt=row.question if kind == "brainstorm" else "",
                vote_budget=row.vote_budget if voting else None,
                votes_per_idea=row.votes_per_idea if voting else None,
                created_at=row.created_at,
            ).returning(activity.c.id)).scalar_one()
        connection.execute(workshop.update().where(workshop.c.id == row.id).values(
            current_activity_id=ids[_KIND_OF_PHASE.get(row.phase, "brainstorm")]))
        for table in ("idea", "cluster"):
            connection.execute(sa.text(f"UPDATE {table} SET activity_id = :a "
                                       "WHERE workshop_id = :w"),
                               {"a": ids["brainstorm"], "w": row.id})
        connection.execute(sa.text("UPDATE vote SET activity_id = :a WHERE workshop_id = :w"),
                           {"a": ids["vote"], "w": row.id})
    # Whoever set the installation up administers it.
    first = connection.execute(sa.select(sa.func.min(facilitator.c.id))).scalar()
    if first is not None:
        connection.execute(facilitator.update().where(facilitator.c.id == first)
                           .values(is_admin=True))


def downgrade():
    with op.batch_alter_table('workshop', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_constraint('fk_workshop_current_activity', type_='foreignkey')
        batch_op.drop_column('closes_at')
        batch_op.drop_column('anonymous')
        batch_op.drop_column('input_paused')
        batch_op.drop_column('current_activity_id')

    with op.batch_alter_table('vote', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_vote_merge_id_idea_merge'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_vote_activity_id_activity'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_vote_activity_id'))
        batch_op.drop_column('cast_on_idea_id')
        batch_op.drop_column('merge_id')
        batch_op.drop_column('activity_id')

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_column('removed_at')

    with op.batch_alter_table('idea', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_idea_activity_id_activity'), type_='foreignkey')
        batch_op.drop_constraint('fk_idea_merge', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_idea_merge_id'))
        batch_op.drop_index(batch_op.f('ix_idea_activity_id'))
        batch_op.drop_column('merge_id')
        batch_op.drop_column('edited_by_facilitator')
        batch_op.drop_column('activity_id')

    with op.batch_alter_table('facilitator', schema=None) as batch_op:
        batch_op.drop_column('is_admin')

    with op.batch_alter_table('cluster', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cluster_activity_id_activity'), type_='foreignkey')
        batch_op.drop_column('activity_id')

    with op.batch_alter_table('idea_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_merge_workshop_id'))

    op.drop_table('idea_merge')
    with op.batch_alter_table('workshop_facilitator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_facilitator_facilitator_id'))

    op.drop_table('workshop_facilitator')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_workshop_position')
        batch_op.drop_index('ix_activity_timer_deadline')

    op.drop_table('activity')
    with op.batch_alter_table('method_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_method_template_facilitator_id'))

    op.drop_table('method_template')

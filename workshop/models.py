"""What Tupa stores: facilitators, workshops, participants, ideas, clusters and votes.

Invariants that must hold whatever the code does live in the database as named constraints.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .domain.agenda import ACTIVITY_TITLE_MAX_LENGTH, PROMPT_MAX_LENGTH, ActivityKind
from .domain.decisions import NEXT_STEP_MAX_LENGTH, Outcome
from .domain.ideas import CLUSTER_NAME_MAX_LENGTH, IDEA_MAX_LENGTH
from .domain.people import NICKNAME_MAX_LENGTH, ORGANISATION_NAME_MAX_LENGTH, OrganisationType
from .domain.phases import Phase
from .domain.series import SERIES_NAME_MAX_LENGTH
from .domain.tables import TABLE_NAME_MAX_LENGTH
from .domain.text import CLIENT_KEY_MAX_LENGTH
from .domain.workshops import QUESTION_MAX_LENGTH, TITLE_MAX_LENGTH
from .extensions import db


def utcnow() -> datetime:
    """Now, in UTC, as every stored timestamp is."""
    return datetime.now(UTC)


class UTCDateTime(db.TypeDecorator):
    """Timestamps stored naive in UTC (SQLite has no zones) and read back aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


# SQLite hands out a deleted row's id again unless told not to; a phone still holding the
# old id (in its outbox, say) would then act on someone else's idea.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}

_phases = ", ".join(f"'{p.value}'" for p in Phase)
_kinds = ", ".join(f"'{k.value}'" for k in ActivityKind)
_outcomes = ", ".join(f"'{o.value}'" for o in Outcome)
_organisation_types = ", ".join(f"'{t.value}'" for t in OrganisationType)


class Facilitator(db.Model):
    """A signed-in person who creates and runs workshops."""

    __tablename__ = "facilitator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A browser's sign-in carries this number; moving it on ends every session of the account.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A deactivated account cannot sign in; its workshops stay.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Administers the installation: lists, creates and deactivates facilitator accounts.
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())

    workshops: Mapped[list[Workshop]] = relationship(back_populates="facilitator")


class SetupToken(db.Model):
    """A one-time link that lets the first facilitator choose a name and password."""

    __tablename__ = "setup_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Workshop(db.Model):
    """One session in the room: a join code, an agenda of activities, and its ideas.

    The room's state that every participant's command checks lives on this row, which the
    command holds anyway: the phase of the current activity, whether input is paused, and
    when the current activity's timer closes input. Moving to another activity or changing
    its timer sets them together (services/agenda.py, services/timer.py).
    """

    __tablename__ = "workshop"
    __table_args__ = (
        CheckConstraint(f"phase IN ({_phases})", name="phase_known"),
        CheckConstraint("vote_budget >= 1", name="vote_budget_positive"),
        CheckConstraint(
            "votes_per_idea >= 1 AND votes_per_idea <= vote_budget", name="votes_per_idea_in_budget"
        ),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(
        ForeignKey("facilitator.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    question: Mapped[str] = mapped_column(String(QUESTION_MAX_LENGTH))
    join_code: Mapped[str] = mapped_column(String(8), unique=True)
    phase: Mapped[str] = mapped_column(String(16), default=Phase.POSTING.value)
    vote_budget: Mapped[int] = mapped_column(Integer, default=5)
    votes_per_idea: Mapped[int] = mapped_column(Integer, default=5)
    language: Mapped[str] = mapped_column(String(8), default="fi")
    # Closed to new participants; those who joined before stay in.
    joins_locked: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Every fact told to the workshop carries the next number, so a client sees a gap.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    current_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id", ondelete="SET NULL", use_alter=True,
                   name="fk_workshop_current_activity"), nullable=True)
    # The facilitator stopped all input from the room (posting, editing, voting).
    input_paused: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Nicknames are neither asked for nor shown.
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When the current activity's running timer closes its input, if it is set to.
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # One programme run in several places; its organiser compares them (web/series.py).
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("series.id", ondelete="SET NULL"), nullable=True, index=True)
    # An IANA name: exports and the report show times as the room's clocks showed them.
    time_zone: Mapped[str] = mapped_column(
        String(64), default="Europe/Helsinki", server_default="Europe/Helsinki")
    # Participants see the decisions, and after the workshop a read-only results page.
    results_public: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Archived: read-only and out of the main list. Restored: imported from a JSON export.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Participants choose their own table on their phones (else the facilitator seats them).
    tables_by_choice: Mapped[bool] = mapped_column(default=False, server_default=false())

    facilitator: Mapped[Facilitator] = relationship(back_populates="workshops")


class Activity(db.Model):
    """One step of a workshop's agenda: its kind, its words, its settings and its timer.

    The timer stores a deadline, not a countdown: every screen counts down to it from its
    own clock, and it survives a restart. Paused, it stores what was left instead.
    """

    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_kinds})", name="activity_kind_known"),
        CheckConstraint("duration_seconds IS NULL OR duration_seconds >= 1",
                        name="activity_duration_positive"),
        CheckConstraint("vote_budget IS NULL OR vote_budget >= 1", name="activity_budget_positive"),
        CheckConstraint("votes_per_idea IS NULL OR (votes_per_idea >= 1 "
                        "AND votes_per_idea <= vote_budget)", name="activity_cap_in_budget"),
        CheckConstraint("NOT (timer_deadline IS NOT NULL AND timer_remaining_ms IS NOT NULL)",
                        name="activity_timer_running_or_paused"),
        UniqueConstraint("workshop_id", "client_key", name="activity_client_key_once"),
        Index("ix_activity_workshop_position", "workshop_id", "position"),
        Index("ix_activity_timer_deadline", "timer_deadline"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(ACTIVITY_TITLE_MAX_LENGTH))
    prompt: Mapped[str] = mapped_column(String(PROMPT_MAX_LENGTH), default="")
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    closes_when_time_up: Mapped[bool] = mapped_column(default=False, server_default=false())
    # brainstorm: each participant sees only their own ideas until revealed_at.
    private: Mapped[bool] = mapped_column(default=False, server_default=false())
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # brainstorm: each table sees only its own ideas until merged into the plenary.
    at_tables: Mapped[bool] = mapped_column(default=False, server_default=false())
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The likely duplicates across its tables, found once when they were merged: every
    # board's snapshot reads them, and finding them is the merge's one moment of real CPU.
    duplicates: Mapped[list | None] = mapped_column(JSON, nullable=True)
    # vote: the budget and cap; group, vote, results: the activity whose ideas or votes
    # they take (None: all questions, or for results the last vote before it).
    vote_budget: Mapped[int | None] = mapped_column(Integer, nullable=True)
    votes_per_idea: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id", ondelete="SET NULL"), nullable=True)
    # vote: only the ideas of these clusters (None: every idea of the source).
    cluster_ids: Mapped[list | None] = mapped_column(JSON, nullable=True)
    timer_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    timer_remaining_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Set once, by whichever process first sees the deadline pass (services/timer.py).
    time_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    client_key: Mapped[str | None] = mapped_column(String(CLIENT_KEY_MAX_LENGTH), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkshopFacilitator(db.Model):
    """Another facilitator account the owner invited to run a workshop with them."""

    __tablename__ = "workshop_facilitator"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(
        ForeignKey("facilitator.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MethodTemplate(db.Model):
    """A facilitator's own method: an agenda saved to start new workshops from."""

    __tablename__ = "method_template"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(
        ForeignKey("facilitator.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    language: Mapped[str] = mapped_column(String(8))
    # The method as its JSON file holds it (domain/methods.py checks it).
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Participant(db.Model):
    """Someone in the room on a phone, known only by a token their browser keeps."""

    __tablename__ = "participant"
    __table_args__ = (
        CheckConstraint(f"organisation_type IN ({_organisation_types})",
                        name="organisation_type_known"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    # Only a hash is kept: a copy of the database does not let anyone act as a participant.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nickname: Mapped[str] = mapped_column(String(NICKNAME_MAX_LENGTH), default="")
    organisation_type: Mapped[str] = mapped_column(String(16))
    organisation_name: Mapped[str] = mapped_column(
        String(ORGANISATION_NAME_MAX_LENGTH), default=""
    )
    language: Mapped[str] = mapped_column(String(8), default="")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Removed by a facilitator: the token no longer works; the row stays for their ideas.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Where they sit (tables.py).
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_table.id", ondelete="SET NULL", use_alter=True,
                   name="fk_participant_table"), nullable=True, index=True)
    # Not a person: the author of ideas typed in from paper notes, one per table and
    # organisation type (services/paper.py). No token opens it; it is never counted.
    on_paper: Mapped[bool] = mapped_column(default=False, server_default=false())


class Table(db.Model):
    """A table in the room: its people brainstorm together, apart from the other tables.

    Its own fact number lets its phones see a gap in what only they are told.
    """

    __tablename__ = "workshop_table"
    __table_args__ = (
        UniqueConstraint("workshop_id", "client_key", name="table_client_key_once"),
        UniqueConstraint("workshop_id", "name", name="table_name_once"),
        CheckConstraint("sequence >= 0", name="table_sequence_not_negative"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(TABLE_NAME_MAX_LENGTH))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A participant the facilitator named: groups the table's ideas, types in its paper notes.
    host_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), nullable=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    client_key: Mapped[str] = mapped_column(String(CLIENT_KEY_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Cluster(db.Model):
    """A group of related ideas, made and named by the facilitator."""

    __tablename__ = "cluster"
    __table_args__ = (
        UniqueConstraint("workshop_id", "client_key", name="cluster_client_key_once"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    # The brainstorm whose ideas it groups (None: from before agendas, or across questions).
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id", ondelete="SET NULL"), nullable=True)
    # A table's own group, made at the table during a brainstorm at tables.
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_table.id", ondelete="SET NULL"), nullable=True)
    name: Mapped[str] = mapped_column(String(CLUSTER_NAME_MAX_LENGTH))
    position: Mapped[int] = mapped_column(Integer, default=0)
    client_key: Mapped[str] = mapped_column(String(CLIENT_KEY_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Idea(db.Model):
    """One idea a participant posted."""

    __tablename__ = "idea"
    __table_args__ = (
        UniqueConstraint("participant_id", "client_key", name="idea_client_key_once"),
        CheckConstraint(f"length(text) BETWEEN 1 AND {IDEA_MAX_LENGTH}", name="idea_text_length"),
        Index("ix_idea_workshop_cluster", "workshop_id", "cluster_id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("cluster.id", ondelete="SET NULL"), nullable=True
    )
    # The brainstorm whose question it answers.
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id", ondelete="SET NULL"), nullable=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(default=False)
    client_key: Mapped[str] = mapped_column(String(CLIENT_KEY_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    edited_by_facilitator: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Merged into another idea: off every screen until the merge is undone.
    merge_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea_merge.id", ondelete="SET NULL", use_alter=True,
                   name="fk_idea_merge"), nullable=True, index=True)
    # The table it was posted at, kept when the tables merge into the plenary.
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_table.id", ondelete="SET NULL"), nullable=True, index=True)
    # Typed in from a paper note, by a facilitator or a table's host (services/paper.py).
    entered_by_facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilitator.id", ondelete="SET NULL"), nullable=True)
    entered_by_participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), nullable=True)

    participant: Mapped[Participant] = relationship(foreign_keys=[participant_id])


class Vote(db.Model):
    """One of a participant's votes on one idea; several may stand on the same idea."""

    __tablename__ = "vote"
    __table_args__ = (
        UniqueConstraint("participant_id", "client_key", name="vote_client_key_once"),
        Index("ix_vote_participant_idea", "participant_id", "idea_id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    # The vote activity it was cast in: each has its own budget.
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), nullable=True, index=True)
    client_key: Mapped[str] = mapped_column(String(CLIENT_KEY_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moved onto the merged idea by a merge, from the idea it was cast on, for its undoing.
    merge_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea_merge.id", ondelete="SET NULL"), nullable=True)
    cast_on_idea_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class IdeaMerge(db.Model):
    """Ideas that say the same thing, merged by a facilitator into one that stays.

    The merged ones keep their rows (merge_id set), and moved votes remember where they
    were cast, so the merge can be undone.
    """

    __tablename__ = "idea_merge"
    __table_args__ = (
        UniqueConstraint("workshop_id", "client_key", name="idea_merge_client_key_once"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    into_idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    text_before: Mapped[str] = mapped_column(Text)
    client_key: Mapped[str] = mapped_column(String(CLIENT_KEY_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Series(db.Model):
    """Workshops of one programme, e.g. the same theme run in six cities."""

    __tablename__ = "series"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(
        ForeignKey("facilitator.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(SERIES_NAME_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Decision(db.Model):
    """What is done next with one idea or one cluster, by whom and by when.

    One decision per idea or cluster: setting it again replaces it, so a re-sent command
    changes nothing twice.
    """

    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint(f"outcome IN ({_outcomes})", name="decision_outcome_known"),
        CheckConstraint("(idea_id IS NULL) <> (cluster_id IS NULL)",
                        name="decision_on_idea_or_cluster"),
        CheckConstraint(f"owner_type = '' OR owner_type IN ({_organisation_types})",
                        name="decision_owner_type_known"),
        UniqueConstraint("workshop_id", "idea_id", name="decision_once_per_idea"),
        UniqueConstraint("workshop_id", "cluster_id", name="decision_once_per_cluster"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea.id", ondelete="CASCADE"), nullable=True)
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("cluster.id", ondelete="CASCADE"), nullable=True)
    outcome: Mapped[str] = mapped_column(String(16))
    owner_name: Mapped[str] = mapped_column(String(ORGANISATION_NAME_MAX_LENGTH), default="")
    owner_type: Mapped[str] = mapped_column(String(16), default="")
    next_step: Mapped[str] = mapped_column(String(NEXT_STEP_MAX_LENGTH), default="")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("facilitator.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HandTally(db.Model):
    """Hands raised for one idea in one vote, counted by the facilitator in the room.

    Kept apart from the phones' votes: results show both and their sum, never one as the other.
    """

    __tablename__ = "hand_tally"
    __table_args__ = (
        CheckConstraint("hands >= 1", name="hand_tally_hands_positive"),
        UniqueConstraint("activity_id", "idea_id", name="hand_tally_once_per_idea"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    hands: Mapped[int] = mapped_column(Integer)
    entered_by: Mapped[int | None] = mapped_column(
        ForeignKey("facilitator.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Presence(db.Model):
    """One open connection of a participant, so every process can count who is online."""

    __tablename__ = "presence"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    server: Mapped[str] = mapped_column(String(128), index=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FactLog(db.Model):
    """The facts told to a workshop, by sequence number, so a phone back online catches up."""

    __tablename__ = "fact_log"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True
    )
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(db.Model):
    """One change made to a workshop: who, which command, on what, when, and what it replaced.

    Unlike the fact log it is never cut short. It outlives the people it names: erasing a
    participant pseudonymises their rows instead of deleting them (services/audit.py). Its
    ids are plain numbers, not foreign keys, for the same reason.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_workshop_at", "workshop_id", "id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who: a facilitator's account, or a participant (shown as the exports' pN).
    facilitator_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    participant_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    command: Mapped[str] = mapped_column(String(40))
    objects: Mapped[dict] = mapped_column(JSON)
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # The participant whose words `before` or `after` hold, so that erasing them reaches it.
    subject_participant_id: Mapped[int | None] = mapped_column(Integer, nullable=True,
                                                               index=True)

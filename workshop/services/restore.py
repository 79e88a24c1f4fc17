"""Restoring a workshop from its JSON export: a new, closed, archived workshop of the importer.

The file was checked whole before this runs (reports/restore.py `read_export`); this writes
it in the caller's one transaction, so a failure leaves nothing behind. Everything gets new
ids; people become pseudonymous rows whose token nobody holds (a random hash), so nobody
can act as them; the workshop gets a fresh join code, joins locked, and is archived.

What the round trip export -> restore -> export keeps, and what differs by nature:

- Equal: every text, setting, flag, time stamp (created_at, joined_at, posted and edited
  times, vote and audit times), the phase and pause, the order of everything, pseudonyms,
  organisation types and names, clusters and their members in order, merged ideas, votes,
  decisions and the counts, and the audit log's rows as written (their objects keep the
  ids of where they came from, and the facilitator numbers too: the record of who did what
  there).
- New: every id (the workshop's, the agenda's, ideas', clusters', decisions', the audit
  rows'), and every reference to them; `workshop.join_code`; `exported_at`.
- By nature: `workshop.joins_locked` is true (nobody joins a restored workshop); the audit
  log ends with one more row, `workshop.restore`, by the importer; a decision's
  `decided_by`, a hand tally's `entered_by` and an idea's `entered_by` naming a facilitator
  are null (each named an account of another installation; the idea stays "entered on
  behalf", its author being a stand-in, and the log's `idea.enter` row still names them);
  an activity's `cluster_ids` leave out clusters deleted before the export (the file has no
  such cluster to restore).

Tables, seats, hosts, the stand-in authors of paper notes, the table of every idea and
cluster, who typed a note in (a table host), brainstorms at tables and when they were merged,
and the hand tallies come back as they were.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.codes import new_join_code
from ..domain.errors import DomainError
from ..domain.protocol import Fact
from ..models import (
    Activity,
    AuditEntry,
    Cluster,
    Decision,
    Facilitator,
    HandTally,
    Idea,
    IdeaMerge,
    Participant,
    Table,
    Vote,
    Workshop,
    utcnow,
)
from ..reports.restore import Restorable
from . import audit
from .access import Actor


def restore_workshop(session: Session, facilitator: Facilitator,
                     restorable: Restorable) -> tuple[Workshop, list[Fact]]:
    """Write a checked export as a new archived workshop owned by `facilitator`.

    Nobody is told: nobody is in it, and nobody can join it.
    """
    document, time = restorable.document, restorable.time
    now = utcnow()
    workshop = _new_workshop(session, facilitator, document["workshop"], time, now)
    activities = _activities(session, workshop, document["agenda"], time, now)
    tables = _tables(session, workshop, document.get("tables", []), now)
    clusters = _clusters(session, workshop, document["clusters"], activities, tables, now)
    for entry in document["agenda"]:
        activity = activities[entry["id"]]
        activity.source_activity_id = activities[entry["source_activity_id"]].id \
            if entry["source_activity_id"] is not None else None
        if entry["cluster_ids"] is not None:
            activity.cluster_ids = [clusters[c].id for c in entry["cluster_ids"] if c in clusters]
    current = document["workshop"]["current_activity_id"]
    workshop.current_activity_id = activities[current].id if current is not None else None
    session.flush()
    people = _participants(session, workshop, document["participants"], tables, time)
    for entry in document.get("tables", []):
        if entry["host"] is not None:
            tables[entry["id"]].host_id = people[entry["host"]]
    ideas = _ideas(session, workshop, document, people, activities, clusters, tables, time)
    _votes(session, workshop, document["votes"], people, ideas, activities, time)
    _hand_tallies(session, workshop, document.get("hand_tallies", []), ideas, activities, time)
    _decisions(session, workshop, document.get("decisions", []), ideas, clusters, time)
    _audit_rows(session, workshop, document["audit_log"], people, time)
    audit.record(session, Actor(workshop.id, facilitator_id=facilitator.id), "workshop.restore",
                 {"workshop_id": workshop.id},
                 after={"title": workshop.title, "from_workshop_id": document["workshop"]["id"],
                        "exported_at": document["exported_at"]})
    session.flush()
    return workshop, []


def _new_workshop(session: Session, facilitator: Facilitator, data: dict, time,
                  now: datetime) -> Workshop:
    for _attempt in range(5):
        workshop = Workshop(
            facilitator_id=facilitator.id, title=data["title"], question=data["question"],
            join_code=new_join_code(), phase=data["phase"], vote_budget=data["vote_budget"],
            votes_per_idea=data["votes_per_idea"], language=data["language"],
            joins_locked=True, sequence=0, created_at=time("workshop.created_at"),
            input_paused=data["input_paused"], anonymous=data["anonymous"],
            time_zone=data.get("time_zone", "Europe/Helsinki"),
            results_public=data.get("results_public", True),
            tables_by_choice=data.get("tables_by_choice", False),
            archived_at=now, restored_at=now,
        )
        try:
            with session.begin_nested():
                session.add(workshop)
        except IntegrityError:
            continue  # 40 bits rarely collide; when they do, draw again
        return workshop
    raise DomainError("join_code_exhausted", "could not draw a free join code")


def _activities(session: Session, workshop: Workshop, agenda: list[dict], time,
                now: datetime) -> dict[int, Activity]:
    made = {}
    for index, entry in enumerate(agenda):
        activity = Activity(
            workshop_id=workshop.id, position=entry["position"], kind=entry["kind"],
            title=entry["title"], prompt=entry["prompt"],
            duration_seconds=entry["duration_seconds"],
            closes_when_time_up=entry["closes_when_time_up"], private=entry["private"],
            # The file says only whether it was revealed: the restore is when it was.
            revealed_at=now if entry["revealed"] else None,
            vote_budget=entry["vote_budget"], votes_per_idea=entry["votes_per_idea"],
            at_tables=entry.get("at_tables", False),
            merged_at=time(f"agenda[{index}].merged_at"),
            created_at=now,
        )
        session.add(activity)
        made[entry["id"]] = activity
    session.flush()
    return made


def _tables(session: Session, workshop: Workshop, tables: list[dict],
            now: datetime) -> dict[int, Table]:
    made = {}
    for entry in tables:
        # Its host is set once the people are there; its own fact number starts again.
        table = Table(workshop_id=workshop.id, name=entry["name"], position=entry["position"],
                      sequence=0, client_key=f"restored-{entry['id']}", created_at=now)
        session.add(table)
        made[entry["id"]] = table
    session.flush()
    return made


def _clusters(session: Session, workshop: Workshop, clusters: list[dict],
              activities: dict[int, Activity], tables: dict[int, Table],
              now: datetime) -> dict[int, Cluster]:
    made = {}
    for entry in clusters:
        cluster = Cluster(
            workshop_id=workshop.id, name=entry["name"], position=entry["position"],
            activity_id=_mapped(activities, entry["activity_id"]),
            table_id=_mapped(tables, entry.get("table_id")),
            client_key=f"restored-{entry['id']}", created_at=now)
        session.add(cluster)
        made[entry["id"]] = cluster
    session.flush()
    return made


def _participants(session: Session, workshop: Workshop, people: list[dict],
                  tables: dict[int, Table], time) -> dict[str, int]:
    if not people:
        return {}
    rows = [{
        "workshop_id": workshop.id,
        # A hash of nothing anybody holds: no browser can act as a restored participant.
        "token_hash": secrets.token_hex(32),
        "nickname": "",
        "organisation_type": person["organisation_type"],
        "organisation_name": person["organisation_name"],
        "language": "",
        "joined_at": time(f"participants[{index}].joined_at"),
        "table_id": _mapped(tables, person.get("table_id")),
        "on_paper": person.get("on_paper", False),
    } for index, person in enumerate(people)]
    ids = _inserted(session, Participant, rows)
    return {person["pseudonym"]: new_id for person, new_id in zip(people, ids, strict=True)}


def _ideas(session: Session, workshop: Workshop, document: dict, people: dict[str, int],
           activities: dict[int, Activity], clusters: dict[int, Cluster],
           tables: dict[int, Table], time) -> dict[int, int]:
    positions = {idea_id: index for cluster in document["clusters"]
                 for index, idea_id in enumerate(cluster["idea_ids"])}
    rows: list[tuple[int, dict]] = []
    merges: dict[int, list[int]] = {}
    for index, idea in enumerate(document["ideas"]):
        created = time(f"ideas[{index}].created_at")
        activity_id = _mapped(activities, idea["activity_id"])
        rows.append((idea["id"], {
            "participant_id": people[idea["participant"]], "text": idea["text"],
            "activity_id": activity_id, "hidden": idea["hidden"],
            "cluster_id": _mapped(clusters, idea["cluster_id"]),
            "position": positions.get(idea["id"], 0), "created_at": created,
            "edited_at": time(f"ideas[{index}].edited_at"),
            "edited_by_facilitator": idea["edited_by_facilitator"],
            "table_id": _mapped(tables, idea.get("table_id")),
            # A host of the file is a participant here too; a facilitator's account is not.
            "entered_by_participant_id": people.get(
                (idea.get("entered_by") or {}).get("participant")),
        }))
        for other in idea["merged_ideas"]:
            # The file keeps only its words and author: it stood where the idea it joined does.
            rows.append((other["id"], {
                "participant_id": people[other["participant"]], "text": other["text"],
                "activity_id": activity_id, "hidden": False, "cluster_id": None,
                "position": 0, "created_at": created, "edited_at": None,
                "edited_by_facilitator": False,
                "table_id": _mapped(tables, other.get("table_id")),
                "entered_by_participant_id": None,
            }))
            merges.setdefault(idea["id"], []).append(other["id"])
    # In the order of the file's ids, so that the new ids keep the order exports list.
    rows.sort(key=lambda row: row[0])
    ids = _inserted(session, Idea, [{**row, "workshop_id": workshop.id,
                                     "client_key": f"restored-{old_id}"}
                                    for old_id, row in rows])
    mapped = {old_id: new_id for (old_id, _row), new_id in zip(rows, ids, strict=True)}
    texts = {idea["id"]: idea["text"] for idea in document["ideas"]}
    for into_id, merged_ids in merges.items():
        merge = IdeaMerge(workshop_id=workshop.id, into_idea_id=mapped[into_id],
                          text_before=texts[into_id], client_key=f"restored-{into_id}",
                          created_at=utcnow())
        session.add(merge)
        session.flush()
        session.execute(update(Idea).where(Idea.id.in_([mapped[i] for i in merged_ids]))
                        .values(merge_id=merge.id))
    return mapped


def _votes(session: Session, workshop: Workshop, votes: list[dict], people: dict[str, int],
           ideas: dict[int, int], activities: dict[int, Activity], time) -> None:
    if not votes:
        return
    session.execute(insert(Vote), [{
        "workshop_id": workshop.id, "participant_id": people[vote["participant"]],
        "idea_id": ideas[vote["idea_id"]], "activity_id": _mapped(activities,
                                                                   vote["activity_id"]),
        "client_key": f"restored-{index}", "created_at": time(f"votes[{index}].created_at"),
    } for index, vote in enumerate(votes)])


def _hand_tallies(session: Session, workshop: Workshop, tallies: list[dict],
                  ideas: dict[int, int], activities: dict[int, Activity], time) -> None:
    if not tallies:
        return
    session.execute(insert(HandTally), [{
        "workshop_id": workshop.id, "activity_id": activities[tally["activity_id"]].id,
        "idea_id": ideas[tally["idea_id"]], "hands": tally["hands"],
        # It named an account of the installation the file came from.
        "entered_by": None,
        "updated_at": time(f"hand_tallies[{index}].updated_at"),
    } for index, tally in enumerate(tallies)])


def _decisions(session: Session, workshop: Workshop, decisions: list[dict],
               ideas: dict[int, int], clusters: dict[int, Cluster], time) -> None:
    for index, entry in enumerate(decisions):
        session.add(Decision(
            workshop_id=workshop.id,
            idea_id=ideas[entry["idea_id"]] if entry["idea_id"] is not None else None,
            cluster_id=clusters[entry["cluster_id"]].id
            if entry["cluster_id"] is not None else None,
            outcome=entry["outcome"], owner_name=entry["owner_name"],
            owner_type=entry["owner_type"], next_step=entry["next_step"],
            due_on=date.fromisoformat(entry["due_on"]) if entry["due_on"] else None,
            # It named an account of the installation the file came from.
            decided_by=None,
            created_at=time(f"decisions[{index}].created_at"),
            updated_at=time(f"decisions[{index}].updated_at"),
        ))
    session.flush()


def _audit_rows(session: Session, workshop: Workshop, rows: list[dict],
                people: dict[str, int], time) -> None:
    if not rows:
        return
    session.execute(insert(AuditEntry), [{
        "workshop_id": workshop.id, "at": time(f"audit_log[{index}].at"),
        "facilitator_id": row["who"].get("facilitator"),
        "participant_id": people.get(row["who"].get("participant")),
        "command": row["command"], "objects": row["objects"], "before": row["before"],
        "after": row["after"],
    } for index, row in enumerate(rows)])


def _inserted(session: Session, model, rows: list[dict]) -> list[int]:
    """Insert many rows at once; their new ids in the rows' order."""
    if not rows:
        return []
    return list(session.scalars(
        insert(model).returning(model.id, sort_by_parameter_order=True), rows))


def _mapped(made: dict, old_id: int | None) -> int | None:
    return made[old_id].id if old_id is not None else None


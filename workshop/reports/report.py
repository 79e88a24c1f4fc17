"""The printable report of one workshop: gathered read-only, shaped for report.html and its PDF.

`gather_report` reads (the export of reports/gather.py, plus the facilitators' names and the
decisions with what they are about); `shape_report` turns that plain data into what the
template shows: counts by organisation type, the agenda with its durations, per vote the
ranked ideas, the votes by organisation type and by cluster as charts (reports/charts.py),
the common ground (domain/results.py), the tables with their ideas, the paper notes entered
on behalf, the decisions and the provenance. Hand votes are shown beside the phone votes and
added to them in the total, by which ideas are ranked (docs/results.md). Shaping takes the
words as a `translate` function, so it runs wherever a locale is set: a request, or the
background job that makes the PDF.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from importlib import metadata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.agenda import ActivityKind
from ..domain.people import OrganisationType
from ..domain.results import COMMON_GROUND_MIN_TYPES, COMMON_GROUND_SHARE, by_type, common_ground
from ..domain.votes import rank_ideas
from ..models import Cluster, Decision, Idea, Workshop
from ..services.access import Actor
from ..services.team import team_of
from . import charts
from .gather import workshop_export

# The charts show the leaders; every idea is in the exports (CSV, JSON, workbook).
TOP_IDEAS = 20
TOP_CLUSTERS = 30
TYPES = tuple(t.value for t in OrganisationType)


def gather_report(session: Session, actor: Actor) -> dict:
    """Everything the report shows, as plain data; only for the workshop's facilitators.

    Reads without locking, like the exports: the room goes on while it is gathered.
    """
    export, _ = workshop_export(session, actor)
    workshop_id = export["workshop"]["id"]
    rows = session.execute(
        select(Decision, Idea.text, Idea.hidden, Cluster.name)
        .outerjoin(Idea, Idea.id == Decision.idea_id)
        .outerjoin(Cluster, Cluster.id == Decision.cluster_id)
        .where(Decision.workshop_id == workshop_id)
        .order_by(Decision.id)
    ).all()
    decisions = [
        {"on": "idea" if decision.idea_id is not None else "cluster",
         "idea_id": decision.idea_id, "cluster_id": decision.cluster_id,
         # A hidden idea is counted but its words stay out of the report, here too.
         "subject": (cluster_name or "") if decision.cluster_id is not None
         else (None if hidden else idea_text or ""),
         "outcome": decision.outcome, "owner_name": decision.owner_name,
         "owner_type": decision.owner_type, "next_step": decision.next_step,
         "due_on": decision.due_on.isoformat() if decision.due_on else None}
        for decision, idea_text, hidden, cluster_name in rows
    ]
    workshop = session.get(Workshop, workshop_id)
    return {
        "export": export,
        "time_zone": getattr(workshop, "time_zone", None) or "Europe/Helsinki",
        "facilitators": [member["name"] for member in team_of(session, actor)],
        "decisions": decisions,
        "tupa_version": tupa_version(),
    }


def tupa_version() -> str:
    """The installed Tupa's version, from its package metadata."""
    try:
        return metadata.version("tupa")
    except metadata.PackageNotFoundError:
        return "?"


def _zone(name: str):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _when(value: str | None, zone, language: str) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment, format="medium", tzinfo=zone, locale=language)


def _day(value: str | None, zone, language: str) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_date(moment.astimezone(zone).date(), format="long", locale=language)


def shape_report(data: dict, translate: Callable[..., str],
                 type_names: dict[str, str], kind_names: dict[str, str],
                 outcome_names: dict[str, str]) -> dict:
    """What report.html shows, from gather_report's data, in the caller's words.

    `translate(message, **values)` is gettext; the *_names map stored values to words.
    """
    _ = translate
    export = data["export"]
    workshop = export["workshop"]
    language = workshop.get("language") or "fi"
    zone = _zone(data.get("time_zone") or "Europe/Helsinki")
    agenda = export["agenda"]
    activities = {activity["id"]: activity for activity in agenda}
    people = {person["pseudonym"]: person for person in export["participants"]}
    type_of = {pseudonym: person["organisation_type"] for pseudonym, person in people.items()}
    ideas = export["ideas"]
    held = {a["id"] for a in agenda if a.get("private") and not a.get("revealed")}
    # What the report lists: standing ideas everyone has seen. Hidden ones are only counted.
    shown = [idea for idea in ideas if not idea["hidden"] and idea["activity_id"] not in held]
    hidden_count = sum(1 for idea in ideas if idea["hidden"])
    cluster_names = {cluster["id"]: cluster["name"] for cluster in export["clusters"]}

    voters = {vote["participant"] for vote in export["votes"]}
    authors = Counter(type_of.get(idea["participant"], "other") for idea in ideas)
    # Stand-ins for paper notes wrote ideas (counted under their type) but are nobody.
    people_only = [p for p in export["participants"] if not p.get("on_paper")]
    joined = Counter(person["organisation_type"] for person in people_only)
    taking_part = [
        {"type": key, "name": type_names.get(key, key), "participants": joined[key],
         "voters": sum(1 for p in voters if type_of.get(p) == key), "ideas": authors[key]}
        for key in TYPES if joined[key] or authors[key]
    ]

    durations = [a["duration_seconds"] for a in agenda if a.get("duration_seconds")]
    agenda_rows = [
        {"position": number, "kind": kind_names.get(a["kind"], a["kind"]), "title": a["title"],
         "prompt": a.get("prompt") or "",
         "minutes": _minutes(a["duration_seconds"]) if a.get("duration_seconds") else None}
        for number, a in enumerate(agenda, start=1)
    ]
    questions = [workshop["question"]] + [
        a["prompt"] for a in agenda
        if a["kind"] == ActivityKind.BRAINSTORM.value and a.get("prompt")
        and a["prompt"] != workshop["question"]]

    votes_hidden = export["votes_hidden_until_reveal"]
    vote_sections = [] if votes_hidden else _vote_sections(
        export, activities, shown, type_of, cluster_names, type_names, _)
    on_behalf = [idea for idea in ideas if idea.get("entered_on_behalf")]

    decisions = [
        {**decision,
         "subject": decision["subject"] if decision["subject"] is not None
         else _("(a hidden idea)"),
         "on_words": _("Idea") if decision["on"] == "idea" else _("Cluster"),
         "outcome_words": outcome_names.get(decision["outcome"], decision["outcome"]),
         "owner_type_words": type_names.get(decision["owner_type"], ""),
         "due_words": format_date(date.fromisoformat(decision["due_on"]), format="long",
                                  locale=language) if decision["due_on"] else ""}
        for decision in data["decisions"]
    ]

    budgets = sorted({(a.get("vote_budget") or workshop["vote_budget"],
                       a.get("votes_per_idea") or a.get("vote_budget") or workshop["vote_budget"])
                      for a in agenda if a["kind"] == ActivityKind.VOTE.value})
    return {
        "language": language,
        "title": workshop["title"],
        "questions": questions,
        "date": _day(workshop.get("created_at"), zone, language),
        "facilitators": data["facilitators"],
        "taking_part": taking_part,
        "participant_total": len(people_only),
        "idea_total": len(ideas),
        "on_behalf_total": len(on_behalf),
        "tables": _tables(export, people_only),
        "agenda": agenda_rows,
        "planned_minutes": _minutes(sum(durations)) if durations else None,
        "votes_hidden": votes_hidden,
        "votes": vote_sections,
        "decisions": decisions,
        "provenance": {
            "version": data["tupa_version"],
            "exported_at": _when(export["exported_at"], zone, language),
            "time_zone": data.get("time_zone") or "Europe/Helsinki",
            "budgets": budgets,
            "hidden_ideas": hidden_count,
            "edited_ideas": sum(1 for idea in ideas if idea.get("edited_by_facilitator")),
            "merged_ideas": sum(len(idea.get("merged_ideas") or ()) for idea in ideas),
            "on_behalf": len(on_behalf),
            "on_behalf_by_facilitators": sum(
                1 for idea in on_behalf if "facilitator" in (idea.get("entered_by") or {})),
            "on_behalf_by_hosts": sum(
                1 for idea in on_behalf if "participant" in (idea.get("entered_by") or {})),
            "hand_votes": sum(tally["hands"] for tally in export.get("hand_tallies", ())),
            "common_ground_percent": round(COMMON_GROUND_SHARE * 100),
            "common_ground_types": COMMON_GROUND_MIN_TYPES,
            "top_ideas": TOP_IDEAS,
        },
    }


def _minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))


def _tables(export: dict, people: list[dict]) -> list[dict]:
    """Per table: the people seated there, its ideas and how many of them came from paper.

    An idea keeps the table it was posted at after the merge into the plenary; ideas of no
    table (posted in the plenary) make a last row when there are any.
    """
    tables = export.get("tables", [])
    if not tables:
        return []
    known = {table["id"] for table in tables}
    rows = []
    for table in [*tables, None]:
        if table is None:
            at = [i for i in export["ideas"] if i.get("table_id") not in known]
            seated = [p for p in people if p.get("table_id") not in known]
            if not at:
                continue
        else:
            at = [i for i in export["ideas"] if i.get("table_id") == table["id"]]
            seated = [p for p in people if p.get("table_id") == table["id"]]
        rows.append({"name": table["name"] if table else None, "participants": len(seated),
                     "ideas": len(at),
                     "on_behalf": sum(1 for i in at if i.get("entered_on_behalf"))})
    return rows


def _ranked_by_table(ranked: list, over: list[dict], tables: dict[int, str],
                     texts: dict[int, str]) -> list[dict]:
    """Each table's leading idea in this vote (by the total), to see what each table brought."""
    table_of = {idea["id"]: idea.get("table_id") for idea in over}
    leaders: dict[int, object] = {}
    for line in ranked:
        table_id = table_of.get(line.idea_id)
        if table_id in tables and table_id not in leaders and line.votes > 0:
            leaders[table_id] = line
    return [{"table": name, "rank": leaders[table_id].rank,
             "text": texts[leaders[table_id].idea_id], "total": leaders[table_id].votes}
            for table_id, name in tables.items() if table_id in leaders]


def _vote_sections(export: dict, activities: dict, shown: list[dict], type_of: dict,
                   cluster_names: dict, type_names: dict, _) -> list[dict]:
    """One part per vote of the agenda that has votes: ranking, by type, clusters, common ground."""
    votes_of: dict[int | None, list[dict]] = {}
    for vote in export["votes"]:
        votes_of.setdefault(vote["activity_id"], []).append(vote)
    hands_of: dict[int | None, Counter] = {}
    for tally in export.get("hand_tallies", ()):
        hands_of.setdefault(tally["activity_id"], Counter())[tally["idea_id"]] += tally["hands"]
    order = [a_id for a_id, a in activities.items()
             if a["kind"] == ActivityKind.VOTE.value and (a_id in votes_of or a_id in hands_of)]
    order += [a_id for a_id in votes_of if a_id not in order]
    tables = {table["id"]: table["name"] for table in export.get("tables", ())}
    sections = []
    for number, activity_id in enumerate(order, start=1):
        activity = activities.get(activity_id)
        votes = votes_of.get(activity_id, [])
        hands = hands_of.get(activity_id, Counter())
        # The ideas this vote was over, as the results screen has them (services/votes.py).
        over = [idea for idea in shown
                if activity is None or (
                    (activity.get("source_activity_id") is None
                     or idea["activity_id"] == activity["source_activity_id"])
                    and (activity.get("cluster_ids") is None
                         or idea["cluster_id"] in activity["cluster_ids"]))]
        # A paper note's mark goes with its words wherever they are shown.
        texts = {idea["id"]: idea["text"] + (" " + _("(entered on behalf)")
                                             if idea.get("entered_on_behalf") else "")
                 for idea in over}
        tallied = Counter(vote["idea_id"] for vote in votes)
        # Ranked by the total: phone votes and hand votes together (docs/results.md).
        totals = tallied + hands
        ranked = rank_ideas(dict(totals), [idea["id"] for idea in over])
        results = by_type((vote["idea_id"], type_of.get(vote["participant"], "other"))
                          for vote in votes)
        voting = [(key, type_names.get(key, key)) for key in results.voting_types]
        prefix = f"vote{number}"
        top = [r for r in ranked[:TOP_IDEAS] if r.votes > 0]
        label = _("Idea")
        # By organisation type the sums are the phones' alone: hands have no type.
        typed_total = _("Phone votes") if hands else _("All votes")
        if hands:
            # Two parts of one bar, each with its number: never one figure for both.
            ranked_chart = charts.stacked_bars(
                f"{prefix}-ranked", _("Votes per idea: phones and hands"),
                [(f"{r.rank}. {texts[r.idea_id]}",
                  {"phones": tallied[r.idea_id], "hands": hands[r.idea_id]}) for r in top],
                [("phones", _("Phone votes")), ("hands", _("Hand votes"))],
                label_heading=label, total_heading=_("Total"),
                description=_("The %(count)s ideas with the most votes, most first, ranked "
                              "by the total of phone votes and hand votes.", count=len(top)))
        else:
            ranked_chart = charts.ranked_bars(
                f"{prefix}-ranked", _("Votes per idea"),
                [(f"{r.rank}. {texts[r.idea_id]}", r.votes) for r in top],
                label_heading=label, value_heading=_("Votes"),
                description=_("The %(count)s ideas with the most votes, most first.",
                              count=len(top)))
        by_type_chart = charts.stacked_bars(
            f"{prefix}-by-type",
            _("Phone votes per idea by organisation type") if hands
            else _("Votes per idea by organisation type"),
            [(f"{r.rank}. {texts[r.idea_id]}", results.per_idea.get(r.idea_id, Counter()))
             for r in top],
            voting, label_heading=label, total_heading=typed_total,
            description=_("How the votes of each organisation type went to the leading "
                          "ideas."))
        cluster_counts: dict[int | None, Counter] = {}
        cluster_hands: Counter = Counter()
        for idea in over:
            counted = results.per_idea.get(idea["id"])
            if idea["cluster_id"] is not None and (counted or hands[idea["id"]]):
                cluster_counts.setdefault(idea["cluster_id"], Counter()).update(counted or {})
                cluster_hands[idea["cluster_id"]] += hands[idea["id"]]
        # By all their votes, hands too, as the ideas are ranked.
        clusters_ranked = sorted(cluster_counts.items(), key=lambda item: (
            -(sum(item[1].values()) + cluster_hands[item[0]]), item[0]))
        clusters_ranked = clusters_ranked[:TOP_CLUSTERS]
        cluster_items = [(cluster_names.get(cid, ""), counts) for cid, counts in clusters_ranked]
        if hands:
            cluster_totals = charts.stacked_bars(
                f"{prefix}-clusters", _("Votes per cluster: phones and hands"),
                [(cluster_names.get(cid, ""), {"phones": sum(counts.values()),
                                               "hands": cluster_hands[cid]})
                 for cid, counts in clusters_ranked],
                [("phones", _("Phone votes")), ("hands", _("Hand votes"))],
                label_heading=_("Cluster"), total_heading=_("Total"),
                description=_("All phone votes and hand votes given to the ideas of each "
                              "cluster."))
        else:
            cluster_totals = charts.ranked_bars(
                f"{prefix}-clusters", _("Votes per cluster"),
                [(name, sum(counts.values())) for name, counts in cluster_items],
                label_heading=_("Cluster"), value_heading=_("Votes"),
                description=_("All votes given to the ideas of each cluster."))
        cluster_types = charts.stacked_bars(
            f"{prefix}-clusters-by-type",
            _("Phone votes per cluster by organisation type") if hands
            else _("Votes per cluster by organisation type"),
            cluster_items, voting, label_heading=_("Cluster"), total_heading=typed_total,
            description=_("How the votes of each organisation type went to the clusters."))
        ground = common_ground(results, [idea["id"] for idea in over])
        sections.append({
            "title": activity["title"] if activity else _("Votes"),
            "votes_cast": len(votes),
            "hands": sum(hands.values()),
            "voters": len({vote["participant"] for vote in votes}),
            "cast_by_type": [(type_names.get(k, k), results.cast_by_type[k])
                             for k in results.voting_types],
            "charts": [ranked_chart, by_type_chart]
            + ([cluster_totals, cluster_types] if cluster_items else []),
            "common_ground": [
                {"text": texts[idea_id], "votes": tallied[idea_id], "hands": hands[idea_id],
                 "total": totals[idea_id],
                 "shares": [(name, round(100 * results.share(idea_id, key)))
                            for key, name in voting]}
                for idea_id in ground],
            "tables": _ranked_by_table(ranked, over, tables, texts) if tables else [],
            "voting_type_count": len(voting),
        })
    return sections

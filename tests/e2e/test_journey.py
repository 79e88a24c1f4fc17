"""The whole workshop, for real: a facilitator and 20 phones on the eventlet server.

Posting, voting, clustering and the reveal go over python-socketio connections; the exports
are downloaded over HTTP, signed in as the facilitator, and must hold exactly what was sent.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.e2e

PARTICIPANTS = 20
IDEAS_EACH = 3
VOTE_BUDGET = 5
VOTES_PER_IDEA = 2
ORGANISATION_TYPES = ("city", "company", "research", "citizen", "other")
# Cluster names and idea texts a spreadsheet must show as typed.
CLUSTER_NAMES = ("Ääni ja liikenne", "Vihreät pihat", "Trygghet & ljus")


def idea_text(person: int, number: int) -> str:
    """What participant `person` writes as their idea `number`; every one unique."""
    if person == 0 and number == 0:
        return "=HYPERLINK(\"x\") starts like a formula"
    return f"Idea {person}.{number}: Ääni öisin — å, 'quotes', \"double\", comma, 🚲"


def ballot(person: int, ideas: list[int]) -> list[int]:
    """The ideas participant `person` votes for, deterministic and within budget and cap.

    Participant p gives p % 6 votes (0 to 5): two apiece to ideas walking through the list,
    so some ideas get several voters and the cap of two is reached but never passed.
    """
    count = person % (VOTE_BUDGET + 1)
    return [ideas[(person * 7 + index // VOTES_PER_IDEA) % len(ideas)] for index in range(count)]


def run_all(work, items):
    """Run `work` for each item at once, as many phones act together; re-raise any failure."""
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(work, items))


def test_a_facilitator_and_twenty_participants_run_a_whole_workshop(tupa):
    facilitator = tupa.facilitator()
    tupa.sign_in(facilitator)
    workshop = tupa.workshop_through_page(
        facilitator, title="Hiljaisempi kaupunki", question="How might we make nights quieter?",
        vote_budget=VOTE_BUDGET, votes_per_idea=VOTES_PER_IDEA, language="fi",
    )
    board = tupa.board(workshop)
    opened = board.sync()
    # A new workshop waits on its welcome until the facilitator introduces the question.
    assert opened["workshop"]["phase"] == "lobby"
    assert [a["kind"] for a in opened["agenda"]][:2] == ["welcome", "brainstorm"]

    kinds = [ORGANISATION_TYPES[person % len(ORGANISATION_TYPES)] for person in range(PARTICIPANTS)]
    tokens = run_all(
        lambda person: tupa.join(workshop, kinds[person], nickname=f"Nimimerkki {person}"),
        range(PARTICIPANTS),
    )
    phones = run_all(lambda person: tupa.phone(workshop, tokens[person]), range(PARTICIPANTS))
    for phone in phones:
        assert phone.sync()["me"]["role"] == "participant"
    # Each phone's presence was stored before its connection was accepted.
    presence = board.sync()["presence"]
    assert presence["online"] == presence["joined"] == PARTICIPANTS
    assert presence["by_organisation_type"] == dict(Counter(kinds))

    early = phones[0].call("idea.post", {"key": "early", "text": "Too early"})
    assert early["ok"] is False and early["error"]["code"] == "posting_closed"
    brainstorm = opened["agenda"][1]["id"]
    assert board.ok("activity.go", {"activity_id": brainstorm}) == {
        "activity_id": brainstorm, "phase": "posting"}
    for phone in phones:
        told = phone.wait_for("phase.changed", where=lambda p: p["phase"] == "posting")
        assert told[0]["activity"]["prompt"] == "How might we make nights quieter?"

    # Posting: every phone posts its three ideas, all phones at once.
    def post(person):
        return [phones[person].ok("idea.post", {"key": f"idea-{number}",
                                                "text": idea_text(person, number)})["idea"]
                for number in range(IDEAS_EACH)]

    posted = run_all(post, range(PARTICIPANTS))
    author_of = {idea["id"]: person for person, ideas in enumerate(posted) for idea in ideas}
    text_of = {idea["id"]: idea["text"] for ideas in posted for idea in ideas}
    total = PARTICIPANTS * IDEAS_EACH
    assert len(text_of) == total
    assert sorted(text_of.values()) == sorted(
        idea_text(p, n) for p in range(PARTICIPANTS) for n in range(IDEAS_EACH))

    on_board = board.wait_for("idea.posted", total)
    assert len(on_board) == total
    assert {fact["idea"]["id"]: fact["idea"]["text"] for fact in on_board} == text_of
    # Each posting moved the workshop's sequence on by one (after the move to the brainstorm,
    # number 1): no number lost or given twice.
    assert sorted(fact["seq"] for fact in on_board) == list(range(2, total + 2))
    for phone in phones:
        assert len(phone.wait_for("idea.posted", total)) == total

    # Voting.
    assert board.ok("phase.set", {"phase": "voting"})["phase"] == "voting"
    for phone in phones:
        phone.wait_for("phase.changed", where=lambda p: p["phase"] == "voting")
    ideas = sorted(text_of)

    def vote(person):
        phone, choice = phones[person], ballot(person, ideas)
        for index, idea_id in enumerate(choice):
            answer = phone.ok("vote.cast", {"key": f"vote-{index}", "idea_id": idea_id})
            assert answer == {"vote": {"key": f"vote-{index}", "idea_id": idea_id},
                              "votes_left": VOTE_BUDGET - index - 1}
        return choice

    ballots = run_all(vote, range(PARTICIPANTS))
    expected = Counter(idea_id for choice in ballots for idea_id in choice)

    full = next(p for p in range(PARTICIPANTS) if len(ballots[p]) == VOTE_BUDGET)
    refused = phones[full].call("vote.cast", {"key": "one-too-many", "idea_id": ideas[-1]})
    assert refused["ok"] is False and refused["error"]["code"] == "vote_budget_spent"
    capped = next(p for p in range(PARTICIPANTS) if 2 <= len(ballots[p]) < VOTE_BUDGET)
    refused = phones[capped].call("vote.cast", {"key": "third", "idea_id": ballots[capped][0]})
    assert refused["ok"] is False and refused["error"]["code"] == "vote_cap_reached"
    # One vote taken back and cast again elsewhere: the tallies must follow.
    changer = next(p for p in range(PARTICIPANTS) if len(ballots[p]) == 3)
    taken_back = ballots[changer][-1]
    assert phones[changer].ok("vote.retract", {"key": "vote-2"})["votes_left"] == 3
    elsewhere = next(i for i in ideas if i not in ballots[changer])
    assert phones[changer].ok("vote.cast", {"key": "vote-again", "idea_id": elsewhere})[
        "votes_left"] == 2
    expected[taken_back] -= 1
    expected[elsewhere] += 1
    cast_total = sum(expected.values())

    # While voting is open, facilitators see progress and nobody sees counts.
    voters = sum(1 for choice in ballots if choice)
    board.wait_for("votes.progressed", where=lambda p: p == {
        "seq": None, "votes_cast": cast_total, "voters": voters})
    assert max(p["votes_cast"] for p in board.facts("votes.progressed")) == cast_total
    assert board.sync()["results"] is None
    assert phones[0].sync()["results"] is None

    # Clustering: three clusters; idea i goes to cluster i % 4, the fourth share stays loose.
    clusters = [board.ok("cluster.create", {"key": f"cluster-{n}", "name": name})["cluster"]
                for n, name in enumerate(CLUSTER_NAMES)]
    members: dict[int, list[int]] = {cluster["id"]: [] for cluster in clusters}
    for index, idea_id in enumerate(ideas):
        if index % 4 == 3:
            continue
        cluster_id = clusters[index % 4]["id"]
        # Each goes to the front, so a cluster ends up in reverse order of posting.
        board.ok("cluster.move_idea", {"idea_id": idea_id, "cluster_id": cluster_id,
                                       "position": 0})
        members[cluster_id].insert(0, idea_id)
    moves = sum(len(ids) for ids in members.values())
    for screen in [board, *phones]:
        changes = screen.wait_for("clusters.changed", len(CLUSTER_NAMES) + moves)
        assert {c["id"]: c["idea_ids"] for c in changes[-1]["clusters"]} == members
    cluster_of = {idea_id: cluster_id for cluster_id, ids in members.items() for idea_id in ids}

    # The reveal: every phone is told tallies equal to what was cast.
    board.ok("phase.set", {"phase": "results"})
    for phone in [board, *phones]:
        results = phone.wait_for("results.revealed")[-1]["results"]
        assert {r["idea_id"]: r["votes"] for r in results} == {i: expected[i] for i in ideas}
        # Most votes first, ties in posting order and sharing a rank.
        assert [r["idea_id"] for r in results] == sorted(ideas, key=lambda i: (-expected[i], i))
        for r in results:
            assert r["rank"] == 1 + sum(1 for i in ideas if expected[i] > r["votes"])
    snapshot = phones[-1].sync()
    assert snapshot["workshop"]["phase"] == "results"
    assert {r["idea_id"]: r["votes"] for r in snapshot["results"]} == {
        i: expected[i] for i in ideas}
    # Tallies and voting progress went to facilitators only, never to a phone before the reveal.
    for phone in phones:
        assert not {"votes.progressed", "presence.changed"} & phone.names()

    # The exports, as the signed-in facilitator downloads them.
    http = facilitator.http
    answer = http.get(f"{tupa.url}/workshops/{workshop.id}/export.csv", timeout=15)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf"), "the CSV has no UTF-8 byte order mark"
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == total
    cluster_name = {cluster["id"]: cluster["name"] for cluster in clusters}
    by_id = {int(row["idea_id"]): row for row in rows}
    assert set(by_id) == set(ideas)
    for idea_id, row in by_id.items():
        text = text_of[idea_id]
        # A cell that would start a formula is made inert with a leading apostrophe.
        assert row["text"] == ("'" + text if text.startswith("=") else text)
        assert row["cluster"] == cluster_name.get(cluster_of.get(idea_id), "")
        assert int(row["votes"]) == expected[idea_id]
        assert row["organisation_type"] == kinds[author_of[idea_id]]
    assert "Ääni öisin — å" in answer.content.decode("utf-8")

    answer = http.get(f"{tupa.url}/workshops/{workshop.id}/export.json", timeout=15)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    document = json.loads(answer.content.decode("utf-8"))
    assert document["schema_version"] == 1
    assert document["workshop"]["title"] == "Hiljaisempi kaupunki"
    assert document["workshop"]["vote_budget"] == VOTE_BUDGET
    assert document["workshop"]["votes_per_idea"] == VOTES_PER_IDEA
    assert {i["id"]: i["text"] for i in document["ideas"]} == text_of
    assert {i["id"]: i["votes"] for i in document["ideas"]} == {i: expected[i] for i in ideas}
    assert {i["id"]: i["cluster_id"] for i in document["ideas"]} == {
        i: cluster_of.get(i) for i in ideas}
    assert {c["id"]: (c["name"], c["idea_ids"]) for c in document["clusters"]} == {
        c["id"]: (c["name"], members[c["id"]]) for c in clusters}
    assert len(document["votes"]) == cast_total
    assert Counter(v["idea_id"] for v in document["votes"]) == +expected
    # Participants are pseudonyms: one per person, each idea and vote pointing at one of them.
    people = document["participants"]
    assert len(people) == PARTICIPANTS
    assert Counter(p["organisation_type"] for p in people) == Counter(kinds)
    pseudonyms = {p["pseudonym"] for p in people}
    assert len(pseudonyms) == PARTICIPANTS
    assert {i["participant"] for i in document["ideas"]} == pseudonyms
    assert {v["participant"] for v in document["votes"]} <= pseudonyms
    exported = json.dumps(document, ensure_ascii=False)
    assert "tupa_p_" not in exported
    for person, token in enumerate(tokens):
        assert token not in exported and f"Nimimerkki {person}" not in exported

    # Nobody but the workshop's own facilitator gets the files.
    stranger = tupa.facilitator()
    tupa.sign_in(stranger)
    signed_out = tupa.visitor()
    for http_session, who in ((stranger.http, "another facilitator"),
                              (signed_out, "someone signed out")):
        for kind in ("csv", "json"):
            answer = http_session.get(f"{tupa.url}/workshops/{workshop.id}/export.{kind}",
                                      timeout=15, allow_redirects=False)
            assert answer.status_code in (302, 303, 401, 403, 404), (who, answer.status_code)
            assert "Ääni" not in answer.text, who

"""Writes the hostile files of tables, paper notes and hand votes (issue 9) next to this file.

Run it again after changing it: `.venv/bin/python tests/data/restore/make_tables_corpus.py`.
valid_tables.json is valid.json (make_corpus.py) with two tables, seats, a host, a stand-in
author with two paper notes (one typed in by a facilitator, one by the host), a table group,
a brainstorm at tables merged into the plenary, and hand tallies. Each file of
broken_tables/ is it broken in one way; expected_tables.json names the problem and the place
the refusal must report (tests/services/test_restore.py).
"""

from __future__ import annotations

import copy

from make_corpus import _DELETE, VALID, T, set_, write
from make_corpus import broken as broken_from

VALID_TABLES = copy.deepcopy(VALID)
VALID_TABLES["workshop"]["tables_by_choice"] = False
for _activity in VALID_TABLES["agenda"]:
    _activity.update(at_tables=False, merged=False, merged_at=None)
# The brainstorm is at tables (so not private), merged into the plenary at 08:20.
VALID_TABLES["agenda"][1].update(private=False, revealed=False, at_tables=True, merged=True,
                                 merged_at=T.format(20))
VALID_TABLES["tables"] = [
    {"id": 30, "name": "Pöytä 1", "position": 0, "host": "p1"},
    {"id": 31, "name": "=Pöytä 2", "position": 1, "host": None},
]
VALID_TABLES["participants"][0].update(table_id=30, on_paper=False)
VALID_TABLES["participants"][1].update(table_id=31, on_paper=False)
VALID_TABLES["participants"].append(
    {"pseudonym": "p3", "organisation_type": "citizen", "organisation_name": "",
     "joined_at": T.format(7), "table_id": 30, "on_paper": True})
_first, _hidden = VALID_TABLES["ideas"]
_first.update(table_id=30, entered_on_behalf=False, entered_by=None, hands=4, total=6)
_first["merged_ideas"][0]["table_id"] = 31
_hidden.update(table_id=31, entered_on_behalf=False, entered_by=None, hands=0, total=1)
VALID_TABLES["ideas"] += [
    {"id": 5, "participant": "p3", "text": "Paperilta: valot", "activity_id": 21,
     "cluster_id": None, "hidden": False, "created_at": T.format(13), "edited_at": None,
     "votes": 0, "edited_by_facilitator": False, "merged_ideas": [], "table_id": 30,
     "entered_on_behalf": True, "entered_by": {"participant": "p1"}, "hands": 3, "total": 3},
    {"id": 6, "participant": "p3", "text": "Paperilta: penkit", "activity_id": 21,
     "cluster_id": None, "hidden": False, "created_at": T.format(14), "edited_at": None,
     "votes": 0, "edited_by_facilitator": False, "merged_ideas": [], "table_id": 30,
     "entered_on_behalf": True, "entered_by": {"facilitator": 3}, "hands": 0, "total": 0},
]
VALID_TABLES["clusters"][0]["table_id"] = 30
VALID_TABLES["hand_tallies"] = [
    {"activity_id": 22, "idea_id": 1, "hands": 4, "entered_by": 3, "updated_at": T.format(45)},
    {"activity_id": 22, "idea_id": 5, "hands": 3, "entered_by": None,
     "updated_at": T.format(46)},
]
VALID_TABLES["audit_log"].append(
    {"id": 7, "at": T.format(13), "who": {"participant": "p1"}, "command": "idea.enter",
     "objects": {"idea_id": 5}, "before": None,
     "after": {"text": "Paperilta: valot", "table_id": 30, "organisation_type": "citizen",
               "activity_id": 21}})

def broken(*changes) -> bytes:
    return broken_from(*changes, base=VALID_TABLES)


def hidden_until_the_reveal(document):
    """The document as it is before the reveal, but for its hand tallies."""
    document["workshop"]["phase"] = "voting"
    document["votes_hidden_until_reveal"] = True
    document["votes"] = []
    for idea in document["ideas"]:
        idea.update(votes=None, hands=None, total=None)


CASES: dict[str, tuple[bytes, str, str]] = {
    # name: (bytes, problem, where)
    "tables_an_object": (broken(set_("tables", {})), "not_list", "tables"),
    "table_a_string": (broken(set_("tables.0", "Pöytä 1")), "not_object", "tables[0]"),
    "table_without_a_name": (broken(set_("tables.0.name", _DELETE)), "missing",
                             "tables[0].name"),
    "table_name_too_long": (broken(set_("tables.0.name", "x" * 61)), "too_long",
                            "tables[0].name"),
    "table_name_blank": (broken(set_("tables.0.name", "   ")), "empty", "tables[0].name"),
    "table_name_a_number": (broken(set_("tables.0.name", 1)), "not_text", "tables[0].name"),
    "table_name_nul": (broken(set_("tables.0.name", "P\u0000")), "bad_text", "tables[0].name"),
    "table_names_twice": (broken(set_("tables.1.name", "Pöytä 1")), "duplicate",
                          "tables[1].name"),
    "table_id_twice": (broken(set_("tables.1.id", 30)), "duplicate", "tables[1].id"),
    "table_id_negative": (broken(set_("tables.0.id", -30)), "not_id", "tables[0].id"),
    "table_position_negative": (broken(set_("tables.0.position", -1)), "out_of_range",
                                "tables[0].position"),
    "tables_out_of_order": (broken(set_("tables.0.position", 5)), "out_of_order", "tables"),
    "table_unknown_field": (broken(set_("tables.0.secret", 1)), "unknown_field",
                            "tables[0].secret"),
    "too_many_tables": (broken(set_("tables", [
        {"id": 100 + n, "name": f"T{n}", "position": n, "host": None} for n in range(61)])),
        "too_many", "tables"),
    "table_host_unknown": (broken(set_("tables.0.host", "p9")), "unknown_value",
                           "tables[0].host"),
    "table_host_a_stand_in": (broken(set_("tables.0.host", "p3")), "unknown_value",
                              "tables[0].host"),
    "table_host_a_number": (broken(set_("tables.0.host", 1)), "not_text", "tables[0].host"),
    "seat_at_a_missing_table": (broken(set_("participants.0.table_id", 99)), "dangling",
                                "participants[0].table_id"),
    "seat_a_string": (broken(set_("participants.0.table_id", "30")), "not_id",
                      "participants[0].table_id"),
    "on_paper_a_string": (broken(set_("participants.2.on_paper", "yes")), "not_boolean",
                          "participants[2].on_paper"),
    "idea_at_a_missing_table": (broken(set_("ideas.0.table_id", 99)), "dangling",
                                "ideas[0].table_id"),
    "merged_idea_at_a_missing_table": (broken(set_("ideas.0.merged_ideas.0.table_id", 99)),
                                       "dangling", "ideas[0].merged_ideas[0].table_id"),
    "cluster_at_a_missing_table": (broken(set_("clusters.0.table_id", 99)), "dangling",
                                   "clusters[0].table_id"),
    "a_persons_idea_marked_on_behalf": (broken(set_("ideas.0.entered_on_behalf", True)),
                                        "mismatch", "ideas[0].entered_on_behalf"),
    "a_paper_note_not_marked": (broken(set_("ideas.2.entered_on_behalf", False)), "mismatch",
                                "ideas[2].entered_on_behalf"),
    "on_behalf_a_string": (broken(set_("ideas.2.entered_on_behalf", "true")), "not_boolean",
                           "ideas[2].entered_on_behalf"),
    "entered_by_on_a_persons_idea": (broken(set_("ideas.0.entered_by", {"facilitator": 3})),
                                     "mismatch", "ideas[0].entered_by"),
    "entered_by_nobody": (broken(set_("ideas.2.entered_by", {"admin": 1})), "unknown_value",
                          "ideas[2].entered_by"),
    "entered_by_two": (broken(set_("ideas.2.entered_by", {"facilitator": 3,
                                                         "participant": "p1"})),
                       "unknown_value", "ideas[2].entered_by"),
    "entered_by_a_stand_in": (broken(set_("ideas.2.entered_by", {"participant": "p3"})),
                              "unknown_value", "ideas[2].entered_by.participant"),
    "entered_by_a_stranger": (broken(set_("ideas.2.entered_by", {"participant": "p99"})),
                              "unknown_value", "ideas[2].entered_by.participant"),
    "entered_by_facilitator_zero": (broken(set_("ideas.3.entered_by", {"facilitator": 0})),
                                    "not_id", "ideas[3].entered_by.facilitator"),
    "entered_by_a_string": (broken(set_("ideas.2.entered_by", "facilitator")), "not_object",
                            "ideas[2].entered_by"),
    "hand_tallies_an_object": (broken(set_("hand_tallies", {})), "not_list", "hand_tallies"),
    "hands_negative": (broken(set_("hand_tallies.0.hands", -1)), "out_of_range",
                       "hand_tallies[0].hands"),
    "hands_zero": (broken(set_("hand_tallies.0.hands", 0)), "out_of_range",
                   "hand_tallies[0].hands"),
    "hands_more_than_a_room": (broken(set_("hand_tallies.0.hands", 10_001)), "out_of_range",
                               "hand_tallies[0].hands"),
    "hands_a_float": (broken(set_("hand_tallies.0.hands", 4.0)), "not_number",
                      "hand_tallies[0].hands"),
    "hands_on_a_missing_idea": (broken(set_("hand_tallies.0.idea_id", 999)), "dangling",
                                "hand_tallies[0].idea_id"),
    "hands_on_a_merged_idea": (broken(set_("hand_tallies.0.idea_id", 3)), "dangling",
                               "hand_tallies[0].idea_id"),
    "hands_without_a_vote": (broken(set_("hand_tallies.0.activity_id", None)), "not_id",
                             "hand_tallies[0].activity_id"),
    "hands_in_a_brainstorm": (broken(set_("hand_tallies.0.activity_id", 21)), "mismatch",
                              "hand_tallies[0].activity_id"),
    "hands_twice_for_one_idea": (broken(set_("hand_tallies.1.idea_id", 1)), "duplicate",
                                 "hand_tallies[1]"),
    "hands_time_in_words": (broken(set_("hand_tallies.0.updated_at", "yesterday")),
                            "not_time", "hand_tallies[0].updated_at"),
    "hands_entered_by_a_name": (broken(set_("hand_tallies.0.entered_by", "Anna")),
                                "not_number", "hand_tallies[0].entered_by"),
    "hand_tally_unknown_field": (broken(set_("hand_tallies.0.table_id", 30)), "unknown_field",
                                 "hand_tallies[0].table_id"),
    "idea_hands_disagree": (broken(set_("ideas.0.hands", 9)), "mismatch", "ideas[0].hands"),
    "idea_hands_missing": (broken(set_("ideas.0.hands", _DELETE)), "missing",
                           "ideas[0].hands"),
    "idea_total_disagrees": (broken(set_("ideas.0.total", 4)), "mismatch", "ideas[0].total"),
    "idea_total_a_string": (broken(set_("ideas.0.total", "6")), "not_number",
                            "ideas[0].total"),
    "hands_listed_while_hidden": (broken(hidden_until_the_reveal), "mismatch",
                                  "hand_tallies"),
    "at_tables_in_a_vote": (broken(set_("agenda.2.at_tables", True)), "mismatch",
                            "agenda[2].at_tables"),
    "at_tables_and_private": (broken(set_("agenda.1.private", True)), "mismatch",
                              "agenda[1].at_tables"),
    "merged_not_at_tables": (broken(set_("agenda.1.at_tables", False)), "mismatch",
                             "agenda[1].merged"),
    "merged_without_a_time": (broken(set_("agenda.1.merged_at", None)), "mismatch",
                              "agenda[1].merged_at"),
    "merged_at_in_words": (broken(set_("agenda.1.merged_at", "after lunch")), "not_time",
                           "agenda[1].merged_at"),
    "at_tables_a_string": (broken(set_("agenda.1.at_tables", "yes")), "not_boolean",
                           "agenda[1].at_tables"),
    "tables_by_choice_a_string": (broken(set_("workshop.tables_by_choice", "no")),
                                  "not_boolean", "workshop.tables_by_choice"),
}


def main() -> None:
    write(VALID_TABLES, CASES, "valid_tables.json", "broken_tables", "expected_tables.json")


if __name__ == "__main__":
    main()

"""Writes the corpus of broken and hostile exports next to this file, and what each must say.

Run it again after changing it: `.venv/bin/python tests/data/restore/make_corpus.py`. Each
file is a valid export (valid.json) broken in one way, or not an export at all; expected.json
names the problem and the place the refusal must report (tests/services/test_restore.py).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).parent
T = "2025-03-14T08:{:02d}:00+00:00"

VALID = {
    "schema_version": 1,
    "exported_at": "2025-03-14T09:30:00+00:00",
    "workshop": {"id": 7, "title": "Bussipysäkit", "question": "Miten voisimme ...?",
                 "join_code": "ABCD2345", "phase": "results", "vote_budget": 5,
                 "votes_per_idea": 2, "language": "fi", "joins_locked": False,
                 "current_activity_id": 23, "input_paused": False, "anonymous": False,
                 "created_at": T.format(0)},
    "votes_hidden_until_reveal": False,
    "agenda": [
        {"id": 20, "position": 0, "kind": "welcome", "title": "Tervetuloa", "prompt": "",
         "duration_seconds": None, "closes_when_time_up": False, "private": False,
         "revealed": False, "vote_budget": None, "votes_per_idea": None,
         "source_activity_id": None, "cluster_ids": None},
        {"id": 21, "position": 1, "kind": "brainstorm", "title": "Ideat",
         "prompt": "Miten voisimme ...?", "duration_seconds": 600, "closes_when_time_up": True,
         "private": True, "revealed": True, "vote_budget": None, "votes_per_idea": None,
         "source_activity_id": None, "cluster_ids": None},
        {"id": 22, "position": 2, "kind": "vote", "title": "Äänestys", "prompt": "",
         "duration_seconds": None, "closes_when_time_up": False, "private": False,
         "revealed": False, "vote_budget": 5, "votes_per_idea": 2,
         "source_activity_id": 21, "cluster_ids": [10, 99]},
        {"id": 23, "position": 3, "kind": "results", "title": "Tulokset", "prompt": "",
         "duration_seconds": None, "closes_when_time_up": False, "private": False,
         "revealed": False, "vote_budget": None, "votes_per_idea": None,
         "source_activity_id": 22, "cluster_ids": None},
    ],
    "participants": [
        {"pseudonym": "p1", "organisation_type": "city", "organisation_name": "Åbo stad",
         "joined_at": T.format(5)},
        {"pseudonym": "p2", "organisation_type": "company", "organisation_name": "=HYPERLINK()",
         "joined_at": T.format(6)},
    ],
    "ideas": [
        {"id": 1, "participant": "p1", "text": "Penkit pysäkeille: ä, ö, å", "activity_id": 21,
         "cluster_id": 10, "hidden": False, "created_at": T.format(10), "edited_at": None,
         "votes": 2, "edited_by_facilitator": False,
         "merged_ideas": [{"id": 3, "participant": "p2", "text": "Benches"}]},
        {"id": 2, "participant": "p2", "text": "@SUM(A1:A2)", "activity_id": 21,
         "cluster_id": None, "hidden": True, "created_at": T.format(11),
         "edited_at": T.format(12), "votes": 1, "edited_by_facilitator": True,
         "merged_ideas": []},
    ],
    "clusters": [{"id": 10, "name": "-Sijainti", "activity_id": 21, "position": 1,
                  "idea_ids": [1]}],
    "votes": [
        {"participant": "p2", "idea_id": 1, "activity_id": 22, "created_at": T.format(40)},
        {"participant": "p1", "idea_id": 1, "activity_id": 22, "created_at": T.format(41)},
        {"participant": "p1", "idea_id": 2, "activity_id": 22, "created_at": T.format(42)},
    ],
    "decisions": [
        {"id": 4, "idea_id": 1, "cluster_id": None, "outcome": "pilot",
         "owner_name": "Åbo stad", "owner_type": "city", "next_step": "Kokeilu keväällä",
         "due_on": "2025-05-01", "decided_by": 3, "created_at": T.format(50),
         "updated_at": T.format(51)},
    ],
    "audit_log": [
        {"id": 1, "at": T.format(0), "who": {"facilitator": 3}, "command": "workshop.create",
         "objects": {"workshop_id": 7}, "before": None, "after": {"title": "Bussipysäkit"}},
        {"id": 2, "at": T.format(30), "who": {"facilitator": 3}, "command": "idea.hide",
         "objects": {"idea_id": 2}, "before": {"hidden": False}, "after": {"hidden": True}},
        {"id": 5, "at": T.format(31), "who": {"clock": True}, "command": "timer.expire",
         "objects": {"activity_id": 21}, "before": None, "after": {"deadline": T.format(31)}},
        {"id": 6, "at": T.format(32), "who": {"participant": "erased"},
         "command": "participant.erase", "objects": {}, "before": None, "after": None},
    ],
}


def broken(*changes, base: dict | None = None) -> bytes:
    """`base` (valid.json's document unless given) with each change made to a copy."""
    document = copy.deepcopy(VALID if base is None else base)
    for change in changes:
        change(document)
    return json.dumps(document, ensure_ascii=False).encode()


def replaced(old: str, new: str) -> bytes:
    """valid.json's text with one piece replaced: for what json.dumps would not write."""
    text = json.dumps(VALID, ensure_ascii=False)
    assert old in text, old
    return text.replace(old, new, 1).encode()


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def set_(path: str, value):
    def change(document):
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return change


_DELETE = object()

CASES: dict[str, tuple[bytes, str, str]] = {
    # name: (bytes, problem, where)
    "not_json": (b"this is not json {", "not_json", ""),
    "empty_file": (b"", "not_json", ""),
    "binary_garbage": (bytes(range(256)) * 4, "not_json", ""),
    "utf16": (json.dumps(VALID).encode("utf-16"), "not_json", ""),
    "a_list": (b"[1, 2, 3]", "not_an_export", ""),
    "a_method_file": (b'{"format": "tupa-method", "version": 1}', "not_an_export", ""),
    "schema_version_2": (broken(set_("schema_version", 2)), "unknown_version", "schema_version"),
    "schema_version_text": (broken(set_("schema_version", "1")), "unknown_version",
                            "schema_version"),
    "schema_version_true": (broken(set_("schema_version", True)), "unknown_version",
                            "schema_version"),
    "missing_ideas": (broken(set_("ideas", _DELETE)), "missing", "ideas"),
    "missing_idea_text": (broken(set_("ideas.0.text", _DELETE)), "missing", "ideas[0].text"),
    "missing_workshop_phase": (broken(set_("workshop.phase", _DELETE)), "missing",
                               "workshop.phase"),
    "title_a_number": (broken(set_("workshop.title", 42)), "not_text", "workshop.title"),
    "title_blank": (broken(set_("workshop.title", "   ")), "empty", "workshop.title"),
    "ideas_an_object": (broken(set_("ideas", {})), "not_list", "ideas"),
    "idea_a_string": (broken(set_("ideas.1", "idea")), "not_object", "ideas[1]"),
    "hidden_a_string": (broken(set_("ideas.1.hidden", "yes")), "not_boolean",
                        "ideas[1].hidden"),
    "idea_too_long": (broken(set_("ideas.1.text", "x" * 501)), "too_long", "ideas[1].text"),
    "huge_string": (broken(set_("participants.0.organisation_name", "å" * 1_000_000)),
                    "too_long", "participants[0].organisation_name"),
    "deep_nesting": (replaced('"objects": {"idea_id": 2}', '"objects": ' + nested(100_000)),
                     "too_deep", ""),
    "nesting_past_the_limit": (broken(set_("audit_log.1.after", {"a": json.loads(nested(30))})),
                               "too_deep", "audit_log[1].after"),
    "a_million_brackets": (replaced('"objects": {"idea_id": 2}',
                                    '"objects": {"x": [' + "[]," * 1_000_000 + "[]]}"),
                           "too_many_containers", ""),
    "dangling_cluster": (broken(set_("ideas.0.cluster_id", 999)), "dangling",
                         "ideas[0].cluster_id"),
    "vote_on_a_missing_idea": (broken(set_("votes.0.idea_id", 999)), "dangling",
                               "votes[0].idea_id"),
    "vote_on_a_merged_idea": (broken(set_("votes.0.idea_id", 3)), "dangling",
                              "votes[0].idea_id"),
    "unknown_voter": (broken(set_("votes.0.participant", "p99")), "unknown_value",
                      "votes[0].participant"),
    "dangling_source_activity": (broken(set_("agenda.3.source_activity_id", 77)), "dangling",
                                 "agenda[3].source_activity_id"),
    "dangling_current_activity": (broken(set_("workshop.current_activity_id", 5)), "dangling",
                                  "workshop.current_activity_id"),
    "decision_on_a_missing_idea": (broken(set_("decisions.0.idea_id", 404)), "dangling",
                                   "decisions[0].idea_id"),
    "negative_vote_budget": (broken(set_("workshop.vote_budget", -1)), "out_of_range",
                             "workshop.vote_budget"),
    "negative_position": (broken(set_("agenda.0.position", -3)), "out_of_range",
                          "agenda[0].position"),
    "negative_votes": (broken(set_("ideas.0.votes", -2)), "out_of_range", "ideas[0].votes"),
    "negative_id": (broken(set_("ideas.0.id", -1)), "not_id", "ideas[0].id"),
    "huge_id": (broken(set_("ideas.0.id", 10**30)), "not_id", "ideas[0].id"),
    "id_true": (broken(set_("ideas.0.id", True)), "not_id", "ideas[0].id"),
    "number_of_5000_digits": (replaced('"vote_budget": 5', '"vote_budget": ' + "9" * 5000),
                              "not_json", ""),
    "unknown_organisation_type": (broken(set_("participants.1.organisation_type", "alien")),
                                  "unknown_value", "participants[1].organisation_type"),
    "unknown_activity_kind": (broken(set_("agenda.1.kind", "dance")), "unknown_value",
                              "agenda[1].kind"),
    "unknown_phase": (broken(set_("workshop.phase", "party")), "unknown_value",
                      "workshop.phase"),
    "unknown_language": (broken(set_("workshop.language", "de")), "unknown_value",
                         "workshop.language"),
    "unknown_outcome": (broken(set_("decisions.0.outcome", "hope")), "unknown_value",
                        "decisions[0].outcome"),
    "unknown_field": (broken(set_("workshop.admin", True)), "unknown_field", "workshop.admin"),
    "duplicate_idea_ids": (broken(set_("ideas.1.id", 1)), "duplicate", "ideas[1].id"),
    "merged_idea_reuses_an_id": (broken(set_("ideas.0.merged_ideas.0.id", 2)), "duplicate",
                                 "ideas[1].id"),
    "duplicate_cluster_member": (broken(set_("clusters", [
        {"id": 10, "name": "A", "activity_id": 21, "position": 1, "idea_ids": [1]},
        {"id": 11, "name": "B", "activity_id": 21, "position": 2, "idea_ids": [1]}])),
        "duplicate", "clusters[1].idea_ids[0]"),
    "duplicate_keys": (replaced('"title": "Bussipysäkit"', '"title": "A", "title": "B"'),
                       "duplicate_key", ""),
    "nan": (replaced('"vote_budget": 5', '"vote_budget": NaN'),
            "bad_number", ""),
    "infinity": (replaced('"vote_budget": 5', '"vote_budget": 1e999'), "bad_number", ""),
    "a_float_id": (broken(set_("ideas.0.id", 1.5)), "not_id", "ideas[0].id"),
    "timestamp_in_words": (broken(set_("ideas.0.created_at", "yesterday")), "not_time",
                           "ideas[0].created_at"),
    "timestamp_without_zone": (broken(set_("ideas.0.created_at", "2025-03-14T08:10:00")),
                               "not_time", "ideas[0].created_at"),
    "timestamp_a_number": (broken(set_("votes.2.created_at", 1741939200)), "not_time",
                           "votes[2].created_at"),
    "due_date_in_words": (broken(set_("decisions.0.due_on", "next spring")), "not_date",
                          "decisions[0].due_on"),
    "lone_surrogate": (replaced("Penkit", "\\ud800"), "bad_text",
                       "ideas[0].text"),
    "nul_character": (replaced("Penkit", "\\u0000"), "bad_text",
                      "ideas[0].text"),
    "votes_disagree_with_the_list": (broken(set_("ideas.0.votes", 99)), "mismatch",
                                     "ideas[0].votes"),
    "votes_listed_while_hidden": (broken(set_("votes_hidden_until_reveal", True)), "mismatch",
                                  "votes_hidden_until_reveal"),
    "cluster_members_disagree": (broken(set_("ideas.0.cluster_id", None)), "mismatch",
                                 "ideas[0].cluster_id"),
    "vote_in_a_brainstorm": (broken(set_("votes.0.activity_id", 21)), "mismatch",
                             "votes[0].activity_id"),
    "votes_per_idea_over_budget": (broken(set_("agenda.2.votes_per_idea", 9)), "out_of_range",
                                   "agenda[2].votes_per_idea"),
    "participants_out_of_order": (broken(set_("participants.1.joined_at", T.format(1))),
                                  "out_of_order", "participants[1].joined_at"),
    "pseudonym_not_in_order": (broken(set_("participants.0.pseudonym", "p7")), "unknown_value",
                               "participants[0].pseudonym"),
    "who_is_nobody": (broken(set_("audit_log.0.who", {"admin": 1})), "unknown_value",
                      "audit_log[0].who"),
    "clock_doing_a_persons_change": (broken(set_("audit_log.1.who", {"clock": True})),
                                     "mismatch", "audit_log[1].who.clock"),
    "unknown_time_zone": (broken(set_("workshop.time_zone", "Mars/Olympus")), "unknown_value",
                          "workshop.time_zone"),
    "ten_megabytes": (b'{"schema_version": 1, "padding": "' + b"a" * (10 * 1024 * 1024)
                      + b'"}', "too_large", ""),
}


def write(valid: dict, cases: dict, valid_name: str, folder_name: str,
          expected_name: str) -> None:
    """The valid file, each broken one in its folder (afresh), and what each must report."""
    (HERE / valid_name).write_text(json.dumps(valid, ensure_ascii=False, indent=2) + "\n",
                                   encoding="utf-8")
    folder = HERE / folder_name
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    expected = {}
    for name, (raw, problem, where) in cases.items():
        (folder / f"{name}.json").write_bytes(raw)
        expected[f"{name}.json"] = {"problem": problem, "where": where}
    (HERE / expected_name).write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n",
                                      encoding="utf-8")


def main() -> None:
    write(VALID, CASES, "valid.json", "broken", "expected.json")


if __name__ == "__main__":
    main()

"""Methods as data and their shared file (workshop/domain/methods.py): no app, no database."""

from __future__ import annotations

import copy
import json
from contextlib import contextmanager

import pytest

from workshop.domain.agenda import MAX_ACTIVITIES, ActivityKind
from workshop.domain.errors import DomainError
from workshop.domain.methods import (
    BUILT_IN,
    MAX_FILE_BYTES,
    VERSION,
    built_in,
    built_in_file,
    drafts_of,
    file_name,
    method_file,
    read_method,
    read_method_file,
)
from workshop.domain.workshops import LANGUAGES


@contextmanager
def refused(problem: str, activity: int | None = None):
    """Expect the file refused for this problem, at this activity (counted from 1)."""
    with pytest.raises(DomainError) as info:
        yield info
    error = info.value
    assert error.code == "invalid_method", error.message
    assert error.details["problem"] == problem, error.message
    assert error.details["activity"] == activity, error.message
    if activity is not None:
        assert error.message.startswith(f"activity {activity}: ")


def a_file(**changes) -> dict:
    """A good file: a brainstorm, its grouping, a vote on it, its results."""
    data = {
        "format": "tupa-method", "version": 1, "name": "Bus stops", "description": "",
        "language": "fi",
        "activities": [
            {"kind": "brainstorm", "title": "Ideat", "prompt": "Miten pysäkit paremmiksi?",
             "duration_seconds": 600, "closes_when_time_up": True,
             "settings": {"private": False}},
            {"kind": "group", "title": "Ryhmittely", "prompt": "", "duration_seconds": None,
             "closes_when_time_up": False, "settings": {"source": 0}},
            {"kind": "vote", "title": "Äänestys", "prompt": "", "duration_seconds": 300,
             "closes_when_time_up": False,
             "settings": {"vote_budget": 3, "votes_per_idea": 1, "source": 0}},
            {"kind": "results", "title": "Tulokset", "prompt": "", "duration_seconds": None,
             "closes_when_time_up": False, "settings": {"source": 2}},
        ],
    }
    data.update(changes)
    return data


def with_activity(number: int, **changes) -> dict:
    """A good file with one activity (counted from 1) changed; None removes a field."""
    data = a_file()
    activity = data["activities"][number - 1]
    for name, value in changes.items():
        if value is None:
            activity.pop(name, None)
        else:
            activity[name] = value
    return data


# The built-in methods ----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("method_id", sorted(BUILT_IN))
def test_every_built_in_method_reads_back_through_the_file_reader(method_id, language):
    method = built_in(method_id, language)

    assert method.language == language
    assert read_method(json.loads(json.dumps(method_file(method)))) == method
    assert all(step.activity.title and step.activity.duration_seconds for step in method.steps)


def test_the_built_in_methods_are_those_the_issue_asks_for():
    kinds = {method_id: [s.activity.kind.value for s in built_in(method_id, "en").steps]
             for method_id in BUILT_IN}

    assert kinds["idea-to-pilot"] == ["welcome", "discussion", "brainstorm", "group", "vote",
                                      "results"]
    assert kinds["service-journey"] == ["welcome", "brainstorm", "group", "brainstorm", "vote",
                                        "results"]
    assert kinds["pulse-30"] == ["welcome", "brainstorm", "vote", "results"]
    pulse = built_in("pulse-30", "en")
    assert pulse.duration_seconds <= 30 * 60
    assert pulse.steps[1].activity.duration_seconds == 8 * 60
    assert pulse.steps[1].activity.closes_when_time_up
    assert pulse.steps[2].activity.duration_seconds == 5 * 60


def test_the_worst_pain_points_get_ideas_that_the_vote_is_on():
    journey = built_in("service-journey", "en")

    assert journey.steps[2].source == 1  # grouping the pain points
    assert journey.steps[4].source == 3  # voting on the ideas for them
    assert journey.steps[5].source == 4


def test_each_language_has_its_own_words():
    for method_id in BUILT_IN:
        words = {language: [s.activity.prompt for s in built_in(method_id, language).steps]
                 for language in LANGUAGES}
        assert len({tuple(w) for w in words.values()}) == 3, method_id
        names = {built_in(method_id, language).name for language in LANGUAGES}
        assert len(names) == 3, method_id


def test_a_method_becomes_drafts_with_the_index_they_take_from():
    drafts = drafts_of(built_in("idea-to-pilot", "fi"))

    assert [(d.kind, source) for d, source in drafts] == [
        (ActivityKind.WELCOME, None), (ActivityKind.DISCUSSION, None),
        (ActivityKind.BRAINSTORM, None), (ActivityKind.GROUP, 2), (ActivityKind.VOTE, 2),
        (ActivityKind.RESULTS, 4)]
    vote = drafts[4][0]
    assert vote.settings == {"vote_budget": 5, "votes_per_idea": 2, "source_activity_id": None,
                             "cluster_ids": None}


# The file round trip ------------------------------------------------------------------------


def test_a_file_reads_and_writes_back_the_same():
    data = a_file()

    written = method_file(read_method(data))

    assert written == data
    assert read_method_file(json.dumps(written).encode()) == read_method(data)


def test_missing_optional_fields_take_their_defaults():
    data = a_file(activities=[{"kind": "brainstorm", "title": "Ideas", "prompt": "What?"},
                              {"kind": "vote", "title": "Vote"}])
    del data["description"]

    method = read_method(data)

    assert method.description == ""
    vote = method.steps[1]
    assert vote.source is None
    assert vote.activity.settings["vote_budget"] == 5
    assert vote.activity.duration_seconds is None
    assert method_file(method)["activities"][1]["settings"] == {
        "vote_budget": 5, "votes_per_idea": 5, "source": None}


def test_cluster_and_activity_ids_are_never_written():
    method = read_method(a_file())

    written = json.dumps(method_file(method))

    assert "cluster_ids" not in written and "source_activity_id" not in written


def test_a_file_with_a_byte_order_mark_is_read():
    assert read_method_file(b"\xef\xbb\xbf" + json.dumps(a_file()).encode()).name == "Bus stops"


def test_the_download_is_named_after_the_method_in_plain_letters():
    method = read_method(a_file(name="Äänestys: ÅÖ/pysäkit?"))

    assert file_name(method) == "tupa-method-aanestys-ao-pysakit.json"
    assert file_name(read_method(a_file(name="???"))) == "tupa-method-method.json"


# Bad files: each says what is wrong and where ------------------------------------------------


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00", b"", b"[" * 100_000])
def test_what_is_not_json_is_refused(raw):
    with refused("not_json"):
        read_method_file(raw)


def test_a_file_over_the_size_limit_is_refused_before_reading():
    raw = json.dumps(a_file(description="x" * MAX_FILE_BYTES)).encode()

    with refused("too_large") as info:
        read_method_file(raw)
    assert info.value.details["max_kb"] == 256


@pytest.mark.parametrize("data", [[], "tupa-method", None, {"format": "other", "version": 1},
                                  {"version": 1, "name": "x"}])
def test_what_is_not_a_method_file_is_refused(data):
    with refused("not_a_method"):
        read_method(data)


@pytest.mark.parametrize("version", [2, 0, "1", None, True, 1.5])
def test_another_version_says_which_version_this_tupa_reads(version):
    with refused("unknown_version") as info:
        read_method(a_file(version=version))

    assert info.value.details["reads"] == VERSION == 1
    assert "this Tupa reads version 1" in info.value.message


@pytest.mark.parametrize("field", ["name", "language", "activities"])
def test_a_missing_field_of_the_file_is_named(field):
    data = a_file()
    del data[field]

    with refused("missing") as info:
        read_method(data)
    assert info.value.details["field"] == field


@pytest.mark.parametrize("field", ["kind", "title"])
def test_a_missing_field_of_an_activity_is_named_with_its_place(field):
    with refused("missing", activity=3) as info:
        read_method(with_activity(3, **{field: None}))
    assert info.value.details["field"] == field


def test_an_unknown_kind_is_refused_with_its_place():
    with refused("unknown_kind", activity=3) as info:
        read_method(with_activity(3, kind="foo"))

    assert info.value.message == "activity 3: unknown kind 'foo'"
    assert "brainstorm" in info.value.details["kinds"]


def test_an_unknown_field_is_refused_rather_than_ignored():
    with refused("unknown_field", activity=2) as info:
        read_method(with_activity(2, colour="red"))
    assert info.value.details["field"] == "colour"
    with refused("unknown_field"):
        read_method(a_file(author="Espoo"))


@pytest.mark.parametrize(("number", "settings", "problem"), [
    (2, {"source": 5}, "source_not_earlier"),       # later than itself
    (2, {"source": 1}, "source_not_earlier"),       # itself
    (2, {"source": -1}, "source_not_earlier"),
    (2, {"source": "0"}, "source_not_earlier"),
    (2, {"source": True}, "source_not_earlier"),
    (4, {"source": 0}, "source_wrong_kind"),        # results of a brainstorm, not a vote
    (3, {"source": 1}, "source_wrong_kind"),        # a vote on a group
    (1, {"source": 0}, "unknown_setting"),          # a brainstorm takes from nothing
    (3, {"cluster_ids": [1, 2]}, "unknown_setting"),
    (3, {"source_activity_id": 4}, "unknown_setting"),
])
def test_a_bad_source_is_refused_with_its_place(number, settings, problem):
    with refused(problem, activity=number):
        read_method(with_activity(number, settings=settings))


def test_a_wrong_kind_of_source_names_both_kinds():
    with refused("source_wrong_kind", activity=4) as info:
        read_method(with_activity(4, settings={"source": 0}))

    assert info.value.details["found"] == "brainstorm"
    assert info.value.details["expected"] == "vote"


def test_at_most_the_agenda_limit_of_activities():
    welcome = {"kind": "welcome", "title": "Hei"}
    assert len(read_method(a_file(activities=[welcome] * MAX_ACTIVITIES)).steps) == 40

    with refused("too_many_activities") as info:
        read_method(a_file(activities=[welcome] * (MAX_ACTIVITIES + 1)))
    assert info.value.details["max"] == MAX_ACTIVITIES
    with refused("no_activities"):
        read_method(a_file(activities=[]))


@pytest.mark.parametrize(("where", "changes", "problem"), [
    (None, {"name": 5}, "not_text"),
    (None, {"description": ["a"]}, "not_text"),
    (None, {"language": "de"}, "unknown_language"),
    (None, {"activities": {"kind": "welcome"}}, "not_list"),
    (1, {"title": None, "prompt": 3}, "missing"),
    (1, {"prompt": 3}, "not_text"),
    (1, {"duration_seconds": "600"}, "not_number"),
    (1, {"duration_seconds": 10.5}, "not_number"),
    (1, {"duration_seconds": True}, "not_number"),
    (1, {"duration_seconds": 0}, "duration_range"),
    (1, {"duration_seconds": 4 * 3600 + 1}, "duration_range"),
    (1, {"closes_when_time_up": "yes"}, "not_boolean"),
    (2, {"closes_when_time_up": True}, "cannot_close"),
    (1, {"settings": []}, "not_object"),
    (1, {"settings": {"private": "no"}}, "not_boolean"),
    (3, {"settings": {"vote_budget": "3"}}, "not_number"),
    (3, {"settings": {"vote_budget": 0}}, "vote_settings"),
    (3, {"settings": {"vote_budget": 3, "votes_per_idea": 4}}, "vote_settings"),
    (1, {"prompt": "   "}, "no_question"),
    (2, {"title": " "}, "empty"),
    (2, {"title": "bad\x00"}, "bad_text"),
])
def test_wrong_types_and_values_are_refused_with_their_place(where, changes, problem):
    data = a_file(**changes) if where is None else with_activity(where, **changes)

    with refused(problem, activity=where):
        read_method(data)


def test_an_activity_that_is_not_an_object_is_refused_with_its_place():
    data = a_file()
    data["activities"][1] = "group"

    with refused("not_object", activity=2):
        read_method(data)


@pytest.mark.parametrize(("where", "field", "limit"), [
    (None, "name", 200), (None, "description", 1000), (2, "title", 200), (3, "prompt", 500),
])
def test_too_long_texts_are_refused_with_their_limit(where, field, limit):
    good = a_file(**{field: "x" * limit}) if where is None \
        else with_activity(where, **{field: "x" * limit})
    read_method(good)
    bad = copy.deepcopy(good)
    (bad if where is None else bad["activities"][where - 1])[field] = "x" * (limit + 1)

    with refused("too_long", activity=where) as info:
        read_method(bad)
    assert info.value.details == {"problem": "too_long", "activity": where, "field": field,
                                  "max_length": limit}


def test_a_built_in_file_in_each_language_is_that_language():
    for language in LANGUAGES:
        assert built_in_file("pulse-30", language)["language"] == language

"""An activity and an agenda as the domain checks them (workshop/domain/agenda.py)."""

from __future__ import annotations

import pytest

from workshop.domain.agenda import (
    KINDS,
    ActivityKind,
    check_agenda,
    default_agenda,
    draft,
    phase_of_kind,
    welcome,
)
from workshop.domain.errors import DomainError
from workshop.domain.phases import WHAT_EACH_PHASE_ALLOWS, Phase


def test_every_kind_puts_the_room_in_a_phase_the_permission_table_knows():
    assert set(KINDS) == set(ActivityKind)
    assert {spec.phase for spec in KINDS.values()} <= set(WHAT_EACH_PHASE_ALLOWS)
    assert phase_of_kind("brainstorm") is Phase.POSTING
    assert phase_of_kind("discussion") is Phase.LOBBY


def test_a_draft_is_cleaned_and_gets_its_kinds_settings_only():
    vote = draft("vote", "  Dots ", settings={"vote_budget": 3})
    assert (vote.title, vote.settings) == ("Dots", {
        "vote_budget": 3, "votes_per_idea": 3, "source_activity_id": None, "cluster_ids": None})
    assert draft("brainstorm", "Ideas", "How?", 600, True).closes_when_time_up is True


@pytest.mark.parametrize(("arguments", "code", "field"), [
    (("poll", "x"), "invalid_activity", "kind"),
    (("brainstorm", "x", ""), "invalid_activity", "prompt"),
    (("welcome", ""), "text_empty", "title"),
    (("welcome", "x" * 201), "text_too_long", "title"),
    (("welcome", "x", "", 0), "invalid_activity", "duration_seconds"),
    (("welcome", "x", "", 4 * 3600 + 1), "invalid_activity", "duration_seconds"),
    (("welcome", "x", "", True), "invalid_activity", "duration_seconds"),
    (("group", "x", "", None, True), "invalid_activity", "closes_when_time_up"),
    (("vote", "x", "", None, "yes"), "invalid_activity", "closes_when_time_up"),
    (("vote", "x", "", None, False, {"vote_budget": 0}), "invalid_vote_settings", "vote_budget"),
    (("vote", "x", "", None, False, {"cluster_ids": [0]}), "invalid_activity", "cluster_ids"),
    (("vote", "x", "", None, False, {"cluster_ids": "1"}), "invalid_activity", "cluster_ids"),
    (("results", "x", "", None, False, {"source_activity_id": True}), "invalid_activity",
     "source_activity_id"),
    (("brainstorm", "x", "q", None, False, {"private": 1}), "invalid_activity", "private"),
    (("welcome", "x", "", None, False, []), "invalid_activity", "settings"),
])
def test_a_bad_activity_says_which_field_is_wrong(arguments, code, field):
    with pytest.raises(DomainError) as refusal:
        draft(*arguments)
    assert (refusal.value.code, refusal.value.details.get("field")) == (code, field)


def test_the_default_agenda_opens_on_a_welcome_in_the_workshops_language():
    agenda = default_agenda("Miten?", 5, 2, "fi")
    assert [(a.kind, a.title) for a in agenda] == [
        ("welcome", "Tervetuloa"), ("brainstorm", "Ideointi"), ("group", "Ryhmittely"),
        ("vote", "Äänestys"), ("results", "Tulokset")]
    assert agenda[1].prompt == "Miten?" and agenda[3].settings["votes_per_idea"] == 2


def test_an_agenda_has_one_to_forty_activities_and_opens_on_a_welcome_by_default():
    with pytest.raises(DomainError):
        check_agenda([])
    with pytest.raises(DomainError):
        check_agenda([welcome("sv")] * 41)
    assert check_agenda([welcome("sv")] * 40)[0].title == "Välkommen"

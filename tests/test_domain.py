"""The pure rules of workshop/domain/: no app, no database, no socket."""

from __future__ import annotations

import ast
import math
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop import domain
from workshop.domain.allowances import CommandAllowance, FloodWatch, KeyedAllowances
from workshop.domain.codes import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    format_join_code,
    new_join_code,
    normalise_join_code,
)
from workshop.domain.errors import DomainError
from workshop.domain.ideas import IDEA_MAX_LENGTH, clean_idea_text
from workshop.domain.people import Role
from workshop.domain.phases import CLOSED, WHAT_EACH_PHASE_ALLOWS, Phase, check, tallies_visible
from workshop.domain.protocol import COMMANDS, FACTS, Audience, Fact
from workshop.domain.text import clean_text, shows_nothing, well_formed
from workshop.domain.votes import (
    MAX_VOTE_BUDGET,
    RankedIdea,
    check_vote_fits,
    check_vote_settings,
    rank_ideas,
    votes_left,
)


@contextmanager
def refused(code: str):
    """Expect a DomainError with this code."""
    with pytest.raises(DomainError) as info:
        yield info
    assert info.value.code == code, info.value.message


def test_the_domain_imports_only_the_standard_library():
    modules = sorted(Path(domain.__file__).parent.glob("*.py"))
    assert len(modules) > 5
    imported = set()
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                # `from .errors import ...` stays inside the package; `..` would leave it.
                assert node.level <= 1, f"{module.name} imports from outside the domain"
                if node.level == 0:
                    imported.add(node.module.split(".")[0])
    assert imported <= sys.stdlib_module_names | {"__future__"}


# Join codes


def test_the_alphabet_is_crockford_base32_without_lookalikes():
    assert len(JOIN_CODE_ALPHABET) == len(set(JOIN_CODE_ALPHABET)) == 32
    assert not set("ILOU") & set(JOIN_CODE_ALPHABET)
    assert JOIN_CODE_ALPHABET == JOIN_CODE_ALPHABET.upper()


def test_a_join_code_holds_40_bits():
    assert JOIN_CODE_LENGTH * math.log2(len(JOIN_CODE_ALPHABET)) == 40


def test_new_join_codes_use_only_the_alphabet_and_differ():
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == JOIN_CODE_LENGTH
        assert set(code) <= set(JOIN_CODE_ALPHABET)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("7kq2m9xd", "7KQ2M9XD"),
        ("7KQ2-M9XD", "7KQ2M9XD"),
        (" 7kq2 m9xd ", "7KQ2M9XD"),
        ("7-K-Q-2 M 9 X D", "7KQ2M9XD"),
        ("0I1L-oil0", "0111" "0110"),
        ("", ""),
        ("  -- ", ""),
    ],
)
def test_typed_codes_ignore_case_spaces_dashes_and_lookalikes(typed, code):
    assert normalise_join_code(typed) == code


@given(
    code=st.text(alphabet=JOIN_CODE_ALPHABET, min_size=8, max_size=8),
    data=st.data(),
)
def test_any_way_of_typing_a_code_finds_it(code, data):
    typed = ""
    for ch in code:
        typed += data.draw(st.sampled_from(["", " ", "-", "\t"]))
        typed += data.draw(st.sampled_from([ch, ch.lower()]))
    assert normalise_join_code(typed) == code


def test_a_code_is_shown_in_two_groups_of_four():
    assert format_join_code("7KQ2M9XD") == "7KQ2-M9XD"
    assert normalise_join_code(format_join_code("7KQ2M9XD")) == "7KQ2M9XD"


# Text a person typed


def test_text_is_trimmed():
    assert clean_idea_text("  \n Benches at every stop\t ") == "Benches at every stop"


def test_text_is_normalised_to_nfc():
    decomposed = "a\u0308"  # 'a' + combining diaeresis
    assert clean_idea_text(f"P{decomposed}iv{decomposed}koti") == "P\u00e4iv\u00e4koti"


def test_any_unicode_is_kept_as_typed():
    text = "<script>alert(1)</script> 🚌 ääkköset ÅÖ 中文"
    assert clean_idea_text(text) == text


@pytest.mark.parametrize("empty", ["", "   ", "\n\t", None])
def test_an_empty_idea_is_refused(empty):
    with refused("text_empty"):
        clean_idea_text(empty)


def test_empty_optional_text_becomes_an_empty_string():
    assert clean_text(None, max_length=40, required=False, field_name="nickname") == ""
    assert clean_text("  ", max_length=40, required=False, field_name="nickname") == ""


def test_500_characters_fit_and_501_do_not():
    assert len(clean_idea_text("x" * IDEA_MAX_LENGTH)) == 500
    assert clean_idea_text(f"  {'x' * IDEA_MAX_LENGTH}  ") == "x" * IDEA_MAX_LENGTH
    with refused("text_too_long") as info:
        clean_idea_text("x" * (IDEA_MAX_LENGTH + 1))
    assert info.value.details == {"field": "text", "max_length": 500}


def test_length_is_counted_after_normalising():
    # 1,000 code points typed, 500 characters once composed.
    assert len(clean_idea_text("a\u0308" * IDEA_MAX_LENGTH)) == IDEA_MAX_LENGTH


@pytest.mark.parametrize("value", [123, 1.5, True, ["idea"], {"text": "idea"}, b"idea"])
def test_text_that_is_not_a_string_is_refused(value):
    with refused("invalid_payload") as info:
        clean_idea_text(value)
    assert info.value.details == {"field": "text"}


def test_a_nul_character_is_refused():
    with refused("invalid_payload"):
        clean_idea_text("before\x00after")


# Vote settings


def test_the_cap_defaults_to_the_whole_budget():
    assert check_vote_settings(5, None) == (5, 5)
    assert check_vote_settings(5, 2) == (5, 2)
    assert check_vote_settings(1, 1) == (1, 1)
    assert check_vote_settings(MAX_VOTE_BUDGET, None) == (MAX_VOTE_BUDGET, MAX_VOTE_BUDGET)


@pytest.mark.parametrize(
    ("budget", "cap"),
    [(0, None), (-1, None), (MAX_VOTE_BUDGET + 1, None), (5, 0), (5, 6), (5, -1)],
)
def test_vote_settings_out_of_range_are_refused(budget, cap):
    with refused("invalid_vote_settings"):
        check_vote_settings(budget, cap)


@pytest.mark.parametrize(("budget", "cap"), [(True, None), ("5", None), (5.0, None)])
def test_a_budget_that_is_not_a_whole_number_is_refused(budget, cap):
    with refused("invalid_payload"):
        check_vote_settings(budget, cap)


@pytest.mark.parametrize("cap", [True, "2", 2.0])
def test_a_cap_that_is_not_a_whole_number_is_refused(cap):
    with refused("invalid_vote_settings"):
        check_vote_settings(5, cap)


# Phases


def test_the_phases_in_order():
    assert [p.value for p in Phase] == ["lobby", "posting", "grouping", "voting", "results"]


@pytest.mark.parametrize("phase", list(Phase))
def test_each_phase_allows_its_own_things(phase):
    participant = {command for role, command in WHAT_EACH_PHASE_ALLOWS[phase]
                   if role is Role.PARTICIPANT} - {"workshop.sync", "table.choose"}
    hosting = {"cluster.create", "cluster.rename", "cluster.delete", "cluster.move_idea"}
    expected = {Phase.POSTING: {"idea.post", "idea.edit", "idea.delete", "idea.enter",
                                *hosting},
                Phase.GROUPING: hosting,
                Phase.VOTING: {"vote.cast", "vote.retract"}}.get(phase, set())
    assert participant == expected
    assert tallies_visible(phase) is (phase is Phase.RESULTS)


def test_the_table_names_every_command_and_only_commands():
    named = {command for allowed in WHAT_EACH_PHASE_ALLOWS.values() for _, command in allowed}
    assert named == COMMANDS
    assert set(WHAT_EACH_PHASE_ALLOWS) == set(Phase)


def test_every_command_a_phase_can_close_says_what_is_closed():
    always = frozenset.intersection(*WHAT_EACH_PHASE_ALLOWS.values())
    closable = {command for allowed in WHAT_EACH_PHASE_ALLOWS.values()
                for _, command in allowed - always}
    assert closable <= set(CLOSED)


@pytest.mark.parametrize("phase", list(Phase))
def test_the_facilitator_runs_the_workshop_in_every_phase(phase):
    for command in ("phase.set", "idea.hide", "cluster.move_idea", "workshop.lock_joins"):
        check(phase, Role.FACILITATOR, command)


@pytest.mark.parametrize("phase", [p for p in Phase if p is not Phase.POSTING])
def test_posting_is_closed_outside_posting(phase):
    for command in ("idea.post", "idea.edit", "idea.delete"):
        check(Phase.POSTING, Role.PARTICIPANT, command)
        with refused("posting_closed"):
            check(phase, Role.PARTICIPANT, command)


@pytest.mark.parametrize("phase", [p for p in Phase if p is not Phase.VOTING])
def test_voting_is_closed_outside_voting(phase):
    for command in ("vote.cast", "vote.retract"):
        check(Phase.VOTING, Role.PARTICIPANT, command)
        with refused("voting_closed"):
            check(phase, Role.PARTICIPANT, command)


@pytest.mark.parametrize(("role", "command"), [
    (Role.PARTICIPANT, "table.create"), (Role.PARTICIPANT, "phase.set"),
    (Role.PARTICIPANT, "idea.hide"), (Role.FACILITATOR, "vote.cast"),
    (Role.FACILITATOR, "idea.post"),
])
def test_a_command_of_the_other_side_is_forbidden_in_every_phase(role, command):
    for phase in Phase:
        with refused("forbidden"):
            check(phase, role, command)


# Votes


def vote(*, budget=5, cap=5, total=0, on_idea=0):
    check_vote_fits(budget=budget, per_idea_cap=cap, cast_total=total, cast_on_idea=on_idea)


def test_a_vote_within_budget_and_cap_is_allowed():
    vote(total=4, on_idea=4)
    vote(budget=5, cap=2, total=3, on_idea=1)


def test_the_budget_is_enforced():
    with refused("vote_budget_spent"):
        vote(total=5, on_idea=0)


def test_the_per_idea_cap_is_enforced():
    with refused("vote_cap_reached"):
        vote(cap=2, total=2, on_idea=2)


def test_a_spent_budget_is_reported_before_the_cap():
    with refused("vote_budget_spent"):
        vote(cap=2, total=5, on_idea=2)


@pytest.mark.parametrize(("budget", "cast", "left"), [(5, 0, 5), (5, 3, 2), (5, 5, 0), (5, 7, 0)])
def test_votes_left_is_never_negative(budget, cast, left):
    assert votes_left(budget, cast) == left


# Results


def test_ideas_are_ranked_by_votes_and_ties_share_a_rank():
    ranked = rank_ideas({10: 3, 11: 5, 12: 3, 14: 1}, [10, 11, 12, 13, 14])
    assert ranked == [
        RankedIdea(11, 5, 1),
        RankedIdea(10, 3, 2),
        RankedIdea(12, 3, 2),
        RankedIdea(14, 1, 4),
        RankedIdea(13, 0, 5),
    ]


def test_ideas_without_votes_all_share_the_last_rank_in_posting_order():
    ranked = rank_ideas({}, [3, 1, 2])
    assert [(r.idea_id, r.votes, r.rank) for r in ranked] == [(3, 0, 1), (1, 0, 1), (2, 0, 1)]


def test_votes_for_ideas_not_listed_are_left_out():
    assert rank_ideas({99: 4, 1: 1}, [1]) == [RankedIdea(1, 1, 1)]


def test_no_ideas_no_results():
    assert rank_ideas({}, []) == []


# Facts and commands


def test_a_fact_must_be_registered():
    with pytest.raises(ValueError, match="unregistered fact"):
        Fact("idea.created", 1, {})


def test_a_fact_defaults_to_the_whole_workshop_without_a_number():
    fact = Fact("phase.changed", 7, {"phase": "voting"})
    assert fact.audience is Audience.WORKSHOP
    assert fact.sequence is None


def test_commands_are_imperative_and_facts_past_tense():
    assert not COMMANDS & FACTS
    for name in COMMANDS | FACTS:
        noun, verb = name.split(".")
        assert noun and verb
    for name in FACTS:
        assert name.endswith(("ed", "en", "shown")), name


# The allowance of commands per connection


def test_a_person_never_meets_the_allowance():
    allowance = CommandAllowance()
    assert all(allowance.take(100.0) for _ in range(20))


def test_a_flood_is_refused_and_the_allowance_refills_with_time():
    allowance = CommandAllowance(capacity=3, refill_per_second=1, tokens=3)
    assert [allowance.take(10.0) for _ in range(4)] == [True, True, True, False]
    assert allowance.take(10.5) is False
    assert allowance.take(11.6) is True
    assert allowance.take(100.0) is True
    assert allowance.tokens <= 3


# Refusals per connection, refused connects per address


def test_the_flood_watch_counts_refusals_in_a_window():
    watch = FloodWatch(limit=3, window_seconds=10)
    assert [watch.refuse(100.0) for _ in range(4)] == [False, False, False, True]
    assert watch.refuse(111.0) is False  # a new window


def test_an_address_runs_out_of_refusals_and_is_forgotten_when_quiet():
    addresses = KeyedAllowances((2, 1), most=2)
    assert addresses.has_left("192.0.2.1", 10.0)
    addresses.take("192.0.2.1", 10.0)
    addresses.take("192.0.2.1", 10.0)
    assert not addresses.has_left("192.0.2.1", 10.0)
    assert addresses.has_left("192.0.2.2", 10.0)
    assert addresses.has_left("192.0.2.1", 11.0)
    addresses.take("192.0.2.2", 20.0)
    addresses.take("192.0.2.3", 30.0)  # past `most`: the full ones are forgotten
    assert len(addresses.buckets) <= 2


# Text that cannot be stored, or shows nothing


@pytest.mark.parametrize("text", ["\ud800", "an idea \udfff", "\udbff\udbff"])
def test_a_lone_surrogate_is_no_text(text):
    assert not well_formed(text)
    with refused("invalid_payload"):
        clean_idea_text(text)


@pytest.mark.parametrize("text", [
    "\u200b", "\u200b\u200c\u200d", "\u2060\ufeff", "\u00ad", "\u200e\u200f\u202e",
    "\u3164", "\u115f\u1160", "\uffa0", "\u2800\u2800", "\u034f", "\ufe0f",
    "\U000e0041", "\u3000\u2003", " \u200b ",
])
def test_text_that_shows_nothing_is_empty(text):
    assert shows_nothing(text)
    with refused("text_empty"):
        clean_idea_text(text)
    assert clean_text(text, max_length=40, required=False, field_name="nickname") == ""


@pytest.mark.parametrize("text", ["a\u200b", "\U0001f469\u200d\U0001f4bb", "\u0639\u200f",
                                  "\u2764\ufe0f", "\U0001f1eb\U0001f1ee"])
def test_text_with_something_to_show_keeps_its_invisible_characters(text):
    assert not shows_nothing(text)
    assert clean_idea_text(text) == text

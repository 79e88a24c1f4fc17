"""Finnish, Swedish and English: which one a person sees, and the messages of refusals."""

from __future__ import annotations

from flask import g, request, session
from flask_babel import lazy_gettext as _l

from .domain.workshops import LANGUAGES

LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


def select_locale() -> str:
    """The person's own choice, else the page's workshop language, else the browser's."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    # A workshop page sets g.workshop_language: the workshop's own default comes next.
    workshop_language = g.get("workshop_language")
    if workshop_language in LANGUAGES:
        return workshop_language
    return request.accept_languages.best_match(LANGUAGES) or "fi"


# Every error code a client can receive, with the words a person reads.
ERROR_MESSAGES = {
    "invalid_payload": _l("The request was not understood."),
    "unknown_command": _l("Unknown command."),
    "not_found": _l("That no longer exists."),
    "forbidden": _l("You are not allowed to do that."),
    "not_authenticated": _l("Please join the workshop again."),
    "posting_closed": _l("Posting ideas is closed."),
    "voting_closed": _l("Voting is not open."),
    "vote_budget_spent": _l("You have no votes left."),
    "vote_cap_reached": _l("You have given this idea as many votes as one idea can get."),
    "text_empty": _l("Please write something first."),
    "text_too_long": _l("That is too long: at most %(max_length)s characters."),
    "invalid_phase": _l("Unknown phase."),
    "no_such_activity": _l("The agenda has no such step."),
    "invalid_activity": _l("That step of the agenda cannot be saved: please check its settings."),
    "invalid_decision": _l("That decision cannot be saved: please check its outcome, owner type "
                           "and date."),
    "activity_in_use": _l(
        "That step is in use: the room is at it, or ideas or votes belong to it."),
    "idea_private": _l(
        "An idea of a private brainstorm not yet revealed can only be merged with ideas of the "
        "same brainstorm."),
    "not_in_vote": _l("That idea is not part of this vote."),
    "invalid_vote_settings": _l("Votes per idea must be between 1 and the vote budget."),
    "join_code_exhausted": _l("Could not create a join code. Please try again."),
    "password_too_short": _l("The password must be at least 10 characters long."),
    "name_taken": _l("That name is already taken."),
    "no_such_facilitator": _l("There is no active facilitator account with that name."),
    "own_account": _l("You cannot deactivate your own account."),
    "setup_link_used": _l("This set-up link is no longer valid."),
    "joins_locked": _l("This workshop is closed to new participants."),
    "input_paused": _l("The facilitator has paused input."),
    "archived": _l("This workshop is archived: it can be read, not changed."),
    "invalid_export": _l("This file cannot be restored."),
    "idea_hidden": _l("Show the hidden idea first: a hidden idea is not merged and takes no "
                      "decision."),
    "idea_holds_merges": _l("Other ideas are merged into that one: merge into it instead."),
    "merge_not_last": _l("Undo the later merge into this idea first."),
    "no_duration": _l("This activity has no planned length: give the minutes to start the timer."),
    "invalid_method": _l("This method file cannot be used."),
    "too_many_attempts": _l("Too many attempts. Please wait a moment and try again."),
    "rate_limited": _l("Too many actions at once. Please wait a moment."),
    "server_busy": _l("The server is busy. Your action will be retried."),
    "server_error": _l("Something went wrong on the server. Please try again."),
    "grouping_closed": _l("Grouping is not open now."),
    "table_has_ideas": _l("Ideas were posted at that table: it stays, so that they keep it."),
    "seating_closed": _l("The facilitator seats people at tables: please wait to be seated."),
    "not_at_table": _l("A table's host must sit at that table."),
    "no_table": _l("This brainstorm is at tables: please choose a table or wait to be seated."),
    "not_brainstorm": _l("Ideas go into a brainstorm: choose one."),
    "too_many_tables": _l("A workshop has at most %(most)s tables."),
    "tables_not_merged": _l("Bring the tables together first: ideas of different tables are "
                            "merged once the tables are merged into the plenary."),
}


def message_for(code: str, details: dict) -> str:
    """The translated message for an error code, with its details filled in."""
    text = str(ERROR_MESSAGES.get(code, ERROR_MESSAGES["server_error"]))
    try:
        return text % details
    except (KeyError, TypeError, ValueError):
        return text

"""The words the browser's JavaScript shows, from the same catalogues as the pages.

The pages fill %(name)s placeholders themselves. Where a control's accessible name adds the
idea's text to its visible words ("Give a vote" -> "Give a vote: ..."), the translation must
keep the visible words at its start, so that speech control users can say what they see.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .domain.agenda import ActivityKind
from .domain.decisions import NEXT_STEP_MAX_LENGTH, Outcome
from .domain.ideas import CLUSTER_NAME_MAX_LENGTH, IDEA_MAX_LENGTH
from .domain.people import ORGANISATION_NAME_MAX_LENGTH, OrganisationType
from .domain.phases import Phase
from .domain.tables import TABLE_NAME_MAX_LENGTH

PHASE_NAMES = {
    Phase.LOBBY.value: _l("Not started yet"),
    Phase.POSTING.value: _l("Posting ideas"),
    Phase.GROUPING.value: _l("Posting closed, grouping ideas"),
    Phase.VOTING.value: _l("Voting"),
    Phase.RESULTS.value: _l("Results"),
}

PHASE_HELP = {
    Phase.LOBBY.value: _l("The workshop starts soon. This page updates by itself."),
    Phase.POSTING.value: _l("Post as many ideas as you like. Everyone sees them at once."),
    Phase.GROUPING.value: _l("Posting is closed. The facilitator is grouping the ideas."),
    Phase.VOTING.value: _l("Give your votes to the ideas you find best. Nobody sees the "
                           "counts until the results."),
    Phase.RESULTS.value: _l("The votes are counted. Here are the results."),
}

# The kinds of activity in words, as the board's agenda lists them.
KIND_NAMES = {
    ActivityKind.WELCOME.value: _l("Welcome"),
    ActivityKind.BRAINSTORM.value: _l("Brainstorm"),
    ActivityKind.GROUP.value: _l("Grouping"),
    ActivityKind.VOTE.value: _l("Dot vote"),
    ActivityKind.RESULTS.value: _l("Results"),
    ActivityKind.DISCUSSION.value: _l("Discussion or break"),
}

ORGANISATION_TYPE_NAMES = {
    OrganisationType.CITY.value: _l("City or municipality"),
    OrganisationType.COMPANY.value: _l("Company"),
    OrganisationType.RESEARCH.value: _l("Research or education"),
    OrganisationType.CITIZEN.value: _l("Resident or citizen"),
    OrganisationType.OTHER.value: _l("Other"),
}

# What is done next with an idea or a cluster, in words (the decision record); the same words
# as the workbook's and the report's (reports/labels.py).
OUTCOME_NAMES = {
    Outcome.PILOT.value: _l("Take forward as a pilot"),
    Outcome.INVESTIGATE.value: _l("Investigate"),
    Outcome.PARK.value: _l("Park"),
    Outcome.ALREADY_DONE.value: _l("Already being done"),
}

CLIENT_MESSAGES = {
    # The connection, on every page.
    "connecting": _l("Connecting..."),
    "connection_lost": _l("Connection lost. Reconnecting..."),
    "connection_back": _l("Connected again."),
    "connection_denied": _l("This page could not join the workshop."),
    "actions_waiting": _l("Actions waiting to be sent: %(count)s"),
    "join_again": _l("Please join the workshop again: open the join link or type the code."),
    "join_again_link": _l("Join again"),
    "sign_in_again": _l("Please sign in again to run this workshop."),
    "sign_in_again_link": _l("Sign in again"),
    "action_failed": _l("That did not work. Please try again."),
    "close": _l("Close"),
    "close_message": _l("Close message"),
    # Phases, and what they mean for a participant.
    "phase_now": _l("Phase now: %(phase)s"),
    "results_revealed": _l("The results have been revealed."),
    # Ideas.
    "ideas_count": _l("Ideas: %(count)s"),
    "ungrouped": _l("Not grouped"),
    "cluster_empty": _l("No ideas in this group yet."),
    "your_idea": _l("Your idea"),
    "idea_sending": _l("Sending your idea..."),
    "idea_posted": _l("Your idea was posted."),
    "idea_saved_offline": _l("Your idea is saved and will be sent when the connection is back."),
    "idea_waiting": _l("Waiting to be sent"),
    "idea_empty": _l("Please write something first."),
    "idea_too_long": _l("That is too long: at most %(max_length)s characters."),
    "characters_used": _l("%(count)s / %(max)s characters"),
    "characters_left": _l("Characters left: %(count)s"),
    "characters_over": _l("Characters over the limit: %(count)s"),
    "edit": _l("Edit"),
    "edit_idea_named": _l("Edit: %(idea)s"),
    "edit_your_idea": _l("Edited text"),
    "edit_waiting": _l("Your change waits to be sent."),
    "save": _l("Save"),
    "cancel": _l("Cancel"),
    "delete": _l("Delete"),
    "delete_idea_named": _l("Delete: %(idea)s"),
    "delete_waiting": _l("Will be deleted when the connection is back."),
    "confirm_delete_own": _l("Delete your idea \u201c%(idea)s\u201d?"),
    "idea_deleting": _l("Deleting your idea..."),
    # Votes.
    "votes_left": _l("Votes left: %(count)s"),
    "your_votes_here": _l("Your votes for this idea: %(count)s"),
    "give_vote": _l("Give a vote"),
    "give_vote_named": _l("Give a vote: %(idea)s"),
    "take_vote_back": _l("Take a vote back"),
    "take_vote_back_named": _l("Take a vote back: %(idea)s"),
    "no_votes_left": _l("You have no votes left."),
    "vote_cap_reached": _l("You have given this idea as many votes as one idea can get."),
    "no_vote_to_take_back": _l("You have not given this idea a vote."),
    # Results.
    "rank": _l("Rank %(rank)s"),
    "votes_count": _l("Votes: %(count)s"),
    # The facilitator's board.
    "online_now": _l("Online now: %(online)s (joined: %(joined)s)"),
    "count_of": _l("%(name)s: %(count)s"),
    "votes_progress": _l("Votes given: %(votes)s, by %(voters)s participants"),
    "hidden_from_participants": _l("Hidden from participants"),
    "hide": _l("Hide"),
    "hide_idea_named": _l("Hide: %(idea)s"),
    "show": _l("Show"),
    "show_idea_named": _l("Show: %(idea)s"),
    "idea_hiding": _l("Hiding the idea from participants..."),
    "idea_showing": _l("Showing the idea to participants again..."),
    "confirm_delete_idea": _l("Delete the idea \u201c%(idea)s\u201d for everyone?"),
    "idea_deleted": _l("The idea was deleted."),
    "move_to_cluster": _l("Move to cluster"),
    "move_to_cluster_named": _l("Move to cluster: %(idea)s"),
    "move": _l("Move"),
    "move_idea_named": _l("Move: %(idea)s"),
    "moved_to": _l("Moved to %(cluster)s."),
    "already_there": _l("The idea is already there."),
    "drop_here": _l("Drag ideas here."),
    "rename": _l("Rename"),
    "rename_cluster_named": _l("Rename cluster: %(name)s"),
    "new_cluster_name": _l("New name"),
    "delete_cluster_named": _l("Delete cluster: %(name)s"),
    "confirm_delete_cluster": _l("Delete the cluster \u201c%(name)s\u201d? Its ideas stay, "
                                 "ungrouped."),
    "cluster_created": _l("Cluster \u201c%(name)s\u201d created."),
    "cluster_name_empty": _l("Please give the cluster a name."),
    # A private brainstorm: the board's note, counts and Reveal, the phone's note, the
    # presenter's number.
    "private_brainstorm": _l("Private brainstorm"),
    "private_note_board": _l("Private: participants see only their own ideas"),
    "private_revealed": _l("Revealed: everyone sees all ideas"),
    "private_note_phone": _l("Only you and the facilitators see your ideas until they are "
                             "revealed"),
    "ideas_so_far": _l("Ideas so far: %(count)s"),
    "ideas_so_far_label": _l("ideas so far"),
    "reveal_ideas": _l("Reveal all ideas"),
    "reveal_ideas_named": _l("Reveal all ideas: %(title)s"),
    "confirm_reveal": _l("Show every idea of \u201c%(title)s\u201d to everyone? This cannot be "
                         "undone."),
    "ideas_revealing": _l("Revealing the ideas..."),
    "ideas_revealed": _l("All ideas are now shown to everyone."),
    # The agenda: what to do now on the phone and the projector, the board's agenda panel.
    "instruction_welcome": _l("Welcome! The workshop starts soon."),
    "instruction_brainstorm": _l("Post your ideas: %(prompt)s"),
    "instruction_group": _l("The facilitator is grouping the ideas. Watch them come together."),
    "instruction_vote": _l("Vote: you have %(count)s dots"),
    "instruction_vote_capped": _l("Vote: you have %(count)s dots (at most %(cap)s on one idea)"),
    "instruction_vote_one": _l("Vote: you have 1 dot"),
    "instruction_vote_none": _l("You have given all your dots."),
    "instruction_results": _l("Results"),
    "instruction_discussion": _l("Discussion"),
    "people_here": _l("%(count)s here"),
    "activity_now": _l("Now: %(title)s"),
    "activity_named": _l("%(kind)s: %(title)s"),
    "agenda_steps": _l("Move through the agenda"),
    "agenda_list": _l("Activities in order"),
    "agenda_back": _l("Back"),
    "agenda_back_named": _l("Back: %(title)s"),
    "agenda_next": _l("Next"),
    "agenda_next_named": _l("Next: %(title)s"),
    "agenda_now": _l("Now"),
    "go_here": _l("Go here"),
    "go_here_named": _l("Go here: %(title)s"),
    "minutes_planned": _l("%(count)s min"),
    "edit_agenda": _l("Edit agenda"),
    "edit_activity_named": _l("Edit: %(title)s"),
    "move_up": _l("Move up"),
    "move_up_named": _l("Move up: %(title)s"),
    "move_down": _l("Move down"),
    "move_down_named": _l("Move down: %(title)s"),
    "remove": _l("Remove"),
    "remove_activity_named": _l("Remove: %(title)s"),
    "confirm_remove_activity": _l("Remove \u201c%(title)s\u201d from the agenda?"),
    "add_activity": _l("Add an activity"),
    "add_activity_submit": _l("Add to the agenda"),
    "activity_kind": _l("Kind of activity"),
    "activity_kind_fixed": _l("The kind of an activity stays. To change it, add a new one."),
    "activity_title": _l("Title"),
    "activity_prompt": _l("Question or prompt"),
    "activity_prompt_hint": _l("Participants see it on their phones. A brainstorm needs its "
                               "question."),
    "activity_minutes": _l("Planned minutes"),
    "activity_minutes_hint": _l("Leave empty for no time box."),
    "activity_closes": _l("Close input when time is up"),
    "activity_private": _l("Private: each participant sees only their own ideas until you "
                           "reveal them"),
    "activity_at_tables": _l("At tables: each table sees only its own ideas until you merge "
                             "the tables"),
    "activity_at_tables_hint": _l("Not together with private. Add the tables and seat people "
                                  "in the Tables panel."),
    "activity_dots": _l("Dots per participant"),
    "activity_cap": _l("Most dots on one idea"),
    "activity_cap_hint": _l("Leave empty to allow every dot on one idea."),
    "activity_ideas_from": _l("Ideas from"),
    "activity_every_question": _l("Every question"),
    "activity_results_of": _l("Results of"),
    "activity_last_vote": _l("The last vote before it"),
    "activity_clusters": _l("Only the ideas of these clusters"),
    "activity_clusters_hint": _l("Tick none to vote over every idea."),
    "activity_no_clusters": _l("No clusters yet."),
    "activity_title_empty": _l("Please give the activity a title."),
    "activity_prompt_needed": _l("A brainstorm needs its question."),
    "activity_dots_invalid": _l("Give the dots as a whole number from 1 to 100."),
    "activity_cap_invalid": _l("Give the most dots on one idea as a whole number from 1 to "
                               "%(max)s, or leave it empty."),
    "activity_adding": _l("Adding to the agenda: %(title)s"),
    "activity_saving": _l("Saving: %(title)s"),
    "activity_moved": _l("Moving %(title)s to place %(position)s of %(count)s."),
    "activity_removing": _l("Removing from the agenda: %(title)s"),
    # The current activity's timer: on every screen, its controls on the board.
    "timer": _l("Timer"),
    "timer_left": _l("Time left"),
    "timer_paused": _l("The timer is paused."),
    "timer_not_started": _l("The timer has not been started."),
    "timer_one_minute": _l("One minute left."),
    "timer_up": _l("Time is up."),
    "timer_up_closed": _l("Time is up. Input is closed."),
    "timer_minutes": _l("Minutes"),
    "timer_minutes_hint": _l("Leave empty to use the activity's planned length."),
    "timer_minutes_invalid": _l("Give the minutes as a whole number from 1 to 240."),
    "timer_start": _l("Start timer"),
    "timer_pause": _l("Pause timer"),
    "timer_resume": _l("Resume timer"),
    "timer_add_minute": _l("+1 min"),
    "timer_remove_minute": _l("\u22121 min"),
    "timer_stop": _l("Stop timer"),
    # Moderation: on every idea card, the phone's pause notice, the board's controls.
    "edited_by_facilitator": _l("Edited by the facilitator"),
    "merged_ideas": _l("Merged from %(count)s ideas"),
    "input_paused": _l("The facilitator has paused input."),
    "pause_input": _l("Pause input from participants"),
    "input_paused_now": _l("Input is paused."),
    "input_open_now": _l("Input is open again."),
    "select_for_merge": _l("Select for merging"),
    "select_for_merge_named": _l("Select for merging: %(idea)s"),
    "merge_selected": _l("Merge selected ideas (%(count)s)"),
    "merge_needs_two": _l("Select at least two ideas to merge."),
    # The board's merge dialog and its dialog for editing any idea.
    "merge_dialog_heading": _l("Merge ideas"),
    "merge_dialog_intro": _l("These ideas become one. Their votes and authors go with it, and "
                             "you can undo the merge."),
    "merge_dialog_ideas": _l("Ideas to merge"),
    "merge_text_question": _l("Text of the merged idea"),
    "merge_keep_text_of": _l("Keep the text of: %(idea)s"),
    "merge_write_combined": _l("Write a combined text"),
    "merge_combined_text": _l("Combined text"),
    "merge": _l("Merge"),
    "edit_idea_heading": _l("Edit the idea"),
    "edit_idea_marked": _l("Every screen will show that the facilitator edited it."),
    "idea_text_label": _l("Text of the idea"),
    "idea_edited": _l("The idea was edited."),
    "ideas_merged": _l("The ideas were merged."),
    "undo_merge": _l("Undo merge"),
    "undo_merge_named": _l("Undo merge: %(idea)s"),
    "merge_undone": _l("The merge was undone."),
    # Decisions: on the phone with the results, on the board with its dialog.
    "decision_made": _l("A decision was made: %(outcome)s"),
    "decision_owner": _l("Owner: %(owner)s"),
    "decision_owner_with_type": _l("%(name)s (%(type)s)"),
    "decision_next_step": _l("Next step: %(step)s"),
    "decision_due_on": _l("By %(date)s"),
    "decision_on_cluster": _l("Cluster: %(name)s"),
    "decision": _l("Decision"),
    "decision_named": _l("Decision: %(about)s"),
    "decision_dialog_heading": _l("Decision"),
    "decision_outcome_question": _l("What happens next?"),
    "decision_owner_name_label": _l("Owner organisation"),
    "decision_owner_type_label": _l("Kind of organisation"),
    "decision_owner_type_none": _l("Not given"),
    "decision_next_step_label": _l("Next step"),
    "decision_due_on_label": _l("Due date"),
    "decision_optional": _l("Optional."),
    "decision_due_on_invalid": _l("Give the due date as a date from the year 2000 to 2099, or "
                                  "leave it empty."),
    "decision_too_long": _l("That is too long: at most %(max_length)s characters."),
    "decision_remove": _l("Remove the decision"),
    "decision_saved": _l("The decision was saved."),
    "decision_removed": _l("The decision was removed."),
    "decisions_public_now": _l("Participants see the decisions, and the results page is open."),
    "decisions_private_now": _l("The decisions are kept to the facilitators, and the results "
                                "page is closed."),
    # Tables on the board: the Tables panel, who sits where, a brainstorm at tables side by
    # side, likely duplicates after the merge, paper notes, hand votes; the presenter's counts.
    "table_name_label": _l("Name of the new table"),
    "table_name_hint": _l("A numbered name waits in the field: press Add for the next table."),
    "table_default_name": _l("Table %(number)s"),
    "add_table": _l("Add table"),
    "table_name_empty": _l("Please give the table a name."),
    "table_name_too_long": _l("That is too long: at most %(max_length)s characters."),
    "table_name_taken": _l("Another table is already called \u201c%(name)s\u201d."),
    "table_adding": _l("Adding the table \u201c%(name)s\u201d..."),
    "table_renaming": _l("Renaming the table to \u201c%(name)s\u201d..."),
    "table_deleting": _l("Deleting the table \u201c%(name)s\u201d..."),
    "tables_list": _l("Tables in the room"),
    "no_tables_yet": _l("No tables yet."),
    "table_seated": _l("Seated: %(count)s"),
    "rename_table_named": _l("Rename table: %(name)s"),
    "delete_table_named": _l("Delete table: %(name)s"),
    "confirm_delete_table": _l("Delete the table \u201c%(name)s\u201d? Those seated there will "
                               "have no table."),
    "table_host": _l("Host"),
    "table_host_named": _l("Host: %(name)s"),
    "no_host": _l("No host"),
    "name_host": _l("Name host"),
    "name_host_named": _l("Name host: %(name)s"),
    "host_named_now": _l("%(name)s hosts %(table)s."),
    "host_removed_now": _l("%(table)s has no host now."),
    "tables_by_choice": _l("Participants choose their table on their phones"),
    "tables_by_choice_hint": _l("Otherwise you seat them: automatically or one by one below."),
    "choice_open_now": _l("Participants choose their tables on their phones."),
    "choice_closed_now": _l("You seat the participants at the tables."),
    "assign_everyone": _l("Seat everyone again, also those already seated"),
    "assign_hint": _l("Tables fill evenly, and each table mixes the kinds of organisation."),
    "assign_automatically": _l("Assign automatically"),
    "assign_needs_tables": _l("Add a table first."),
    "assigning": _l("Seating the participants at the tables..."),
    "assigned": _l("Seats given: %(count)s."),
    "seating_heading": _l("Who sits where"),
    "seating_person": _l("Participant"),
    "seating_type": _l("Kind of organisation"),
    "seating_table": _l("Table"),
    "seated_of": _l("Seated: %(seated)s of %(count)s"),
    "no_people_yet": _l("Nobody has joined yet."),
    "participant_numbered": _l("Participant %(number)s"),
    "seat_no_table": _l("No table"),
    "seat_named": _l("Table of %(name)s"),
    "move_person_named": _l("Move: %(name)s"),
    "already_seated_there": _l("They already sit there."),
    "seated_now": _l("%(name)s now sits at %(table)s."),
    "unseated_now": _l("%(name)s has no table now."),
    "tables_brainstorm": _l("At tables: %(title)s"),
    "tables_brainstorm_note": _l("Each table sees only its own ideas until you merge the tables "
                                 "into the plenary."),
    "table_no_ideas_yet": _l("No ideas yet."),
    "ideas_of_no_table": _l("No table"),
    "merge_tables": _l("Merge tables into plenary"),
    "merge_tables_named": _l("Merge tables into plenary: %(title)s"),
    "confirm_merge_tables": _l("Bring every table's ideas of \u201c%(title)s\u201d into the "
                               "plenary, for everyone to see? This cannot be undone."),
    "tables_merging": _l("Merging the tables into the plenary..."),
    "tables_merged": _l("The tables were merged into the plenary: %(title)s"),
    "likely_duplicates": _l("Likely duplicates"),
    "likely_duplicates_hint": _l("Ideas from different tables that seem to say the same thing. "
                                 "Merge them, or dismiss the pair on this screen."),
    "similarity": _l("How alike: %(percent)s"),
    "compare_and_merge": _l("Compare and merge"),
    "compare_and_merge_named": _l("Compare and merge: %(a)s / %(b)s"),
    "duplicate_dismiss": _l("Dismiss"),
    "duplicate_dismiss_named": _l("Dismiss: %(a)s / %(b)s"),
    "duplicate_dismissed": _l("The pair was dismissed."),
    "paper_for_table": _l("Enter from paper"),
    "paper_for_table_named": _l("Enter from paper: %(name)s"),
    "paper_dialog_heading": _l("Enter ideas from paper"),
    "paper_dialog_intro": _l("Each note is marked \u201centered on behalf\u201d, with your name. "
                             "The dialog stays open for the next note."),
    "paper_text_label": _l("Text of the note"),
    "paper_table_label": _l("Table"),
    "paper_table_none": _l("No table"),
    "paper_type_label": _l("Kind of organisation"),
    "paper_type_none": _l("Not known"),
    "paper_optional": _l("Table and kind of organisation are optional."),
    "paper_enter": _l("Enter"),
    "paper_sending": _l("Entering: %(idea)s"),
    "paper_entered": _l("Entered: %(idea)s"),
    "hand_votes": _l("Hand votes"),
    "hand_votes_hint": _l("Hands raised in the room for each idea of \u201c%(title)s\u201d. They "
                          "are shown beside the phones' votes, and added up."),
    "count_hands": _l("Count hands for each idea"),
    "hands_label": _l("Hands"),
    "hands_named": _l("Hands: %(idea)s"),
    "save_hands_named": _l("Save: %(idea)s"),
    "hands_invalid": _l("Give the hands as a whole number from 0 to %(most)s."),
    "hands_set": _l("Hands for %(idea)s: %(count)s."),
    "votes_with_hands": _l("Phones %(phones)s + hands %(hands)s = %(total)s"),
    # Tables on the phone: where one sits, choosing a table, a brainstorm held by table.
    "seat_you_are_at": _l("You are at %(table)s"),
    "seat_you_host": _l("You are at %(table)s. You host this table."),
    "seat_choose": _l("Choose your table"),
    "seat_change": _l("Change your table"),
    "seat_table_option": _l("%(name)s (%(count)s seated)"),
    "seat_choose_first": _l("Please choose a table first."),
    "seat_already_here": _l("You are already at %(table)s."),
    "seat_choosing": _l("Taking your seat..."),
    "seat_unseated": _l("You no longer have a table."),
    "seat_ideas_held": _l("Only your table sees these ideas until the facilitator brings the "
                          "tables together"),
    "seat_choose_to_post": _l("This brainstorm is at tables: choose your table to post ideas."),
    "seat_wait": _l("This brainstorm is at tables: please wait until the facilitator seats "
                    "you at one."),
    "seat_tables_merged": _l("The facilitator brought the tables together: you now see every "
                             "table's ideas."),
    # On every idea card: the table it came from, and an idea typed in from paper.
    "idea_at_table": _l("Table: %(table)s"),
    "entered_on_behalf_by": _l("Entered on behalf \u00b7 by %(name)s"),
    "entered_on_behalf_by_host": _l("Entered on behalf \u00b7 by the table's host"),
    "entered_on_behalf_by_facilitator": _l("Entered on behalf \u00b7 by a facilitator"),
    # A table's host on the phone: the table's groups and paper notes.
    "host_intro": _l("You host %(table)s: make groups and move your table's ideas into them."),
    "host_rename_group_named": _l("Rename group: %(name)s"),
    "host_delete_group_named": _l("Delete group: %(name)s"),
    "host_confirm_delete_group": _l("Delete the group \u201c%(name)s\u201d? Its ideas stay, "
                                    "ungrouped."),
    "host_group_name_empty": _l("Please give the group a name."),
    "host_group_creating": _l("Creating the group \u201c%(name)s\u201d..."),
    "host_group_created": _l("Group \u201c%(name)s\u201d created."),
    "host_group_deleting": _l("Deleting the group \u201c%(name)s\u201d..."),
    "host_move_to_group": _l("Move to group"),
    "host_move_to_group_named": _l("Move to group: %(idea)s"),
    "paper_note_sending": _l("Entering the paper note..."),
    "paper_note_entered": _l("The paper note was entered."),
    # Results on the phone with hands counted in the room: each kind of vote, and their sum.
    "phone_votes_with_hands": _l("%(votes)s votes \u00b7 %(hands)s hands \u00b7 %(total)s in "
                                 "all"),
}


def client_messages() -> dict[str, str]:
    """The messages in the current language, for a page's JSON data block."""
    messages = {key: str(text) for key, text in CLIENT_MESSAGES.items()}
    messages.update({f"phase.{key}": str(text) for key, text in PHASE_NAMES.items()})
    messages.update({f"phase_help.{key}": str(text) for key, text in PHASE_HELP.items()})
    messages.update({f"organisation_type.{key}": str(text)
                     for key, text in ORGANISATION_TYPE_NAMES.items()})
    messages.update({f"kind.{key}": str(text) for key, text in KIND_NAMES.items()})
    messages.update({f"outcome.{key}": str(text) for key, text in OUTCOME_NAMES.items()})
    return messages


def page_settings() -> dict:
    """The workshop's limits, phases and organisation types, for a page's JSON data block."""
    return {
        "idea_max_length": IDEA_MAX_LENGTH,
        "cluster_name_max_length": CLUSTER_NAME_MAX_LENGTH,
        "phases": [phase.value for phase in Phase],
        "activity_kinds": [kind.value for kind in ActivityKind],
        "organisation_types": [kind.value for kind in OrganisationType],
        "outcomes": [outcome.value for outcome in Outcome],
        "organisation_name_max_length": ORGANISATION_NAME_MAX_LENGTH,
        "next_step_max_length": NEXT_STEP_MAX_LENGTH,
        "table_name_max_length": TABLE_NAME_MAX_LENGTH,
    }

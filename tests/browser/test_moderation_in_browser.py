"""Moderation as the facilitator clicks it while two phones follow: merging two ideas (and
undoing it), editing an idea's text, removing a participant with their ideas.

Controls are found by role and accessible name or by label, as a screen reader user finds
them; the dialogs are checked for where the keyboard goes when they open and close.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_workshop_in_browser import idea_on, post, sign_in

pytestmark = pytest.mark.browser

FIRST = "Benches at stops"
SECOND = "More benches"


def phone_of(screens, tupa, workshop, nickname: str) -> Page:
    """A phone that joined as `nickname`, on the workshop's page."""
    token = tupa.join(workshop, nickname=nickname)
    phone = screens.phone()
    phone.context.add_cookies([{"name": f"tupa_p_{workshop.id}", "value": token,
                                "url": tupa.url}])
    phone.goto(f"/w/{workshop.join_code}")
    expect(phone.locator("#instruction")).to_contain_text("Welcome! The workshop starts soon.")
    return phone


def room(screens, tupa, *, vote_budget: int = 5, votes_per_idea: int = 2):
    """A signed-in board on a new workshop's welcome and two phones, Aino's and Bertil's."""
    facilitator = tupa.facilitator()
    workshop = tupa.workshop(facilitator, vote_budget=vote_budget,
                             votes_per_idea=votes_per_idea, phase="lobby")
    board = screens.desk()
    sign_in(board, facilitator.name)
    board.goto(f"/workshops/{workshop.id}")
    aino, bertil = (phone_of(screens, tupa, workshop, name) for name in ("Aino", "Bertil"))
    expect(board.get_by_text("Online now: 2 (joined: 2)")).to_be_visible()
    board.get_by_role("button", name="Next: Brainstorm").click()
    post(aino, FIRST)
    post(bertil, SECOND)
    for text in (FIRST, SECOND):
        expect(idea_on(board, text)).to_be_visible()
    return workshop, board, aino, bertil


def vote(phone: Page, text: str, left: int) -> None:
    phone.get_by_role("button", name=f"Give a vote: {text}").click()
    expect(phone.get_by_text(f"Votes left: {left}")).to_be_visible()


def test_two_ideas_merge_with_their_authors_and_votes_within_the_cap_and_the_merge_undoes(
        screens, tupa):
    _, board, aino, bertil = room(screens, tupa, vote_budget=5, votes_per_idea=2)
    board.get_by_role("button", name="Go here: Vote").click()
    for phone in (aino, bertil):
        expect(phone.get_by_text("Votes left: 5")).to_be_visible()
    vote(aino, FIRST, 4)
    vote(aino, SECOND, 3)
    # Bertil gives the first idea all the cap allows: merged, three votes are one too many.
    vote(bertil, FIRST, 4)
    vote(bertil, FIRST, 3)
    vote(bertil, SECOND, 2)
    expect(board.get_by_text("Votes given: 5, by 2 participants")).to_be_visible()

    board.get_by_label(f"Select for merging: {FIRST}").check()
    board.get_by_label(f"Select for merging: {SECOND}").check()
    merge_button = board.get_by_role("button", name="Merge selected ideas (2)")
    merge_button.click()
    dialog = board.get_by_role("dialog", name="Merge ideas")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("listitem")).to_have_text([FIRST, SECOND])
    keep_first = dialog.get_by_label(f"Keep the text of: {FIRST}")
    expect(keep_first).to_be_focused()
    expect(keep_first).to_be_checked()
    expect(dialog.get_by_label(f"Keep the text of: {SECOND}")).not_to_be_checked()
    expect(dialog.get_by_role("textbox", name="Combined text")).to_have_value(f"{FIRST} / {SECOND}")
    # Esc closes it, nothing is merged, and the keyboard is back where it was.
    board.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(merge_button).to_be_focused()
    expect(idea_on(board, SECOND)).to_be_visible()

    merge_button.click()
    expect(dialog.get_by_label(f"Keep the text of: {FIRST}")).to_be_checked()
    dialog.get_by_role("button", name="Merge", exact=True).click()

    expect(dialog).to_be_hidden()
    merged = idea_on(board, FIRST)
    expect(merged).to_contain_text("Aino")
    expect(merged).to_contain_text("Bertil")
    expect(merged).to_contain_text("Merged from 2 ideas")
    for page in (board, aino, bertil):
        expect(idea_on(page, SECOND)).to_have_count(0)
    # Bertil's third vote on the one idea is given back; Aino's two fit under the cap.
    expect(bertil.get_by_text("Votes left: 3")).to_be_visible()
    expect(aino.get_by_text("Votes left: 3")).to_be_visible()
    expect(board.get_by_text("Votes given: 4, by 2 participants")).to_be_visible()

    board.get_by_role("button", name="Next: Results").click()
    for phone in (aino, bertil):
        ranked = phone.get_by_role("region", name="Results").get_by_role("listitem")
        expect(ranked).to_have_count(1)
        expect(ranked.nth(0)).to_contain_text(FIRST)
        expect(ranked.nth(0)).to_contain_text("Votes: 4")

    board.get_by_role("button", name=f"Undo merge: {FIRST}").click()

    # The board's cards, not its results: both stand again, with their own authors.
    ungrouped = board.get_by_role("region", name="Not grouped")
    for text, author in ((FIRST, "Aino"), (SECOND, "Bertil")):
        expect(idea_on(ungrouped, text)).to_be_visible()
        card = idea_on(ungrouped, text)
        expect(card).not_to_contain_text("Merged from")
        expect(card.locator(".idea-meta")).to_have_text(f"{author} · City or municipality")
    for phone in (aino, bertil):
        ranked = phone.get_by_role("region", name="Results").get_by_role("listitem")
        expect(ranked).to_have_count(2)
        # Back on the ideas they were cast on, less the one the cap gave back.
        expect(ranked.nth(0)).to_contain_text(FIRST)
        expect(ranked.nth(0)).to_contain_text("Votes: 3")
        expect(ranked.nth(1)).to_contain_text(SECOND)
        expect(ranked.nth(1)).to_contain_text("Votes: 1")


def test_the_facilitator_edits_an_idea_and_removes_a_participant_with_their_ideas(
        screens, tupa):
    workshop, board, aino, bertil = room(screens, tupa)

    edit = board.get_by_role("button", name=f"Edit: {SECOND}")
    edit.click()
    dialog = board.get_by_role("dialog", name="Edit the idea")
    text = dialog.get_by_label("Text of the idea")
    expect(text).to_be_focused()
    expect(text).to_have_value(SECOND)
    text.fill("")
    dialog.get_by_role("button", name="Save").click()
    # An empty text is said in words next to the box, and the dialog stays.
    expect(dialog.get_by_text("Please write something first.")).to_be_visible()
    expect(text).to_have_attribute("aria-invalid", "true")
    text.fill("More benches in the shade")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    for page in (board, aino, bertil):
        card = idea_on(page, "More benches in the shade")
        expect(card).to_contain_text("Edited by the facilitator")
    expect(board.get_by_role("button", name="Edit: More benches in the shade")).to_be_focused()

    board.goto(f"/workshops/{workshop.id}/participants")
    remove = board.get_by_role("button", name="Remove from the workshop: Aino")
    remove.click()
    dialog = board.get_by_role("dialog", name="Remove from the workshop: Aino")
    stay = dialog.get_by_label("Their ideas stay")
    expect(stay).to_be_focused()
    expect(stay).to_be_checked()
    board.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(remove).to_be_focused()
    remove.click()
    dialog.get_by_label("Their ideas go, with the votes on them").check()
    dialog.get_by_role("button", name="Remove", exact=True).click()

    removed = "Aino was removed from the workshop with their ideas."
    expect(board.get_by_role("status").filter(has_text=removed)).to_be_visible()
    aino_row = board.get_by_role("row").filter(has=board.get_by_role("rowheader", name="Aino"))
    expect(aino_row).to_contain_text("Removed")
    expect(board.get_by_role("button", name="Remove from the workshop: Aino")).to_have_count(0)
    # Aino's phone can do nothing more here; her idea is gone from Bertil's.
    expect(aino.get_by_role("alert")).to_contain_text("Please join the workshop again")
    expect(idea_on(bertil, FIRST)).to_have_count(0)
    expect(idea_on(bertil, "More benches in the shade")).to_be_visible()
    aino.reload()
    expect(aino.get_by_role("button", name="Join the workshop")).to_be_visible()

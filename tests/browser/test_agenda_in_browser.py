"""A facilitator runs a method's agenda from the board while phones follow each activity.

The board moves the room with Back, Next and "Go here"; the phones and the projector say
what to do now in plain words. Controls are found by role and accessible name or by label.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .test_workshop_in_browser import idea_on, post, sign_in

pytestmark = pytest.mark.browser

TITLE = "Kesäkatu"
QUESTION = "How could the street be greener?"
SECOND_QUESTION = "Where should the benches go?"
IDEAS = ["Puita pysäkeille", "Kukkia parvekkeille", "Viherkatot busseihin"]
WELCOME = "Welcome! The workshop starts soon."


def create_from_method(desk: Page, method: str) -> str:
    """Create a workshop from a method through the form; returns its join code."""
    desk.get_by_role("link", name="New workshop").click()
    desk.get_by_label("Title").fill(TITLE)
    desk.get_by_label(method).check()
    desk.get_by_label("Question participants answer").fill(QUESTION)
    desk.get_by_label("Default language").select_option("en")
    desk.get_by_role("button", name="Create workshop").click()
    expect(desk).to_have_url(re.compile(r"/workshops/\d+$"))
    return desk.locator(".join-code-big").inner_text().strip()


def join(phone: Page, code: str, nickname: str) -> None:
    phone.goto(f"/w/{code.replace('-', '')}")
    phone.get_by_label("Nickname (optional)").fill(nickname)
    phone.get_by_label("City or municipality").check()
    phone.get_by_role("button", name="Join the workshop").click()
    expect(phone.get_by_role("heading", name=TITLE, level=1)).to_be_visible()


def instruction(page: Page):
    return page.locator("#instruction .instruction-text")


def agenda_items(desk: Page):
    return desk.get_by_role("list", name="Activities in order").get_by_role("listitem")


def test_a_method_runs_from_welcome_to_results_while_three_phones_follow(screens, tupa):
    facilitator = tupa.facilitator()
    desk = screens.desk()
    sign_in(desk, facilitator.name)
    code = create_from_method(desk, "30-minute pulse")

    # The board: the agenda in order, the welcome current, Back dim at the start.
    items = agenda_items(desk)
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_have_attribute("aria-current", "step")
    expect(items.nth(0)).to_contain_text("Welcome")
    expect(items.nth(1)).to_contain_text("Brainstorm")
    expect(items.nth(1)).to_contain_text("8 min")
    expect(items.nth(2)).to_contain_text("Dot vote")
    expect(desk.get_by_role("button", name="Back", exact=True)).to_be_disabled()

    projector = screens.desk()
    sign_in(projector, facilitator.name)
    projector.goto(desk.url + "/present")
    phones = [screens.phone() for _ in IDEAS]
    for number, phone in enumerate(phones):
        join(phone, code, f"Osallistuja {number + 1}")
    for phone in phones:
        expect(instruction(phone)).to_have_text(WELCOME)
        expect(phone.get_by_role("heading", name="Post an idea")).to_be_hidden()
    expect(projector.get_by_text("3 here", exact=True)).to_be_visible()
    expect(projector.get_by_text(code, exact=True)).to_be_visible()

    desk.get_by_role("button", name="Next: Ideas").click()
    expect(items.nth(1)).to_have_attribute("aria-current", "step")
    expect(items.nth(0)).not_to_have_attribute("aria-current", "step")
    for page in (*phones, projector):
        expect(instruction(page)).to_have_text(f"Post your ideas: {QUESTION}")
    # The brainstorm's planned eight minutes, counted down on every phone.
    desk.get_by_role("button", name="Start timer").click()
    for phone in phones:
        expect(phone.get_by_role("timer")).to_have_text(re.compile(r"0[78]:\d\d"))
    for phone, idea in zip(phones, IDEAS, strict=True):
        post(phone, idea)
    for idea in IDEAS:
        expect(idea_on(desk, idea)).to_be_visible()

    desk.get_by_role("button", name="Next: Vote").click()
    for phone in phones:
        expect(instruction(phone)).to_have_text("Vote: you have 3 dots (at most 1 on one idea)")
        expect(phone.get_by_role("heading", name="Post an idea")).to_be_hidden()
    expect(instruction(projector)).to_have_text("Vote: you have 3 dots (at most 1 on one idea)")
    for phone in phones:
        phone.get_by_role("button", name=f"Give a vote: {IDEAS[0]}").click()
        expect(instruction(phone)).to_have_text("Vote: you have 2 dots (at most 1 on one idea)")
    phones[0].get_by_role("button", name=f"Give a vote: {IDEAS[1]}").click()
    expect(instruction(phones[0])).to_have_text("Vote: you have 1 dot")
    expect(desk.get_by_text("Votes given: 4, by 3 participants")).to_be_visible()

    desk.get_by_role("button", name="Next: Results").click()
    expect(desk.get_by_role("button", name="Next", exact=True)).to_be_disabled()
    # At the end the focus went from the dimmed Next to Back, not to nowhere.
    expect(desk.get_by_role("button", name="Back: Vote")).to_be_focused()
    for page in (*phones, projector):
        expect(instruction(page)).to_have_text("Results")
        ranked = page.get_by_role("region", name="Results").get_by_role("listitem")
        expect(ranked).to_have_count(3)
        expect(ranked.nth(0)).to_contain_text("Votes: 3")
        expect(ranked.nth(0)).to_contain_text(IDEAS[0])
        expect(ranked.nth(1)).to_contain_text("Votes: 1")
        expect(ranked.nth(1)).to_contain_text(IDEAS[1])


def test_the_facilitator_edits_the_agenda_and_jumps_to_a_second_question(screens, tupa):
    facilitator = tupa.facilitator()
    desk = screens.desk()
    sign_in(desk, facilitator.name)
    code = create_from_method(desk, "Single question")
    phone = screens.phone()
    join(phone, code, "Aino")
    desk.get_by_role("button", name="Next: Brainstorm").click()
    post(phone, IDEAS[0])

    toggle = desk.get_by_role("button", name="Edit agenda")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    desk.get_by_label("Kind of activity").select_option("brainstorm")
    desk.get_by_label("Title", exact=True).fill("Penkit")
    desk.get_by_label("Question or prompt").fill(SECOND_QUESTION)
    desk.get_by_label("Planned minutes").fill("5")
    desk.get_by_role("button", name="Add to the agenda").click()
    items = agenda_items(desk)
    expect(items).to_have_count(6)
    expect(items.nth(5)).to_contain_text("Penkit")
    expect(items.nth(5)).to_contain_text("5 min")

    # Moved up by keyboard: the focus stays on the moved activity's button.
    move_up = desk.get_by_role("button", name="Move up: Penkit")
    move_up.focus()
    desk.keyboard.press("Enter")
    expect(items.nth(4)).to_contain_text("Penkit")
    expect(desk.get_by_role("button", name="Move up: Penkit")).to_be_focused()

    desk.get_by_role("button", name="Edit: Penkit").click()
    desk.get_by_label("Title", exact=True).fill("Penkit ja varjot")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(items.nth(4)).to_contain_text("Penkit ja varjot")
    expect(desk.get_by_role("button", name="Edit: Penkit ja varjot")).to_be_focused()

    # The server refuses to remove the activity the room is at; the board says why.
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="Remove: Brainstorm").click()
    expect(desk.get_by_role("alert")).to_contain_text("That step is in use")
    expect(items).to_have_count(6)

    desk.get_by_role("button", name="Go here: Penkit ja varjot").click()
    expect(items.nth(4)).to_have_attribute("aria-current", "step")
    # Its "Go here" went away with the jump; the focus is on what comes after it.
    expect(desk.get_by_role("button", name="Next: Results")).to_be_focused()
    expect(instruction(phone)).to_have_text(f"Post your ideas: {SECOND_QUESTION}")
    # The first question's ideas stay on the board, not on the phone's second brainstorm.
    expect(idea_on(phone, IDEAS[0])).to_have_count(0)
    expect(phone.get_by_text("Ideas: 0")).to_be_visible()
    post(phone, IDEAS[1])
    expect(idea_on(desk, IDEAS[0])).to_be_visible()
    expect(idea_on(desk, IDEAS[1])).to_be_visible()

    # An activity nobody used can go; the focus moves to its neighbour.
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="Remove: Grouping").click()
    expect(items).to_have_count(5)
    expect(desk.get_by_role("button", name="Edit: Vote")).to_be_focused()
    expect(items.filter(has_text="Grouping")).to_have_count(0)

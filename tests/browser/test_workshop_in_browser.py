"""The core journey as people click it: a facilitator at a desk and two phones.

Every control is found by its role and accessible name or by its label, as a screen reader
user would find it; a control this cannot find has no accessible name and fails the test.
"""

from __future__ import annotations

import re

import pytest
from e2e.conftest import PASSWORD
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

TITLE = "Hiljaisempi kaupunki"
QUESTION = "How might we make the nights quieter?"
FIRST_IDEA = "Ääni öisin — hiljaiset kadut klo 22 jälkeen"
SECOND_IDEA = "Vihreät äänivallit <b>ei lihavoitu</b>"
CLUSTER = "Liikenne & ääni"


def sign_in(desk: Page, name: str) -> None:
    desk.goto("/signin")
    desk.get_by_label("Name").fill(name)
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    expect(desk.get_by_role("heading", name="Your workshops", level=1)).to_be_visible()


def create_workshop(desk: Page) -> str:
    """Create the workshop through the form; returns the join code its board shows."""
    desk.get_by_role("link", name="New workshop").click()
    desk.get_by_label("Title").fill(TITLE)
    desk.get_by_label("Question participants answer").fill(QUESTION)
    desk.get_by_label("Votes per participant").fill("3")
    desk.get_by_label("Most votes one participant may give one idea").fill("2")
    desk.get_by_label("Default language").select_option("en")
    desk.get_by_role("button", name="Create workshop").click()
    expect(desk).to_have_url(re.compile(r"/workshops/\d+$"))
    expect(desk.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    code = desk.locator(".join-code-big").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code), code
    return code


def join(phone: Page, typed_code: str, nickname: str, organisation: str) -> None:
    """Type the code on the home page and join; the phone lands on the workshop page."""
    phone.goto("/")
    phone.get_by_label("Workshop code").fill(typed_code)
    phone.get_by_role("button", name="Join", exact=True).click()
    expect(phone.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    phone.get_by_label("Nickname (optional)").fill(nickname)
    phone.get_by_label(organisation).check()
    phone.get_by_role("button", name="Join the workshop").click()
    # A new workshop waits on its welcome until the facilitator moves on.
    expect(phone.locator("#instruction")).to_contain_text("Welcome! The workshop starts soon.")
    expect(phone.get_by_role("heading", name="Post an idea")).to_be_hidden()


def post(phone: Page, text: str) -> None:
    phone.get_by_label("Your idea").fill(text)
    phone.get_by_role("button", name="Post idea").click()
    expect(phone.get_by_role("status").filter(has_text="Your idea was posted.")).to_be_visible()


def idea_on(scope: Page | Locator, text: str) -> Locator:
    """An idea's card within a page or a part of it, found by its exact text."""
    page = scope if isinstance(scope, Page) else scope.page
    # The inner locator of `has` is matched inside each list item, so it starts at the page.
    return scope.get_by_role("listitem").filter(has=page.get_by_text(text, exact=True))


def test_a_workshop_from_sign_in_to_csv_in_the_browser(screens, tupa):
    facilitator = tupa.facilitator()
    desk = screens.desk()
    sign_in(desk, facilitator.name)
    code = create_workshop(desk)

    aino, bertil = screens.phone(), screens.phone()
    # Typed as people type: lower case, the dash left out or a space put in.
    join(aino, code.replace("-", "").lower(), "Aino", "City or municipality")
    join(bertil, code.replace("-", " ").lower(), "Bertil", "Company")
    expect(desk.get_by_text("Online now: 2 (joined: 2)")).to_be_visible()

    desk.get_by_role("button", name="Next: Brainstorm").click()
    for phone in (aino, bertil):
        expect(phone.locator("#instruction")).to_contain_text(f"Post your ideas: {QUESTION}")
    post(aino, FIRST_IDEA)
    for page in (bertil, desk):
        expect(idea_on(page, FIRST_IDEA)).to_be_visible()
    post(bertil, SECOND_IDEA)
    # Text that looks like markup stays text on every screen.
    for page in (aino, desk):
        expect(idea_on(page, SECOND_IDEA)).to_be_visible()
        expect(page.locator("b", has_text="ei lihavoitu")).to_have_count(0)

    # Straight past the grouping to the vote.
    desk.get_by_role("button", name="Go here: Vote").click()
    agenda = desk.get_by_role("list", name="Activities in order")
    vote = agenda.get_by_role("listitem").filter(has_text="Vote")
    expect(vote).to_have_attribute("aria-current", "step")
    for phone in (aino, bertil):
        expect(phone.locator("#instruction")).to_contain_text(
            "Vote: you have 3 dots (at most 2 on one idea)")
        expect(phone.get_by_text("Votes left: 3")).to_be_visible()
        expect(phone.get_by_role("heading", name="Post an idea")).to_be_hidden()
        phone.get_by_role("button", name=f"Give a vote: {FIRST_IDEA}").click()
        expect(phone.get_by_text("Votes left: 2")).to_be_visible()
    aino.get_by_role("button", name=f"Give a vote: {FIRST_IDEA}").click()
    expect(aino.get_by_text("Votes left: 1")).to_be_visible()
    # Taking a vote back gives it back.
    bertil.get_by_role("button", name=f"Give a vote: {SECOND_IDEA}").click()
    expect(bertil.get_by_text("Votes left: 1")).to_be_visible()
    bertil.get_by_role("button", name=f"Take a vote back: {SECOND_IDEA}").click()
    expect(bertil.get_by_text("Votes left: 2")).to_be_visible()
    expect(desk.get_by_text("Votes given: 3, by 2 participants")).to_be_visible()

    desk.get_by_label("New cluster name").fill(CLUSTER)
    desk.get_by_role("button", name="Create cluster").click()
    cluster = desk.get_by_role("region", name=CLUSTER)
    expect(cluster).to_be_visible()
    desk.get_by_label(f"Move to cluster: {FIRST_IDEA}").select_option(label=CLUSTER)
    desk.get_by_role("button", name=f"Move: {FIRST_IDEA}").click()
    expect(idea_on(cluster, FIRST_IDEA)).to_be_visible()
    for phone in (aino, bertil):
        expect(idea_on(phone.get_by_role("region", name=CLUSTER), FIRST_IDEA)).to_be_visible()

    desk.get_by_role("button", name="Next: Results").click()
    for phone in (aino, bertil):
        results = phone.get_by_role("region", name="Results")
        expect(results).to_be_visible()
        ranked = results.get_by_role("listitem")
        expect(ranked).to_have_count(2)
        expect(ranked.nth(0)).to_contain_text("Rank 1")
        expect(ranked.nth(0)).to_contain_text("Votes: 3")
        expect(ranked.nth(0)).to_contain_text(FIRST_IDEA)
        expect(ranked.nth(1)).to_contain_text("Rank 2")
        expect(ranked.nth(1)).to_contain_text("Votes: 0")
        expect(ranked.nth(1)).to_contain_text(SECOND_IDEA)

    with desk.expect_download() as started:
        desk.get_by_role("link", name="Download ideas as CSV", exact=True).click()
    download = started.value
    assert download.suggested_filename.endswith(".csv")
    content = download.path().read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert FIRST_IDEA in text and SECOND_IDEA in text and CLUSTER in text

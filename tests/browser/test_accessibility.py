"""Every kind of page passes an automated WCAG 2.1 A and AA check (axe-core) in Chromium.

axe-core comes from npm through package-lock.json, like the other browser code, and is put
into each page by the test only: Tupa never serves it. A scan finds what a machine can find
(names, roles, contrast, labels, landmarks, language); keyboard and screen reader use are
tried by the other browser tests and by people.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from workshop import models
from workshop.services import team
from workshop.services.access import Actor

from .test_workshop_in_browser import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page: Page) -> list[str]:
    """What axe finds on the page as it stands, one line per rule and element."""
    # Put in through the DevTools protocol, so the page's CSP (no inline script) is untouched.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(result => result.violations)", WCAG_21_AA)
    return [f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at "
            f"{json.dumps([node['target'] for node in v['nodes']][:3])}" for v in found]


def scan(page: Page, address: str, ready: str) -> list[str]:
    """Open a page, wait for the text that says it is drawn, and scan it."""
    page.goto(address)
    expect(page.get_by_text(ready).first).to_be_visible()
    return violations(page)


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_every_kind_of_page_passes_wcag_21_aa(screens, tupa, lang):
    words = {
        "en": {"home": "Join a workshop", "signin": "Sign in", "join": "Join the workshop",
               "city": "City or municipality", "post": "Post an idea",
               "list": "Your workshops", "new": "New workshop", "log": "Change log",
               "people": "Participants and their data", "erase": "Erase",
               "missing": "Page not found", "methods": "Your methods",
               "team": "Invite a facilitator", "accounts": "Facilitator accounts",
               "welcome": "Welcome! The workshop starts soon.", "edit_agenda": "Edit agenda",
               "add_activity": "Add an activity"},
        "fi": {"home": "Liity työpajaan", "signin": "Kirjaudu sisään",
               "join": "Liity työpajaan", "city": "Kaupunki tai kunta", "post": "Jätä idea",
               "list": "Omat työpajasi", "new": "Uusi työpaja", "log": "Muutosloki",
               "people": "Osallistujat ja heidän tietonsa", "erase": "Poista",
               "missing": "Sivua ei löydy", "methods": "Omat menetelmäsi",
               "team": "Kutsu fasilitaattori", "accounts": "Fasilitaattorien tunnukset",
               "welcome": "Tervetuloa! Työpaja alkaa pian.", "edit_agenda": "Muokkaa ohjelmaa",
               "add_activity": "Lisää ohjelmakohta"},
    }[lang]
    facilitator = tupa.facilitator()
    # On its welcome, as every new workshop opens; the board moves it on below.
    workshop = tupa.workshop(facilitator, language=lang, phase="lobby")
    # An administrator who shares the workshop: the accounts page and a team to remove from.
    helper = tupa.facilitator()
    with tupa.server.database() as session:
        session.execute(update(models.Facilitator).where(models.Facilitator.id == facilitator.id)
                        .values(is_admin=True))
        team.invite(session, Actor(workshop.id, facilitator_id=facilitator.id), helper.name)
    desk, phone = screens.desk(), screens.phone()
    found = []

    found += scan(phone, f"/?lang={lang}", words["home"])
    found += scan(phone, f"/w/{workshop.join_code}?lang={lang}", words["join"])
    phone.get_by_label(words["city"]).check()
    phone.get_by_role("button", name=words["join"]).click()
    expect(phone.locator("#instruction")).to_contain_text(words["welcome"])
    found += violations(phone)
    tupa.sign_in(facilitator)
    board = tupa.board(workshop)
    brainstorm = next(a for a in board.sync()["agenda"] if a["kind"] == "brainstorm")
    board.ok("activity.go", {"activity_id": brainstorm["id"]})
    expect(phone.get_by_role("heading", name=words["post"])).to_be_visible()
    phone.locator("#idea-text").fill("Penkkejä pysäkeille")
    phone.locator("#post-section button[type=submit]").click()
    expect(phone.get_by_text("Penkkejä pysäkeille").first).to_be_visible()
    found += violations(phone)

    found += scan(desk, f"/signin?lang={lang}", words["signin"])
    desk.goto("/signin?lang=en")  # sign_in reads the English labels
    sign_in(desk, facilitator.name)
    desk.goto(f"/workshops?lang={lang}")  # the session keeps the language from here on
    with tupa.server.database() as session:
        participant_id = session.execute(select(models.Participant.id).where(
            models.Participant.workshop_id == workshop.id)).scalar_one()
    base = f"/workshops/{workshop.id}"
    for address, ready in (
        ("/workshops", words["list"]),
        ("/workshops/new", words["new"]),
        ("/methods", words["methods"]),
        (base, "Penkkejä pysäkeille"),
        (f"{base}/present", "Penkkejä pysäkeille"),
        (f"{base}/participants", words["people"]),
        (f"{base}/participants/{participant_id}/erase", words["erase"]),
        (f"{base}/erase", words["erase"]),
        (f"{base}/log", words["log"]),
        (f"{base}/team", words["team"]),
        ("/facilitators", words["accounts"]),
    ):
        found += scan(desk, address, ready)
    # The board with its agenda editor open: every field of a vote's settings shown.
    found += scan(desk, base, "Penkkejä pysäkeille")
    desk.get_by_role("button", name=words["edit_agenda"]).click()
    expect(desk.get_by_role("heading", name=words["add_activity"])).to_be_visible()
    desk.locator("#activity-kind").select_option("vote")
    found += violations(desk)
    # The moderation dialogs, each open: merging two ideas, editing one, removing someone.
    phone.locator("#idea-text").fill("Lisää penkkejä")
    phone.locator("#post-section button[type=submit]").click()
    found += scan(desk, base, "Lisää penkkejä")
    for pick in desk.locator(".card-merge input[type=checkbox]").all():
        pick.check()
    desk.locator("#merge-selected").click()
    expect(desk.locator("#merge-dialog")).to_be_visible()
    found += violations(desk)
    desk.keyboard.press("Escape")
    desk.locator(".idea-card button[data-focus$='-edit']").first.click()
    expect(desk.locator("#edit-dialog")).to_be_visible()
    found += violations(desk)
    desk.keyboard.press("Escape")
    desk.goto(f"{base}/participants")
    desk.locator("[data-remove-url]").first.click()
    expect(desk.locator("#remove-dialog")).to_be_visible()
    found += violations(desk)
    found += scan(desk, "/no/such/page", words["missing"])
    # The error page answers 404 on purpose: the console's word for that is no script error.
    screens.errors[:] = [e for e in screens.errors if "status of 404" not in e]

    assert not found, "WCAG 2.1 A/AA violations:\n" + "\n".join(found)

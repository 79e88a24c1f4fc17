"""Hostile input: guessing join codes, closing a workshop to newcomers, security headers and
cookies, foreign origins, floods, and the facilitator's erasure of personal data.

The page and socket tests run on the app (SQLite, and PostgreSQL when TEST_DATABASE_URL is set);
the origin and flood tests run against the real eventlet server of the end-to-end tests.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import pytest
import requests
import socketio
import websocket
from arrange import (
    as_facilitator,
    as_participant,
    browser,
    command,
    csrf,
    facts,
    from_address,
    participant_count,
    rows_of,
    signed_in,
)
from e2e import conftest as e2e_fixtures
from packaging.version import Version
from sqlalchemy import func, select

from workshop.domain.codes import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, new_join_code
from workshop.extensions import db
from workshop.models import Idea, Participant, Vote
from workshop.services import agenda, clusters, facilitators, ideas, participants, votes, workshops
from workshop.web.join_throttle import (
    OVERALL_BURST,
    PER_ADDRESS_BURST,
    PER_ADDRESS_PER_SECOND,
    JoinThrottle,
    address_key,
)
from workshop.web.participants import THROTTLE

# The real server and its screens, shared with the end-to-end tests.
server = e2e_fixtures.server
tupa = e2e_fixtures.tupa

REPOSITORY = Path(__file__).resolve().parents[1]
WAIT = e2e_fixtures.WAIT


@pytest.fixture
def throttle(app, clock):
    """A fresh join throttle on the test's own clock, put back afterwards."""
    saved = app.extensions[THROTTLE]
    fresh = JoinThrottle(clock)
    app.extensions[THROTTLE] = fresh
    yield fresh
    app.extensions[THROTTLE] = saved


def type_code(client, code: str, token: str):
    """Type a code into the front page's form, as a phone does."""
    return client.post("/join", data={"code": code, "csrf_token": token})


def main_of(response) -> str:
    """The page's main content, without the form's CSRF value (it differs per browser)."""
    found = re.search(r"<main.*</main>", response.text, re.S).group(0)
    return re.sub(r'value="[^"]+"', "", found)


def wrong_code(workshop) -> str:
    """A code one letter off the workshop's own."""
    last = workshop.join_code[-1]
    return workshop.join_code[:-1] + ("0" if last != "0" else "1")


# Join codes and tokens ------------------------------------------------------------------------


def test_join_codes_carry_at_least_40_bits():
    assert len(set(JOIN_CODE_ALPHABET)) == len(JOIN_CODE_ALPHABET) == 32
    assert JOIN_CODE_LENGTH * math.log2(len(JOIN_CODE_ALPHABET)) >= 40
    codes = [new_join_code() for _ in range(4000)]
    assert all(len(code) == JOIN_CODE_LENGTH and set(code) <= set(JOIN_CODE_ALPHABET)
               for code in codes)
    # 4,000 draws from 2**40 collide with a chance of about 1 in 140,000.
    assert len(set(codes)) == len(codes)
    # Every symbol turns up in every position: nothing is fixed or left out.
    for position in range(JOIN_CODE_LENGTH):
        assert {code[position] for code in codes} == set(JOIN_CODE_ALPHABET)


def test_participant_and_set_up_tokens_carry_at_least_128_bits(session, make_workshop):
    workshop = make_workshop()
    tokens = [participants.join(session, workshop.id, nickname="", organisation_type="city",
                                organisation_name="")[0][1] for _ in range(50)]
    tokens.append(facilitators.issue_setup_token(session))
    for token in tokens:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128, token
    assert len(set(tokens)) == len(tokens)
    # Only hashes are stored: the database alone lets nobody act as a participant.
    stored = set(session.execute(select(Participant.token_hash)).scalars())
    assert not stored & set(tokens)


# The join throttle on its own -----------------------------------------------------------------


def test_only_wrong_codes_count_and_they_refill(clock):
    throttle = JoinThrottle(clock)
    for _ in range(1000):
        assert throttle.allows("10.0.0.1")  # right codes are never counted
    for _ in range(PER_ADDRESS_BURST):
        assert throttle.allows("10.0.0.1")
        throttle.failed("10.0.0.1")
    assert not throttle.allows("10.0.0.1")
    assert throttle.allows("10.0.0.2")  # a neighbour is not held back
    clock.advance(1 / PER_ADDRESS_PER_SECOND)
    assert throttle.allows("10.0.0.1")
    throttle.failed("10.0.0.1")
    assert not throttle.allows("10.0.0.1")


def test_wrong_codes_from_everywhere_together_are_limited_too(clock):
    throttle = JoinThrottle(clock)
    for number in range(OVERALL_BURST):
        throttle.failed(f"10.1.{number // 250}.{number % 250}")
    assert not throttle.allows("192.0.2.1")  # an address that never erred waits as well
    clock.advance(1.0)
    assert throttle.allows("192.0.2.1")


def test_one_ipv6_host_is_one_client():
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert address_key(None) == "unknown"


def test_the_throttle_remembers_a_bounded_number_of_addresses(clock):
    throttle = JoinThrottle(clock, most_addresses=100)
    for number in range(1000):
        throttle.failed(f"10.2.{number // 250}.{number % 250}")
        clock.advance(0.01)
    assert len(throttle.addresses) <= 100


# Joining through the pages, throttled ---------------------------------------------------------


def test_every_wrong_code_gets_the_same_answer_and_then_the_same_wait(app, make_workshop,
                                                                     throttle):
    workshop = make_workshop()
    client = from_address(app, "198.51.100.7")
    token = csrf(client.get("/").text)

    wrong = [type_code(client, code, token)
             for code in [wrong_code(workshop), "ZZZZZZZZ", "", "0000-0000"] * 5]
    wrong.append(client.get("/w/ZZZZZZZZ"))
    assert {r.status_code for r in wrong} == {404}
    assert len({main_of(r) for r in wrong}) == 1

    for _ in range(PER_ADDRESS_BURST - len(wrong)):
        assert type_code(client, "ZZZZZZZZ", token).status_code == 404
    # Past the limit, no code is looked at: the right one gets the very same answer.
    waits = [type_code(client, code, token)
             for code in ("ZZZZZZZZ", workshop.join_code, workshop.join_code.lower(), "")]
    waits += [client.get(f"/w/{workshop.join_code}"), client.get("/w/ZZZZZZZZ"),
              client.post(f"/w/{workshop.join_code}/join",
                          data={"organisation_type": "city", "csrf_token": token})]
    assert {r.status_code for r in waits} == {429}
    assert {r.headers["Retry-After"] for r in waits} == {"10"}
    assert len({main_of(r) for r in waits}) == 1
    page = main_of(waits[0])
    assert "Too many attempts. Please wait a moment and try again." in page
    assert "There is no workshop" not in page and workshop.title not in page
    assert participant_count(app) == 0


def test_a_class_behind_one_address_gets_in_despite_typos(app, make_workshop, throttle, clock):
    workshop = make_workshop()
    phones = [from_address(app, "203.0.113.50") for _ in range(100)]
    for number, phone in enumerate(phones):
        token = csrf(phone.get("/").text)
        if number % 3 == 0:  # a third of the class mistypes once first
            assert type_code(phone, wrong_code(workshop), token).status_code == 404
        clock.advance(0.05)
        answer = type_code(phone, workshop.join_code.lower(), token)
        assert answer.status_code == 302, number
        form = phone.get(answer.headers["Location"])
        joined = phone.post(f"/w/{workshop.join_code}/join", data={
            "organisation_type": "city", "csrf_token": csrf(form.text)})
        assert joined.status_code == 302, number
    assert participant_count(app) == 100


def test_a_throttled_address_still_lets_in_who_joined_before(app, make_facilitator,
                                                             make_workshop, throttle):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)
    address = "198.51.100.99"
    returning = from_address(app, address)
    form = returning.get(f"/w/{workshop.join_code}")
    returning_token = csrf(form.text)
    returning.post(f"/w/{workshop.join_code}/join", data={
        "nickname": "Aino", "organisation_type": "city", "csrf_token": returning_token})
    owner = signed_in(app, facilitator)
    owner.environ_base["REMOTE_ADDR"] = address
    stranger = from_address(app, address)
    token = csrf(stranger.get("/").text)
    while throttle.allows(address):
        type_code(stranger, "ZZZZZZZZ", token)

    assert type_code(stranger, workshop.join_code, token).status_code == 429
    page = returning.get(f"/w/{workshop.join_code}")
    assert page.status_code == 200 and 'id="tupa-page"' in page.text
    assert type_code(returning, workshop.join_code, returning_token).status_code == 302
    assert owner.get(f"/w/{workshop.join_code}").status_code == 200
    assert from_address(app, "198.51.100.100").get(f"/w/{workshop.join_code}").status_code == 200


# Closing a workshop to new participants -------------------------------------------------------


def test_the_facilitator_closes_and_opens_joining(app, make_workshop, make_participant,
                                                  facilitator_socket, participant_socket):
    workshop = make_workshop()
    _, token = make_participant(workshop)
    board = facilitator_socket(workshop)
    phone = participant_socket(workshop, token)
    facts(board), facts(phone)

    answer = command(board, "workshop.lock_joins", {"locked": True})
    assert answer == {"ok": True, "data": {"joins_locked": True}}
    told = facts(board, "workshop.changed")
    assert len(told) == 1
    assert told[0][1]["seq"] is None and told[0][1]["workshop"]["joins_locked"] is True
    assert facts(phone) == []  # participants' screens have nothing to redraw
    assert command(board, "workshop.sync")["data"]["workshop"]["joins_locked"] is True
    assert command(phone, "workshop.sync")["data"]["workshop"]["joins_locked"] is True

    again = command(board, "workshop.lock_joins", {"locked": True})
    assert again["data"] == {"joins_locked": True} and facts(board, "workshop.changed") == []

    assert command(board, "workshop.lock_joins", {"locked": False})["ok"]
    assert facts(board, "workshop.changed")[0][1]["workshop"]["joins_locked"] is False


@pytest.mark.parametrize("payload", [{"locked": 1}, {"locked": "true"}, {"locked": None}, {}])
def test_lock_joins_takes_true_or_false_only(make_workshop, facilitator_socket, payload):
    board = facilitator_socket(make_workshop())
    answer = command(board, "workshop.lock_joins", payload)
    assert answer["ok"] is False and answer["error"]["code"] == "invalid_payload"


def test_only_the_facilitator_closes_joining(make_workshop, make_participant, participant_socket):
    workshop = make_workshop()
    phone = participant_socket(workshop, make_participant(workshop)[1])
    answer = command(phone, "workshop.lock_joins", {"locked": True})
    assert answer["ok"] is False and answer["error"]["code"] == "forbidden"


def lock(app, workshop, locked: bool) -> None:
    """Close the workshop to newcomers (or open it), as its facilitator's switch does."""
    with app.app_context():
        workshops.lock_joins(db.session, as_facilitator(workshop), locked)
        db.session.commit()


def test_a_closed_workshop_says_so_and_keeps_those_already_in(app, make_workshop,
                                                             make_participant,
                                                             participant_socket):
    workshop = make_workshop()
    inside = browser(app)
    form = inside.get(f"/w/{workshop.join_code}")
    inside.post(f"/w/{workshop.join_code}/join", data={
        "organisation_type": "company", "csrf_token": csrf(form.text)})
    _, token = make_participant(workshop)
    newcomer = browser(app)
    newcomer_form = newcomer.get(f"/w/{workshop.join_code}")
    lock(app, workshop, True)

    closed = newcomer.get(f"/w/{workshop.join_code}")
    assert closed.status_code == 200
    assert "This workshop is closed to new participants." in closed.text
    assert 'name="organisation_type"' not in closed.text
    # A form opened before the workshop closed is refused the same plain way.
    sent = newcomer.post(f"/w/{workshop.join_code}/join", data={
        "organisation_type": "city", "csrf_token": csrf(newcomer_form.text)})
    assert sent.status_code == 403 and "closed to new participants" in sent.text, main_of(sent)
    assert participant_count(app) == 2

    assert 'id="tupa-page"' in inside.get(f"/w/{workshop.join_code}").text
    phone = participant_socket(workshop, token)
    assert phone.is_connected()
    assert command(phone, "idea.post", {"key": "k", "text": "Still in"})["ok"]

    lock(app, workshop, False)
    assert 'name="organisation_type"' in browser(app).get(f"/w/{workshop.join_code}").text


def test_the_board_has_the_switch_in_its_current_position(app, make_facilitator, make_workshop):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)
    client = signed_in(app, facilitator)
    page = client.get(f"/workshops/{workshop.id}").text
    assert re.search(r'<input type="checkbox" id="joins-locked"[^>]*>', page)
    assert "checked" not in re.search(r'<input type="checkbox" id="joins-locked"[^>]*>',
                                      page).group(0)
    assert '<label for="joins-locked">' in page
    lock(app, workshop, True)
    page = client.get(f"/workshops/{workshop.id}").text
    assert "checked" in re.search(r'<input type="checkbox" id="joins-locked"[^>]*>',
                                  page).group(0)
    assert "Closed to new participants. Those already in stay in." in page


# Security headers, inline scripts and cookies -------------------------------------------------


class PageMarkup(HTMLParser):
    """What a page's markup holds that a Content-Security-Policy would have to stop."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.problems.append(f"<{tag} {name}={value}>")
        if tag == "script" and "src" not in attributes and \
                attributes.get("type") != "application/json":
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("inline <style>")


def every_page(app, make_facilitator, make_workshop, make_participant):
    """(name, response) for every kind of page and download Tupa serves."""
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)
    person, _ = make_participant(workshop, nickname="Aino")
    desk = signed_in(app, facilitator)
    phone = browser(app)
    form = phone.get(f"/w/{workshop.join_code}")
    phone.post(f"/w/{workshop.join_code}/join", data={
        "organisation_type": "city", "csrf_token": csrf(form.text)})
    visitor = browser(app)
    base = f"/workshops/{workshop.id}"
    pages = {
        "front page": visitor.get("/"),
        "sign-in": visitor.get("/signin"),
        "set-up link": visitor.get("/setup/not-a-token"),
        "join form": visitor.get(f"/w/{workshop.join_code}"),
        "wrong code": visitor.post("/join", data={"code": "ZZZZZZZZ",
                                                  "csrf_token": csrf(visitor.get("/").text)}),
        "not found": visitor.get("/no/such/page"),
        "missing CSRF": visitor.post("/join", data={"code": "x"}),
        "stylesheet": visitor.get("/static/css/base.css"),
        "script": visitor.get("/static/js/core/page.js"),
        "participant page": phone.get(f"/w/{workshop.join_code}"),
        "QR code": phone.get(f"{base}/qr.svg"),
        "workshop list": desk.get("/workshops"),
        "new workshop": desk.get("/workshops/new"),
        "board": desk.get(base),
        "presenter": desk.get(f"{base}/present"),
        "participants": desk.get(f"{base}/participants"),
        "erase participant": desk.get(f"{base}/participants/{person.id}/erase"),
        "erase workshop": desk.get(f"{base}/erase"),
        "CSV": desk.get(f"{base}/export.csv"),
        "JSON": desk.get(f"{base}/export.json"),
    }
    for response in pages.values():
        response.get_data()  # files are streamed: read them whole and let go of the file
        response.close()
    assert pages["participant page"].status_code == 200
    assert all(pages[name].status_code == 200 for name in (
        "board", "presenter", "participants", "erase participant", "erase workshop", "CSV"))
    return pages


def test_every_page_has_the_security_headers(app, make_facilitator, make_workshop,
                                             make_participant, throttle):
    pages = every_page(app, make_facilitator, make_workshop, make_participant)
    guesser = from_address(app, "192.0.2.200")
    for _ in range(PER_ADDRESS_BURST):
        assert guesser.get("/w/ZZZZZZZZ").status_code == 404
    pages["too many attempts"] = from_address(app, "192.0.2.200").get("/w/ZZZZZZZZ")
    assert pages["too many attempts"].status_code == 429

    for name, response in pages.items():
        policy = response.headers.get("Content-Security-Policy", "")
        directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
        assert directives.get("script-src") == ["'self'"], name
        assert directives.get("object-src") == ["'none'"], name
        assert directives.get("base-uri") == ["'none'"], name
        assert directives.get("frame-ancestors") == ["'none'"], name
        assert "unsafe" not in policy and "*" not in policy, name
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name


def test_no_page_has_inline_script_or_style(app, make_facilitator, make_workshop,
                                            make_participant):
    pages = every_page(app, make_facilitator, make_workshop, make_participant)
    for name, response in pages.items():
        if response.mimetype != "text/html":
            continue
        markup = PageMarkup()
        markup.feed(response.text)
        assert markup.problems == [], name


def test_downloads_are_never_shown_as_a_page(app, make_facilitator, make_workshop,
                                             make_participant):
    pages = every_page(app, make_facilitator, make_workshop, make_participant)
    for name in ("CSV", "JSON"):
        assert pages[name].headers["Content-Disposition"].startswith("attachment;"), name
        assert pages[name].headers["Cache-Control"] == "no-store", name
    for name in ("participants", "erase participant", "participant page"):
        assert pages[name].headers["Cache-Control"] == "no-store", name


def cookies_with(secure: str | None) -> dict[str, str]:
    """The Set-Cookie headers of signing in and of joining, in an app started with
    TUPA_SECURE_COOKIES set to `secure` (None: unset), in a process of its own."""
    script = """
import json, re, sys, tempfile
from flask_migrate import upgrade
from workshop import create_app
from workshop.config import TestConfig
from workshop.extensions import db
from workshop.services import facilitators, workshops

folder = tempfile.mkdtemp()
app = create_app(TestConfig(f"sqlite:///{folder}/tupa.db"))
with app.app_context():
    upgrade()
    facilitators.PASSWORD_METHOD = "pbkdf2:sha256:1000"
    account = facilitators.create_facilitator(db.session, "ada", "correct horse battery")
    room, _ = workshops.create_workshop(db.session, account, title="t", question="q",
                                        vote_budget=5, votes_per_idea=None, language="en")
    db.session.commit()
    code = room.join_code
csrf = lambda html: re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
desk, phone = app.test_client(), app.test_client()
signed = desk.post("/signin", data={"name": "ada", "password": "correct horse battery",
                                    "csrf_token": csrf(desk.get("/signin").text)})
joined = phone.post(f"/w/{code}/join", data={
    "organisation_type": "city", "csrf_token": csrf(phone.get(f"/w/{code}").text)})
named = lambda response, prefix: next(c for c in response.headers.getlist("Set-Cookie")
                                     if c.startswith(prefix))
print(json.dumps({"session": named(signed, "tupa_session="),
                  "participant": named(joined, "tupa_p_")}))
"""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TUPA_")}
    env["TUPA_INSTANCE_DIR"] = os.environ.get("TMPDIR", "/tmp")
    if secure is not None:
        env["TUPA_SECURE_COOKIES"] = secure
    done = subprocess.run([sys.executable, "-c", script], cwd=REPOSITORY, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("setting", "secure"), [(None, False), ("0", False), ("1", True)])
def test_cookies_are_httponly_samesite_and_secure_behind_https(setting, secure):
    cookies = cookies_with(setting)
    assert cookies["session"].startswith("tupa_session=")
    assert cookies["participant"].startswith("tupa_p_")
    for name, cookie in cookies.items():
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        assert "httponly" in attributes, name
        assert "SameSite=Lax" in cookie, name
        assert ("secure" in attributes) is secure, name


def test_socket_libraries_are_past_their_published_vulnerabilities():
    assert Version(version("python-socketio")) >= Version("5.16.2")
    assert Version(version("python-engineio")) >= Version("4.13.3")


# Personal data: the facilitator's participant list and erasure --------------------------------


@pytest.fixture
def busy(app, make_facilitator, make_workshop, make_participant):
    """A workshop with two participants, their ideas in a cluster and votes on them."""
    with app.app_context():
        return _busy(db.session, make_facilitator, make_workshop, make_participant)


def _busy(session, make_facilitator, make_workshop, make_participant):
    # Requests made while a test holds an app context would share its `g` with each other.
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)
    aino, _ = make_participant(workshop, nickname="Aino", organisation_type="research",
                               organisation_name="Aalto")
    anonymous, _ = make_participant(workshop, organisation_type="company")
    board = as_facilitator(workshop)
    posted = {}
    for person in (aino, anonymous):
        actor = as_participant(person)
        posted[person.id] = ideas.post_idea(session, actor, "k", f"idea of {person.id}")[0][
            "idea"]["id"]
    cluster = clusters.create_cluster(session, board, "c", "Mobility")[0]["cluster"]["id"]
    clusters.move_idea(session, board, posted[aino.id], cluster, 0)
    agenda.set_phase(session, board, "voting")
    for person in (aino, anonymous):
        votes.cast_vote(session, as_participant(person), "v", posted[aino.id])
    session.commit()
    return facilitator, workshop, aino, anonymous, posted


def stored_rows(app, workshop_id: int) -> dict[str, int]:
    """A workshop's rows of each table, read in a fresh session."""
    with app.app_context():
        counts = rows_of(db.session, workshop_id)
        db.session.rollback()
        return counts


def test_the_board_leads_to_the_participants_and_to_erasure(app, busy):
    facilitator, workshop, *_ = busy
    page = signed_in(app, facilitator).get(f"/workshops/{workshop.id}").text
    assert f'href="/workshops/{workshop.id}/participants"' in page
    assert f'href="/workshops/{workshop.id}/erase"' in page


def test_the_participant_list_is_pseudonymous(app, busy):
    facilitator, workshop, aino, anonymous, _ = busy
    page = signed_in(app, facilitator).get(f"/workshops/{workshop.id}/participants")
    assert page.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", page.text, re.S)[1:]
    assert len(rows) == 2
    assert "Aino" in rows[0] and "Research or education" in rows[0] and "Aalto" in rows[0]
    # No nickname: the number the exports use (p2) stands in for one.
    assert "Participant 2" in rows[1] and "Company" in rows[1]
    assert f"/participants/{aino.id}/erase" in rows[0]
    assert f"/participants/{anonymous.id}/erase" in rows[1]
    with app.app_context():
        hashes = db.session.execute(select(Participant.token_hash)).scalars().all()
    assert not any(h in page.text for h in hashes)


def test_strangers_and_other_facilitators_get_nothing(app, busy, make_facilitator):
    _, workshop, aino, _, _ = busy
    other = signed_in(app, make_facilitator())
    paths = ["participants", f"participants/{aino.id}/erase", "erase"]
    for path in paths:
        assert other.get(f"/workshops/{workshop.id}/{path}").status_code == 404
        assert browser(app).get(f"/workshops/{workshop.id}/{path}").status_code == 302
    token = csrf(other.get("/workshops").text)
    for path in paths[1:]:
        assert other.post(f"/workshops/{workshop.id}/{path}",
                          data={"csrf_token": token}).status_code == 404
    assert stored_rows(app, workshop.id)["participant"] == 2


def test_erasing_a_participant_asks_first_and_tells_every_screen(
        app, busy, participant_socket, facilitator_socket, make_participant):
    facilitator, workshop, aino, anonymous, posted = busy
    _, token = make_participant(workshop)
    phone = participant_socket(workshop, token)
    board = facilitator_socket(workshop)
    facts(phone), facts(board)
    desk = signed_in(app, facilitator)
    address = f"/workshops/{workshop.id}/participants/{aino.id}/erase"

    confirm = desk.get(address)
    assert confirm.status_code == 200
    assert "Aino" in confirm.text and "Erase the data for good" in confirm.text
    assert f'<form method="post" action="{address}"' in confirm.text
    assert desk.post(address, data={}).status_code == 400  # no CSRF token: nothing happens
    assert stored_rows(app, workshop.id)["idea"] == 2

    erased = desk.post(address, data={"csrf_token": csrf(confirm.text)})
    assert erased.status_code == 302
    assert erased.headers["Location"] == f"/workshops/{workshop.id}/participants"
    listing = desk.get(erased.headers["Location"]).text
    assert "The data of Aino was erased." in listing
    assert "Aalto" not in listing
    with app.app_context():
        assert db.session.get(Participant, aino.id) is None
        left = db.session.execute(select(Idea.id).where(Idea.workshop_id == workshop.id))
        assert list(left.scalars()) == [posted[anonymous.id]]
        assert db.session.execute(select(func.count()).select_from(Vote)).scalar_one() == 0
        db.session.rollback()
    for screen in (phone, board):
        told = facts(screen)
        assert [p["idea_id"] for n, p in told if n == "idea.deleted"] == [posted[aino.id]]
        clusters_now = [p["clusters"] for n, p in told if n == "clusters.changed"]
        assert clusters_now and clusters_now[-1][0]["idea_ids"] == []


def test_erasing_a_workshop_asks_first_and_leaves_no_row(app, busy, make_workshop):
    facilitator, workshop, *_ = busy
    kept = make_workshop(facilitator)
    desk = signed_in(app, facilitator)
    address = f"/workshops/{workshop.id}/erase"

    confirm = desk.get(address)
    assert confirm.status_code == 200 and "Erase the workshop for good" in confirm.text
    assert f'<form method="post" action="{address}"' in confirm.text
    assert desk.post(address, data={}).status_code == 400
    assert stored_rows(app, workshop.id)["workshop"] == 1

    erased = desk.post(address, data={"csrf_token": csrf(confirm.text)})
    assert erased.status_code == 302 and erased.headers["Location"] == "/workshops"
    listing = desk.get("/workshops").text
    assert "and all its data were erased." in listing
    assert set(stored_rows(app, workshop.id).values()) == {0}
    assert stored_rows(app, kept.id)["workshop"] == 1
    assert desk.get(address).status_code == 404
    assert browser(app).get(f"/w/{workshop.join_code}").status_code == 404


# Against the real server: origins, floods, oversized messages ---------------------------------


FOREIGN_ORIGINS = ("http://evil.example", "null", "https://127.0.0.1", "http://localhost")


@pytest.mark.e2e
def test_a_socket_handshake_from_a_foreign_origin_is_refused(server):
    own = server.url
    foreign = FOREIGN_ORIGINS + (f"{own}.evil.example", own.rsplit(":", 1)[0] + ":1")
    polling = f"{own}/socket.io/?EIO=4&transport=polling"
    ws = own.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with requests.Session() as http:
        http.trust_env = False
        for origin in foreign:
            assert http.get(polling, headers={"Origin": origin}, timeout=WAIT
                            ).status_code == 400, origin
            with pytest.raises(websocket.WebSocketBadStatusException):
                websocket.create_connection(ws, origin=origin, timeout=WAIT).close()
        accepted = http.get(polling, headers={"Origin": own}, timeout=WAIT)
        assert accepted.status_code == 200 and accepted.text.startswith("0{")
    connection = websocket.create_connection(ws, origin=own, timeout=WAIT)
    try:
        assert connection.recv().startswith("0{")
    finally:
        connection.close()


@pytest.mark.e2e
@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_participant_connects_from_the_pages_origin_only(tupa, transport):
    workshop = tupa.workshop()
    auth = {"workshop_id": workshop.id, "token": tupa.join(workshop)}
    for origin in ("http://evil.example", tupa.url):
        # The WebSocket library sends an Origin of its own unless given this one instead.
        options = ({"websocket_extra_options": {"origin": origin}} if transport == "websocket"
                   else {})
        headers = {"Origin": origin} if transport == "polling" else {}
        client = socketio.Client(reconnection=False, http_session=e2e_fixtures._local_http(),
                                 **options)
        try:
            if origin == tupa.url:
                client.connect(tupa.url, auth=auth, headers=headers, transports=[transport],
                               wait_timeout=WAIT)
                assert client.call("workshop.sync", {}, timeout=WAIT)["ok"]
            else:
                with pytest.raises(socketio.exceptions.ConnectionError):
                    client.connect(tupa.url, auth=auth, headers=headers,
                                   transports=[transport], wait_timeout=WAIT)
        finally:
            client.disconnect()


def hung_up(screen) -> bool:
    """Whether the server closes this screen's connection within the usual wait."""
    deadline = time.monotonic() + WAIT
    while screen.client.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    if screen.client.connected:
        return False
    # The client library leaves its socket open when the server drops it; close it here.
    leftover = getattr(screen.client.eio, "ws", None)
    if leftover is not None:
        leftover.shutdown()
    return True


def round_trip(screen) -> float:
    """Milliseconds one workshop.sync takes there and back; it must be answered."""
    started = time.perf_counter()
    answer = screen.call("workshop.sync")
    assert answer["ok"], answer
    return (time.perf_counter() - started) * 1000


FLOOD = 2000


@pytest.mark.e2e
def test_a_flood_from_one_client_leaves_anothers_round_trip_normal(tupa):
    workshop = tupa.workshop()
    flooder = tupa.phone(workshop, tupa.join(workshop))
    calm = tupa.phone(workshop, tupa.join(workshop))
    before = [round_trip(calm) for _ in range(10)]
    answers: list[dict] = []
    arrival = threading.Lock()

    def keep(answer):
        with arrival:
            answers.append(answer)

    def flood():
        for _ in range(FLOOD):
            try:
                flooder.client.emit("idea.delete", {"idea_id": "flood"}, callback=keep)
            except Exception:  # the server hung up mid-flood
                return

    started = time.monotonic()
    flooding = threading.Thread(target=flood)
    flooding.start()
    during = [round_trip(calm) for _ in range(10)]
    flooding.join(WAIT)
    # Every command is answered, unless the server hangs up on the flood first.
    deadline = time.monotonic() + WAIT
    while len(answers) < FLOOD and flooder.client.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    with arrival:
        codes = [answer["error"]["code"] for answer in answers]
    disconnected = hung_up(flooder) if len(codes) < FLOOD else not flooder.client.connected
    after = [round_trip(calm) for _ in range(10)]

    print(f"\nflood of {FLOOD} commands: {len(codes)} answered in {elapsed:.2f} s, "
          f"{codes.count('rate_limited')} rate_limited, "
          f"{'disconnected' if disconnected else 'not disconnected'}")
    for name, times in (("before", before), ("during", during), ("after", after)):
        print(f"the other client's round trip {name} the flood: "
              f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    # A command still on its way when the connection is cut is answered as a stranger's.
    assert set(codes) <= {"invalid_payload", "rate_limited", "not_authenticated"}
    # Every refusal counts: past 100 in ten seconds the server hangs up on the flood, without
    # waiting for answers not yet sent (so how many arrive varies); events already handed to
    # their handlers are still answered, so allow for some.
    assert len(codes) <= 200
    if len(codes) > 60:  # past the burst, the allowance must have said no
        assert "rate_limited" in codes
    assert disconnected
    # No more got through than the allowance: a burst of 60, then 15 a second.
    assert codes.count("invalid_payload") <= 60 + 15 * (elapsed + 1)
    newcomer = tupa.phone(workshop, tupa.join(workshop))
    assert newcomer.sync()["me"]["role"] == "participant"


@pytest.mark.e2e
def test_an_oversized_message_closes_only_its_own_connection(tupa):
    workshop = tupa.workshop()
    sender = tupa.phone(workshop, tupa.join(workshop))
    other = tupa.phone(workshop, tupa.join(workshop))

    sender.client.emit("idea.post", {"key": "big", "text": "x" * 200_000})

    assert hung_up(sender), "a 200 kB message was taken"
    assert other.ok("idea.post", {"key": "small", "text": "Still here"})["idea"]["id"]
    with tupa.server.database() as session:
        texts = session.execute(select(Idea.text).where(Idea.workshop_id == workshop.id))
        assert list(texts.scalars()) == ["Still here"]

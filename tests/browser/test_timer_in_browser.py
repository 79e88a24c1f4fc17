"""The countdown in the browser: two phones whose clocks disagree by an hour show the same
time left, the board's controls are real buttons, and time up is shown in words."""

from __future__ import annotations

import re
import statistics
import time

import pytest
from playwright.sync_api import Page, expect

from .test_workshop_in_browser import sign_in

pytestmark = pytest.mark.browser

# One phone's clock is an hour fast: the countdown must not care.
CLOCK_AN_HOUR_FAST = """
(() => {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + 3600 * 1000;
})();
"""


def participant_page(screens, tupa, workshop, *, clock_script: str | None = None) -> Page:
    token = tupa.join(workshop)
    phone = screens.phone()
    if clock_script:
        phone.context.add_init_script(clock_script)
    phone.context.add_cookies([{"name": f"tupa_p_{workshop.id}", "value": token,
                                "url": tupa.url}])
    phone.goto(f"/w/{workshop.join_code}")
    return phone


def left_ms(page: Page) -> float:
    """The time left the page last drew (at most one tick, 0.2 s, ago)."""
    return float(page.get_by_role("timer").get_attribute("data-left-ms"))


def left_now(page: Page) -> float:
    """The time left the page would draw now: its deadline against its clock and offset."""
    return page.get_by_role("timer").evaluate(
        "face => Date.parse(face.dataset.deadline) - (Date.now() + Number(face.dataset.offsetMs))")


def test_two_phones_show_the_same_time_left_and_then_that_time_is_up(screens, tupa):
    workshop = tupa.workshop(phase="posting")
    right = participant_page(screens, tupa, workshop)
    fast = participant_page(screens, tupa, workshop, clock_script=CLOCK_AN_HOUR_FAST)
    board = tupa.board(workshop)

    board.ok("timer.start", {"seconds": 6})

    for phone in (right, fast):
        expect(phone.get_by_role("timer")).to_have_attribute("data-deadline", re.compile(r"Z$"))
    gaps = []
    for _ in range(5):
        # Each page's time left at the moment it is asked, from what it counts down by.
        started = time.monotonic()
        first = left_now(right)
        between = time.monotonic()
        second = left_now(fast)
        ended = time.monotonic()
        asked_apart_ms = ((ended + between) - (between + started)) / 2 * 1000
        gaps.append(round(abs(first - second - asked_apart_ms)))
        shown = abs(left_ms(right) - left_ms(fast))
        assert shown < 500, f"the countdowns on screen differ by {shown} ms"
        right.wait_for_timeout(150)
    print(f"time left on two phones an hour apart, differences in ms: {sorted(gaps)}")
    assert statistics.median(gaps) < 500, gaps
    assert max(gaps) < 500, gaps
    assert 0 < left_ms(fast) <= 6000
    texts = [right.get_by_role("timer").inner_text(), fast.get_by_role("timer").inner_text()]
    assert all(text.startswith("00:0") for text in texts), texts

    for phone in (right, fast):
        expect(phone.locator("#activity-timer").get_by_text("Time is up.", exact=True)) \
            .to_be_visible(timeout=10_000)
        expect(phone.get_by_role("timer")).to_have_text("00:00")
        expect(phone.get_by_role("status").filter(has_text="Time is up.")).to_be_attached()


def test_the_board_runs_the_timer_with_labelled_buttons(screens, tupa):
    facilitator = tupa.facilitator()
    workshop = tupa.workshop(facilitator)
    phone = participant_page(screens, tupa, workshop)
    desk = screens.desk()
    sign_in(desk, facilitator.name)
    desk.goto(f"/workshops/{workshop.id}")
    timer = desk.get_by_role("timer")
    expect(desk.get_by_text("The timer has not been started.")).to_be_visible()

    desk.get_by_label("Minutes", exact=True).fill("3")
    desk.get_by_role("button", name="Start timer").click()
    expect(timer).to_have_text(re.compile(r"0[23]:\d\d"))
    expect(phone.get_by_role("timer")).to_have_text(re.compile(r"0[23]:\d\d"))

    desk.get_by_role("button", name="+1 min").click()
    expect(timer).to_have_text(re.compile(r"0[34]:\d\d"))
    desk.get_by_role("button", name="Pause timer").click()
    expect(desk.get_by_text("The timer is paused.")).to_be_visible()
    expect(phone.get_by_text("The timer is paused.")).to_be_visible()
    # The focus went to the button that replaced the one pressed.
    expect(desk.get_by_role("button", name="Resume timer")).to_be_focused()
    desk.get_by_role("button", name="Resume timer").click()
    desk.get_by_role("button", name="\u22121 min").click()
    expect(timer).to_have_text(re.compile(r"0[23]:\d\d"))
    desk.get_by_role("button", name="Stop timer").click()
    expect(desk.get_by_text("The timer has not been started.")).to_be_visible()
    expect(phone.locator("#activity-timer")).to_be_hidden()

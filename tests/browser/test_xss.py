"""Classic script-injection payloads, typed wherever a person can type, rendered on every page.

Each payload goes in as an idea, a nickname, an organisation name, a cluster name and a
workshop's title and question (cut to each field's length), through the same forms and socket
commands people use. Chromium then shows every page that displays them: board, participant
phone, presenter, results, workshop list, participant list, erasure pages, join page. On each,
no payload may run (a `__xss` hook and window.alert stay untouched; no dialog opens), none may
even be parsed into markup (the Content-Security-Policy would report it), and each must be
shown literally, character for character.
"""

from __future__ import annotations

import unicodedata

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PAYLOADS = [
    '<script>__xss("script")</script>',
    '<img src=x onerror=__xss("img")>',
    '<svg onload=__xss("svg")>',
    '<svg><script>__xss("svg-script")</script></svg>',
    '"><img src=x onerror=__xss("attr")>',
    "'><script>__xss('quote')</script>",
    "</script><script>__xss('breakout')</script>",
    "</textarea><script>__xss('textarea')</script>",
    '<iframe src="javascript:__xss(\'iframe\')"></iframe>',
    'javascript:__xss("url")',
    '<a href="javascript:__xss(\'link\')">klikkaa tästä</a>',
    '<details open ontoggle=__xss("details")>',
    '<math><mtext><table><mglyph><style><img src=x onerror=__xss("mxss")>',
    "<style>body{display:none}</style>",
    "{{7*7}} ${7*7} {% print(7*7) %} #{7*7}",
    "&lt;b&gt;not bold&lt;/b&gt; &amp; &#60;i&#62;",
    "\u202eexe.txt <b>right-to-left</b>",
    "\uff1cscript\uff1e__xss('fullwidth')\uff1c/script\uff1e",
    "Zero\u200bwidth\u200djoiner <u>ä</u> 🚲",
]

# What a page may use to run script; installed before any page script, so an injected
# payload calling it (or alert) is recorded, and the browser's CSP reports are kept too.
HOOK = """
window.__xssHits = [];
window.__xss = (what) => { window.__xssHits.push(String(what)); };
window.alert = window.confirm = window.prompt =
  (what) => { window.__xssHits.push(`dialog ${what}`); };
window.__cspReports = [];
document.addEventListener("securitypolicyviolation",
  (event) => window.__cspReports.push(`${event.violatedDirective} ${event.blockedURI}`));
"""

# Elements and attributes only injected markup would bring into a page's main content.
INJECTED = ("main script, main iframe, main style, main img[src='x'], main svg:not(.join-qr), "
            "main [onerror], main [onload], main [ontoggle], main a[href^='javascript'], "
            "main math, main details")


def typed(text: str, limit: int) -> str:
    """What Tupa stores of `text` typed into a field of `limit` characters."""
    return unicodedata.normalize("NFC", text[:limit]).strip()


# Native dialogs each watched page opened, should a payload get past the hook.
DIALOGS: dict[Page, list[str]] = {}


def watched(page: Page) -> Page:
    """A page with the hook installed and dialogs recorded (and dismissed)."""
    page.context.add_init_script(HOOK)
    opened = DIALOGS.setdefault(page, [])
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    return page


def nothing_ran(page: Page, where: str) -> None:
    """No payload ran on the page, and none was parsed into markup."""
    assert page.evaluate("window.__xssHits") == [], where
    assert DIALOGS[page] == [], where
    assert page.evaluate("window.__cspReports") == [], where
    assert page.locator(INJECTED).count() == 0, where


def texts(page: Page, selector: str) -> list[str]:
    """The exact text content of every element matching `selector`."""
    return page.locator(selector).all_text_contents()


TITLE = typed(" ".join(PAYLOADS), 200)
QUESTION = typed(" | ".join(PAYLOADS), 500)
TITLES = [TITLE, *(typed(p, 200) for p in PAYLOADS)]


def test_the_hook_sees_script_and_the_policy_reports_markup(chromium, server):
    """The detectors themselves: a call to the hook is seen, and injected markup is reported."""
    context = chromium.new_context(base_url=server.url)
    try:
        page = watched(context.new_page())
        page.goto("/")
        page.evaluate("__xss('probe')")
        page.evaluate("""document.querySelector('main').insertAdjacentHTML('beforeend',
                         '<img src=x onerror=__xss(&quot;inline&quot;)>')""")
        page.wait_for_function("window.__cspReports.length > 0")
        assert page.evaluate("window.__xssHits") == ["probe"]
        assert page.locator(INJECTED).count() == 1
    finally:
        context.close()


def test_no_payload_runs_on_any_page_and_each_is_shown_as_typed(screens, tupa):
    facilitator = tupa.facilitator()
    tupa.sign_in(facilitator)
    workshop = tupa.workshop_through_page(facilitator, title=TITLE, question=QUESTION,
                                          vote_budget=5, votes_per_idea=None)
    for payload in PAYLOADS:
        tupa.workshop_through_page(facilitator, title=payload, question=payload,
                                   vote_budget=5, votes_per_idea=None)
    people = []
    for payload in PAYLOADS:
        token = tupa.join(workshop, organisation_type="citizen", nickname=payload[:40],
                          organisation_name=payload[:120])
        people.append((token, tupa.phone(workshop, token)))
    board = tupa.board(workshop)
    # A new workshop opens on its welcome: the facilitator moves on to its brainstorm.
    board.ok("phase.set", {"phase": "posting"})
    ideas = [phone.ok("idea.post", {"key": "x", "text": payload})["idea"]["id"]
             for (_, phone), payload in zip(people[:-1], PAYLOADS[:-1], strict=True)]
    for number, (payload, idea_id) in enumerate(zip(PAYLOADS, ideas, strict=False)):
        cluster = board.ok("cluster.create", {"key": f"c{number}", "name": payload[:80]})
        board.ok("cluster.move_idea", {"idea_id": idea_id, "cluster_id": cluster["cluster"]["id"],
                                       "position": 0})

    desk, presenter, phone = watched(screens.desk()), watched(screens.desk()), \
        watched(screens.phone())
    for page in (desk, presenter):
        page.context.add_cookies([{"name": "tupa_session", "url": tupa.url,
                                   "value": facilitator.http.cookies["tupa_session"]}])
    phone.context.add_cookies([{"name": f"tupa_p_{workshop.id}", "url": tupa.url,
                                "value": people[0][0]}])
    desk.goto(f"/workshops/{workshop.id}")
    presenter.goto(f"/workshops/{workshop.id}/present")
    phone.goto(f"/w/{workshop.join_code}")
    live = (("board", desk), ("presenter", presenter), ("phone", phone))
    for _, page in live:
        expect(page.locator(".idea-text")).to_have_count(len(PAYLOADS) - 1)

    # The last payload arrives while the pages are open: drawn from facts, not the snapshot.
    people[-1][1].ok("idea.post", {"key": "x", "text": PAYLOADS[-1]})
    board.ok("cluster.create", {"key": "last", "name": PAYLOADS[-1][:80]})
    board.ok("phase.set", {"phase": "results"})

    ideas_shown = sorted(typed(p, 500) for p in PAYLOADS)
    clusters_shown = sorted(typed(p, 80) for p in PAYLOADS)
    nicknames = [typed(p, 40) for p in PAYLOADS]
    for where, page in live:
        expect(page.locator(".result-text")).to_have_count(len(PAYLOADS))
        expect(page.locator(".idea-text")).to_have_count(len(PAYLOADS))
        assert sorted(texts(page, ".idea-text")) == ideas_shown, where
        assert sorted(texts(page, ".result-text")) == ideas_shown, where
        assert texts(page, "main h1") == [TITLE], where
        assert texts(page, ".question") == [QUESTION], where
        names = texts(page, ".column-name" if where == "board" else ".group-name")
        assert sorted(n for n in names if n in clusters_shown) == clusters_shown, where
        meta = " ".join(texts(page, ".idea-meta"))
        assert all(nickname in meta for nickname in nicknames), where
        nothing_ran(page, where)

    desk.goto("/workshops")
    listed = texts(desk, ".workshop-table tbody th a")
    assert sorted(listed) == sorted(TITLES), "workshop list"
    nothing_ran(desk, "workshop list")

    desk.goto(f"/workshops/{workshop.id}/participants")
    rows = desk.locator(".workshop-table tbody tr")
    expect(rows).to_have_count(len(PAYLOADS))
    assert texts(desk, ".workshop-table tbody th") == nicknames
    for payload in PAYLOADS:
        assert typed(payload, 120) in texts(desk, ".workshop-table tbody td"), payload
    nothing_ran(desk, "participant list")

    desk.get_by_role("link", name=f"Erase this participant's data: {nicknames[1]}").click()
    expect(desk.get_by_role("heading", name="Erase this participant's data")).to_be_visible()
    facts = texts(desk, ".facts dd")
    assert nicknames[1] in facts and typed(PAYLOADS[1], 120) in facts
    nothing_ran(desk, "erase participant")

    desk.goto(f"/workshops/{workshop.id}/erase")
    assert texts(desk, ".facts dd")[:2] == [TITLE, QUESTION]
    nothing_ran(desk, "erase workshop")

    newcomer = watched(screens.phone())
    newcomer.goto(f"/w/{workshop.join_code}")
    expect(newcomer.get_by_role("button", name="Join the workshop")).to_be_visible()
    assert texts(newcomer, "main h1") == [TITLE]
    assert texts(newcomer, ".workshop-question") == [QUESTION]
    nothing_ran(newcomer, "join page")

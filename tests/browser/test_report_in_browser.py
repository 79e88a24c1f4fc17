"""The report in Chromium: axe-clean, printed without cut table rows, and its PDF made with
progress shown, against the real server (eventlet, worker process and all)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from reports.report_seed import SECRET_NICKNAME, fill

from .test_accessibility import violations
from .test_workshop_in_browser import sign_in

pytestmark = pytest.mark.browser

# What each element's printed style must say so that a table is never cut inside a row and
# its header comes again on the next page.
PRINT_RULES = """() => {
  const style = (selector) => {
    const found = document.querySelector(selector);
    return found ? getComputedStyle(found) : null;
  };
  const rows = [...document.querySelectorAll("tr")];
  return {
    rows: rows.length,
    rowsKeptWhole: rows.filter((row) => getComputedStyle(row).breakInside === "avoid").length,
    headerRepeats: [...document.querySelectorAll("thead")].every(
      (head) => getComputedStyle(head).display === "table-header-group"),
    chartsKeptWhole: [...document.querySelectorAll(".chart-picture")].every(
      (chart) => getComputedStyle(chart).breakInside === "avoid"),
    toolsHidden: style(".report-tools") === null || style(".report-tools").display === "none",
  };
}"""


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_the_report_is_accessible_and_prints_without_cut_tables(screens, tupa, lang):
    facilitator = tupa.facilitator()
    workshop = tupa.workshop(facilitator, language=lang)
    with tupa.server.database() as session:
        fill(session, workshop.id, ideas=30, text="Penkkejä ja katoksia {n}")
    desk = screens.desk()
    sign_in(desk, facilitator.name)

    desk.goto(f"/workshops/{workshop.id}/report")
    expect(desk.get_by_role("heading", level=1, name="Hiljaisempi kaupunki")).to_be_visible()
    expect(desk.locator("svg.chart").first).to_be_visible()
    found = violations(desk)
    assert SECRET_NICKNAME not in desk.content()

    desk.emulate_media(media="print")
    printed = desk.evaluate(PRINT_RULES)
    assert printed["rows"] > 20
    assert printed["rowsKeptWhole"] == printed["rows"]
    assert printed["headerRepeats"] and printed["chartsKeptWhole"] and printed["toolsHidden"]
    # Chromium's own print of the page, many pages long, comes out as well.
    assert desk.pdf(format="A4")[:5] == b"%PDF-"
    assert not found, "\n".join(found)


def test_the_pdf_button_shows_progress_then_the_download(screens, tupa):
    facilitator = tupa.facilitator()
    workshop = tupa.workshop(facilitator)
    with tupa.server.database() as session:
        fill(session, workshop.id, ideas=40)
    desk = screens.desk()
    sign_in(desk, facilitator.name)
    desk.goto(f"/workshops/{workshop.id}")
    desk.get_by_role("link", name="Make the report as PDF").click()

    desk.get_by_role("button", name="Make a PDF").click()
    # Whichever step it is at, the status line says so, and then that it is ready.
    expect(desk.locator("#pdf-status")).to_have_text("The PDF is ready.", timeout=60_000)
    with desk.expect_download() as downloading:
        desk.get_by_role("link", name="Download the PDF").click()
    path = downloading.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert downloading.value.suggested_filename.endswith(".pdf")
    assert not violations(desk)

"""The server's SVG charts: what they draw matches their tables, and no text escapes them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from workshop.reports.charts import TYPE_STYLES, ranked_bars, stacked_bars

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '</svg><script>alert("x")</script><img src=x onerror=alert(1)> & "quoted"'
TYPES = [("city", "Kaupunki"), ("company", "Yritys"), ("research", "Tutkimus")]


def _tree(chart) -> ET.Element:
    # Well-formed XML, or the parse fails: text smuggling markup would break it.
    return ET.fromstring(chart.svg)


def _bar_widths(root: ET.Element) -> list[float]:
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")
            if rect.get("height") == "16"]


def test_hostile_idea_text_stays_text_in_the_picture():
    chart = ranked_bars("vote1-ranked", "Votes <b>per</b> idea", [(HOSTILE, 3), ("Penkit", 1)],
                        label_heading="Idea", value_heading="Votes")

    assert "<script" not in chart.svg
    assert "<img" not in chart.svg
    assert chart.svg.count("</svg>") == 1
    root = _tree(chart)
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels[0] == HOSTILE
    assert root.find(f"{SVG}title").text == "Votes <b>per</b> idea"
    # The table keeps the text whole; the template escapes it like any other text.
    assert chart.rows[0][0] == HOSTILE


def test_hostile_chart_id_and_type_names_cannot_break_out():
    chart = stacked_bars('x" onload="alert(1)', HOSTILE, [(HOSTILE, {"city": 2})],
                         [("city", HOSTILE)], label_heading="Idea", total_heading="All")

    assert "<script" not in chart.svg and 'onload="' not in chart.svg
    root = _tree(chart)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", root.get("id"))


def test_the_picture_is_an_image_named_by_its_title_and_description():
    root = _tree(ranked_bars("c1", "Votes per idea", [("A", 1)], label_heading="Idea",
                             value_heading="Votes", description="The leading ideas."))

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    assert root.find(f"{SVG}desc").text == "The leading ideas."


def test_ranked_bars_are_as_long_as_their_table_says_in_its_order():
    items = [("Penkit", 8), ("Katokset", 4), ("Valot", 2), ("Ei ääniä", 0)]
    chart = ranked_bars("c", "Votes", items, label_heading="Idea", value_heading="Votes")

    widths = _bar_widths(_tree(chart))
    assert chart.rows == tuple(items)
    assert chart.columns == ("Idea", "Votes")
    assert len(widths) == 4
    assert widths[0] > 0 and widths[3] == 0
    for (_, value), width in zip(items, widths, strict=True):
        assert abs(width - widths[0] * value / 8) < 0.2
    numbers = [t.text for t in _tree(chart).iter(f"{SVG}text") if t.get("font-weight")]
    assert numbers == ["8", "4", "2", "0"]


def test_stacked_bars_split_by_type_and_total_like_their_table():
    items = [("Penkit", {"city": 3, "company": 1, "research": 2}), ("Valot", {"company": 2})]
    chart = stacked_bars("s", "By type", items, TYPES, label_heading="Idea",
                         total_heading="All votes")

    assert chart.columns == ("Idea", "Kaupunki", "Yritys", "Tutkimus", "All votes")
    assert chart.rows == (("Penkit", 3, 1, 2, 6), ("Valot", 0, 2, 0, 2))
    root = _tree(chart)
    parts = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "16"]
    # Penkit: three parts in legend order, Valot: one; each as long as its count.
    assert [p.get("fill") for p in parts] == ["url(#s-city)", "url(#s-company)",
                                              "url(#s-research)", "url(#s-company)"]
    unit = float(parts[0].get("width")) / 3
    assert [round(float(p.get("width")) / unit, 1) for p in parts] == [3, 1, 2, 2]


def test_each_type_has_its_own_pattern_and_a_named_legend():
    chart = stacked_bars("s", "By type", [("A", {"city": 1, "company": 1, "research": 1})],
                         TYPES, label_heading="Idea", total_heading="All")
    root = _tree(chart)

    patterns = {p.get("id"): ET.tostring(p) for p in root.iter(f"{SVG}pattern")}
    assert set(patterns) == {"s-city", "s-company", "s-research"}
    assert len(set(patterns.values())) == 3  # told apart by their marks, not colour alone
    legend = [t.text for t in root.iter(f"{SVG}text")][:3]
    assert legend == ["Kaupunki", "Yritys", "Tutkimus"]


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_type_colour_stands_out_from_white_paper_and_white_marks():
    for colour, _pattern in TYPE_STYLES.values():
        contrast = 1.05 / (_luminance(colour) + 0.05)
        assert contrast >= 4.5, colour


def test_an_empty_chart_is_still_a_valid_picture():
    chart = ranked_bars("e", "Votes", [], label_heading="Idea", value_heading="Votes")

    assert _tree(chart).get("role") == "img"
    assert chart.rows == ()

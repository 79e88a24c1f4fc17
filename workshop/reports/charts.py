"""Charts as SVG drawn on the server: ranked bars and bars stacked by organisation type.

Pure (standard library only), so the report page, its PDF and any live page draw the same
picture from the same numbers. Every chart comes with its data table, the accessible
alternative a screen reader user reads instead of the picture, holding exactly the numbers
the bars were drawn from. Callers pass the words (titles, type names) in their language.

Safety: idea texts and cluster names are the participants' own words and may hold markup;
every text is escaped here, once, and nothing else is put into the SVG.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

WIDTH = 640
LABEL_HEIGHT = 16  # the line of text above a bar
BAR_HEIGHT = 16
ROW_GAP = 10
VALUE_SPACE = 56  # right of the longest bar, for its number
LEGEND_HEIGHT = 26
LABEL_MAX_CHARS = 80  # longer labels end in "…" in the picture; the table has them whole

# One colour and one pattern per organisation type. Each colour has at least 7:1 contrast
# with white (WCAG 1.4.11 asks 3:1 for parts of graphics), and the patterns tell the types
# apart for anyone who does not see the colours, on paper printed in black and white too.
TYPE_STYLES = {
    "city": ("#1d4e89", "solid"),
    "company": ("#8a3a0c", "diagonal"),
    "research": ("#1f5e2a", "dots"),
    "citizen": ("#5b2d91", "horizontal"),
    "other": ("#444444", "cross"),
}
# Phone votes and hand votes in one bar (the report's ranking when hands were counted).
VOTE_SOURCE_STYLES = {
    "phones": ("#1d4e89", "solid"),
    "hands": ("#8a3a0c", "diagonal"),
}
BAR_COLOUR = "#1d4e89"
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#767676"

_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Chart:
    """An SVG picture and the table of the numbers it shows (its accessible alternative)."""

    chart_id: str
    title: str
    svg: str  # markup, every text in it escaped
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _short(label: str, limit: int = LABEL_MAX_CHARS) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def _open_svg(chart_id: str, title: str, description: str, height: int) -> list[str]:
    # role="img" with its title (and description) as the name: a screen reader announces the
    # chart once and goes on to the table, instead of reading every label in the picture.
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="DejaVu Sans, sans-serif" '
        f'font-size="12">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>',
    ]


def _scale(largest: int) -> float:
    return (WIDTH - VALUE_SPACE) / largest if largest > 0 else 0.0


def ranked_bars(chart_id: str, title: str, items: list[tuple[str, int]], *,
                label_heading: str, value_heading: str, description: str = "") -> Chart:
    """One horizontal bar per item, in the order given (the caller ranks them)."""
    chart_id = _SAFE_ID.sub("-", chart_id)
    row_height = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = max(row_height * len(items), row_height)
    scale = _scale(max((value for _, value in items), default=0))
    parts = _open_svg(chart_id, title, description or title, height)
    for index, (label, value) in enumerate(items):
        top = index * row_height
        length = value * scale
        parts.append(
            f'<text x="0" y="{top + LABEL_HEIGHT - 4}" fill="{TEXT_COLOUR}">'
            f'{_text(_short(label))}</text>')
        parts.append(
            f'<rect x="0" y="{top + LABEL_HEIGHT}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_COLOUR}"/>')
        parts.append(
            f'<text x="{length + 6:.1f}" y="{top + LABEL_HEIGHT + BAR_HEIGHT - 3}" '
            f'fill="{TEXT_COLOUR}" font-weight="bold">{_text(value)}</text>')
    parts.append("</svg>")
    rows = tuple((label, value) for label, value in items)
    return Chart(chart_id, title, "".join(parts), (label_heading, value_heading), rows)


def _pattern(chart_id: str, organisation_type: str) -> str:
    colour, kind = TYPE_STYLES.get(organisation_type) \
        or VOTE_SOURCE_STYLES.get(organisation_type, TYPE_STYLES["other"])
    pattern_id = f"{chart_id}-{_SAFE_ID.sub('-', organisation_type)}"
    marks = {
        "solid": "",
        "diagonal": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#ffffff" '
                    'stroke-width="1.5"/>',
        "dots": '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
        "horizontal": '<path d="M0,2 h8 M0,6 h8" stroke="#ffffff" stroke-width="1.2"/>',
        "cross": '<path d="M0,4 h8 M4,0 v8" stroke="#ffffff" stroke-width="1.2"/>',
    }[kind]
    return (f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>')


def stacked_bars(chart_id: str, title: str, items: list[tuple[str, dict[str, int]]],
                 types: list[tuple[str, str]], *, label_heading: str, total_heading: str,
                 description: str = "") -> Chart:
    """One bar per item, split into its organisation types' parts, with a legend.

    `types` are (organisation type, its name in the reader's language), in legend order;
    only these types are drawn and tabled. The parts may also be "phones" and "hands".
    """
    chart_id = _SAFE_ID.sub("-", chart_id)
    row_height = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = LEGEND_HEIGHT + max(row_height * len(items), row_height)
    totals = [sum(counts.get(key, 0) for key, _ in types) for _, counts in items]
    scale = _scale(max(totals, default=0))
    parts = _open_svg(chart_id, title, description or title, height)
    parts.append("<defs>" + "".join(_pattern(chart_id, key) for key, _ in types) + "</defs>")
    # The legend: a swatch with its pattern and the type's name, side by side.
    x = 0.0
    for key, name in types:
        parts.append(f'<rect x="{x:.1f}" y="2" width="14" height="14" '
                     f'fill="url(#{chart_id}-{_SAFE_ID.sub("-", key)})" stroke="{GRID_COLOUR}"/>')
        parts.append(f'<text x="{x + 18:.1f}" y="13" fill="{TEXT_COLOUR}">{_text(name)}</text>')
        x += 30 + 7.5 * len(name)
    for index, ((label, counts), total) in enumerate(zip(items, totals, strict=True)):
        top = LEGEND_HEIGHT + index * row_height
        parts.append(f'<text x="0" y="{top + LABEL_HEIGHT - 4}" fill="{TEXT_COLOUR}">'
                     f'{_text(_short(label))}</text>')
        x = 0.0
        for key, _name in types:
            length = counts.get(key, 0) * scale
            if length <= 0:
                continue
            # A white edge between parts: neighbours stay apart even where patterns meet.
            parts.append(
                f'<rect x="{x:.1f}" y="{top + LABEL_HEIGHT}" width="{length:.1f}" '
                f'height="{BAR_HEIGHT}" fill="url(#{chart_id}-{_SAFE_ID.sub("-", key)})" '
                f'stroke="#ffffff" stroke-width="1"/>')
            x += length
        parts.append(f'<text x="{x + 6:.1f}" y="{top + LABEL_HEIGHT + BAR_HEIGHT - 3}" '
                     f'fill="{TEXT_COLOUR}" font-weight="bold">{_text(total)}</text>')
    parts.append("</svg>")
    columns = (label_heading, *(name for _, name in types), total_heading)
    rows = tuple((label, *(counts.get(key, 0) for key, _ in types), total)
                 for (label, counts), total in zip(items, totals, strict=True))
    return Chart(chart_id, title, "".join(parts), columns, rows)

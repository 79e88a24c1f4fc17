"""Every string a person can read exists in Finnish and Swedish, and the catalogues are current."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import workshop

ROOT = Path(workshop.__file__).parent.parent
CATALOGUES = ROOT / "workshop" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _in_source() -> set[str]:
    """Every message id marked in the Python code and the templates."""
    found = set()
    for folder, method in ((ROOT / "workshop", "python"), (ROOT / "templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
            folder, method_map=[(pattern, method)], keywords=KEYWORDS,
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue(language: str):
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_string_is_translated(language):
    catalogue = _catalogue(language)
    missing = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                     if m.id and (not m.string or "fuzzy" in m.flags
                                  or (isinstance(m.string, tuple) and not all(m.string))))
    assert missing == []


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_catalogue_holds_every_string_of_the_source(language):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue(language) if m.id}
    assert sorted(_in_source() - ids) == [], "run pybabel extract + update (see babel.cfg)"

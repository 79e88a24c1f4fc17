"""docs/protocol.md stays honest: it names every command, fact and error code, and no others."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workshop.domain.protocol import COMMANDS, FACTS
from workshop.languages import ERROR_MESSAGES
from workshop.realtime.commands import REGISTRY

PROTOCOL = Path(__file__).parent.parent / "docs" / "protocol.md"

# Backticked names that look like events: the nouns of the workshop, a dot, a verb.
EVENT_LIKE = re.compile(
    r"`((?:workshop|ideas?|votes?|clusters?|phase|results|presence)\.[a-z_]+)`"
)


def _sections() -> dict[str, str]:
    """The document's text under each second-level heading."""
    parts = re.split(r"^## +(.+)$", PROTOCOL.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def _headings(section: str) -> set[str]:
    return set(re.findall(r"^### +`([^`]+)`", _sections()[section], flags=re.MULTILINE))


def _error_codes() -> set[str]:
    return set(re.findall(r"^\| *`([a-z_]+)` *\|", _sections()["Error codes"], flags=re.MULTILINE))


@pytest.mark.parametrize(
    ("section", "registered"),
    [("Commands", COMMANDS), ("Facts", FACTS)],
)
def test_every_event_has_its_own_heading_and_no_other(section, registered):
    documented = _headings(section)
    assert sorted(registered - documented) == [], f"missing from {section} in docs/protocol.md"
    assert sorted(documented - registered) == [], f"not registered, yet in {section}"


def test_every_error_code_is_explained_and_no_other():
    documented = _error_codes()
    assert sorted(set(ERROR_MESSAGES) - documented) == [], "missing from docs/protocol.md"
    assert sorted(documented - set(ERROR_MESSAGES)) == [], "not in ERROR_MESSAGES, yet documented"


def test_event_names_in_the_prose_exist():
    named = set(EVENT_LIKE.findall(PROTOCOL.read_text(encoding="utf-8")))
    assert sorted(named - COMMANDS - FACTS) == []


def test_the_command_registry_matches_the_domain_list():
    assert set(REGISTRY) == COMMANDS
    assert not COMMANDS & FACTS


def test_the_browser_client_listens_for_every_fact_and_no_other():
    source = (Path(__file__).parent.parent / "static" / "js" / "core" / "connection.js").read_text()
    listed = re.search(r"export const FACTS = new Set\(\[(.*?)\]\);", source, re.S)
    assert listed, "connection.js no longer declares FACTS"
    assert set(re.findall(r'"([a-z_.]+)"', listed.group(1))) == set(FACTS)

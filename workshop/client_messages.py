"""The words the browser's JavaScript shows, from the same catalogues as the pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CLIENT_MESSAGES = {
    "connection_lost": _l("Connection lost. Reconnecting..."),
    "connection_back": _l("Connected again."),
}


def client_messages() -> dict[str, str]:
    """The messages in the current language, for a page's JSON data block."""
    return {key: str(text) for key, text in CLIENT_MESSAGES.items()}

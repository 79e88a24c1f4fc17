"""How a rule says no."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule said no; `code` is stable for clients, `message` is English for logs."""

    def __init__(self, code: str, message: str, **details: Any):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

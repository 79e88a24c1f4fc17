"""HTTP pages and downloads."""

from flask import Flask


def register(app: Flask) -> None:
    """Add the pages to the app."""

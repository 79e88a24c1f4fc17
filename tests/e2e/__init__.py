"""End-to-end tests against the real server; a package so its conftest keeps its own name."""

"""Browser tests on Debian's chromium; a package, so its conftest keeps a name of its own."""

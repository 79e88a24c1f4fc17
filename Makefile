# Tupa: `make run` starts the app, `make test` runs the whole suite. Both install what is
# missing first; stamp files in .venv and node_modules remember what is already installed.

PYTHON ?= python3
VENV := .venv
CHROMIUM := /usr/bin/chromium
# The PDF report: WeasyPrint lays it out with Pango (in Debian's standard libraries, else
# installed here) in DejaVu, whose letters cover Finnish and Swedish; tests read it back
# with poppler's pdftotext.
PANGO := /usr/lib/$(shell uname -m)-linux-gnu/libpangoft2-1.0.so.0
DEJAVU := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
PDFTOTEXT := /usr/bin/pdftotext
CATALOGUES := $(wildcard workshop/translations/*/LC_MESSAGES/messages.po)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# Playwright drives Debian's chromium; it must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export TUPA_CHROMIUM := $(CHROMIUM)

.PHONY: run test bench translations

run: $(VENV)/.installed node_modules/.installed translations $(PANGO) $(DEJAVU)
	$(VENV)/bin/python run.py

test: $(VENV)/.installed-test node_modules/.installed translations $(CHROMIUM) $(PANGO) \
		$(DEJAVU) $(PDFTOTEXT)
	$(VENV)/bin/ruff check .
	npx --no-install eslint static/js
	$(VENV)/bin/bandit -q -r workshop -lll
	$(VENV)/bin/pytest tests/

# Not part of `make test`: minutes of load against Tupa and a bare Flask-SocketIO server.
# BENCH="--quick" for the short variant; docs/performance.md has the figures.
bench: $(VENV)/.installed-test node_modules/.installed translations
	$(VENV)/bin/python tests/benchmarks/run.py $(BENCH)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(VENV)/bin/pip install --disable-pip-version-check -e '.[test]'
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# .mo files are built, not committed; a language without a catalogue yet is simply skipped.
translations: $(VENV)/.installed
ifneq ($(CATALOGUES),)
	$(VENV)/bin/pybabel compile -d workshop/translations
endif

$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

$(PANGO):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpangoft2-1.0-0

$(DEJAVU):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-dejavu-core

$(PDFTOTEXT):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends poppler-utils

# Two commands for a newcomer: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
STATIC_STAMP := var/.static-stamp

.PHONY: help install run test lint fmt migrate seed clean messages

help:
	@echo "make run      install, migrate, load demo data, start web + worker + beat on"
	@echo "             WEB_HOST:WEB_PORT (default 127.0.0.1:8000), then print the address and logins"
	@echo "make test     run the test suite (services are used when DATABASE_URL / REDIS_URL are set)"
	@echo "make lint     ruff, djLint, the apps' import layers and a migrations check"
	@echo "make install  create .venv and install pinned requirements and front-end packages"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the front-end packages."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Translations: the .po files are the source; the compiled .mo files are built here (GNU
# gettext's msgfmt), never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(STAMP)
	@command -v msgfmt >/dev/null || { echo "msgfmt (GNU gettext) is needed to build the translations."; exit 1; }
	msgfmt --check-format -o $@ $<

install: $(STAMP) $(NODE_STAMP) $(MO_FILES)

# After marking strings: bring the German and Spanish catalogues up to date, then translate
# what is new (tests/test_translations.py fails while anything is untranslated or fuzzy).
messages: install
	DEBUG=1 $(MANAGE) makemessages $(MESSAGES_ARGS)

$(STATIC_STAMP): $(STAMP) $(NODE_STAMP) $(shell find static -type f 2>/dev/null)
	@mkdir -p var
	DEBUG=1 $(MANAGE) collectstatic --noinput --verbosity 0
	@touch $@

# Settings create nothing on disk; the SQLite database needs its folder before migrate.
run: install $(STATIC_STAMP)
	@mkdir -p "$${VAR_DIR:-var}"
	DEBUG=$${DEBUG:-1} $(MANAGE) migrate --noinput --verbosity 0
	DEBUG=$${DEBUG:-1} $(MANAGE) createcachetable
	DEBUG=$${DEBUG:-1} $(MANAGE) setup_schedules
	DEBUG=$${DEBUG:-1} $(MANAGE) seed_demo
	@echo "Starting web, worker and beat; the address and the demo logins follow once the site answers."
	DEBUG=$${DEBUG:-1} PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start -f Procfile

migrate: install
	@mkdir -p "$${VAR_DIR:-var}"
	DEBUG=$${DEBUG:-1} $(MANAGE) migrate --noinput
	DEBUG=$${DEBUG:-1} $(MANAGE) createcachetable

seed: migrate
	DEBUG=$${DEBUG:-1} $(MANAGE) seed_demo

test: install
	$(BIN)/python -m pytest $(ARGS); status=$$?; [ $$status -eq 5 ] && { echo "No tests ran."; exit 1; }; exit $$status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run --verbosity 1

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --quiet || true

clean:
	rm -rf $(VENV) node_modules var

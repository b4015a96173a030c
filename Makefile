# notifier: every target creates .venv and installs on first use, so each is one command on a
# fresh machine. Dependencies are pinned by constraints.txt (also used by CI and the Dockerfile).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PRISM_VERSION := 5.14.2
PRISM  := .prism/node_modules/.bin/prism
AXE_VERSION := 4.14.1
AXE    := .axe/node_modules/axe-core/axe.min.js
ENV_FILE ?= settings.example.env
# The machine's tool that builds the Dockerfile with buildah and waits for /healthz.
CONTAINER_CHECK ?= container-check
PG_DEFAULT := postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: run demo test test-fast test-clock-ahead lint typecheck fmt bench eval lock clean container-check browser-deps

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

# Stoplight Prism for the Twilio contract test, from npm into an ignored folder. Without npm the
# contract tests are skipped locally (CI requires them).
$(PRISM):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --prefix .prism @stoplight/prism-cli@$(PRISM_VERSION); \
	else echo "npm not found: the Prism contract tests will be skipped"; fi

# axe-core (accessibility rules the browser tests run on every page), from npm like Prism.
$(AXE):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --prefix .axe axe-core@$(AXE_VERSION); \
	else echo "npm not found: the browser tests will be skipped"; fi

# Debian's Chromium and its driver for the browser tests (tests/browser). Installed only as root
# (CI, the container, a fresh machine); elsewhere the browser tests skip unless
# NOTIFIER_REQUIRE_BROWSER=1. Nothing downloads a browser of its own.
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends chromium chromium-driver; \
	else echo "chromium/chromedriver not found (not root): the browser tests will be skipped"; fi

# The service on embedded defaults (SQLite file, console SMS) with the example roster. One
# individual session is added two hours and two minutes from now, so a reminder appears on
# the console within about two minutes (inside quiet hours it waits for the morning).
# Run again, it adds no second session while C001 still has one ahead. It listens where
# NOTIFIER_HTTP_HOST / NOTIFIER_HTTP_PORT say (127.0.0.1:8000 in settings.example.env; the
# environment wins: `NOTIFIER_HTTP_PORT=8080 make run`).
run: $(STAMP)
	$(BIN)/notifier --env-file $(ENV_FILE) db upgrade
	$(BIN)/notifier --env-file $(ENV_FILE) clients import notifier/examples/roster.csv
	@if $(BIN)/notifier --env-file $(ENV_FILE) sessions list --format json | $(BIN)/python -c \
	  'import json, sys, datetime as d; now = d.datetime.now(d.UTC); sys.exit(0 if any(r["client"] == "C001" and not r["canceled"] and d.datetime.fromisoformat(r["starts_at"]) > now for r in json.load(sys.stdin)) else 1)'; \
	then echo "C001 already has a session ahead: none added"; \
	else $(BIN)/notifier --env-file $(ENV_FILE) sessions add --client C001 --location "Room 2" \
	  --at $$($(BIN)/python -c 'import datetime as d; print((d.datetime.now(d.UTC)+d.timedelta(hours=2,minutes=2)).strftime("%Y-%m-%dT%H:%MZ"))'); fi
	$(BIN)/notifier --env-file $(ENV_FILE) run

demo: $(STAMP)
	$(BIN)/notifier demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# ruff, mypy, then every test. PostgreSQL tests run when NOTIFIER_TEST_POSTGRES_URL is set, or
# when a local PostgreSQL answers at 127.0.0.1:5432 as user postgres; otherwise they skip.
test: $(STAMP) $(PRISM) $(AXE) browser-deps lint typecheck
	@if [ -z "$$NOTIFIER_TEST_POSTGRES_URL" ] && command -v psql >/dev/null 2>&1 && \
	   psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then \
	  export NOTIFIER_TEST_POSTGRES_URL=$(PG_DEFAULT); \
	  echo "PostgreSQL found at 127.0.0.1:5432: running the PostgreSQL tests too"; \
	fi; \
	$(BIN)/pytest

# The edit-test loop: the unit tests and the database tests on SQLite only (no PostgreSQL,
# browser, contract or multi-process tests, no lint): ~1,300 tests, about 45 s of CPU time.
# `make test` runs them all.
test-fast: $(STAMP)
	NOTIFIER_TEST_POSTGRES_URL= $(BIN)/pytest -m "not postgres and not browser and not slow" \
	  tests/unit tests/db

# The whole suite with the system clock a year ahead (libfaketime, Debian's faketime), for every
# process it starts: proves no test depends on today's date. Monotonic time stays real.
test-clock-ahead: $(STAMP) $(PRISM) $(AXE) browser-deps
	@command -v faketime >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq faketime >/dev/null; }
	DONT_FAKE_MONOTONIC=1 PYTHONPATH=$(CURDIR)/tests/clock_ahead faketime -f "+365d" \
	  $(MAKE) --no-print-directory test

# Every benchmark beside its baseline (docs/benchmarks.md), about 30 minutes on 2 cores (with a
# small noon: 5,000 clients, 3,000 replies in a minute, two replicas on PostgreSQL).
# `make bench BENCH_FLAGS=--state-scale` adds the long runs at state scale (the planner at
# 1,000,000 clients; the noon at 100,000 clients and 30,000 replies over ten minutes, about 35
# minutes of its own): about 80 minutes more.
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_FLAGS)

# Reply classification against the labelled corpus (evaluation/corpus); a report, exit 0 even
# when a target is missed. Writes docs/classification.md with the dev misses, and the held-out
# and final parts' misses to docs/classification-never-tuned-misses.md (never opened while tuning).
eval: $(STAMP)
	$(BIN)/python -m evaluation --write-doc docs/classification.md

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin every dependency (run after changing pyproject.toml, then commit constraints.txt).
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet --upgrade pip
	.lockvenv/bin/pip install --quiet -e '.[dev]'
	.lockvenv/bin/pip freeze --exclude-editable | grep -v '^notifier' > constraints.txt
	rm -rf .lockvenv

# The image's default expects its key apart from the data (a mounted secret, or
# NOTIFIER_ENCRYPTION_KEYS): the check gives it a fresh key the way a secret store would.
container-check: $(STAMP)
	@umask 077; printf 'NOTIFIER_ENCRYPTION_KEYS=%s\n' "$$($(BIN)/notifier keys new)" > .container-check.env
	@command -v $(CONTAINER_CHECK) >/dev/null 2>&1 || { rm -f .container-check.env; \
	  echo "container-check not found: put the machine's container-check tool on PATH or run"; \
	  echo "make container-check CONTAINER_CHECK=/path/to/container-check"; exit 2; }
	$(CONTAINER_CHECK) --env-file .container-check.env; status=$$?; \
	  rm -f .container-check.env; exit $$status

clean:
	rm -rf $(VENV) .prism .axe test-artifacts .mypy_cache .ruff_cache .pytest_cache .hypothesis notifier.db*

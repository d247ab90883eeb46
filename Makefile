# Attune: build, run and test.
#
#   make run     set up, migrate, load the demo data and serve on http://127.0.0.1:8000/
#   make serve   the same demo with production settings: gunicorn on PostgreSQL
#   make test    every check CI runs, in order, stopping at the first failure
#   make help    list all targets
#
# A fresh machine needs only python3 (3.11) with pip: uv is bootstrapped into the
# repo-local tools venv .tools/, and uv installs the locked dependencies into .venv/.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# The test stages must run one after another, in the order listed, even under make -j.
.NOTPARALLEL:

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS_DIR := .tools
UV := $(TOOLS_DIR)/bin/uv

# uv syncs the project into this environment; the tools below run from it.
export UV_PROJECT_ENVIRONMENT ?= .venv
VENV := $(UV_PROJECT_ENVIRONMENT)
BIN := $(VENV)/bin

# Extra arguments for every pytest run, e.g. make test-sqlite PYTEST_ARGS="-x -k roster"
PYTEST_ARGS ?=

# Print a banner naming the stage that is about to run.
define banner
	@printf '\n\033[1m==> %s\033[0m\n' $(1)
endef

.PHONY: help setup run worker serve test lint imports types test-sqlite test-postgres test-e2e bench bench-scale bench-continuity bench-load clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# ---------------------------------------------------------------------------
# Setup
# ---------------------------------------------------------------------------

# Bootstrap uv into .tools/ once; skipped when .tools/bin/uv already exists.
$(UV):
	$(call banner,"Bootstrapping uv $(UV_VERSION) into $(TOOLS_DIR)/")
	$(PYTHON) -m venv $(TOOLS_DIR)
	$(TOOLS_DIR)/bin/pip install --quiet uv==$(UV_VERSION)

# compilemessages is skipped while there are no *.po catalogs: it errors out when no
# locale/ directory exists at all (git does not keep an empty src/attune/locale/).
setup: $(UV) ## bootstrap uv, install the locked dependencies, compile translations
	$(call banner,"Installing the locked dependencies into $(VENV)/")
	$(UV) sync --frozen
	$(call banner,"Compiling translations")
	@if [ -n "$$(find src -name '*.po' -print -quit)" ]; then \
		$(BIN)/python manage.py compilemessages --ignore=$(VENV) --ignore=$(TOOLS_DIR); \
	else \
		echo "No translation catalogs (*.po) under src/ yet; nothing to compile."; \
	fi

# ---------------------------------------------------------------------------
# Run the development server
# ---------------------------------------------------------------------------

# The data directory is created first: SQLite cannot create its file in a missing
# directory (var/ does not exist on a fresh checkout).
run: export ATTUNE_ENV := development
run: setup ## set up, migrate, load demo data, serve on 127.0.0.1:8000
	$(call banner,"Migrating the database")
	mkdir -p "$${ATTUNE_DATA_DIR:-var}"
	$(BIN)/python manage.py migrate
	$(call banner,"Loading the demo data")
	$(BIN)/python manage.py load_demo
	$(call banner,"Serving on http://127.0.0.1:8000/ with one task worker (Ctrl-C stops both)")
	scripts/serve $(BIN)/python 127.0.0.1:8000

# More workers, on this machine or another that reaches the same database (docs/deploy.md).
worker: export ATTUNE_ENV ?= development
worker: setup ## start one more task worker (plans, what-ifs, imports, emails, schedules)
	$(BIN)/python manage.py run_worker

# The production setup on this machine (docs/deploy.md): gunicorn with ATTUNE_ENV=production on
# a throwaway PostgreSQL cluster, static files collected, the demo loaded; plain HTTP on
# 127.0.0.1 (DJANGO_SECURE_SSL_REDIRECT=0) with a generated secret key. ATTUNE_PORT=8000 by default.
serve: setup ## production server (gunicorn, PostgreSQL, demo data) on 127.0.0.1:8000
	$(call banner,"Serving with production settings on http://127.0.0.1:$${ATTUNE_PORT:-8000}/ (Ctrl-C stops)")
	scripts/with-postgres scripts/serve-production

# ---------------------------------------------------------------------------
# Tests: make test runs these stages in this order and stops at the first failure.
# pytest's exit code is passed through untouched, so "no tests collected" (5) fails too.
# ---------------------------------------------------------------------------

test: export ATTUNE_ENV := test
test: setup lint types imports test-sqlite test-postgres test-e2e ## run every check, in order
	$(call banner,"All checks passed")

lint: export ATTUNE_ENV := test
lint: setup ## ruff lint and format check
	$(call banner,"Lint: ruff check")
	$(BIN)/ruff check .
	$(call banner,"Format: ruff format --check")
	$(BIN)/ruff format --check .

types: export ATTUNE_ENV := test
types: setup ## mypy (configured in pyproject.toml)
	$(call banner,"Types: mypy")
	$(BIN)/mypy

imports: export ATTUNE_ENV := test
imports: setup ## import-linter contracts (the planner stays pure Python)
	$(call banner,"Import contracts: lint-imports")
	$(BIN)/lint-imports

# The SQLite stages ignore any DATABASE_URL in the caller's environment.
test-sqlite: export ATTUNE_ENV := test
test-sqlite: setup ## pytest on SQLite, browser tests excluded
	$(call banner,"Tests on SQLite: pytest -m 'not e2e'")
	env -u DATABASE_URL $(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)

test-postgres: export ATTUNE_ENV := test
test-postgres: setup ## the same pytest run against a throwaway PostgreSQL cluster
	$(call banner,"Tests on PostgreSQL: pytest -m 'not e2e' (throwaway cluster)")
	scripts/with-postgres $(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)

test-e2e: export ATTUNE_ENV := test
test-e2e: setup ## browser tests in headless Chromium
	$(call banner,"Browser tests: pytest -m e2e (headless Chromium)")
	scripts/ensure-chromium
	env -u DATABASE_URL $(BIN)/pytest -m e2e $(PYTEST_ARGS)

# ---------------------------------------------------------------------------
# Benchmarks and cleaning
# ---------------------------------------------------------------------------

bench: export ATTUNE_ENV := test
bench: setup ## run every benchmarks/bench_*.py script
	@shopt -s nullglob; scripts=(benchmarks/bench_*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "No benchmarks/bench_*.py scripts."; exit 1; fi; \
	for script in "$${scripts[@]}"; do \
		printf '\n\033[1m==> Benchmark: %s\033[0m\n' "$$script"; \
		$(BIN)/python "$$script"; \
	done

bench-scale: export ATTUNE_ENV := test
bench-scale: setup ## cold starts and scale, 60-480 children x 4 rule sets x 5 seeds (hours)
	$(BIN)/python benchmarks/scale.py --highs --chart docs/benchmarks-scale.svg

bench-continuity: export ATTUNE_ENV := test
bench-continuity: setup ## the continuity benchmark (issue #5; about an hour on 2 cores)
	$(BIN)/python benchmarks/continuity.py --whatif

# The load scenario (benchmarks/load/): the production server on a throwaway PostgreSQL,
# locust with 50 users for 2 minutes; prints the table for docs/benchmarks.md. Measure on a
# quiet machine. Smaller: make bench-load LOAD_ARGS="--users 5 --time 20s"
LOAD_ARGS ?=
bench-load: setup ## load test: 50 users on gunicorn + PostgreSQL (locust), prints the table
	$(BIN)/python benchmarks/load/run.py $(LOAD_ARGS)

clean: ## remove .venv, .tools, var/ (the dev database) and caches
	rm -rf $(VENV) $(TOOLS_DIR) var test-results \
		.pytest_cache .mypy_cache .ruff_cache .import_linter_cache
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
	find src -name '*.mo' -delete

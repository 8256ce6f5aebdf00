# The doors: make run, make test, make lint. `make help` lists them all.
.DEFAULT_GOAL := help
# test runs lint, then SQLite, then PostgreSQL, in that order even under make -j.
.NOTPARALLEL:
.PHONY: help setup run lint test test-sqlite test-pg fuzz load bench check-deploy clean

VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
MANAGE := $(VENV_PYTHON) manage.py
# make setup PYTHON=/path/to/python3.13 picks the interpreter for a new .venv (scripts/setup.sh).
# Extra pytest arguments, e.g. make test-sqlite ARGS="-k walkthrough -x"
ARGS ?=
# Three workers on two cores: while one waits for the database, Chromium or a subprocess, the
# others use the core (measured: SQLite suite 221 s with 2, 196 s with 3, 214 s with 4; PostgreSQL 303 s → 289 s).
PYTEST_WORKERS ?= 3
PYTEST := $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider --durations=25 $(ARGS)

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

setup: ## Debian packages, a Python >= 3.12 and .venv with requirements-dev.txt (quiet when done)
	@scripts/setup.sh

run: setup ## migrate, load the demo province when empty, print the logins, run the task worker, serve http://127.0.0.1:8000
	$(MANAGE) migrate --verbosity 0
	$(MANAGE) seed_demo --if-empty
	VENV_PYTHON=$(VENV_PYTHON) scripts/run-dev.sh 127.0.0.1:8000

lint: setup ## ruff check, ruff format --check, mypy on the domain code, no missing migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(MANAGE) makemigrations --check --dry-run

test: lint test-sqlite test-pg ## lint, then the whole suite on SQLite, then on a throwaway PostgreSQL

# The SQLite URL is explicit so that a DATABASE_URL in the environment or in .env cannot leak in.
test-sqlite: setup ## the whole suite on SQLite
	DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 $(PYTEST)

# The same suite; two generated-input tests run half their examples here (the SQLite suite
# runs them all): schemathesis 10 per operation and caller, the workflow state machine 10. They are
# derandomized, so these are the same kind of sequences again, now against PostgreSQL; each was a
# minute of this suite's five. make fuzz runs hundreds.
PG_EXAMPLES := FUZZ_EXAMPLES=10 WORKFLOW_EXAMPLES=10
test-pg: setup ## the whole suite on a throwaway PostgreSQL cluster (scripts/with-postgres.sh)
	$(PG_EXAMPLES) scripts/with-postgres.sh $(PYTEST)

# make test runs 20 generated examples per API operation and caller (> 2,000 requests); this, 300.
FUZZ_EXAMPLES ?= 300
WORKFLOW_EXAMPLES ?= 200
fuzz: setup ## long runs: schemathesis (FUZZ_EXAMPLES per operation and caller), the workflow state machine (WORKFLOW_EXAMPLES)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) WORKFLOW_EXAMPLES=$(WORKFLOW_EXAMPLES) DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 \
		$(VENV)/bin/pytest -p no:cacheprovider -o timeout=0 -s tests/fuzz tests/test_workflow_stateful.py $(ARGS)

# Not part of make test: minutes of CPU on a throwaway PostgreSQL. ARGS="--run-time 30s" for a smoke run.
load: setup ## 100 simulated users for 5 minutes against gunicorn + PostgreSQL (bench/load, docs/reliability.md)
	bench/load/run.sh $(ARGS)

# Not part of make test: the figures of docs/performance.md, on a database of the benchmark cluster
# (bench/pg.sh, filled by generate_dataset). Each script of BENCH_SCRIPTS reads DATABASE_URL and
# prints its table; e.g. make bench BENCH_SCRIPTS=bench/campaign.py. bench/pages-runs.sh runs the pages
# on solienhe_10k and on BENCH_DB with committees of three sizes (docs/performance.md, "Pages").
# (bench/import_members.py makes its own SQLite database; bench/campaign.py rolls back what it writes.)
BENCH_DB ?= solienhe_2500k
BENCH_SCRIPTS ?= bench/pages-runs.sh bench/campaign.py bench/import_members.py bench/documents.py
bench: setup ## the benchmarks of docs/performance.md (BENCH_SCRIPTS on BENCH_DB of bench/pg.sh)
	bench/pg.sh start
	@for script in $(BENCH_SCRIPTS); do \
		echo "== $$script on $(BENCH_DB)"; \
		case $$script in \
			*.sh) BENCH_DB=$(BENCH_DB) $$script || exit 1 ;; \
			*) DATABASE_URL=$$(bench/pg.sh url $(BENCH_DB)) $(VENV_PYTHON) $$script || exit 1 ;; \
		esac; \
	done

check-deploy: setup ## manage.py check --deploy with production-like settings
	DEBUG=false ALLOWED_HOSTS=example.org EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
	SECRET_KEY=$$($(VENV_PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	$(MANAGE) check --deploy

clean: ## remove caches and collected static files (keeps .venv and db.sqlite3)
	rm -rf .pytest_cache .ruff_cache .mypy_cache .hypothesis staticfiles
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +

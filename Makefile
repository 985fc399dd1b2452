# Two commands set everything up on a fresh machine with Python 3.11:
#   make run   - virtualenv, install, migrate, demo data, serve on 127.0.0.1:8000 with the worker beside it
#   make test  - virtualenv with dev extras, lint, import contract, migration check, tests
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# `make run` shows every module of the demo: the ones production switches on with its own flags are on here too.
DEMO_ENV := DJANGO_DEBUG=true ENABLE_FINANCE_LEDGER=true ENABLE_FINANCE_METRICS=true ENABLE_CALL_ASSISTANT=true \
	ENABLE_CALENDAR=true ENABLE_MARKETING_MODULE=true
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-dev run test lint messages bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet ".[dev]"
	touch $@ $(STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

# The worker sends what the demo queues and prints each e-mail and SMS in this terminal; the trap stops it when
# runserver exits, Ctrl-C included.
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	$(DEMO_ENV) $(PY) manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

messages: $(DEV_STAMP)
	$(PY) manage.py makemessages -l lt --no-obsolete --no-location --ignore=.venv --ignore=bench
	$(PY) manage.py compilemessages -l lt --ignore=.venv --ignore=bench

bench: $(DEV_STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV)

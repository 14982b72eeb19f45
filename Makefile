# The two commands a newcomer needs: `make run` and `make test`. Everything else is set-up they call.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
# These targets are for development machines: Django runs in debug mode unless told otherwise.
export DEBUG ?= 1

# `make run` and `make serve` run the background worker (imports of large files, form downloads,
# closings) beside the server, under deploy/keep-running: started again if it exits, stopped
# with the server.
.PHONY: run worker test install migrate serve backup restore import annual-report recompute-targets messages check-messages bench bench-load bench-users clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing Benxi CP and its dependencies into $(VENV): several minutes the first time."
	# xstatic-bootstrap ships only as source and its build needs setuptools<82: build in this venv.
	$(PY) -m pip install --quiet --upgrade pip 'setuptools>=69,<82' wheel
	$(PY) -m pip install --no-build-isolation --progress-bar on -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	@$(PY) manage.py compilemessages --ignore '.venv' --verbosity 0

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo $(DEMO_ARGS)
	deploy/keep-running $(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST)

# The background worker alone (background jobs; django-tasks' database backend).
worker: migrate
	$(PY) manage.py db_worker

# The suite on every core (pytest-xdist; a file's tests stay together on one worker; the files in
# the order tests/conftest.py gives them, the slowest first, not by their number of tests).
PYTEST_ARGS ?= -n auto --dist loadfile --no-loadscope-reorder
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

migrate: install
	@$(PY) manage.py migrate --no-input --verbosity 0

# Production (docs/operations.md, "Production"): DEBUG off, whatever DEBUG says; SECRET_KEY, ALLOWED_HOSTS
# (and BENXI_HTTPS=1 behind an HTTPS proxy) from the environment. The static files are collected
# first (without them every page would fail: gunicorn refuses to start), then the database is
# migrated, then gunicorn serves on BENXI_BIND (127.0.0.1:8000) with deploy/gunicorn.conf.py.
serve: install
	DEBUG=0 $(PY) manage.py collectstatic --no-input --verbosity 0
	DEBUG=0 $(PY) manage.py migrate --no-input
	DEBUG=0 deploy/keep-running $(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=0 $(VENV)/bin/gunicorn --config deploy/gunicorn.conf.py

# The database and the uploaded documents, into a new folder (default backups/<date-time>):
#   make backup [DIR=backups/before-upgrade]
#   make restore DIR=backups/20011231-235900   (asks first; stop the site before)
backup: install
	$(PY) manage.py backup $(or $(DIR),backups/$(shell date +%Y%m%d-%H%M%S))

restore: install
	@test -n "$(DIR)" || { echo "make restore DIR=<folder of a backup>"; exit 2; }
	$(PY) manage.py restore $(DIR)
	$(PY) manage.py migrate --no-input

# The commands of docs/operations.md, in debug mode like `make run` (a production machine sets SECRET_KEY and
# runs manage.py itself). Quiet, so that a CSV written to standard output is only the CSV.
#   make import ARGS="enterprises docs/formats/enterprises.sample.csv --dry-run"
#   make annual-report ARGS="--year 2001 --form programme --format csv"
#   make recompute-targets ARGS="--year 2001"
import: migrate
	@$(PY) manage.py import_data $(ARGS)

annual-report: migrate
	@$(PY) manage.py annual_report $(ARGS)

recompute-targets: migrate
	@$(PY) manage.py recompute_targets $(ARGS)

# Benchmark: REPLACES the data of the database DATABASE_URL names with generated data at two
# scales (small, province) and writes docs/benchmarks.md. Options: BENCH_ARGS="--scales small,city".
# It refuses a database holding records it did not generate (demo or real) unless --force.
bench: install
	DJANGO_SETTINGS_MODULE=bench.settings $(PY) manage.py bench $(BENCH_ARGS)

# Load mode (PostgreSQL and REDIS_URL), at the last scale of --scales (province by default):
# gunicorn with deploy/gunicorn.conf.py, 3 workers and the task worker, six readers without and
# with a writer, worker memory, concurrent writes; it replaces only its own section of
# docs/benchmarks.md. BENCH_ARGS="--reuse --duration 60".
bench-load: install
	DJANGO_SETTINGS_MODULE=bench.settings $(PY) manage.py bench --load $(BENCH_ARGS)

# As users meet it, at the last scale of --scales: committed imports (import_data), a save over
# HTTP (gunicorn with deploy/gunicorn.conf.py and the task worker), the forms in PDF
# (annual_report), each in a process of its own; its own section of docs/benchmarks.md.
bench-users: install
	DJANGO_SETTINGS_MODULE=bench.settings $(PY) manage.py bench --as-users $(BENCH_ARGS)

# Re-extract every catalogue after changing user-visible strings, then translate the new entries.
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-location --no-obsolete --ignore '.venv/*' --ignore 'tests/*'

check-messages: $(STAMP)
	$(PY) manage.py check_translations

clean:
	rm -rf $(VENV) db.sqlite3 var

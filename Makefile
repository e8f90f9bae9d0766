# Set-up commands. Each target installs what it needs into .venv first, so
# both work on a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: serve test install install-dev clean odbc messages bench-admin browser bench soak fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp files make the install rerun whenever a requirements file changes.
$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py create_unmanaged_tables --skip-existing
	$(BIN)/python manage.py ensure_development_api_key
	$(BIN)/python -m waitress --host=127.0.0.1 --port=$(PORT) pyorchestrator.wsgi:application

# pyodbc, which mssql-django imports, loads the unixODBC library
# libodbc.so.2. The SQL Server contract tests need it; without root and
# apt-get they skip and say why.
odbc:
	@if ! $(PYTHON) -c "import ctypes; ctypes.CDLL('libodbc.so.2')" 2>/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing libodbc2 (unixODBC) for pyodbc"; \
			apt-get install -y --no-install-recommends libodbc2 >/dev/null 2>&1 \
			|| { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends libodbc2 >/dev/null 2>&1; } \
			|| echo "Could not install libodbc2: the SQL Server contract tests will skip."; \
		else \
			echo "libodbc.so.2 is missing and cannot be installed here (needs root and apt-get): the SQL Server contract tests will skip."; \
		fi; \
	fi

test: install-dev odbc browser
	$(BIN)/python tests/run_suite.py

# The browser test of the admin console drives Debian's Chromium. Installed
# here when missing and the machine allows it (root with apt-get); without
# it that test is skipped and says why (under CI=true it fails).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing chromium for the browser test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
			|| echo "Could not install chromium: the browser test will be skipped."; \
	else echo "chromium is missing and cannot be installed here: the browser test will be skipped."; fi

# Extract the translatable strings into locale/da/LC_MESSAGES/django.po and
# compile django.mo (needs GNU gettext). Both files are committed, so a
# fresh clone needs no gettext.
messages: install-dev
	$(BIN)/python manage.py makemessages -l da --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages -l da --ignore=.venv

# Times the admin's queue pages on 10 thousand and 1 million rows (SQLite).
bench-admin: install-dev
	$(BIN)/python bench/admin_changelist.py

clean:
	rm -rf $(VENV) var

# --- Benchmark, soak and fuzz runs (see docs/benchmarks.md) ---
# Extra arguments, e.g. `make bench BENCH_ARGS="--duration 10"`.
BENCH_ARGS ?=
SOAK_ARGS ?=
FUZZ_ARGS ?=

# wrk comes from Debian's packages; it is installed only when missing.
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	$(BIN)/python -m bench.run_bench $(BENCH_ARGS)

soak: install-dev
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

fuzz: install-dev
	$(BIN)/python -m fuzz.run_fuzz $(FUZZ_ARGS)

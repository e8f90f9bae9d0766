# Set-up commands. Each target installs what it needs into .venv first, so
# both work on a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: serve test install install-dev clean bench soak fuzz

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

test: install-dev
	$(BIN)/python tests/run_suite.py

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

# Two commands for a fresh machine: `make run` and `make test` (see README.md).
VENV ?= .venv
PYTHON ?= python3
PORT ?= 5000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test test-fast lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# `make run` is development mode: the development secret key and the SQLite file
# under instance/ are allowed (README, "Production", for everything else).
run: export TURFMAP_DEBUG ?= 1
run: setup
	$(BIN)/turfmap db upgrade
	$(BIN)/turfmap demo --if-empty
	$(BIN)/turfmap serve --port $(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The inner loop: SQLite only, without the browser, real-server and generated-request
# tests (marked slow), spread over the machine's cores (pytest-xdist). `make test`
# still runs everything, one test at a time, as CI does. Each file stays on one worker
# (--dist loadfile): the boundary-change tests walk one history in order.
test-fast: setup
	TURFMAP_TEST_BACKENDS=sqlite $(BIN)/python -m pytest -m "not slow and not postgis" -q -n auto --dist loadfile

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) instance .pytest_cache bench/out

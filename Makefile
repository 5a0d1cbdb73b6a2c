# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
export FLASK_APP := wsgi

.PHONY: run test bootstrap system-packages lint format clean

run: bootstrap ## run registry, gateway, broker (if none answers) and demo data
	$(PY) scripts/run_local.py

# In parallel, a worker per core and at least two (pytest-xdist); a test file stays on one worker, so that
# its module fixtures (a served district, a broker) are made once. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -lt 2 ] && n=2; echo $$n)

test: bootstrap ## run the whole test suite
	@sh scripts/ensure_system_packages.sh test
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bootstrap: system-packages $(VENV)/.installed

system-packages:
	@sh scripts/ensure_system_packages.sh

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

lint: bootstrap
	$(VENV)/bin/ruff check registry gateway scripts tests
	$(VENV)/bin/ruff format --check registry gateway scripts tests

format: bootstrap
	$(VENV)/bin/ruff format registry gateway scripts tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

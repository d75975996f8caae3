# OpenMSK: `make demo` serves the synthetic demo clinic; `make test` runs the whole suite.
PYTHON ?= python3
PORT ?= 8000
HOST ?= 127.0.0.1
VENV := .venv
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test bench install clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c requirements.lock -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(VENV)/bin/pip install --quiet -c requirements.lock -e ".[test]"
	touch $@

install: $(STAMP)

demo: $(STAMP)
	OPENMSK_VAR_DIR=$${OPENMSK_VAR_DIR:-var} $(VENV)/bin/openmsk demo --host $(HOST) --port $(PORT)

test: $(TEST_STAMP)
	scripts/run-tests.sh $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	scripts/run-benchmarks.sh

clean:
	rm -rf $(VENV) .pytest_cache

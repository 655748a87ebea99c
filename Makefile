# The commands people run. `make run` and `make test` set everything up on a fresh machine.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 7860

.PHONY: run test test-all install browser index lint format clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## The web chat on the bundled corpus (the index is built on first use) at http://127.0.0.1:7860
run: install
	$(VENV)/bin/clinqa index
	$(VENV)/bin/clinqa serve --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium is not installed (apt-get install chromium); the browser tests will be skipped"; fi; }

## The test suite (slow full-corpus tests excluded; `make test-all` runs them too)
test: install browser
	$(VENV)/bin/pytest -m "not slow"

test-all: install browser
	$(VENV)/bin/pytest

index: install
	$(VENV)/bin/clinqa index

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info

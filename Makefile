# The commands people run. `make run` and `make test` set everything up on a fresh machine.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 7860

.PHONY: run test test-all install browser index lint format clean fit

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

## Refit the answer engine (assistant/answer_model.json) on the fit part of every gold set, each on its index.
## The MedQuAD sets need the full index (about 15 minutes to build the first time).
## FIT_FLAGS=--declines-only refits only when to decline, keeping the statement model; --statements-only the reverse.
FIT_HOME ?= .clinqa/fit
SHARED   ?= ../shared
FULL     := --corpus corpus/articles --corpus $(SHARED)/corpora/medquad/articles
fit: install
	CLINQA_HOME=$(FIT_HOME)/seed $(VENV)/bin/clinqa index
	CLINQA_HOME=$(FIT_HOME)/full $(VENV)/bin/clinqa index $(FULL)
	CLINQA_HOME=$(FIT_HOME)/seed $(VENV)/bin/clinqa eval --split fit --out $(FIT_HOME)/seed-report \
	  --features $(FIT_HOME)/seed.jsonl
	CLINQA_HOME=$(FIT_HOME)/seed $(VENV)/bin/clinqa eval --split fit --out $(FIT_HOME)/clinician-report \
	  --gold $(SHARED)/evals/clinician-seed-dev.jsonl --features $(FIT_HOME)/clinician.jsonl
	CLINQA_HOME=$(FIT_HOME)/full $(VENV)/bin/clinqa eval --split fit $(FULL) --out $(FIT_HOME)/mqclin-report \
	  --gold $(SHARED)/evals/clinician-medquad-dev.jsonl --features $(FIT_HOME)/medquad-clinician.jsonl
	CLINQA_HOME=$(FIT_HOME)/full $(VENV)/bin/clinqa eval --split fit $(FULL) --out $(FIT_HOME)/medquad-report \
	  --medquad $(SHARED)/corpora/medquad --sample 300,60,30 --seed 13 --features $(FIT_HOME)/medquad.jsonl
	CLINQA_HOME=$(FIT_HOME)/full $(VENV)/bin/clinqa eval --split fit $(FULL) --out $(FIT_HOME)/who-sees-report \
	  --gold evals/gold/who-sees.jsonl --features $(FIT_HOME)/who-sees.jsonl
	$(VENV)/bin/clinqa fit $(FIT_FLAGS) $(FIT_HOME)/seed.jsonl $(FIT_HOME)/clinician.jsonl \
	  $(FIT_HOME)/medquad-clinician.jsonl $(FIT_HOME)/medquad.jsonl $(FIT_HOME)/who-sees.jsonl

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info

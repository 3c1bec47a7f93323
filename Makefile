# Everything runs from a project-local virtualenv; `make setup` builds it from scratch.
VENV ?= .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: setup demo test test-fast test-postgres lint bench clean

setup: $(BIN)/journey

$(BIN)/journey: pyproject.toml
	python3 -m venv $(VENV)
	# torch is pinned to the CPU build first, so nothing pulls the CUDA wheels.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/journey

demo: setup
	$(BIN)/journey demo

test: setup
	$(BIN)/python -m pytest

# Everything but the tests marked slow: for a quick check while working.
test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

test-postgres: setup
	JOURNEY_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: setup
	$(BIN)/python bench/event_ingest.py --events 100000
	JOURNEY_BENCH_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python bench/event_ingest.py --events 100000
	$(BIN)/python bench/knowledge_ingest.py
	$(BIN)/python bench/retrieval.py --chunks 10000 100000
	$(BIN)/python bench/chat_http.py --questions 100
	$(BIN)/python -m bench.chat_load --visitors 100 --seconds 60
	JOURNEY_BENCH_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m bench.chat_load --visitors 100 --seconds 60
	$(BIN)/python -m bench.long_conversation
	$(BIN)/python bench/analysis.py --tickets 10000

clean:
	rm -rf $(VENV) var
